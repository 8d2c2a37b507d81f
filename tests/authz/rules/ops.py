"""Operations (issue 18 item 5): /healthz, for load balancers and monitoring."""

from __future__ import annotations

from tests.authz.matrix import ANONYMOUS, OPEN, Case, everyone

# No login: a load balancer asks it. It says only ok/failed per part, the same to
# everyone. The authorization world runs no background worker, so the answer is
# 503 (worker failed) to everyone, logged in or not, deterministically. Read-only.
CASES = [
    Case("ops:healthz", gate=OPEN, get={**everyone(503), ANONYMOUS: 503}, post=405),
]
