"""Strict readers for settings that come from the environment.

A value that cannot be understood is an error at start-up, never a silent default:
`DJANGO_DEBUG=flase` stops the process instead of running in production mode by
accident. Every secret may also be given as `NAME_FILE`, a path whose contents are
the value (Docker and systemd credentials).
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's value, or the contents of the file named by `NAME_FILE`."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is neither true nor false (use true/false, 1/0, yes/no, on/off).")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def load_dotenv(path: Path) -> None:
    """Read `KEY=VALUE` lines into the environment; real environment variables win."""
    if not path.exists():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def _dev_secrets() -> dict[str, str]:
    """A fresh development value for every secret production requires."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CRM_FIELD_KEYS": "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "CRM_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "CRM_AUDIT_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "CRM_BACKUP_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def write_dev_dotenv(path: Path) -> None:
    """Create a development `.env` with fresh random secrets, once; a secret added
    later (an older checkout's `.env`) is appended, never replaced.

    The repository holds no secret, not even a development one; each checkout gets
    its own. Losing this file makes the encrypted values of its database unreadable,
    which is the point of field encryption.
    """
    fresh = _dev_secrets()
    if path.exists():
        present = {line.partition("=")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()}
        missing = [name for name in fresh if name not in present]
        if missing:
            with path.open("a", encoding="utf-8") as env_file:
                env_file.writelines(f"{name}={fresh[name]}\n" for name in missing)
        return
    path.write_text(
        "# Development secrets, generated on first run. Never commit this file.\n"
        + "".join(f"{name}={value}\n" for name, value in fresh.items()),
        encoding="utf-8",
    )
    path.chmod(0o600)
