"""Backups and restores read and write outside the database: each test gets its own
key store, import directory and access-log checkpoint file."""

from __future__ import annotations

import base64
import os

import pytest


@pytest.fixture(autouse=True)
def _own_outside_files(settings, tmp_path, monkeypatch):
    (tmp_path / "keystore").mkdir(exist_ok=True)  # production refuses a key store that is not there
    settings.CRM_KEY_STORE = str(tmp_path / "keystore")
    monkeypatch.setenv("CRM_KEY_STORE", settings.CRM_KEY_STORE)
    settings.CRM_IMPORT_DIR = tmp_path / "imports"
    settings.CRM_AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    settings.CRM_BACKUP_KEY = base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def backups(tmp_path):
    directory = tmp_path / "backups"
    directory.mkdir()
    return directory
