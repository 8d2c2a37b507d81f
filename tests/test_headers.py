"""Headers and operations (issue 14, item 11): the Content-Security-Policy, no
caching of pages for a logged-in user, the production error pages, a missing
master key, and seed_demo's refusal to run in production."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from tests.factories import CustomerFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_script(client, clerk):
    client.force_login(clerk)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy


def test_no_template_has_inline_script_event_handlers_or_style_attributes():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"\son[a-z]+\s*=", text) or re.search(r"\sstyle\s*=", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path.relative_to(TEMPLATES)}: inline {tag}")
    assert offenders == []


@pytest.mark.django_db
def test_the_language_switch_works_without_inline_script(client, clerk):
    client.force_login(clerk)
    body = client.get(reverse("home")).content.decode()
    assert "data-autosubmit" in body
    assert "onchange" not in body
    assert "js/layout.js" in body


@pytest.mark.django_db
def test_pages_for_a_logged_in_user_are_never_stored(client, clerk):
    customer = CustomerFactory(actor=clerk)
    client.force_login(clerk)
    for url in (reverse("home"), reverse("customers:detail", args=[customer.pk]), reverse("customers:list")):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control
        assert "private" in cache_control or "no-cache" in cache_control


@pytest.mark.django_db
def test_an_export_and_a_reveal_are_never_stored(client, clerk, manager):
    customer = CustomerFactory(actor=clerk)
    client.force_login(clerk)
    export = client.get(reverse("bulk:export", args=["customers", "csv"]))
    assert export.status_code == 200
    assert "no-store" in export["Cache-Control"]
    client.force_login(manager)
    reveal = client.post(
        reverse("customers:reveal", args=[customer.pk, "id_number"]),
        {"purpose": "核对身份"},
        HTTP_ACCEPT="application/json",
    )
    assert "no-store" in reveal["Cache-Control"]


@pytest.fixture
def production(settings, client):
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_a_missing_page_is_answered_in_the_products_look_and_language(production, clerk):
    production.force_login(clerk)
    response = production.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-testid="error-page"' in body
    assert "custodian.css" in body
    assert "页面不存在" in body or "没有找到" in body or "这里什么也没有" in body


def test_the_server_error_page_needs_neither_request_nor_database():
    from django.template import loader

    rendered = loader.render_to_string("500.html")  # as Django renders it: no request, no context processors
    assert 'data-testid="error-page"' in rendered
    assert "custodian.css" in rendered


@pytest.mark.django_db
def test_an_unexpected_error_answers_500_with_the_products_page(production, clerk, monkeypatch):
    from customers import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "customer_list", explode)
    production.force_login(clerk)
    response = production.get(reverse("customers:list"))
    assert response.status_code == 500
    body = response.content.decode()
    assert 'data-testid="error-page"' in body
    assert "boom" not in body


@pytest.mark.django_db
def test_a_refused_permission_is_a_403_page_in_the_products_look(production, clerk):
    production.force_login(clerk)
    response = production.get(reverse("admin:index"))  # a clerk is not staff: the admin sends to its login
    assert response.status_code in (302, 403)
    from django.template import loader

    rendered = loader.render_to_string("403.html")
    assert 'data-testid="error-page"' in rendered
    assert "400" in loader.render_to_string("400.html")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.django_db
@pytest.mark.parametrize("broken", ["missing", "wrong material"])
def test_a_missing_master_key_is_a_clear_503_for_the_user_and_a_clear_log_line(production, clerk, settings, broken):
    customer = CustomerFactory(actor=clerk)
    key_id = customer.data_key.master_key_id
    production.force_login(clerk)
    other_key = "A" * 43 + "="
    # The operator dropped the old key too early, or put other key material under its id.
    settings.CRM_FIELD_KEYS = f"k9:{other_key}" if broken == "missing" else f"{key_id}:{other_key}"
    collect = _Collect()
    logging.getLogger("custodian").addHandler(collect)
    try:
        response = production.get(reverse("customers:detail", args=[customer.pk]))
    finally:
        logging.getLogger("custodian").removeHandler(collect)
    assert response.status_code == 503
    body = response.content.decode()
    assert 'data-testid="error-page"' in body
    assert "解密" in body
    assert key_id not in body
    record = collect.records[0]
    assert key_id in record.getMessage()
    assert "CRM_FIELD_KEYS" in record.getMessage()
    assert customer.name not in record.getMessage()


@pytest.mark.django_db
def test_seed_demo_refuses_production_unless_forced(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", "--customers", "0", stdout=io.StringIO())
    assert not User.objects.filter(username="clerk1").exists()
    call_command("seed_demo", "--customers", "0", "--force", stdout=io.StringIO())
    assert User.objects.filter(username="clerk1").exists()


@pytest.mark.django_db
def test_seed_demo_runs_in_development(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())
    assert User.objects.filter(username="clerk1").exists()


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_is_a_403_page_in_the_products_look(clerk):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk)
    response = browser.post(reverse("customers:create"), {"name": "张三"})
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-testid="error-page"' in body
    assert "表单已过期" in body
