"""Maker-checker review, once for every reviewed model (SPEC §4).

- `review.models`: the `Reviewed` / `ReviewedTwice` bases (columns, `ReviewStatus`,
  constraints) and the decisions; its docstring lists the steps that add review to
  a new model.
- `review.policies`: `ReviewPolicy` (who decides, second approvals, the queue) and
  the registry the apps fill from their `AppConfig.ready()`.
- `review.mechanism`: submit, approve, return — row lock, version pin, maker check.
- `review.pages`, `review.views`, `review.urls`: the queue and the decision URLs.

Nothing here imports the apps that plug in."""
