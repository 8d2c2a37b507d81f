"""Tokens for the API tests: an "enter" and a "reader" token of the home
department, made by its manager, and a client that sends one."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api import services


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()  # each test counts its own calls
    yield
    cache.clear()


def make_token(manager, role="enter", name="网银系统", **kwargs):
    return services.token_create(actor=manager, system_name=name, role=role, **kwargs)


@pytest.fixture
def enter_token(manager):
    return make_token(manager, "enter", "网银系统")


@pytest.fixture
def reader_token(manager):
    return make_token(manager, "reader", "数据仓库")


def bearer(secret: str, language: str = "zh-hans") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE=language)
    return client


@pytest.fixture
def enter_client(enter_token):
    return bearer(enter_token[1])


@pytest.fixture
def reader_client(reader_token):
    return bearer(reader_token[1])


def customer_body(**extra) -> dict:
    return {
        "kind": "individual",
        "name": "王五",
        "tier": "general",
        "lifecycle_stage": "prospect",
        "credit_status": "unknown",
        "mobile": "139 1234 5678",
        "id_type": "resident_id",
        "id_number": "110105199003071239",
        "consent_purpose": "开户",
        "consent_at": "2026-01-02T10:00",
        "retention_until": "2031-01-02",
        **extra,
    }
