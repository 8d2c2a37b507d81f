"""How transactions plug into the maker-checker mechanism (review.mechanism)."""

from __future__ import annotations

from review.policies import ReviewPolicy, register
from transactions.models import Transaction


class TransactionReview(ReviewPolicy):
    model = Transaction

    review_permission = "transactions.review_transaction"
    queue_related = ("customer", "entered_by", "product")

    def on_submitted(self, txn: Transaction, *, actor) -> None:
        from transactions.services import reversal_check

        reversal_check(txn)

    def on_approved(self, txn: Transaction, *, actor, now) -> None:
        from transactions.services import reversal_check

        reversal_check(txn)


TRANSACTION_REVIEW = register(TransactionReview())
