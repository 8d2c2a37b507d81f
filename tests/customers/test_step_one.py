"""Say it at step 1 (issue 22 item 1): what review would refuse for consent and
a child's guardian is reported beside the fields of the entry form and in its
summary, required fields carry their mark, and a phone error names its format."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.services import entry
from tests.factories import make_resident_id

pytestmark = pytest.mark.django_db

ENTRY = {
    "kind": "individual",
    "name": "张三",
    "id_type": "resident_id",
    "id_number": "110105 19900307 1239",
    "tier": "general",
    "lifecycle_stage": "prospect",
    "credit_status": "unknown",
    "mobile": "138 1234 5678",
    "consent_purpose": "开户",
    "consent_at": "2026-01-02T10:00",
    "retention_until": "2031-01-02",
}


def _post(client, clerk, **changes):
    client.force_login(clerk)
    data = {key: value for key, value in {**ENTRY, **changes}.items() if value is not None}
    return client.post(reverse("customers:create"), data)


def test_missing_consent_is_reported_beside_its_fields_at_step_one(client, clerk):
    response = _post(client, clerk, consent_purpose=None, retention_until=None)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="error-consent_purpose"' in html and 'data-testid="error-retention_until"' in html
    assert 'data-testid="error-consent_at"' not in html  # given, so not marked
    summary = html.split('data-testid="error-summary"')[1].split("</ul>")[0]
    assert "告知客户" in summary and 'href="#id_consent_purpose"' in summary
    assert Customer.objects.count() == 0
    assert "张三" in html  # nothing typed is lost


def test_a_child_under_14_without_a_guardian_is_refused_at_step_one(client, clerk):
    born = timezone.localdate() - timedelta(days=365 * 10)
    child = {"id_number": make_resident_id(born), "birth_date": born.isoformat()}
    html = _post(client, clerk, **child).content.decode()
    assert 'data-testid="error-guardian_name"' in html and 'data-testid="error-guardian_consent_at"' in html
    assert "十四周岁" in html.split('data-testid="error-guardian_name"')[1].split("</div>")[0]
    assert Customer.objects.count() == 0
    accepted = _post(client, clerk, **child, guardian_name="张父", guardian_consent_at="2026-01-02T10:00")
    assert accepted.status_code == 302 and Customer.objects.count() == 1


def test_an_adult_with_consent_goes_on_to_the_summary(client, clerk):
    response = _post(client, clerk)
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:confirm", args=[Customer.objects.get().pk])


def test_a_wrong_mobile_number_says_which_format_it_expects(client, clerk):
    html = _post(client, clerk, mobile="1381234").content.decode()
    error = html.split('data-testid="error-mobile"')[1].split("</div>")[0]
    assert "11 位" in error and "+86" in error


def test_the_consent_fields_carry_the_required_mark_and_the_guardian_fields_say_when(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("customers:create")).content.decode()
    for name in ("name", "consent_purpose", "consent_at", "retention_until"):
        assert f'data-testid="mark-{name}">*<' in html, name
    assert 'data-testid="mark-guardian_name">* 未满 14 周岁<' in html
    assert 'data-testid="mark-occupation"' not in html


def test_the_summary_of_a_draft_without_consent_lists_it_and_cannot_be_confirmed(client, clerk):
    """A draft that came in without consent (an import, an older entry) shows it
    at step 2, before "confirm and submit"."""
    fields = {key: value for key, value in ENTRY.items() if not key.startswith(("consent", "retention"))}
    fields["mobile"] = "+8613812345678"
    fields["id_number"] = "110105199003071239"
    draft = entry.customer_create(actor=clerk, fields=fields)
    client.force_login(clerk)
    html = client.get(reverse("customers:confirm", args=[draft.pk])).content.decode()
    findings = html.split('data-testid="findings"')[1].split("</section>")[0]
    assert "告知客户" in findings
    assert 'data-testid="confirm" disabled' in html
