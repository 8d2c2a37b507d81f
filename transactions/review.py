"""How transactions plug into the maker-checker mechanism (review.policies) and
appear in the review queue (review.pages)."""

from __future__ import annotations

from review.pages import ReviewPages
from review.pages import register as register_pages
from review.policies import ReviewPolicy, register
from transactions.models import Transaction
from transactions.reversals import reversal_check


class TransactionReview(ReviewPolicy):
    model = Transaction

    review_permission = "transactions.review_transaction"
    queue_related = ("customer", "entered_by", "product")

    def on_submitted(self, txn: Transaction, *, actor) -> None:
        reversal_check(txn)

    def on_approved(self, txn: Transaction, *, actor, now) -> None:
        reversal_check(txn)


TRANSACTION_REVIEW = register(TransactionReview())


class TransactionPages(ReviewPages):
    """Transactions: the queue's last section; decided on the transaction's own page."""

    policy = TRANSACTION_REVIEW
    queue_order = 30
    queue_name = "transactions"
    queue_template = "review/_transactions.html"


TRANSACTION_PAGES = register_pages(TransactionPages())
