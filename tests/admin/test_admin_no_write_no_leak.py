"""The admin has no write path around review and no scope leak (issue 14, SPEC §1–§2)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.admin.conftest import APP, BUSINESS, admin_url, forged_post, history_form_url, snapshot


def _forged(row) -> dict:
    # django-simple-history's own history form saved exactly this (checked
    # against its view before the fix): every field as the browser sends it.
    return forged_post(row)


def _filter_choices(changelist, field_path: str) -> list:
    """The choices the changelist's filter on `field_path` offers (shown or not:
    Django hides a filter with a single choice)."""
    cl = changelist.context["cl"]
    request = changelist.wsgi_request
    (filter_class,) = [
        entry[1]
        for entry in cl.model_admin.get_list_filter(request)
        if isinstance(entry, tuple) and entry[0] == field_path
    ]
    field = cl.model._meta.get_field(field_path)
    spec = filter_class(field, request, {}, cl.model, cl.model_admin, field_path=field_path)
    return spec.lookup_choices


def _login(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "security_officer"])
@pytest.mark.parametrize("model", BUSINESS)
def test_history_form_post_never_changes_a_row(client, request, rows, persona, model):
    user = _login(client, request, persona)
    row = rows["home"][model]
    before = snapshot(row)
    url = history_form_url(row)
    # Shown to whoever may view the model (a security officer sees no orders, …).
    may_view = user.has_perm(f"{APP[model]}.view_{model}")
    assert client.get(url).status_code == (200 if may_view else 403)
    response = client.post(url, _forged(row))
    assert response.status_code == 403
    assert snapshot(row) == before


@pytest.mark.django_db
@pytest.mark.parametrize("model", BUSINESS)
def test_history_form_shows_the_version_with_no_field_to_edit_and_no_button_to_save(client, manager, rows, model):
    client.force_login(manager)
    page = client.get(history_form_url(rows["home"][model])).content.decode()
    assert "<select" not in page and "<textarea" not in page
    for control in ('name="_save"', 'name="_change_history"', '<input type="text"', '<input type="number"'):
        assert control not in page
    assert rows["far"]["customer"].archive_no not in page


@pytest.mark.django_db
@pytest.mark.parametrize("model", BUSINESS)
def test_history_form_of_another_departments_row_is_not_found(client, manager, rows, model):
    client.force_login(manager)
    far = rows["far"][model]
    before = snapshot(far)
    url = history_form_url(far)
    assert client.get(url).status_code == 404
    assert client.post(url, _forged(far)).status_code == 404
    # A version of a far row under the id of a home row is no way in either.
    home = rows["home"][model]
    mixed = admin_url(model, "simple_history", home.pk, far.history.latest().history_id)
    assert client.get(mixed).status_code == 404
    missing = admin_url(model, "simple_history", far.pk + 1000, far.history.latest().history_id)
    assert client.get(missing).status_code == 404
    assert snapshot(far) == before


@pytest.mark.django_db
@pytest.mark.parametrize("model", BUSINESS)
def test_every_object_page_of_another_departments_row_answers_like_a_missing_one(client, manager, rows, model):
    client.force_login(manager)
    far = rows["far"][model]
    before = snapshot(far)
    for pk in (far.pk, far.pk + 1000, "x"):
        for view in ("change", "history", "delete"):
            url = admin_url(model, view, pk)
            assert client.get(url).status_code == 404, (view, pk)
            assert client.post(url, {**_forged(far), "post": "yes"}).status_code == 404, (view, pk)
    assert snapshot(far) == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "security_officer"])
@pytest.mark.parametrize("model", BUSINESS)
def test_no_add_change_or_delete_post_changes_a_row_in_scope(client, request, rows, persona, model):
    user = _login(client, request, persona)
    row = rows["home"][model]
    before = snapshot(row)
    may_view = user.has_perm(f"{APP[model]}.view_{model}")
    assert client.get(admin_url(model, "change", row.pk)).status_code == (200 if may_view else 403)
    assert client.post(admin_url(model, "change", row.pk), _forged(row)).status_code == 403
    assert client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert client.post(admin_url(model, "add"), _forged(row)).status_code == 403
    assert snapshot(row) == before
    assert type(row).objects.count() == 2  # nothing added either


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["delete_selected", "anything"])
@pytest.mark.parametrize("model", BUSINESS)
def test_bulk_delete_action_is_refused(client, manager, rows, model, action):
    client.force_login(manager)
    row = rows["home"][model]
    before = snapshot(row)
    changelist = client.get(admin_url(model, "changelist"))
    assert 'name="action"' not in changelist.content.decode()
    posted = {"action": action, "_selected_action": [row.pk], "post": "yes", "index": "0", "select_across": "1"}
    assert client.post(admin_url(model, "changelist"), posted).status_code == 403
    # list_editable's formset is refused the same way.
    formset = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(row.pk), "_save": "Save"}
    assert client.post(admin_url(model, "changelist"), formset).status_code == 403
    assert snapshot(row) == before


@pytest.mark.django_db
@pytest.mark.parametrize("model", BUSINESS)
def test_superuser_without_role_sees_no_business_row_in_the_admin(client, superuser, rows, model):
    client.force_login(superuser)
    changelist = client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == []
    for row in (rows["home"][model], rows["far"][model]):
        before = snapshot(row)
        for url in (
            admin_url(model, "change", row.pk),
            admin_url(model, "history", row.pk),
            admin_url(model, "delete", row.pk),
            history_form_url(row),
        ):
            assert client.get(url).status_code == 404, url
            assert client.post(url, _forged(row)).status_code == 404, url
        assert snapshot(row) == before


@pytest.mark.django_db
def test_superuser_without_role_sees_no_customer_in_the_admin(client, superuser, rows):
    client.force_login(superuser)
    page = client.get(admin_url("customer", "changelist")).content.decode()
    for side in ("home", "far"):
        assert rows[side]["customer"].archive_no not in page


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["customer", "transaction", "interaction", "complaint", "feedback"])
def test_department_filter_lists_only_the_managers_department(client, manager, other_department_manager, rows, model):
    for viewer, side in ((manager, "home"), (other_department_manager, "far")):
        client.force_login(viewer)
        changelist = client.get(admin_url(model, "changelist"))
        assert [pk for pk, _name in _filter_choices(changelist, "department")] == [viewer.department_id]
        assert rows["home" if side == "far" else "far"]["customer"].department.name not in changelist.content.decode()


@pytest.mark.django_db
def test_department_filter_of_a_superuser_without_role_lists_no_department(client, superuser, rows):
    client.force_login(superuser)
    changelist = client.get(admin_url("customer", "changelist"))
    assert _filter_choices(changelist, "department") == []


@pytest.mark.django_db
def test_tag_filter_lists_the_shared_vocabulary_and_a_far_tag_finds_none_of_the_far_rows(client, manager, rows):
    """The tags are the company's one vocabulary (the tags' admin and the customer
    list's tag menu show every tag to a manager): the filter lists them all without
    probing which the viewer's rows carry (issue 15), and choosing a tag only the
    other department uses finds nothing."""
    from customers.models import Tag

    far_only, _ = Tag.objects.get_or_create(name="远方机密")
    rows["far"]["customer"].tags.add(far_only)
    mine, _ = Tag.objects.get_or_create(name="本部标签")
    rows["home"]["customer"].tags.add(mine)
    client.force_login(manager)
    changelist = client.get(admin_url("customer", "changelist"))
    assert [name for _pk, name in _filter_choices(changelist, "tags")] == list(
        Tag.objects.order_by("name").values_list("name", flat=True)
    )
    chosen = client.get(admin_url("customer", "changelist"), {"tags__id__exact": far_only.pk})
    assert chosen.status_code == 200
    assert list(chosen.context["cl"].result_list) == []
    assert rows["far"]["customer"].archive_no not in chosen.content.decode()
    mine_chosen = client.get(admin_url("customer", "changelist"), {"tags__id__exact": mine.pk})
    assert [c.pk for c in mine_chosen.context["cl"].result_list] == [rows["home"]["customer"].pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lookup",
    ["mobile__startswith=%2B86139", "email__contains=example", "birth_date__year=1990", "id_number_digest=abc"],
)
def test_a_masked_value_cannot_be_recovered_through_a_changelist_lookup(client, security_officer, rows, lookup):
    client.force_login(security_officer)
    assert client.get(admin_url("customer", "changelist") + "?status__exact=approved").status_code == 200
    assert client.get(admin_url("customer", "changelist") + "?" + lookup).status_code == 400


@pytest.mark.django_db
def test_admin_shortcut_is_no_existence_oracle(client, manager, superuser, rows):
    customer_type = ContentType.objects.get_for_model(rows["home"]["customer"])
    home, far = rows["home"]["customer"], rows["far"]["customer"]
    missing = far.pk + 1000

    def shortcut(content_type_id, pk):
        return client.get(f"/admin/r/{content_type_id}/{pk}/")

    client.force_login(manager)
    in_scope = shortcut(customer_type.pk, home.pk)
    assert in_scope.status_code == 302 and in_scope.url == home.get_absolute_url()
    assert shortcut(customer_type.pk, far.pk).status_code == 404
    assert shortcut(customer_type.pk, missing).status_code == 404
    assert shortcut(customer_type.pk, "x").status_code == 404
    assert shortcut(999_999, home.pk).status_code == 404
    for model in BUSINESS[1:]:
        row_type = ContentType.objects.get_for_model(rows["far"][model])
        assert shortcut(row_type.pk, rows["far"][model].pk).status_code == 404
        assert shortcut(row_type.pk, rows["far"][model].pk + 1000).status_code == 404

    client.force_login(superuser)
    for pk in (home.pk, far.pk, missing):
        assert shortcut(customer_type.pk, pk).status_code == 404
    # Rows the admin does not show at all (grants, change requests, import jobs…)
    from customers.models import AccessGrant

    grant_type = ContentType.objects.get_for_model(AccessGrant)
    assert shortcut(grant_type.pk, 1).status_code == 404


@pytest.mark.django_db
def test_access_log_in_the_admin_is_read_only_and_for_the_security_officer_only(
    client, security_officer, manager, superuser, rows
):
    from audit.models import AccessLog
    from audit.services import access_log_record

    entry = access_log_record(action=AccessLog.Action.EXPORT, actor=manager, customer=rows["home"]["customer"])
    changelist = "/admin/audit/accesslog/"
    change = f"/admin/audit/accesslog/{entry.pk}/change/"

    client.force_login(security_officer)
    assert client.get(change).status_code == 200
    listing = client.get(changelist)
    assert entry in list(listing.context["cl"].result_list)
    count = AccessLog.objects.count()
    assert client.post(change, {"action": "reveal"}).status_code == 403
    assert client.post(f"/admin/audit/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk]}).status_code == 403
    assert client.post("/admin/audit/accesslog/add/", {"action": "reveal"}).status_code == 403
    assert AccessLog.objects.count() == count

    client.force_login(superuser)
    assert list(client.get(changelist).context["cl"].result_list) == []
    assert client.get(change).status_code == 404

    client.force_login(manager)
    assert client.get(change).status_code in (403, 404)
    assert client.get(changelist).status_code == 403


@pytest.mark.django_db
def test_task_results_are_not_in_the_admin_and_login_records_are_read_only(client, superuser):
    from axes.models import AccessAttempt
    from django.contrib import admin
    from django_tasks_db.models import DBTaskResult

    assert not admin.site.is_registered(DBTaskResult)
    client.force_login(superuser)
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 404
    attempt = AccessAttempt.objects.create(username="clerk", ip_address="10.0.0.1", failures_since_start=5)
    change = f"/admin/axes/accessattempt/{attempt.pk}/change/"
    assert client.get(change).status_code == 200
    assert client.post(change, {"username": "x", "failures_since_start": "0"}).status_code == 403
    assert client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = {"action": "cleanup_expired_attempts", "_selected_action": [attempt.pk]}
    assert client.post("/admin/axes/accessattempt/", bulk).status_code == 403
    attempt.refresh_from_db()
    assert attempt.failures_since_start == 5 and attempt.username == "clerk"


@pytest.mark.django_db
def test_managers_keep_the_catalogue_but_never_delete_a_product_nor_rewrite_its_trail(client, manager, product):
    client.force_login(manager)
    change = admin_url("product", "change", product.pk)
    assert client.get(change).status_code == 200
    saved = client.post(change, {"sku": "P-1", "name": "理财顾问服务（新）", "unit_price": "109.00", "active": "on"})
    assert saved.status_code == 302
    product.refresh_from_db()
    assert product.name == "理财顾问服务（新）"
    before = snapshot(product)
    oldest = product.history.earliest()
    version = admin_url("product", "simple_history", product.pk, oldest.history_id)
    assert client.get(version).status_code == 200
    assert client.post(version, {"sku": "P-1", "name": "理财顾问服务", "unit_price": "99.00"}).status_code == 403
    assert client.post(admin_url("product", "delete", product.pk), {"post": "yes"}).status_code == 403
    posted = {"action": "delete_selected", "_selected_action": [product.pk], "post": "yes"}
    assert client.post(admin_url("product", "changelist"), posted).status_code == 403
    assert snapshot(product) == before


@pytest.mark.django_db
def test_a_clerk_without_the_product_rights_cannot_keep_the_catalogue(client, clerk, product):
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    before = snapshot(product)
    assert (
        client.post(
            admin_url("product", "change", product.pk), {"sku": "P-1", "name": "x", "unit_price": "1"}
        ).status_code
        == 403
    )
    assert client.post(admin_url("product", "add"), {"sku": "P-2", "name": "x", "unit_price": "1"}).status_code == 403
    assert snapshot(product) == before


@pytest.mark.django_db
@pytest.mark.parametrize("model", BUSINESS)
def test_the_forged_post_is_one_simple_historys_own_view_would_save(other_department_manager, rows, model):
    """Keeps the refusals above meaningful: the very data they post rewrites the
    row of another department through django-simple-history's unguarded view."""
    from django.contrib import admin
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory
    from simple_history.admin import SimpleHistoryAdmin

    row = rows["home"][model]
    before = snapshot(row)
    request = RequestFactory().post("/", _forged(row))
    request.user, request.session = other_department_manager, {}
    request._messages = FallbackStorage(request)
    model_admin = admin.site._registry[type(row)]
    SimpleHistoryAdmin.history_form_view(model_admin, request, str(row.pk), str(row.history.latest().history_id))
    after = snapshot(row)
    assert after.values != before.values and after.versions == before.versions + 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "security_officer"])
def test_the_trail_in_the_admin_shows_personal_and_secret_values_masked(client, request, clerk, persona):
    from customers import services
    from tests.factories import CustomerFactory, make_bank_account

    old_account, new_account = make_bank_account(1), make_bank_account(2)
    customer = CustomerFactory(actor=clerk, mobile="+8613911110001", email="old@example.com", bank_account=old_account)
    customer = services.customer_update(
        actor=clerk,
        customer=customer,
        fields={"mobile": "+8613922220002", "email": "new@example.com", "bank_account": new_account},
    )
    _login(client, request, persona)
    pages = [admin_url("customer", "history", customer.pk)]
    pages += [admin_url("customer", "simple_history", customer.pk, v.history_id) for v in customer.history.all()]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        for secret in ("13911110001", "13922220002", "old@example.com", "new@example.com", old_account, new_account):
            assert secret not in html, (url, secret)
    assert "n***@example.com" in client.get(pages[0]).content.decode()  # the change is still told, masked


@pytest.mark.django_db
@pytest.mark.parametrize("model", [*BUSINESS, "product"])
@pytest.mark.parametrize(
    "query",
    [
        "{date}__year=9999",
        "{date}__year=9999&{date}__month=12",
        "{date}__year=9999&{date}__month=12&{date}__day=31",
        "{date}__year=1&{date}__month=1&{date}__day=1",
        "{date}__year=0",
        "{date}__year=99999999999999999999",
        "{date}__year=2026&{date}__month=13",
        "p=100000000000000000000",
        "department__id__exact=99999999999999999999",
        "department__id__exact=%00",
        "status__exact=%00",
        "q=%00",
    ],
)
def test_a_changelist_answers_a_query_it_cannot_use_and_never_fails(client, manager, rows, product, model, query):
    from django.contrib import admin

    client.force_login(manager)
    model_admin = [a for m, a in admin.site._registry.items() if m._meta.model_name == model][0]
    if "{date}" in query and not model_admin.date_hierarchy:
        query = "active__exact=%00"
    response = client.get(admin_url(model, "changelist") + "?" + query.format(date=model_admin.date_hierarchy))
    assert response.status_code in (200, 302, 400)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [*BUSINESS, "product"])
@pytest.mark.parametrize("bad", ["99999999999999999999", "-1", "x", "%00"])
def test_an_object_page_with_an_impossible_id_is_not_found(client, manager, rows, product, model, bad):
    client.force_login(manager)
    row = product if model == "product" else rows["home"][model]
    urls = [admin_url(model, view, bad) for view in ("change", "history", "delete")]
    urls += [admin_url(model, "simple_history", bad, 1), admin_url(model, "simple_history", row.pk, bad)]
    for url in urls:
        assert client.get(url).status_code == 404, url
    content_type = ContentType.objects.get_for_model(row)
    assert client.get(f"/admin/r/{content_type.pk}/{bad}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "field"),
    [
        ("transactions.transaction", "customer"),
        ("interactions.complaint", "customer"),
        ("transactions.order", "customer"),
    ],
)
def test_autocomplete_offers_only_the_viewers_customers(client, manager, superuser, rows, source, field):
    app_label, model_name = source.split(".")
    query = f"/admin/autocomplete/?app_label={app_label}&model_name={model_name}&field_name={field}&term="
    home, far = rows["home"]["customer"], rows["far"]["customer"]
    client.force_login(manager)
    everything = client.get(query)
    assert everything.status_code == 200
    assert str(home.pk) in {item["id"] for item in everything.json()["results"]}
    for term in ("", home.name[:1], far.name[:1], far.archive_no):
        response = client.get(query + term)
        assert response.status_code == 200
        assert str(far.pk) not in {item["id"] for item in response.json()["results"]}, term
    client.force_login(superuser)
    response = client.get(query + far.archive_no)
    assert response.status_code in (403, 404) or response.json()["results"] == []
