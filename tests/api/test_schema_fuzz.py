"""A property-based run against the API's own schema (issue 21): schemathesis
draws requests from /api/v1/schema/ for every operation — valid bodies and
parameters, and invalid ones too — and sends them to the Django WSGI app with an
"enter" and a "reader" token. No answer may be a server error, and every answer
must match the schema (status, content type, body). Bounded examples, so the run
takes seconds; it runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.auth import TokenRateThrottle
from crm.wsgi import application
from customers import services as customer_services
from interactions import services as interaction_services
from tests.api.conftest import make_token
from tests.factories import CustomerFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 12


def _rows(account, reviewer):
    customer = customer_services.customer_submit(actor=account, customer=CustomerFactory(actor=account))
    customer = customer_services.customer_approve(actor=reviewer, customer=customer)
    interaction_services.complaint_receive(
        actor=account,
        customer=customer,
        fields={"received_at": customer.created_at, "channel": "phone", "category": "service", "content": "慢"},
    )
    return customer


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["enter", "reader"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_drawn_request_gives_a_server_error_or_an_answer_outside_the_schema(
    role, mode, manager, reviewer, settings_fixture, monkeypatch
):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "100000/min"})
    token, secret = make_token(manager, role)
    enter_account = token.account if role == "enter" else make_token(manager, "enter", "录入")[0].account
    _rows(enter_account, reviewer)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def probe(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            probe()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}"[:1500])
    assert operations >= 14
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def settings_fixture(settings):
    """The WSGI app as Django's test client runs it: the host allowed, and the
    connection kept open between requests (the test's transaction holds the rows)."""
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield settings
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
