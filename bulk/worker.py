"""What runs beside the background worker (`manage.py db_worker`) for as long as
it runs. A higher app (ops: the worker's heartbeat for /healthz) registers a
companion in its `ready()`; bulk never imports it.

A companion is a callable `companion(worker_id) -> context manager`: entered when
the worker starts, left when it stops (a signal, the end of a batch, an error).
A worker killed outright leaves nothing running: the companions are threads of
its own process."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

WORKER_COMPANIONS: dict[str, Callable[[str], AbstractContextManager]] = {}


def worker_companion_register(name: str, companion: Callable[[str], AbstractContextManager]) -> None:
    WORKER_COMPANIONS[name] = companion


@contextlib.contextmanager
def companions(worker_id: str) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for companion in WORKER_COMPANIONS.values():
            stack.enter_context(companion(worker_id))
        yield
