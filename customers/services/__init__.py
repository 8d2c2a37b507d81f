"""Every write to a customer record and its grants. Views, the admin, imports and
commands call these; nobody else saves a `Customer` or an `AccessGrant`."""

from customers.proposals import proposed_values
from customers.services.access import (
    REVEALABLE,
    RevealRefused,
    customer_reveal,
    grant_approve,
    grant_refuse,
    grant_request,
    grant_revoke,
)
from customers.services.changes import (
    change_request_approve,
    change_request_create,
    change_request_return,
    change_request_withdraw,
    may_request_change,
)
from customers.services.duplicates import duplicate_dismiss, duplicate_pairs_store
from customers.services.entry import (
    EDITABLE_BY_MAKER,
    archive_numbers_allocate,
    customer_approve,
    customer_create,
    customer_return,
    customer_submit,
    customer_update,
)
from customers.services.merge import MERGE_REVIEW, merge_approve, merge_propose, merge_return
from customers.services.ownership import customer_reassign_owner, object_rights_grant
from customers.services.tags import customer_tag_add, customer_tag_remove

__all__ = [
    "EDITABLE_BY_MAKER",
    "REVEALABLE",
    "RevealRefused",
    "change_request_approve",
    "change_request_create",
    "change_request_return",
    "change_request_withdraw",
    "duplicate_dismiss",
    "MERGE_REVIEW",
    "merge_approve",
    "merge_propose",
    "merge_return",
    "duplicate_pairs_store",
    "may_request_change",
    "proposed_values",
    "customer_reassign_owner",
    "customer_tag_add",
    "customer_tag_remove",
    "customer_reveal",
    "grant_approve",
    "grant_refuse",
    "grant_request",
    "grant_revoke",
    "object_rights_grant",
    "archive_numbers_allocate",
    "customer_approve",
    "customer_create",
    "customer_return",
    "customer_submit",
    "customer_update",
]
