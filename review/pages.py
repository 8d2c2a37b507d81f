"""How the review app's pages show each reviewed model, and the registry of them.

The review app owns the queue (`/review/`) and the decision URLs; each app says
how its model appears there with a `ReviewPages` subclass registered from its
`AppConfig.ready()`: its section of the queue (a template and the rows it shows)
and, if its decisions are taken through `/review/`, the answer to a decision.
`review` imports none of those apps: they import it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from review.policies import ReviewPolicy

PAGE_SIZE = 50


def page_rows(queryset: QuerySet, *, page: int, size: int = PAGE_SIZE) -> tuple[list, bool]:
    """One page of a queue and whether another follows: the page's keys first (an
    index-only walk of the pending rows), then its rows."""
    keys = list(queryset.values_list("pk", flat=True)[(page - 1) * size : page * size + 1])
    has_next, keys = len(keys) > size, keys[:size]
    loaded = queryset.in_bulk(keys)
    return [loaded[key] for key in keys if key in loaded], has_next


class ReviewPages:
    """One reviewed model on the review app's pages. Subclass per model."""

    policy: ReviewPolicy
    # The queue's section: the order of the sections, its name in the page's
    # context (its rows, e.g. `entries`), the template that renders
    # one (it receives `section`), and whether this section is the one the
    # queue's pages and filters apply to (the others show their oldest rows on
    # the first page).
    queue_order: int = 100
    queue_name: str = ""
    queue_template: str = ""
    queue_paged: bool = False
    # Decisions through /review/: the URL's prefix (None: the model is decided on
    # its own app's pages) and the prefix of the URL names (`<prefix>approve`).
    url_prefix: str | None = None
    url_name_prefix: str = ""
    # A review page of its own at /review/<url_prefix><pk>/ (empty: none).
    page_template: str = ""

    def queue_section(self, *, user, params, page: int) -> dict[str, Any] | None:
        """What the section's template shows (None: nothing on this page)."""
        if self.queue_paged:
            rows, has_next = page_rows(self.queue(user=user, params=params), page=page)
            return {"rows": self.queue_rows(rows, user=user), "page": page, "has_next": has_next}
        if page != 1:
            return None
        return {"rows": self.queue_rows(list(self.queue(user=user, params=params)[:PAGE_SIZE]), user=user)}

    def queue(self, *, user, params) -> QuerySet:
        """The rows waiting for `user`, narrowed by the queue's filters in `params`."""
        return self.policy.queue(user=user)

    def queue_rows(self, rows: list, *, user) -> list:
        return rows

    # -- decisions through /review/ (only for models with a url_prefix) -------------

    def decidable(self, user) -> QuerySet:
        """The rows `user` may decide through a POST (any other is a 404)."""
        raise NotImplementedError

    def queued(self, user, pk: int):
        """The row the review page shows, if it waits for `user` (else None)."""
        return self.policy.queue(user=user).filter(pk=pk).first()

    def page_context(self, request: HttpRequest, obj) -> dict[str, Any]:
        raise NotImplementedError

    def approve(self, request: HttpRequest, obj) -> str:
        """Approve through the model's service; the message for the user."""
        raise NotImplementedError

    def return_(self, request: HttpRequest, obj) -> str:
        """Return through the model's service; the message for the user."""
        raise NotImplementedError

    def after_refusal(self, request: HttpRequest, obj, exc: Exception) -> tuple[str, dict[str, Any]]:
        """Where a refused decision sends the user: (URL name, its kwargs)."""
        return "review:queue", {}


_registry: dict[type, ReviewPages] = {}


def register(pages: ReviewPages) -> ReviewPages:
    _registry[pages.policy.model] = pages
    return pages


def registered() -> list[ReviewPages]:
    """Every model's pages, in the queue's order."""
    return sorted(_registry.values(), key=lambda pages: pages.queue_order)
