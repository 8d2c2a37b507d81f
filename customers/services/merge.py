"""Merging two records of one customer (issue 19 item 3), reviewed.

A manager proposes it (`merge_propose`), choosing field by field which record's
value survives; a second person approves it like a change — a key customer
twice — through the one review mechanism (`review.mechanism`). Approval applies
it in the same transaction (`merge_apply`): the survivor takes the chosen
values; the other record's transactions, orders, contracts, contacts,
complaints, surveys, tags and grants move to it; the other record becomes a
`merged` tombstone pointing at the survivor; both trails name the proposer and
the approvers; and the merged record's data key is deleted, shredding every
copy of its ID and bank numbers that was not chosen (a chosen one was
re-encrypted under the survivor's key first)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from audit.reasons import Reason, encode
from audit.tracked import tracked_save
from customers.models import (
    ChangeRequest,
    ChangeStatus,
    Customer,
    DuplicatePair,
    MergeRequest,
    Status,
    Tier,
)
from customers.models.customer import MATCH_KEYS
from customers.rights import may_merge_pair
from review.mechanism import review_approve, review_return
from review.policies import ReviewPolicy, register
from vault import keystore
from vault.fields import BlindIndexField
from vault.models import DataKey

# A customer's identity and workflow: the fields no other record's values replace
# (a merge) and no erasure resets (lifecycle.shredding's tombstone).
RECORD_IDENTITY_AND_WORKFLOW = frozenset(
    {
        "id",
        "uid",
        "archive_no",
        "kind",
        "status",
        "version",
        "owner",
        "department",
        "entered_by",
        "entered_at",
        "reviewed_by",
        "reviewed_at",
        "second_reviewed_by",
        "second_reviewed_at",
        "created_at",
        "updated_at",
    }
)
# What a merge never takes from the other record: the record's identity, its
# workflow and its derived keys.
NOT_MERGED = {*RECORD_IDENTITY_AND_WORKFLOW, "data_key", "contact_verified_at", "merged_into", *MATCH_KEYS}
# The rows that belong to a customer and follow it into the survivor (by label:
# the customers app imports neither transactions nor interactions).
MOVED_MODELS = (
    "transactions.Transaction",
    "transactions.Order",
    "transactions.Contract",
    "interactions.Interaction",
    "interactions.Complaint",
    "interactions.Feedback",
    "customers.AccessGrant",
)


def mergeable_fields() -> list[str]:
    return [
        f.name
        for f in Customer._meta.concrete_fields
        if f.name not in NOT_MERGED and not isinstance(f, BlindIndexField)
    ]


class MergeReview(ReviewPolicy):
    """Decided like a change: by a reviewer of the records' department who did not
    propose it; a merge touching a key customer also needs a manager's second
    approval (a third person)."""

    model = MergeRequest
    review_permission = "customers.review_customer"
    second_approval_permission = "customers.second_approve_customer"
    department_path = "survivor__department"
    queue_related = ("survivor", "merged", "entered_by", "reviewed_by")

    def needs_second_approval(self, merge: MergeRequest) -> bool:
        return Tier.KEY in (merge.survivor.tier, merge.merged.tier)

    def second_approval_filter(self) -> Q:
        return Q(survivor__tier=Tier.KEY) | Q(merged__tier=Tier.KEY)

    def on_approved(self, merge: MergeRequest, *, actor, now) -> None:
        merge_apply(merge, actor=actor)


MERGE_REVIEW = register(MergeReview())


@transaction.atomic
def merge_propose(
    *, actor: User, survivor: Customer, merged: Customer, take_from_merged: Iterable[str], reason: str
) -> MergeRequest:
    """Propose merging `merged` into `survivor`; `take_from_merged` names the
    fields whose value comes from `merged` (every other keeps the survivor's)."""
    if not may_merge_pair(actor, survivor, merged):
        raise PermissionDenied(_("Only a manager of the department merges two of its records."))
    if survivor.kind != merged.kind:
        raise ValidationError(_("An individual and an organization cannot be merged."), code="kind")
    chosen = sorted(set(take_from_merged))
    unknown = set(chosen) - set(mergeable_fields())
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    merge = MergeRequest(
        survivor=survivor,
        merged=merged,
        survivor_version=survivor.version,
        merged_version=merged.version,
        take_from_merged=chosen,
        reason=(reason or "").strip(),
        entered_by=actor,
        entered_at=timezone.now(),
        status=ChangeStatus.PENDING,
    )
    merge.full_clean()
    merge.save()
    return merge


def merge_approve(*, actor: User, merge: MergeRequest, version: int | None = None) -> MergeRequest:
    return review_approve(
        policy=MERGE_REVIEW, obj=merge, actor=actor, version=merge.version if version is None else version
    )


def merge_return(*, actor: User, merge: MergeRequest, note: str) -> MergeRequest:
    """Refuse the merge, with a reason; the proposer may propose another."""
    return review_return(
        policy=MERGE_REVIEW, obj=merge, actor=actor, version=merge.version, field_reasons={}, note=note
    )


def _locked_pair(merge: MergeRequest) -> tuple[Customer, Customer]:
    # Row locks, in primary-key order: the race is an edit, a change or another
    # merge of either record landing while this one is applied.
    rows = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[merge.survivor_id, merge.merged_id])}
    survivor, merged = rows[merge.survivor_id], rows[merge.merged_id]
    if (survivor.version, merged.version) != (merge.survivor_version, merge.merged_version):
        raise ValidationError(
            _("One of the records changed after the merge was proposed; propose it again."), code="stale"
        )
    gone = (Status.MERGED, Status.DESTROYED)
    if survivor.status in gone or merged.status in gone:
        raise ValidationError(_("One of the records was merged or destroyed meanwhile."), code="gone")
    if ChangeRequest.objects.filter(customer__in=[survivor, merged], status=ChangeStatus.PENDING).exists():
        raise ValidationError(_("A change of one of the records waits for review; decide it first."), code="change")
    return survivor, merged


def merge_apply(merge: MergeRequest, *, actor: User) -> None:
    """Apply an approved merge (called by the review mechanism, inside its transaction)."""
    survivor, merged = _locked_pair(merge)
    said = {
        "number": merge.number,
        "maker": merge.entered_by.display_name,
        "checkers": [u.display_name for u in (merge.reviewed_by, merge.second_reviewed_by) if u is not None],
    }
    relations = [f.name for f in Customer._meta.concrete_fields if f.is_relation]
    # The chosen values are read (an S3 one decrypted in memory) before the other
    # record's key is shredded; the survivor's save encrypts them under its own key.
    for name in merge.take_from_merged:
        setattr(survivor, name, getattr(merged, name))

    merged.status, merged.merged_into = Status.MERGED, survivor
    for name in Customer.S3_FIELDS:
        setattr(merged, name, "")
    merged.id_type = ""
    merged.version += 1
    tracked_save(
        merged, actor=actor, reason=Reason.MERGED_INTO, data={**said, "other": survivor.archive_no}, exclude=relations
    )

    moved = encode(Reason.MERGED_FROM, **said, other=merged.archive_no)
    for label in MOVED_MODELS:
        model = apps.get_model(label)
        for field in (f for f in model._meta.concrete_fields if f.is_relation and f.related_model is Customer):
            rows = list(model.objects.filter(**{field.name: merged.pk}))
            for row in rows:
                setattr(row, field.attname, survivor.pk)
            if rows:
                bulk_update_with_history(rows, model, [field.name], default_user=actor, default_change_reason=moved)
    survivor.tags.add(*merged.tags.all())
    merged.tags.clear()

    survivor.version += 1
    tracked_save(
        survivor, actor=actor, reason=Reason.MERGED_FROM, data={**said, "other": merged.archive_no}, exclude=relations
    )

    DuplicatePair.objects.filter(first_id__in=[merged.pk]).delete()
    DuplicatePair.objects.filter(second_id__in=[merged.pk]).delete()
    # Crypto-shredding: the merged record's values under its own key — the tombstone's
    # history rows included — become unreadable; its blind indexes go with them.
    if merged.data_key_id is not None:
        DataKey.objects.filter(pk=merged.data_key_id).delete()
        # The destruction ledger outside the database (vault.keystore): a restore replays it.
        transaction.on_commit(
            partial(
                keystore.ledger_append,
                kind="merged",
                subject=merged.pk,
                label=merged.archive_no,
                key_ids=[merged.data_key_id],
            )
        )
    Customer.history.model.objects.filter(id=merged.pk).update(id_number_index="", bank_account_index="")
