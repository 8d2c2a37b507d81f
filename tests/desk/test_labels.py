"""Labels that mean what they do (issue 22 item 2)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bulk.models import ImportJob
from tests.bulk.helpers import csv_bytes, good_row
from transactions import services as transaction_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def _imports_at_once(settings, tmp_path):
    settings.CRM_IMPORT_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.usefixtures("_imports_at_once")
def test_after_an_import_the_maker_is_sent_to_their_entries_not_to_a_queue_they_cannot_use(client, clerk):
    client.force_login(clerk)
    upload = SimpleUploadedFile("list.csv", csv_bytes([good_row(1)]), "text/csv")
    job_url = client.post(reverse("bulk:imports"), {"file": upload}).url
    client.post(reverse("bulk:job_start", args=[ImportJob.objects.get().pk]))
    html = client.get(job_url).content.decode()
    assert f'href="{reverse("customers:list")}" data-testid="see-my-entries">查看我录入的客户<' in html
    assert f'href="{reverse("review:queue")}"' not in html.split("<main")[1]
    assert 'data-testid="import-history">导入记录<' in html and "全部导入" not in html
    assert "导入1" in client.get(reverse("customers:list")).content.decode()


def test_order_buttons_say_what_they_do(client, clerk, approved_customer):
    order = transaction_services.order_create(actor=clerk, customer=approved_customer, order_no="SO-1")
    client.force_login(clerk)
    html = client.get(reverse("customers:detail", args=[approved_customer.pk])).content.decode()
    assert "确认订单" in html and "取消订单" in html
    transaction_services.order_move(actor=clerk, order=order, to="confirmed")
    html = client.get(reverse("customers:detail", args=[approved_customer.pk])).content.decode()
    assert "标记为已发货" in html


def test_complaint_buttons_say_what_they_do(client, clerk, approved_customer):
    from tests.desk.test_my_work import _overdue_complaint

    complaint = _overdue_complaint(clerk, approved_customer)
    client.force_login(clerk)
    html = client.get(reverse("interactions:complaint", args=[complaint.pk])).content.decode()
    assert 'data-testid="move-investigating">开始调查<' in html


def test_the_review_badge_is_hidden_at_zero_and_shown_above(client, clerk, reviewer):
    from customers import services
    from tests.factories import CustomerFactory

    client.force_login(reviewer)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="nav-review"' in html and 'data-testid="review-badge"' not in html
    services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="review-badge">1<' in html


def test_survey_scores_start_with_no_answer_chosen_and_one_must_be_chosen(client, clerk, approved_customer):
    from interactions.models import Feedback

    client.force_login(clerk)
    url = reverse("interactions:feedback_create") + f"?customer={approved_customer.pk}"
    html = client.get(url).content.decode()
    for name in ("service_quality", "price", "overall"):
        select = html.split(f'name="{name}"')[1].split("</select>")[0]
        assert '<option value="" selected>—</option>' in select, name
    response = client.post(url, {"surveyed_at": "2026-01-02T10:00", "price": "4", "overall": "4"})
    assert response.status_code == 200 and Feedback.objects.count() == 0
    assert 'data-testid="error-service_quality"' in response.content.decode() or "必填" in response.content.decode()
