"""Production error pages in the product's look and the reader's language, and
each server error logged once (issue 22 item 5, "a finished look")."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ENGLISH = {django_settings.LANGUAGE_COOKIE_NAME: "en"}


@pytest.fixture
def production(settings, client):
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def _raise(exc):
    def view(*args, **kwargs):
        raise exc

    return view


def _in(client, language: str):
    if language == "en":
        client.cookies.load(ENGLISH)
    return client


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", {404: "这里什么也没有", 500: "系统出现了问题", 403: "您无权进行此操作", 400: "无法处理这个请求"}),
        (
            "en",
            {
                404: "Nothing here",
                500: "Something went wrong on our side",
                403: "You may not do this",
                400: "cannot be answered",
            },
        ),
    ],
)
def test_production_error_pages_are_the_products_in_the_readers_language(
    production, clerk, monkeypatch, language, words
):
    from desk import selectors as desk_selectors

    client = _in(production, language)
    client.force_login(clerk)
    answers = {404: client.get("/no/such/page/")}
    monkeypatch.setattr(desk_selectors, "my_work_panels", _raise(RuntimeError("boom")))
    answers[500] = client.get(reverse("home"))
    monkeypatch.setattr(desk_selectors, "my_work_panels", _raise(PermissionDenied()))
    answers[403] = client.get(reverse("home"))
    answers[400] = client.get(reverse("home"), HTTP_HOST="elsewhere.invalid")
    for status, response in answers.items():
        body = response.content.decode()
        assert response.status_code == status
        assert 'data-testid="error-page"' in body and "custodian.css" in body and "favicon" in body, status
        assert f'<html lang="{language}">' in body, status
        assert words[status] in body, (status, body[-800:])


def _outputs(monkeypatch) -> list[str]:
    """The messages written by the log's handlers (pytest's own capture handlers
    left out): a record two handlers print is in the list twice."""
    written: list[str] = []
    handle = logging.Handler.handle

    def counting(self, record):
        emitted = handle(self, record)
        if emitted and not type(self).__module__.startswith("_pytest"):
            written.append(record.getMessage())
        return emitted

    monkeypatch.setattr(logging.Handler, "handle", counting)
    return written


@pytest.mark.parametrize("debug", [True, False])
def test_a_server_error_is_logged_once(client, clerk, settings, monkeypatch, debug):
    from desk import selectors as desk_selectors

    settings.DEBUG = debug
    client.raise_request_exception = False
    monkeypatch.setattr(desk_selectors, "my_work_panels", _raise(RuntimeError("boom")))
    client.force_login(clerk)
    written = _outputs(monkeypatch)
    assert client.get(reverse("home")).status_code == 500
    assert written.count("Internal Server Error: /") == 1, written


def test_a_record_that_cannot_be_decrypted_is_logged_once(production, clerk, settings, monkeypatch):
    customer = CustomerFactory(actor=clerk)
    production.force_login(clerk)
    settings.CRM_FIELD_KEYS = "k9:" + "A" * 43 + "="
    written = _outputs(monkeypatch)
    assert production.get(reverse("customers:detail", args=[customer.pk])).status_code == 503
    assert len(written) == 1 and "CRM_FIELD_KEYS" in written[0], written
