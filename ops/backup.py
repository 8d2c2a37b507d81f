"""`manage.py backup` (issue 18 item 1): a consistent online snapshot of the database
and the import directory, encrypted under `CRM_BACKUP_KEY` (ops.backup_format),
with a manifest; the key store's shares apart (`--keys`); `--verify`; `--prune`.

The output is written under a temporary name beside OUT and renamed only once
complete and fsync'd: a backup killed midway leaves no OUT file (and the next run
removes the leftover temporary file).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from ops import backup_format as fmt
from ops.keyledger import reconcile_key_store
from vault import keystore

READ = 1 << 20
PARTIAL = ".partial-"


class Progress:
    """What a command shows; the default shows nothing."""

    def stage(self, text: str) -> None:
        pass

    def advance(self, size: int) -> None:
        pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(directory: Path) -> list[Path]:
    """Temporary files of backups (and snapshots) whose process is gone."""
    removed = []
    for path in directory.glob(f".*{PARTIAL}*"):
        pid = path.name.rsplit(PARTIAL, 1)[-1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def atomic_output(out: Path) -> Iterator:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(out.parent)
    temporary = out.with_name(f".{out.name}{PARTIAL}{os.getpid()}")
    try:
        with open(temporary, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, out)
        fd = os.open(out.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    finally:
        temporary.unlink(missing_ok=True)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _manifest_from(cursor, tables: list[str], quote) -> dict:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 — the database's own table names
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    cursor.execute("SELECT last_id, last_hash, count FROM audit_accessloghead WHERE id = 1")
    head = cursor.fetchone() or (0, "", 0)
    return {
        "tables": counts,
        "migrations": migrations,
        "access_log": {"last_id": head[0], "last_hash": head[1], "count": head[2]},
    }


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# SQLite: the online backup API copies a consistent snapshot into a file beside the
# database (it holds what the database holds, S3 values sealed), removed afterwards.


def _sqlite_snapshot(progress: Progress) -> tuple[Path, dict]:
    source_path = Path(connection.settings_dict["NAME"])
    remove_stale_partials(source_path.parent)
    snapshot = source_path.with_name(f".backup-snapshot{PARTIAL}{os.getpid()}")
    snapshot.unlink(missing_ok=True)
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(snapshot)
    try:
        progress.stage("snapshot")
        source.backup(target, pages=4096)
        cursor = target.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        manifest = _manifest_from(cursor, tables, _sqlite_quote)
    except BaseException:
        snapshot.unlink(missing_ok=True)
        raise
    finally:
        target.close()
        source.close()
    return snapshot, manifest


def _stream_file(path: Path, members: fmt.MemberWriter, progress: Progress) -> None:
    with open(path, "rb") as handle:
        while block := handle.read(READ):
            members.data(block)
            progress.advance(len(block))


# PostgreSQL: counts read in a REPEATABLE READ transaction whose snapshot pg_dump
# shares (--snapshot), so the manifest describes exactly what is dumped.


def pg_params() -> dict:
    db = connection.settings_dict
    return {
        "dbname": db["NAME"],
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
    }


def pg_command(program: str, *args: str) -> tuple[list[str], dict]:
    """The command line (never the password) and its environment (PGPASSWORD)."""
    p = pg_params()
    env = {**os.environ, "PGPASSWORD": p["password"]}
    return [program, "-h", p["host"], "-p", p["port"], "-U", p["user"], *args], env


def _pg_dump_into(members: fmt.MemberWriter, progress: Progress) -> dict:
    import psycopg

    p = pg_params()
    with psycopg.connect(**p, autocommit=False) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
        manifest = _manifest_from(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')
        manifest.update(engine="postgresql", created_at=_now_iso())
        members.member("manifest.json", json.dumps(manifest, sort_keys=True).encode())
        progress.stage("pg_dump")
        command, env = pg_command("pg_dump", "-Fc", f"--snapshot={snapshot_id}", "-d", p["dbname"])
        members.begin("database.pgdump")
        with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as dump:  # noqa: S603
            while block := dump.stdout.read(READ):
                members.data(block)
                progress.advance(len(block))
            error = dump.stderr.read().decode(errors="replace")
            code = dump.wait()
        if code != 0:
            raise fmt.BackupError(f"pg_dump failed ({code}): {error.strip()[:500]}")
        members.end()
        conn.rollback()
    return manifest


def _import_files() -> list[tuple[Path, str]]:
    base = Path(settings.CRM_IMPORT_DIR)
    if not base.is_dir():
        return []
    return [
        (path, path.relative_to(base).as_posix())
        for path in sorted(base.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    ]


def backup_database(out: Path, *, progress: Progress | None = None) -> dict:
    """Write a database backup to `out`; returns its manifest."""
    progress = progress or Progress()
    progress.stage("key store: ledger and shares reconciled with the database")
    reconcile_key_store()
    with atomic_output(out) as handle:
        members = fmt.MemberWriter(fmt.SealingWriter(handle, kind=fmt.DATABASE))
        if connection.vendor == "sqlite":
            snapshot, manifest = _sqlite_snapshot(progress)
            try:
                manifest.update(engine="sqlite", created_at=_now_iso())
                members.member("manifest.json", json.dumps(manifest, sort_keys=True).encode())
                progress.stage("database")
                members.begin("database.sqlite3")
                _stream_file(snapshot, members, progress)
                members.end()
            finally:
                snapshot.unlink(missing_ok=True)
        elif connection.vendor == "postgresql":
            manifest = _pg_dump_into(members, progress)
        else:
            raise fmt.BackupError(f"backup does not know the {connection.vendor} database.")
        progress.stage("import directory")
        for path, name in _import_files():
            with suppress(FileNotFoundError):  # an import discarded meanwhile
                members.begin(f"imports/{name}")
                _stream_file(path, members, progress)
                members.end()
        members.close()
    return manifest


def backup_keys(out: Path, *, progress: Progress | None = None) -> dict:
    """The key store's shares and ledger, apart from the database backup."""
    progress = progress or Progress()
    progress.stage("key store")
    reconcile_key_store()
    ledger = keystore.ledger_path()
    with atomic_output(out) as handle:
        members = fmt.MemberWriter(fmt.SealingWriter(handle, kind=fmt.KEYS))
        manifest = {"kind": "keys", "created_at": _now_iso()}
        members.member("manifest.json", json.dumps(manifest, sort_keys=True).encode())
        members.member("ledger.jsonl", ledger.read_bytes() if ledger.exists() else b"")
        members.begin("shares.bin")
        block, count = bytearray(), 0
        for key_id, share in keystore.shares():
            block += key_id.bytes + share
            count += 1
            if len(block) >= READ:
                members.data(bytes(block))
                progress.advance(len(block))
                block.clear()
        members.data(bytes(block))
        members.end()
        members.close()
    return {**manifest, "shares": count}


def read_manifest(names: Iterator[tuple[str, Iterator[bytes]]]) -> dict:
    first = next(names, None)
    if first is None or first[0] != "manifest.json":
        raise fmt.BackupError("The backup has no manifest.")
    return json.loads(b"".join(first[1]))


def verify(path: Path, *, progress: Progress | None = None) -> dict:
    """Decrypt and check every chunk and member; nothing is written anywhere.
    Returns the manifest with `members` (name → size) added."""
    progress = progress or Progress()
    progress.stage("verify")
    header, stream = fmt.open_backup(path)
    with stream:
        names = fmt.members(stream)
        manifest = read_manifest(names)
        sizes = {}
        for name, blocks in names:
            size = 0
            for block in blocks:
                size += len(block)
                progress.advance(len(block))
            sizes[name] = size
    manifest["members"] = sizes
    manifest["kind"] = "keys" if header.kind == fmt.KEYS else "database"
    if manifest["kind"] == "database" and not any(n.startswith("database.") for n in sizes):
        raise fmt.BackupError("The backup holds no database.")
    return manifest


def share_records(block: bytes) -> Iterator[tuple[uuid.UUID, bytes]]:
    size = 16 + keystore.SHARE_BYTES
    for start in range(0, len(block) - size + 1, size):
        yield uuid.UUID(bytes=block[start : start + 16]), block[start + 16 : start + size]
