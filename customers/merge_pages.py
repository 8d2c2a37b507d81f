"""Merge requests on the review app's queue (review.pages): their section; they
are decided on their own page (`customers:merge`)."""

from __future__ import annotations

from customers.services.merge import MERGE_REVIEW
from review.pages import ReviewPages, register


class MergePages(ReviewPages):
    policy = MERGE_REVIEW
    queue_order = 30
    queue_name = "merges"
    queue_template = "customers/_merge_queue.html"


MERGE_PAGES = register(MergePages())
