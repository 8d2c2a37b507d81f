"""Errors the bottom layer knows how to answer, raised by the layers above."""

from __future__ import annotations


class StoredValueUnreadable(Exception):
    """A stored value cannot be read right now (the vault's errors are these):
    `core.middleware.BadInputMiddleware` answers 503 and logs `log_line(path)`
    for operators. Never carries plaintext."""

    def log_line(self, path: str) -> tuple:
        """The operators' log line, as `logger.error` arguments."""
        return ("A stored value cannot be decrypted on %s: %s", path, self)
