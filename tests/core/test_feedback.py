"""core.feedback.button_service and back_home_or: a button's POST tells the service's
refusal or its success as page messages, and goes back where the button asked."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from core.feedback import back_home_or, button_service


def _request(data: dict | None = None):
    request = RequestFactory().post("/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _told(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_a_service_that_goes_through_is_told_as_done_and_answers_true():
    request, calls = _request(), []
    assert button_service(request, lambda: calls.append("ran"), done="已完成") is True
    assert calls == ["ran"]
    assert _told(request) == [("success", "已完成")]


def test_a_validation_refusal_is_told_message_by_message_and_nothing_is_said_done():
    request = _request()

    def refuse():
        raise ValidationError(["第一条理由", "第二条理由"])

    assert button_service(request, refuse, done="已完成") is False
    assert _told(request) == [("error", "第一条理由"), ("error", "第二条理由")]


def test_a_permission_refusal_is_told_in_its_own_words():
    request = _request()

    def refuse():
        raise PermissionDenied("只有经理可以这样做")

    assert button_service(request, refuse, done="已完成") is False
    assert _told(request) == [("error", "只有经理可以这样做")]


def test_a_button_that_says_next_home_goes_home_and_any_other_goes_where_the_view_says():
    assert back_home_or(_request({"next": "home"}), "outreach:greetings").url == reverse("home")
    assert back_home_or(_request({"next": "elsewhere"}), "outreach:greetings").url == reverse("outreach:greetings")
