"""The change feed's one table (issue 21 item 4): written by database triggers only
(`feed.triggers`), read by `feed.selectors.changes_after`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ObjectType(models.TextChoices):
    CUSTOMER = "customer", _("customer")
    TRANSACTION = "transaction", _("transaction")
    CONTACT = "contact", pgettext_lazy("change feed", "contact")
    COMPLAINT = "complaint", _("complaint")
    SURVEY = "survey", _("satisfaction survey")


class ChangeKind(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    APPROVED = "approved", pgettext_lazy("change feed", "approved")
    ARCHIVED = "archived", pgettext_lazy("change feed", "archived")
    RESTORED = "restored", pgettext_lazy("change feed", "restored")
    DESTROYED = "destroyed", pgettext_lazy("change feed", "destroyed")
    MERGED = "merged", pgettext_lazy("change feed", "merged")
    DELETED = "deleted", pgettext_lazy("change feed", "deleted")


# The kinds that end a customer's ordinary life: shown to whoever's role covers the
# customer's department even once the customer itself is out of their scope.
TOMBSTONES = (ChangeKind.ARCHIVED, ChangeKind.DESTROYED, ChangeKind.MERGED)


class Change(models.Model):
    """One insert, update or delete of a watched row: what, which, which version,
    whose (customer, department) and what kind of change — never a value of the
    row. No foreign keys: a change outlives the row it names."""

    id = models.BigAutoField(primary_key=True)
    # The writer's transaction id on PostgreSQL (pg_current_xact_id()); 0 on SQLite.
    xid = models.BigIntegerField(pgettext_lazy("change feed", "transaction id"), default=0)
    object_type = models.CharField(
        pgettext_lazy("change feed", "object type"), max_length=20, choices=ObjectType.choices
    )
    object_id = models.BigIntegerField(pgettext_lazy("change feed", "object id"))
    # The row's review version (customers, transactions); the others have none.
    version = models.PositiveIntegerField(_("version"), null=True)
    kind = models.CharField(pgettext_lazy("change feed", "kind of change"), max_length=20, choices=ChangeKind.choices)
    customer_id = models.BigIntegerField(pgettext_lazy("change feed", "customer id"))
    department_id = models.BigIntegerField(pgettext_lazy("change feed", "department id"), null=True)
    merged_into_id = models.BigIntegerField(_("merged into"), null=True)
    changed_at = models.DateTimeField(pgettext_lazy("change feed", "changed at"))

    class Meta:
        verbose_name = pgettext_lazy("change feed", "change")
        verbose_name_plural = pgettext_lazy("change feed", "changes")
        default_permissions = ()
        indexes = [models.Index(fields=["xid", "id"], name="feed_change_order_idx")]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} {self.kind}"
