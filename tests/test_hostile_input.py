"""Hostile input (issue 14): every form and every filter of the app, given values
an attacker or a careless paste would send, answers with a page, never a 500; a
refused POST writes nothing; whatever is echoed back is escaped.

The routes come from the URL resolver, so a new page is covered the day it is
added: a route without an entry in ROUTES fails `test_every_route_has_an_entry`.
The fields each view reads come from the view itself: the form classes its code
names (their fields) and the parameter names it reads (`request.POST.get("owner")`),
so a field added to a form is posted hostile values without touching this file."""

from __future__ import annotations

import inspect
import re
import types
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.messages import constants as message_levels
from django.db import connection, transaction
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from bulk.models import ImportJob, JobStatus
from customers import services as customer_services
from customers.models import DuplicatePair
from interactions import services as interaction_services
from lifecycle.models import SampleCheck
from lifecycle.services import archive as archive_services
from lifecycle.services import destruction as destruction_services
from lifecycle.services import holds as hold_services
from lifecycle.services import subject as subject_services
from submissions.forms import FIELD as FORM_TOKEN
from tests import hostile_parts
from tests.factories import CustomerFactory
from tests.hostile_routes import ROUTES
from tests.records import complaint_fields, contact_fields
from transactions import services as transaction_services

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    "",
    "x" * 10_000,
    "a\x00b",
    "\ud800",  # a lone surrogate: sent as the bytes a broken client would send
    "😀" * 20,
    "\u202e\u200f\u200bRTL",
    SCRIPT,
    "'; DROP TABLE customers_customer; --",
    "0001-01-01",
    "9999-12-31",
    str(10**20),
    "NaN",
    "-1",
    "987654321",  # an id that does not exist
]
# Apps whose rows are the business: a refused request changes none of their tables.
BUSINESS_APPS = ("customers", "transactions", "interactions", "review", "bulk", "vault", "lifecycle")


def _encode(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _urlencoded(pairs: dict[str, str]) -> str:
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs.items())


# What each view reads ------------------------------------------------------------

_PARAM = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def _form_classes_and_params(func, depth: int = 0) -> tuple[set[type], set[str]]:
    """Form classes a view's code names, and the names it may read from the request
    (string constants that look like parameter names), following the module's own
    helpers (`_create`, `_decide`) and nested functions."""
    func = inspect.unwrap(func)
    classes: set[type] = set()
    params: set[str] = set()
    module_globals = getattr(func, "__globals__", {})

    def walk(code: types.CodeType) -> None:
        for name in code.co_names:
            target = module_globals.get(name)
            if isinstance(target, type) and issubclass(target, forms.BaseForm):
                classes.add(target)
            elif (
                depth < 2
                and isinstance(target, types.FunctionType)
                and target.__module__ == func.__module__
                and target is not func
            ):
                more_classes, more_params = _form_classes_and_params(target, depth + 1)
                classes.update(more_classes)
                params.update(more_params)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                walk(const)
            elif isinstance(const, str) and _PARAM.match(const):
                params.add(const)

    if hasattr(func, "__code__"):
        walk(func.__code__)
    return classes, params


def fields_read_by(view) -> list[str]:
    classes, params = _form_classes_and_params(view)
    names = set(params) | {"page", FORM_TOKEN}
    for form_class in classes:
        names.update(form_class.base_fields)
    return sorted(names)


def app_routes() -> dict[str, URLPattern]:
    """Every named route of the app (the admin is tested on its own below)."""
    found: dict[str, URLPattern] = {}

    def walk(patterns, namespaces: list[str]) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in ("admin", "api"):
                    continue  # the API answers hostile input under schemathesis (tests/api/)
                walk(entry.url_patterns, [*namespaces, entry.namespace] if entry.namespace else namespaces)
            elif isinstance(entry, URLPattern) and entry.name:
                found[":".join([*namespaces, entry.name])] = entry

    walk(get_resolver().url_patterns, [])
    return found


# The world the routes act on -----------------------------------------------------


@dataclass
class World:
    people: dict
    ids: dict
    routes: dict = field(default_factory=dict)


@pytest.fixture
def world(department, clerk, other_clerk, reviewer, manager, security_officer) -> World:
    approved = customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )
    changing = customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )
    change = customer_services.change_request_create(
        actor=clerk, customer=changing, fields={"occupation": "工程师"}, reason="客户换了工作"
    )
    pending = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    draft = CustomerFactory(actor=clerk)
    grant = customer_services.grant_request(actor=reviewer, customer=approved, purpose="核对身份", hours=24)
    yesterday = timezone.now() - timedelta(days=1)
    draft_txn = transaction_services.transaction_create(
        actor=clerk, customer=approved, fields={"kind": "purchase", "occurred_at": yesterday, "amount": Decimal("10")}
    )
    pending_txn = transaction_services.transaction_submit(
        actor=clerk,
        txn=transaction_services.transaction_create(
            actor=clerk,
            customer=approved,
            fields={"kind": "purchase", "occurred_at": yesterday, "amount": Decimal("20")},
        ),
    )
    order = transaction_services.order_create(actor=clerk, customer=approved, order_no="DD-1")
    contact = interaction_services.interaction_log(
        actor=clerk,
        customer=approved,
        fields=contact_fields(occurred_at=yesterday, summary="回访", content="", follow_up_at=yesterday),
    )
    complaint = interaction_services.complaint_receive(
        actor=clerk,
        customer=approved,
        fields=complaint_fields(received_at=yesterday, content="服务态度差"),
    )
    job = ImportJob.objects.create(owner=clerk, filename="a.csv", file_format="csv", status=JobStatus.FAILED)
    pair = DuplicatePair.objects.create(first=approved, second=changing, rules=["mobile"], score=0.8)
    merge = customer_services.merge_propose(
        actor=manager, survivor=approved, merged=pending, take_from_merged=[], reason="同一客户"
    )
    expired = customer_services.customer_approve(
        actor=reviewer,
        customer=customer_services.customer_submit(
            actor=clerk,
            customer=CustomerFactory(
                actor=clerk,
                consent_at=timezone.now() - timedelta(days=2000),
                retention_until=timezone.localdate() - timedelta(days=1),
            ),
        ),
    )
    destruction = destruction_services.destruction_request(
        actor=manager, customer=expired, basis="retention_passed", reason="保存期限已过"
    )
    hold = hold_services.legal_hold_place(actor=manager, customer=changing, reason="争议未结")
    archive_request = archive_services.archive_request_create(actor=clerk, customer=changing, reason="客户已销户")
    subject_request = subject_services.subject_request_record(
        actor=clerk, customer=approved, kind="copy", received_on=timezone.localdate()
    )
    sample = SampleCheck.objects.create(
        customer=approved,
        department=approved.department,
        period_start=timezone.localdate() - timedelta(days=7),
        period_end=timezone.localdate(),
        maker=clerk,
        checker=manager,
        reviewer=reviewer,
    )
    people = {
        "clerk": clerk,
        "reviewer": reviewer,
        "manager": manager,
        "security": security_officer,
        "anonymous": None,
    }
    ids = {
        "approved": approved.pk,
        "changing": changing.pk,
        "change": change.pk,
        "pending": pending.pk,
        "draft": draft.pk,
        "grant": grant.pk,
        "draft_txn": draft_txn.pk,
        "pending_txn": pending_txn.pk,
        "order": order.pk,
        "contact": contact.pk,
        "complaint": complaint.pk,
        "job": job.pk,
        "pair": pair.pk,
        "merge": merge.pk,
        "destruction": destruction.pk,
        "hold": hold.pk,
        "archive_request": archive_request.pk,
        "sample": sample.pk,
        "subject_request": subject_request.pk,
    }
    for part in hostile_parts.parts():
        ids.update(part.build(people, ids))
    return World(people=people, ids=ids)


def _url(world: World, name: str) -> str:
    kwargs, query, _personas = ROUTES[name]
    resolved = {key: world.ids.get(value, value) for key, value in kwargs.items()}
    return reverse(name, kwargs=resolved) + query.format(**world.ids)


def _business_counts() -> dict[str, int]:
    """Rows in every business table, in one query."""
    tables = sorted(
        {model._meta.db_table for label in BUSINESS_APPS for model in apps.get_app_config(label).get_models()}
    )
    quote_name = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote_name(table)})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # the models' own table names, quoted
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _errors_in_messages(response) -> bool:
    storage = getattr(response.wsgi_request, "_messages", None)
    return any(m.level >= message_levels.WARNING for m in getattr(storage, "_queued_messages", []))


class Probe:
    """Sends requests inside a savepoint that is rolled back, so each hostile value
    meets the same world, and collects what went wrong instead of stopping at the
    first failure (the report lists every route and value at once)."""

    def __init__(self, client):
        self.client = client
        self.failures: list[str] = []
        self.requests = 0

    def login(self, user) -> None:
        self.client.logout()
        if user is not None:
            self.client.force_login(user)

    def send(self, method: str, url: str, pairs: dict[str, str], label: str, *, check_writes: bool) -> None:
        self.requests += 1
        with transaction.atomic():
            before = _business_counts() if check_writes else None
            try:
                if method == "GET":
                    joiner = "&" if "?" in url else "?"
                    response = self.client.get(url + joiner + _urlencoded(pairs) if pairs else url)
                else:
                    response = self.client.post(
                        url, data=_urlencoded(pairs), content_type="application/x-www-form-urlencoded"
                    )
            except Exception as exc:  # a raised exception is the 500 this test looks for
                self.failures.append(f"{label}: raised {type(exc).__name__}: {str(exc)[:160]}")
                transaction.set_rollback(True)
                return
            self._check(response, label)
            refused = response.status_code != 302 or _errors_in_messages(response)
            if check_writes and refused and _business_counts() != before:
                after = _business_counts()
                changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                self.failures.append(f"{label}: refused ({response.status_code}) but wrote {changed}")
            if response.status_code == 302 and response.url.startswith("/") and SCRIPT in pairs.values():
                self._check(self.client.get(response.url), f"{label} → {response.url}")
            transaction.set_rollback(True)
        self.client.cookies.pop("messages", None)

    def verdict(self) -> None:
        if self.failures:
            pytest.fail(f"{len(self.failures)} of {self.requests} requests went wrong:\n" + "\n".join(self.failures))

    def _check(self, response, label: str) -> None:
        if response.status_code >= 500:
            self.failures.append(f"{label}: status {response.status_code}")
        html = "html" in response.get("Content-Type", "") and not getattr(response, "streaming", False)
        if html and SCRIPT.encode() in response.content:
            self.failures.append(f"{label}: the script came back unescaped")


# The tests -----------------------------------------------------------------------


def test_every_route_has_an_entry():
    missing = sorted(set(app_routes()) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(app_routes()))
    assert not missing, f"add these routes to ROUTES in {__name__}: {missing}"
    assert not stale, f"these ROUTES entries no longer exist: {stale}"


def test_the_field_list_is_read_from_the_views():
    routes = app_routes()
    customer_fields = fields_read_by(routes["customers:create"].callback)
    assert {"name", "id_number", "bank_account", "birth_date", "consent_at"} <= set(customer_fields)
    assert "owner" in fields_read_by(routes["customers:reassign_owner"].callback)
    assert {"occurred_at", "amount", "original"} <= set(fields_read_by(routes["transactions:create"].callback))
    assert {"received_at", "handler"} <= set(fields_read_by(routes["interactions:complaint_create"].callback))


@pytest.mark.django_db
def test_hostile_values_in_every_form_and_filter_never_give_a_server_error_or_a_partial_write(client, world):
    probe = Probe(client)
    routes = app_routes()
    for name, pattern in sorted(routes.items()):
        url = _url(world, name)
        names = fields_read_by(pattern.callback)
        for persona in ROUTES[name][2]:
            probe.login(world.people[persona])
            takes_get = client.get(url).status_code != 405
            for value in HOSTILE:
                pairs = dict.fromkeys(names, value)
                label = f"{persona} {name} {value[:20]!r}"
                if takes_get:
                    probe.send("GET", url, pairs, f"GET {label}", check_writes=False)
                probe.send("POST", url, pairs, f"POST {label}", check_writes=True)
            # A date range with both ends at the edges of the calendar.
            edges = {"since": "0001-01-01", "until": "9999-12-31"}
            probe.send("GET", url, edges, f"GET {persona} {name} edges", check_writes=False)
    probe.verdict()
    assert probe.requests > 1000


@pytest.mark.django_db
def test_hostile_values_in_path_segments_are_not_found_or_refused(client, world):
    probe = Probe(client)
    for name in ("customers:reveal", "customers:grant_decide", "bulk:export"):
        kwargs, _query, personas = ROUTES[name]
        probe.login(world.people[personas[0]])
        for key, value in kwargs.items():
            if value in world.ids:
                continue
            for hostile in HOSTILE:
                bent = {k: world.ids.get(v, v) for k, v in kwargs.items()} | {key: hostile}
                try:
                    url = reverse(name, kwargs=bent)
                except (NoReverseMatch, UnicodeEncodeError):  # not a path a browser can send
                    continue
                probe.send("GET", url, {}, f"GET {name} {key}={hostile[:20]!r}", check_writes=False)
                probe.send("POST", url, {}, f"POST {name} {key}={hostile[:20]!r}", check_writes=True)
    probe.verdict()


ADMIN_PARAMS = [
    {"q": SCRIPT},
    {"q": "\x00"},
    {"p": str(10**20)},
    {"p": "-1"},
    {"p": "abc"},
    {"o": "abc"},
    {"o": "99.-1"},
    {"{dh}__year": "9999", "{dh}__month": "12", "{dh}__day": "31"},
    {"{dh}__year": "9999", "{dh}__month": "12"},
    {"{dh}__year": "9999"},
    {"{dh}__year": "1", "{dh}__month": "1", "{dh}__day": "1"},
    {"{dh}__year": "abc"},
    {"{dh}__gte": "0001-01-01"},
    {"{dh}__lt": "9999-12-31"},
    {"{dh}__gte": "9999-12-31 23:59:59"},
    {"id__exact": "abc"},
    {"customer__id__exact": "1e99"},
]


@pytest.mark.django_db
def test_admin_lists_and_filters_answer_hostile_parameters(client, world):
    probe = Probe(client)
    probe.login(world.people["manager"])
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        date_field = model_admin.date_hierarchy or "created_at"
        for params in ADMIN_PARAMS:
            pairs = {key.format(dh=date_field): value for key, value in params.items()}
            probe.send("GET", url, pairs, f"GET {url} {pairs}", check_writes=False)
        for bad_pk in ("abc", "1e99", str(10**20)):
            for view in ("change", "history"):
                try:
                    target = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=[bad_pk])
                except NoReverseMatch:
                    continue
                probe.send("GET", target, {}, f"GET {target}", check_writes=False)
    probe.verdict()


@pytest.mark.django_db
def test_reports_answer_hostile_date_ranges_and_choices(client, world):
    from reports.views import REPORTS

    probe = Probe(client)
    probe.login(world.people["manager"])
    for name in REPORTS:
        url = reverse("admin:report", args=[name])
        for value in HOSTILE:
            pairs = {"since": value, "until": value, "department": value, "export": value, "page": value}
            probe.send("GET", url, pairs, f"GET report {name} {value[:20]!r}", check_writes=False)
        for since, until in (("0001-01-01", "9999-12-31"), ("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-01")):
            for export in ("", "csv", "xlsx"):
                pairs = {"since": since, "until": until, "export": export}
                probe.send("GET", url, pairs, f"GET report {name} {pairs}", check_writes=False)
    probe.verdict()
