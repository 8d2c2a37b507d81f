"""Secrets come from the environment; development gets fresh ones in `.env`."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from core.env import write_dev_dotenv


def test_an_older_dotenv_gains_the_audit_key_and_keeps_its_other_secrets(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("SECRET_KEY=old\nCRM_FIELD_KEYS=dev1:AAAA\nCRM_BLIND_INDEX_KEY=BBBB\n")
    write_dev_dotenv(dotenv)
    values = dict(line.split("=", 1) for line in dotenv.read_text().splitlines() if "=" in line)
    assert (values["SECRET_KEY"], values["CRM_FIELD_KEYS"], values["CRM_BLIND_INDEX_KEY"]) == (
        "old",
        "dev1:AAAA",
        "BBBB",
    )
    assert len(base64.b64decode(values["CRM_AUDIT_KEY"])) == 32
    write_dev_dotenv(dotenv)  # a second run adds nothing
    assert dotenv.read_text().count("CRM_AUDIT_KEY=") == 1


def test_a_new_dotenv_has_every_secret_and_only_its_owner_reads_it(tmp_path):
    dotenv = tmp_path / ".env"
    write_dev_dotenv(dotenv)
    names = {line.split("=", 1)[0] for line in dotenv.read_text().splitlines() if "=" in line}
    assert names == {"SECRET_KEY", "CRM_FIELD_KEYS", "CRM_BLIND_INDEX_KEY", "CRM_AUDIT_KEY", "CRM_BACKUP_KEY"}
    assert dotenv.stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_start_without_the_audit_key():
    key = base64.b64encode(os.urandom(32)).decode()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "x",
        "SECRET_KEY": "s" * 50,
        "CRM_FIELD_KEYS": f"k1:{key}",
        "CRM_BLIND_INDEX_KEY": key,
        "CRM_AUDIT_KEY": "",
    }
    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "missing CRM_AUDIT_KEY" in done.stderr
