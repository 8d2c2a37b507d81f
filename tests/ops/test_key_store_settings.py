"""Production refuses to start without its key store (as without its other keys)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def _check(**extra) -> subprocess.CompletedProcess:
    key = base64.b64encode(os.urandom(32)).decode()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "x",
        "SECRET_KEY": "s" * 50,
        "CRM_FIELD_KEYS": f"k1:{key}",
        "CRM_BLIND_INDEX_KEY": key,
        "CRM_AUDIT_KEY": key,
        **extra,
    }
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_the_key_store_and_with_one_that_does_not_exist(tmp_path):
    missing = _check(CRM_KEY_STORE="")
    assert missing.returncode != 0 and "missing CRM_KEY_STORE" in missing.stderr
    absent = _check(CRM_KEY_STORE=str(tmp_path / "nowhere"))
    assert absent.returncode != 0 and "is not a directory" in absent.stderr
    present = _check(CRM_KEY_STORE=str(tmp_path))
    assert present.returncode == 0, present.stderr
