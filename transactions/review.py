"""How transactions plug into the maker-checker mechanism (review.mechanism)."""

from __future__ import annotations

from review.mechanism import ReviewPolicy
from transactions.models import Transaction


class TransactionReview(ReviewPolicy):
    model = Transaction

    def may_review(self, actor, txn: Transaction) -> bool:
        return (
            actor.department_id is not None
            and actor.department_id == txn.department_id
            and actor.pk != txn.entered_by_id
            and actor.has_role_permission("transactions.review_transaction")
        )

    def on_submitted(self, txn: Transaction, *, actor) -> None:
        from transactions.services import reversal_check

        reversal_check(txn)

    def on_approved(self, txn: Transaction, *, actor, now) -> None:
        from transactions.services import reversal_check

        reversal_check(txn)


TRANSACTION_REVIEW = TransactionReview()
