"""The API's authorization matrix (issue 21): every route of /api/v1/ × every
kind of token (enter / reader, of the home department or the other one, revoked,
expired, none) × an object in the token's scope, one out of it and a missing id,
on GET and on POST. A route missing from the table fails the test.

Scope follows the rights of the token's system account: an "enter" token acts
as a clerk (it sees what it entered), a "reader" token sees its department's
records with personal values masked. Out of scope is a 404, as on the pages; no
body carries an archive number out of the token's scope or an ID number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.auth import TokenRateThrottle
from customers.models import Customer
from tests.api.conftest import bearer, customer_body
from tests.api.world import MISSING, build_world

IN, OUT, GONE, NONE = "in", "out", "missing", "none"
KINDS = ("enter", "reader", "away_enter", "away_reader", "revoked", "expired", "none")
LIVE = KINDS[:4]

DETAIL = ("api:customer", "api:transaction", "api:contact", "api:complaint", "api:survey")
LISTS = ("api:customers", "api:transactions", "api:contacts", "api:complaints", "api:surveys", "api:products")
OPEN = ("api:schema", "api:docs")
POSTED = ("api:customer_reveal", "api:customer_grant_request")


def _local(hours: int = -2) -> str:
    return (timezone.localtime() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


BODIES = {
    "api:customers": lambda customer: customer_body(),
    "api:transactions": lambda customer: {
        "customer": customer,
        "kind": "purchase",
        "occurred_at": _local(),
        "amount": "1280.50",
        "currency": "CNY",
        "payment_method": "wechat_pay",
    },
    "api:contacts": lambda customer: {
        "customer": customer,
        "occurred_at": _local(),
        "channel": "phone",
        "direction": "inbound",
        "kind": "consultation",
        "summary": "咨询",
    },
    "api:complaints": lambda customer: {
        "customer": customer,
        "received_at": _local(),
        "channel": "phone",
        "category": "service",
        "severity": "normal",
        "content": "等待时间过长",
    },
    "api:customer_search": lambda customer: {"q": "KH"},
    "api:customer_reveal": lambda customer: {"field": "id_number", "purpose": "核对"},
    "api:customer_grant_request": lambda customer: {"purpose": "核对开户资料", "hours": 2},
}
# A POST that enters a row for the customer named in its body: the scope is that customer's.
ENTERS_FOR_A_CUSTOMER = ("api:transactions", "api:contacts", "api:complaints")


def expected(route: str, kind: str, scope: str, method: str) -> int:
    """The status the matrix requires."""
    if route == CHANGES:  # the feed app's view (issue 21 item 4), once mounted: any live token reads its scope
        return (200 if method == "get" else 405) if kind in LIVE else 401
    if route in OPEN:
        return 200 if method == "get" else 405
    if kind not in LIVE:
        return 401
    enters = kind.endswith("enter")
    if route == "api:customers" and method == "post":
        return 201 if enters else 403
    if route in ENTERS_FOR_A_CUSTOMER and method == "post":
        if not enters:
            return 403  # the role does not enter these, whatever the customer
        return 201 if scope == IN else 404
    if route in LISTS:
        return 200 if method == "get" else 405
    if route == "api:customer_search":
        return 200 if method == "post" else 405
    # A detail route takes GET, the reveal and the grant request POST; the other
    # method is refused before any lookup.
    takes = "post" if route in POSTED else "get"
    if method != takes:
        return 405
    if scope != IN:
        return 404
    if route == "api:customer_grant_request":
        return 201 if enters else 403  # a reader's role does not ask for grants
    return 403 if route == "api:customer_reveal" else 200  # a reveal: no live grant


def api_routes() -> set[str]:
    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "api":
                yield f"api:{entry.name}"

    return set(walk(get_resolver().url_patterns))


# The change feed (the feed app's view) is mounted by the integrator at api:changes.
CHANGES = "api:changes"


def routed() -> set[str]:
    mounted = {CHANGES} & api_routes()
    return {*DETAIL, *LISTS, *OPEN, *POSTED, *mounted, "api:customer_search", "api:product"}


def test_every_api_route_is_in_the_matrix_and_no_entry_is_stale():
    assert api_routes() == routed()


class _Undo(Exception):
    pass


def _sides(world, kind):
    if kind.startswith("away_"):
        return world.away, world.home
    return world.home, world.away


def _secret(world, kind) -> str | None:
    if kind == "none":
        return None
    if kind in ("revoked", "expired"):
        return getattr(world, kind)
    mine, _other = _sides(world, kind)
    return mine.tokens[kind.removeprefix("away_")][1]


def _target(world, kind, route, scope) -> tuple[str, int | None]:
    """The URL, and the customer a body names."""
    mine, other = _sides(world, kind)
    rows_kind = "enter" if kind.endswith("enter") else "reader"
    side = other if scope == OUT else mine
    rows = side.rows_of(rows_kind)
    customer = MISSING if scope == GONE else rows.customer.pk
    if route in routed() - {*LISTS, *OPEN, CHANGES, "api:customer_search"}:
        pk = MISSING if scope == GONE else rows.by_route(world.product)[route]
        return reverse(route, kwargs={"pk": pk}), customer
    return reverse(route), customer


def _scopes(route: str) -> tuple[str, ...]:
    if route == "api:product":
        return (IN, GONE)  # the catalogue is the company's
    if route in DETAIL or route in POSTED or route in ENTERS_FOR_A_CUSTOMER:
        return (IN, OUT, GONE)
    return (NONE,)


@pytest.mark.django_db
def test_every_api_route_answers_every_token_exactly_as_the_matrix_says(manager, other_department_manager, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "100000/min"})
    world = build_world(manager=manager, other_department_manager=other_department_manager)
    plaintexts = {value for c in Customer.objects.all() for value in (c.id_number, c.bank_account) if value}
    failures: list[str] = []
    requests = 0
    for kind in KINDS:
        secret = _secret(world, kind)
        client = bearer(secret) if secret else bearer("")
        if secret is None:
            client.credentials()
        mine, other = _sides(world, kind)
        forbidden = set(other.archive_numbers)
        for route in sorted(routed()):
            for scope in _scopes(route):
                url, customer = _target(world, kind, route, scope)
                for method in ("get", "post"):
                    want = expected(route, kind, scope, method)
                    body = BODIES[route](customer) if method == "post" and route in BODIES else {}
                    requests += 1
                    try:
                        with transaction.atomic():
                            response = getattr(client, method)(url, body, format="json")
                            text = response.content.decode()
                            problems = []
                            if response.status_code != want:
                                problems.append(f"got {response.status_code}, expected {want}: {text[:200]}")
                            if leaked := sorted(no for no in forbidden if no in text):
                                problems.append(f"out-of-scope archive numbers: {leaked}")
                            if any(number in text for number in plaintexts):
                                problems.append("an ID or bank number in the body")
                            if problems:
                                failures.append(
                                    f"{kind} {method.upper()} {route} [{scope}] {url}: " + "; ".join(problems)
                                )
                            raise _Undo
                    except _Undo:
                        pass
    assert not failures, f"{len(failures)} of {requests} cells disagree:\n" + "\n".join(failures)
    assert requests > 200
