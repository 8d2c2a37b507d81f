"""The admin site, with the pages apps add beside their models in its navigation
(the manager reports, `/admin/reports/`, added by `reports/admin.py`) and a
"view on site" shortcut that is no existence oracle. The site knows no app: each
app adds its section, so this bottom layer imports none of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import NoBulkChangeMixin, ReadOnlyMixin


@dataclass(frozen=True)
class AdminSection:
    """Pages an app adds to the admin beside its models: `routes` as (route,
    view, url name), the section's index and one page per entry of `pages`
    (name → title, reversed as `page` with the name), listed for whom `visible`
    says so."""

    app_label: str
    title: str
    routes: tuple[tuple[str, Callable, str], ...]
    index: str
    page: str
    pages: Mapping[str, str]
    visible: Callable[..., bool]


class CustodianAdminSite(admin.AdminSite):
    site_header = _("Custodian administration")
    site_title = _("Custodian")
    index_title = _("Administration")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sections: list[AdminSection] = []

    def add_section(self, section: AdminSection) -> None:
        self.sections.append(section)

    def get_urls(self):
        extra = [
            path(route, self.admin_view(view), name=name)
            for section in self.sections
            for route, view, name in section.routes
        ]
        extra += [
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
        ]
        # Django's own `r/` (contenttypes' shortcut) redirects for any row that
        # exists, in scope or not: replaced by the scoped one above.
        return extra + [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]

    def view_on_site(self, request: HttpRequest, content_type_id: int, object_id: str):
        """The admin's "view on site" link: a redirect to the row's page for a row
        the viewer may open in this admin, and the same 404 for a row out of
        scope, a missing one, or a model the admin does not show."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.view_on_site:
            raise Http404
        if not model_admin.has_view_or_change_permission(request):
            raise Http404
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None:  # a model admin that does not raise 404 itself
            raise Http404
        if callable(model_admin.view_on_site):
            url = model_admin.view_on_site(obj)
        else:
            url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
        if not url:
            raise Http404
        return HttpResponseRedirect(url)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for section in reversed(self.sections):
            if app_label in (None, section.app_label) and section.visible(request.user):
                apps.insert(0, _section_entry(section))
        return apps


def _section_entry(section: AdminSection) -> dict:
    return {
        "name": str(section.title),
        "app_label": section.app_label,
        "app_url": reverse(f"admin:{section.index}"),
        "has_module_perms": True,
        "models": [
            {
                "name": str(title),
                "object_name": name,
                "admin_url": reverse(f"admin:{section.page}", args=[name]),
                "add_url": None,
                "view_only": True,
                "perms": {"view": True},
            }
            for name, title in section.pages.items()
        ],
    }


def tidy_third_party_admins(site: admin.AdminSite) -> None:
    """Third-party records of the system, after every admin module is loaded:
    django-axes' log-in attempts and lock-outs read-only (unlock an account with
    `manage.py axes_reset_username NAME`), and no task results at all (their
    arguments are nobody's business in a browser; `manage.py` reads them)."""
    from axes.models import AccessAttempt, AccessFailureLog
    from axes.models import AccessLog as LoginLog
    from django_tasks_db.models import DBTaskResult

    for model in (AccessAttempt, LoginLog, AccessFailureLog):
        if site.is_registered(model):
            registered = type(site.get_model_admin(model))
            site.unregister(model)
            read_only = type(registered.__name__, (ReadOnlyMixin, NoBulkChangeMixin, registered), {})
            site.register(model, read_only)
    if site.is_registered(DBTaskResult):
        site.unregister(DBTaskResult)
