"""The base classes of every admin in Custodian (issue 14, SPEC §1–§2).

The admin is a window onto the viewer's own scope, never a way around review:

- rows come from the app's selectors (`scope`), so a row outside the viewer's
  scope answers 404 on every admin page, exactly like a row that does not exist;
- a business row is never written here (no add, change, delete, bulk action,
  list_editable or history revert, whatever is posted);
- filters list only what the viewer's rows use, and a changelist filters by
  nothing but its declared filters (no `?mobile__startswith=` oracle on values the
  page masks);
- django-simple-history's version page (`…/history/<history_id>/`) is read-only.

A new admin that subclasses `BusinessAdmin` (or `ReadOnlyBusinessAdmin`) gets all
of this for free.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.filters import ListFilter, RelatedFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, get_fields_from_path, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.encoding import force_str
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.pagination import CappedPaginator

READ_METHODS = ("GET", "HEAD")


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A foreign-key (or many-to-many) filter listing only the related rows that
    the viewer's own rows use: a manager's "department" filter shows their
    department, never the company's list. One EXISTS probe per related row, each
    served by the foreign key's index."""

    def field_choices(self, field, request, model_admin):
        rows = model_admin.get_queryset(request)
        related = field.remote_field.model._default_manager.filter(
            Exists(rows.filter(**{self.field_path: OuterRef("pk")}))
        )
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            related = related.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in related]


def _filter_root(list_filter) -> str | None:
    if isinstance(list_filter, (tuple, list)):
        list_filter = list_filter[0]
    if isinstance(list_filter, str):
        return list_filter.split("__", 1)[0]
    if isinstance(list_filter, type) and issubclass(list_filter, ListFilter):
        return getattr(list_filter, "parameter_name", None)
    return None


class NoBulkChangeMixin:
    """No bulk action and no list_editable: a changelist has nothing to post.
    A query string it cannot use (year 9999 in the date drill-down, a number
    too large for the database, a NUL) is answered like any other bad filter."""

    actions = None
    list_editable = ()

    def get_changelist_instance(self, request: HttpRequest):
        if any("\x00" in part for key, values in request.GET.lists() for part in (key, *values)):
            raise IncorrectLookupParameters("NUL in the query string")  # PostgreSQL refuses it in text
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as error:
            # The changelist answers IncorrectLookupParameters with its "?e=1" page.
            raise IncorrectLookupParameters(error) from error

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.method not in READ_METHODS:
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


class ScopedAdminMixin(NoBulkChangeMixin):
    """Rows are the viewer's scope (`scope(user)`, an app selector); anything
    else is a 404. No bulk action, no POST to a changelist, no lookup but the
    declared filters."""

    #: `scope(user) -> QuerySet`, the app's selector; None: every row of the model.
    scope: Callable | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        if self.scope is None:
            return super().get_queryset(request)
        return self.scope(request.user)

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        if not self.has_view_or_change_permission(request):
            # Without the right to see the model, no row answers differently
            # from another (in scope, out of scope or missing alike).
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Out of scope looks exactly like a row that does not exist (SPEC §2):
            # a 404, not the admin's "perhaps it was deleted?" redirect.
            raise Http404
        return obj

    def get_list_filter(self, request: HttpRequest):
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
                entry = (entry, ScopedRelatedFieldListFilter)
            scoped.append(entry)
        return scoped

    def lookup_allowed(self, lookup: str, value, request=None) -> bool:
        # Only the declared filters and the date drill-down: a local-field lookup
        # such as `?mobile__startswith=138` would otherwise recover a masked value.
        roots = {_filter_root(entry) for entry in self.list_filter}
        if self.date_hierarchy:
            roots.add(self.date_hierarchy.split("__", 1)[0])
        if lookup.split("__", 1)[0] not in roots:
            return False
        return super().lookup_allowed(lookup, value, request)

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        # simple-history (and Django for deleted rows) falls back to the trail of
        # rows it cannot find: out of scope must stay a 404.
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)


class ReadOnlyMixin:
    """Nothing is added, changed or deleted here, by anyone."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class MaskedHistoryContextHelper(HistoricalRecordContextHelper):
    """The "changes" column of a trail, with the admin's masked fields masked
    (the library shows old and new values in full)."""

    masked_fields: tuple[str, ...] = ()
    mask: Callable[[str, object], str] = staticmethod(lambda name, value: "***")

    def prepare_delta_change_value(self, change, value):
        if change.field in self.masked_fields:
            return self.mask(change.field, value) or "—"
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.many_to_many:
            # A choice by its label, in the reader's language (the row stores the code).
            return str(dict(field.flatchoices).get(value, value))
        return super().prepare_delta_change_value(change, value)


class BusinessAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """A model with a change trail: scoped rows, and each version of the trail
    shown read-only. Subclass `ReadOnlyBusinessAdmin` unless the admin is where
    the rows are kept (the product catalogue)."""

    paginator = CappedPaginator  # never a full COUNT(*) of a large table
    #: Fields whose values the admin shows masked, in the trail's "changes" too.
    masked_fields: tuple[str, ...] = ()

    def mask_value(self, name: str, value: object) -> str:
        return "***"

    def get_historical_record_context_helper(self, request: HttpRequest, historical_record):
        helper = MaskedHistoryContextHelper(self.model, historical_record)
        helper.masked_fields = tuple(self.masked_fields)
        helper.mask = self.mask_value
        return helper

    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        return True

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str, extra_context=None):
        """One version of the trail, read-only. django-simple-history's own view
        saves the posted form after checking only the view permission and loads
        the row without the admin's scope; this one never saves and answers 404
        for a row (or a version) outside the viewer's scope."""
        request.current_app = self.admin_site.name
        current = self.get_object(request, unquote(object_id))  # 404 out of scope
        if not self.has_view_or_change_permission(request, current):
            raise PermissionDenied
        if request.method not in READ_METHODS:
            raise PermissionDenied  # the trail is read, never reverted or edited here
        try:
            version = self.model.history.get(pk=unquote(version_id), **{self.model._meta.pk.attname: current.pk})
        except (self.model.history.model.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None
        obj = version.instance
        obj._state.adding = False
        context = {**self._history_form_context(request, obj, current), "object_id": object_id, **(extra_context or {})}
        return self.render_history_view(request, self.object_history_form_template, context)

    def _history_form_context(self, request: HttpRequest, obj, current) -> dict:
        """What the admin's read-only change form needs to show one version."""
        fieldsets = self.get_fieldsets(request, obj)
        shown = flatten_fieldsets(fieldsets)
        form = self.get_form(request, obj, change=True, fields=shown)(instance=obj)
        admin_form = helpers.AdminForm(form, list(fieldsets), {}, shown, model_admin=self)
        opts = self.model._meta
        urls = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        return {
            **self.admin_site.each_context(request),
            "title": force_str(self.history_form_view_title(request, obj)),
            "adminform": admin_form,
            "original": obj,
            "is_popup": False,
            "media": self.media + admin_form.media,
            "errors": [],
            "app_label": opts.app_label,
            "original_opts": opts,
            "changelist_url": reverse(f"{urls}_changelist"),
            "change_url": reverse(f"{urls}_change", args=(current.pk,)),
            "history_url": reverse(f"{urls}_history", args=(current.pk,)),
            "change_history": False,
            "revert_disabled": True,
            "add": False,
            "change": True,
            "has_add_permission": False,
            "has_view_permission": True,
            "has_change_permission": False,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "has_file_field": False,
            "has_absolute_url": False,
            "form_url": "",
            "opts": self.model.history.model._meta,
            "content_type_id": self.content_type_model_cls.objects.get_for_model(self.model).id,
            "save_as": False,
            "save_on_top": False,
            "show_save": False,
            "root_path": getattr(self.admin_site, "root_path", None),
        }


class ReadOnlyBusinessAdmin(ReadOnlyMixin, BusinessAdmin):
    """Business rows: every change goes through the services and their review."""


class ReadOnlyAdmin(ReadOnlyMixin, NoBulkChangeMixin, admin.ModelAdmin):
    """A log or record of the system, shown and never written."""
