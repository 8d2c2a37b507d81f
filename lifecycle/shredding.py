"""Destruction is crypto-shredding plus erasure (SPEC §5, issue 17 item 4).

`shred_customer` runs inside the caller's transaction and, for one customer:

- deletes every data key the customer's S3 values were ever sealed with (the live
  row's, the history rows', its change requests'): every ciphertext of them left
  anywhere — a history row, a copy taken later — no longer opens;
- erases every personal value wherever it is stored: the live row (a tombstone
  stays: archive number, status `destroyed`, the workflow's people and dates), every
  history row (values and change reasons), change requests, review notes, access
  grants' purposes, contact, complaint and order texts, survey comments, import
  problem rows that name the customer, transaction notes — and the blind indexes;
- keeps the non-personal figures: transactions' amounts, dates and kinds.

Rows are erased with `QuerySet.update()` on purpose: a save would write yet another
history row holding the values. Only the customer's tombstone is saved, last, so
its one new history row records the destruction and holds nothing personal.

Nothing is deleted from the access log: it never held a value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, connection, models, transaction
from django.db.models import Q

from audit.reasons import Reason, encode
from customers.models import ChangeRequest, ChangeStatus, Customer, Status
from customers.services.merge import RECORD_IDENTITY_AND_WORKFLOW
from vault import keystore
from vault.crypto import VaultError
from vault.models import DataKey

# The tombstone: what stays of the customer's own row. Everything else is reset to
# its empty value — a field added to the model later is erased unless named here.
CUSTOMER_KEPT = RECORD_IDENTITY_AND_WORKFLOW | {
    "tier",
    "customer_nature",
    "lifecycle_stage",
    "source_channel",
    "consent_at",
    "retention_until",
}
ERASED_TEXT = ""


@dataclass(frozen=True)
class Place:
    """Rows of `model` that belong to the customer, and their personal text fields."""

    model: str
    fields: tuple[str, ...]
    customer_field: str = "customer"


# Rows linked to the customer by a foreign key, and which of their fields may hold
# a personal value. Their history rows (if the model keeps a trail) are erased too.
LINKED = (
    Place("customers.AccessGrant", ("purpose", "decision_note")),
    Place("interactions.Interaction", ("summary", "content")),
    Place("interactions.Complaint", ("content", "resolution")),
    Place("interactions.Feedback", ("comment",)),
    Place("transactions.Order", ("note",)),
    Place("transactions.Transaction", ("note",)),
)
MIN_SEARCHED_LENGTH = 4  # shorter values would match unrelated text


def _empty(field: models.Field):
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    return ""


def erasable_customer_fields() -> list[models.Field]:
    return [f for f in Customer._meta.concrete_fields if f.name not in CUSTOMER_KEPT]


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


def _searched_values(customer: Customer) -> set[str]:
    """The customer's values an import problem or a free text might quote."""
    values = {customer.archive_no}
    for name in ("name", "mobile", "phone", "email", "address", "id_number", "bank_account", "contact_person"):
        try:
            value = getattr(customer, name)
        except VaultError:
            # A restored copy replaying the destruction ledger (ops.keyledger): the
            # key's share is gone already; the quotes are found by blind index there.
            continue
        if value not in (None, ""):
            values.add(str(value))
    if customer.mobile not in (None, ""):
        values.add(str(customer.mobile.national_number))
    return {v for v in values if len(v) >= MIN_SEARCHED_LENGTH}


def _contains_any(field: str, values: set[str]) -> Q:
    condition = Q(pk__in=[])
    for value in values:
        condition |= Q(**{f"{field}__contains": value})
    return condition


class Tally:
    """Rows erased per model and the fields erased there, for the record."""

    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.fields: dict[str, list[str]] = {}

    def add(self, model: type[models.Model], count: int, fields) -> None:
        if count:
            label = model._meta.label
            self.rows[label] += count
            self.fields[label] = sorted(set(self.fields.get(label, [])) | set(fields))

    def as_json(self) -> dict:
        return {label: {"rows": rows, "fields": self.fields[label]} for label, rows in sorted(self.rows.items())}


def shred_customer(customer: Customer, *, note: str, actor) -> tuple[int, dict]:
    """Shred and erase `customer` (locked by the caller). Returns (data keys
    deleted, what was erased). Must run inside the caller's transaction."""
    assert connection.in_atomic_block, "shred_customer joins the caller's transaction"  # noqa: S101
    searched = _searched_values(customer)
    status_before = customer.status
    tally = Tally()
    key_ids = _data_keys_of(customer)
    # Marked first: the approved transactions' trigger lets their notes be emptied
    # only once the customer is destroyed (transactions/triggers.py).
    Customer.objects.filter(pk=customer.pk).update(status=Status.DESTROYED)

    _erase_change_requests(customer, tally)
    _erase_review_notes(customer, tally)
    for place in LINKED:
        _erase_linked(place, customer, tally)
    _erase_import_problems(searched, tally)
    _erase_pairs(customer, tally)
    _erase_customer_history(customer, tally)

    shredded = DataKey.objects.filter(id__in=key_ids).delete()[0]
    customer.tags.clear()
    for field in erasable_customer_fields():
        setattr(customer, field.attname, _empty(field))
    customer.status = Status.DESTROYED
    customer.contact_verified_at = None
    customer._history_user = actor
    # Not tracked_save: a tombstone is no valid customer (no name, no way to reach
    # them), so it is saved without full_clean(), with the trail's reason code.
    customer._change_reason = encode(Reason.MOVED, note=note, old=status_before, new=Status.DESTROYED)
    customer.save()  # the tombstone: its one new history row holds nothing personal
    tally.add(Customer, 1, [f.name for f in erasable_customer_fields()])
    transaction.on_commit(sqlite_forget_old_pages)
    # Outside the database: the ledger a restore replays (vault.keystore; the shares
    # themselves go with the data keys' rows, vault.signals).
    transaction.on_commit(
        partial(
            keystore.ledger_append, kind="destroyed", subject=customer.pk, label=customer.archive_no, key_ids=key_ids
        )
    )
    return shredded, tally.as_json()


def _data_keys_of(customer: Customer) -> set:
    keys = {customer.data_key_id}
    keys |= set(Customer.history.filter(id=customer.pk).values_list("data_key_id", flat=True).distinct())
    keys |= set(ChangeRequest.objects.filter(customer=customer).values_list("data_key_id", flat=True))
    return {k for k in keys if k is not None}


def _erase_change_requests(customer: Customer, tally: Tally) -> None:
    changes = ChangeRequest.objects.filter(customer=customer)
    changes.filter(status=ChangeStatus.PENDING).update(status=ChangeStatus.WITHDRAWN)
    count = changes.update(proposal=ERASED_TEXT, reason=ERASED_TEXT, data_key=None)
    tally.add(ChangeRequest, count, ["proposal", "reason"])


def _erase_review_notes(customer: Customer, tally: Tally) -> None:
    ReviewDecision = apps.get_model("review", "ReviewDecision")
    types = ContentType.objects.get_for_models(Customer, ChangeRequest)
    change_ids = list(ChangeRequest.objects.filter(customer=customer).values_list("pk", flat=True))
    decisions = ReviewDecision.objects.filter(
        Q(content_type=types[Customer], object_id=customer.pk)
        | Q(content_type=types[ChangeRequest], object_id__in=change_ids)
    )
    tally.add(ReviewDecision, decisions.update(note=ERASED_TEXT, field_reasons={}), ["note", "field_reasons"])


def _erase_linked(place: Place, customer: Customer, tally: Tally) -> None:
    model = apps.get_model(place.model)
    blank = dict.fromkeys(place.fields, ERASED_TEXT)
    rows = model.objects.filter(**{place.customer_field: customer}).exclude(**blank)
    tally.add(model, rows.update(**blank), place.fields)
    history = _history_model(model)
    if history is not None:
        past = history.objects.filter(**{f"{place.customer_field}_id": customer.pk})
        count = past.update(**blank, history_change_reason=None)
        tally.add(history, count, [*place.fields, "history_change_reason"])


def _erase_pairs(customer: Customer, tally: Tally) -> None:
    """Duplicate findings and merge proposals naming the customer: a destroyed
    record is nobody's duplicate any more, and the staff's reasons may quote it."""
    DuplicatePair = apps.get_model("customers", "DuplicatePair")
    DuplicatePair.objects.filter(Q(first=customer) | Q(second=customer)).delete()
    for label, sides in (("customers.DuplicateDismissal", ("first", "second")),
                         ("customers.MergeRequest", ("survivor", "merged"))):  # fmt: skip
        model = apps.get_model(label)
        rows = model.objects.filter(Q(**{sides[0]: customer}) | Q(**{sides[1]: customer})).exclude(reason="")
        tally.add(model, rows.update(reason=ERASED_TEXT), ["reason"])


def _erase_import_problems(searched: set[str], tally: Tally) -> None:
    RowProblem = apps.get_model("bulk", "RowProblem")
    problems = RowProblem.objects.filter(_contains_any("message", searched))
    tally.add(RowProblem, problems.update(message=ERASED_TEXT), ["message"])


def _erase_customer_history(customer: Customer, tally: Tally) -> None:
    history = Customer.history.model
    kept_by_history = {f.attname for f in history._meta.concrete_fields}  # some fields keep no history
    fields = [f for f in erasable_customer_fields() if f.attname in kept_by_history]
    blank = {f.attname: _empty(f) for f in fields}
    count = history.objects.filter(id=customer.pk).update(**blank, history_change_reason=None)
    tally.add(history, count, [*(f.name for f in fields), "history_change_reason"])


def sqlite_forget_old_pages() -> bool:
    """SQLite keeps superseded pages in the write-ahead log until a checkpoint
    rewrites the file; `secure_delete` (settings) zeroes freed space. A truncating
    checkpoint after the destruction leaves no old copy of the erased values in
    either file. It cannot run inside a transaction, and a busy reader makes it
    fail: `lifecycle_sweep` tries again daily. Returns whether it ran."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError:
        return False
    return True
