"""Every route × every persona × in scope / out of scope / missing, GET and POST
(issue 14, "Tests that must exist"; STYLE.md: the authorization matrix).

One test per persona walks the whole table of `tests/authz/matrix.py` inside one
transaction; each request runs in a savepoint that is rolled back, so an allowed
action does not change the world the next request sees. Refused requests must
leave every business table as it was, and no body may carry the archive number
of a customer outside the persona's scope.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz.known_gaps import KNOWN_GAPS
from tests.authz.matrix import (
    ADMIN_LOGIN,
    ANONYMOUS,
    DONE,
    FORM_REFUSED,
    GONE,
    IN,
    LOGIN,
    NONE,
    OTHER_CLERK,
    OTHER_MANAGER,
    OUT,
    PERSONAS,
    REFUSED,
    SUPERUSER,
    Case,
)
from tests.authz.rules import CASES
from tests.authz.world import MISSING, World, build_world

BUSINESS_APPS = (
    "customers",
    "transactions",
    "interactions",
    "bulk",
    "review",
    "lifecycle",
    "outreach",
    "campaigns",
    "watch",
)


# The resolver --------------------------------------------------------------------


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterable[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            if entry.name:
                yield f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                yield prefix + str(entry.pattern)


def resolver_routes() -> set[str]:
    return set(_routes(get_resolver()))


def test_every_route_of_the_resolver_has_an_entry_in_the_matrix_and_no_entry_is_stale():
    in_matrix = {case.route for case in CASES}
    routes = resolver_routes()
    assert len(routes) > 150, "the walk of the resolver found too few routes"
    assert routes - in_matrix == set(), "routes without a rule in tests/authz/matrix.py"
    assert in_matrix - routes == set(), "rules for routes that no longer exist"


def test_every_case_answers_every_persona_scope_and_method():
    for case in CASES:
        for persona in PERSONAS:
            for scope in case.scope_list():
                for method in ("get", "post"):
                    assert case.expect(persona, scope, method) is not None, (case.key, persona, scope, method)


# The walk ----------------------------------------------------------------------


def _business_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for app in BUSINESS_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not model._meta.proxy
    )


def fingerprint(tables: list[str]) -> dict[str, str]:
    """Row count and a hash of every row, per business table: the tables are
    small, so this is cheap enough to take after every refused request."""
    prints = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608 - our own table names
            # Sorted here too: ORDER BY 1 is not unique in a history table (its first
            # column is the record's id), and PostgreSQL may return ties in another order.
            rows = sorted(cursor.fetchall(), key=repr)
            prints[table] = f"{len(rows)}:{hashlib.sha1(repr(rows).encode(), usedforsecurity=False).hexdigest()}"
    return prints


def _sides(world: World, persona: str):
    """(in scope, out of scope) for the persona: their department and the other."""
    if persona == OTHER_MANAGER:
        return world.away, world.home
    return world.home, world.away


def forbidden_archive_numbers(world: World, persona: str) -> set[str]:
    home, away = _sides(world, persona)
    forbidden = set(away.archive_numbers)
    if persona in (OTHER_CLERK, SUPERUSER, ANONYMOUS):
        forbidden |= home.archive_numbers  # they see no customer at all
    return forbidden


def _missing(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return MISSING
    if isinstance(value, list):
        return [_missing(v) for v in value]
    if isinstance(value, dict):
        return {k: _missing(v) for k, v in value.items()}
    return value


def url_of(case: Case, world: World, persona: str, scope: str) -> tuple[str, object]:
    home, away = _sides(world, persona)
    side = away if scope == OUT else home
    kwargs = case.target(side) if case.target else {}
    if scope == GONE:
        kwargs = _missing(kwargs)
    query = kwargs.pop("?", None)
    args = kwargs.pop("args", None)
    url = case.path.format(**kwargs) if case.path is not None else reverse(case.route, args=args, kwargs=kwargs or None)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url, side


def _body(response) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def _answers(expected, response, login_url: str) -> bool:
    if isinstance(expected, frozenset):
        return any(_answers(e, response, login_url) for e in expected)
    status = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN:
        return status == 302 and location.startswith(login_url)
    if expected == ADMIN_LOGIN:
        return status == 302 and location.startswith(reverse("admin:login"))
    if expected == DONE:
        return status == 302 and not location.startswith(login_url)
    if expected == REFUSED:
        return status == 403 or (status == 302 and not location.startswith(login_url))
    if expected == FORM_REFUSED:
        return status in (200, 403) or (status == 302 and not location.startswith(login_url))
    return status == expected


def _may_change(expected) -> bool:
    return expected == DONE or (isinstance(expected, frozenset) and DONE in expected)


TAMPERED = "篡改"


def echo_admin_form(response) -> dict | None:
    """The admin form a GET showed, as a browser would post it back, with one
    text value tampered with: what an attacker posts to the history form."""
    context = getattr(response, "context", None)
    if response.status_code != 200 or not context or "adminform" not in context:
        return None
    form = context["adminform"].form
    data: dict = {"_save": "1"}
    for name, form_field in form.fields.items():
        value = form[name].value()
        widget = form_field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            data.update({f"{name}_{i}": str(part) for i, part in enumerate(parts) if part is not None})
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    for name in ("name", "summary", "content", "title", "comment", "note", "order_no"):
        if name in form.fields:
            data[name] = TAMPERED
            break
    return data


class _Undo(Exception):
    """Rolls the savepoint of one request back."""


class WriteWatch:
    """Notes whether a request wrote anything at all: only then is the (exact,
    dearer) fingerprint of the business tables taken and compared."""

    def __init__(self) -> None:
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        if not self.wrote and sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.wrote = True
        return execute(sql, params, many, context)


def walk(client: Client, world: World, persona: str, user) -> dict[tuple[str, str, str, str], str]:
    login_url = resolve_url(settings.LOGIN_URL)
    tables = _business_tables()
    baseline = fingerprint(tables)
    forbidden = forbidden_archive_numbers(world, persona)
    failures: dict[tuple[str, str, str, str], str] = {}
    watch = WriteWatch()
    with connection.execute_wrapper(watch):
        _walk_cases(client, world, persona, user, login_url, tables, baseline, forbidden, failures, watch)
    return failures


def _walk_cases(client, world, persona, user, login_url, tables, baseline, forbidden, failures, watch) -> None:
    for case in CASES:
        for scope in case.scope_list():
            url, side = url_of(case, world, persona, scope)
            echoed = None
            for method in ("get", "post"):
                expected = case.expect(persona, scope, method)
                data = case.data(world, side) if (case.data and method == "post") else {}
                if method == "post" and echoed is not None:
                    data = echoed
                if scope == GONE and data:
                    data = _missing(data) if case.route.startswith("admin:") else data
                problems: list[str] = []
                watch.wrote = False
                try:
                    with transaction.atomic():
                        response = getattr(client, method)(url, data)
                        if not _answers(expected, response, login_url):
                            problems.append(
                                f"got {response.status_code} {response.get('Location', '')}, expected {expected}"
                            )
                        if method == "get" and case.echo_form:
                            echoed = echo_admin_form(response)
                        body = _body(response).decode("utf-8", "replace")
                        leaked = sorted(no for no in forbidden if no in body)
                        if leaked:
                            problems.append(f"out-of-scope archive numbers in the body: {leaked}")
                        must_not_change = not _may_change(expected) or (case.business and method == "post")
                        if must_not_change and watch.wrote:
                            after = fingerprint(tables)
                            changed = sorted(t for t in tables if after[t] != baseline[t])
                            if changed:
                                problems.append(f"rows changed by a refused request: {changed}")
                        if expected == DONE and not problems and (not watch.wrote or fingerprint(tables) == baseline):
                            problems.append("answered as done, but no business row changed")
                        raise _Undo
                except _Undo:
                    pass
                except Exception as exc:  # a 500: the test client re-raises it
                    problems.append(f"server error {type(exc).__name__}: {exc}"[:300])
                # A message stored by this request would show on the next page:
                # each request is judged on its own.
                client.cookies.pop("messages", None)
                if case.relogin and user is not None:
                    client.force_login(user)
                if problems:
                    failures[(case.key, persona, scope, method)] = f"{method.upper()} {url}: " + "; ".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_answers_the_persona_exactly_as_the_matrix_says(
    persona, request, settings, tmp_path, clerk, other_clerk, reviewer, manager, other_department_manager
):
    settings.CRM_IMPORT_DIR = tmp_path / "imports"
    world = build_world(
        clerk=clerk,
        other_clerk=other_clerk,
        reviewer=reviewer,
        manager=manager,
        other_department_manager=other_department_manager,
    )
    user = None if persona == ANONYMOUS else request.getfixturevalue(persona)
    client = Client()
    if user is not None:
        client.force_login(user)
    quiet = logging.getLogger("django.request")
    level, quiet.level = quiet.level, logging.CRITICAL  # thousands of expected 403/404/405 warnings
    try:
        failures = walk(client, world, persona, user)
    finally:
        quiet.level = level
    gaps = {cell for cell in KNOWN_GAPS if cell[1] == persona}
    unexpected = {cell: why for cell, why in failures.items() if cell not in gaps}
    fixed = sorted(gaps - set(failures))
    report = "\n".join(f"{cell}: {why}" for cell, why in sorted(unexpected.items()))
    assert not unexpected, f"{len(unexpected)} cells disagree with the matrix:\n{report}"
    assert not fixed, f"these KNOWN_GAPS now hold; remove them from the set: {fixed}"


def test_the_scopes_named_in_the_matrix_are_the_ones_walked():
    assert {IN, OUT, GONE, NONE} >= {scope for case in CASES for scope in case.scope_list()}
