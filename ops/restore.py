"""`manage.py restore FILE` (issue 18 item 2): a database backup put back into an
empty database (a non-empty one only with `force`), then checked and made safe:

1. the whole file is verified first (every chunk, every member): a tampered, cut
   or foreign file is refused before anything is written;
2. the database (SQLite: online backup API; PostgreSQL: pg_restore) and the
   import directory are restored;
3. every table's row count is compared with the manifest's;
4. the access-log chain is verified (against the checkpoints up to the backup's
   head; checkpoints after it measure what the backup lost);
5. the destruction ledger is replayed (ops.keyledger): nobody destroyed after
   the backup comes back.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection

from audit import chain
from audit.services import VerifyResult, access_log_verify
from ops import backup_format as fmt
from ops.backup import PARTIAL, Progress, pg_command, pg_params, read_manifest, remove_stale_partials, verify
from ops.keyledger import Replay, replay_ledger


class RestoreRefused(Exception):
    """Restore will not run (nothing was written)."""


class RestoreFailed(Exception):
    """The restored database does not match its backup."""


@dataclass
class RestoreReport:
    manifest: dict
    tables: int = 0
    rows: int = 0
    imports: int = 0
    chain: VerifyResult | None = None
    lost_entries: int = 0  # access-log entries checkpointed after the backup: the recovery point's cost
    replay: Replay = field(default_factory=Replay)


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_sqlite(blocks, progress: Progress) -> None:
    target = Path(connection.settings_dict["NAME"])
    remove_stale_partials(target.parent)
    temporary = target.with_name(f".restore{PARTIAL}{os.getpid()}")
    try:
        with open(temporary, "wb") as handle:
            for block in blocks:
                handle.write(block)
                progress.advance(len(block))
        connection.close()
        source, destination = sqlite3.connect(temporary), sqlite3.connect(target)
        try:
            source.backup(destination, pages=4096)
        finally:
            source.close()
            destination.close()
    finally:
        temporary.unlink(missing_ok=True)


def _restore_postgresql(blocks, progress: Progress, *, force: bool) -> None:
    if force:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connection.close()
    command, env = pg_command(
        "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
        "-d", pg_params()["dbname"],
    )  # fmt: skip
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stderr=errors) as loader:  # noqa: S603
            try:
                for block in blocks:
                    loader.stdin.write(block)
                    progress.advance(len(block))
            except BrokenPipeError:
                pass
            finally:
                loader.stdin.close()
            code = loader.wait()
        if code != 0:
            errors.seek(0)
            raise RestoreFailed(f"pg_restore failed ({code}): {errors.read().decode(errors='replace')[:500]}")


def _restore_import(name: str, blocks) -> None:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise fmt.BackupError("The backup names an import file outside the import directory.")
    path = Path(settings.CRM_IMPORT_DIR).joinpath(*relative.parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}{PARTIAL}{os.getpid()}")
    try:
        with open(temporary, "wb") as handle:
            for block in blocks:
                handle.write(block)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _check_counts(manifest: dict) -> tuple[int, int]:
    wrong = []
    rows = 0
    with connection.cursor() as cursor:
        for table, expected in manifest["tables"].items():
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 — manifest's names, quoted
            found = cursor.fetchone()[0]
            rows += found
            if found != expected:
                wrong.append(f"{table} ({found} rows, the backup had {expected})")
    if wrong:
        raise RestoreFailed("Row counts differ from the backup's manifest: " + ", ".join(wrong[:20]))
    return len(manifest["tables"]), rows


def _verify_chain(manifest: dict, report: RestoreReport) -> None:
    head = manifest["access_log"]["last_id"]
    try:
        points = chain.read_checkpoints()
    except chain.CheckpointError:
        points = []
    later = [point for point in points if point.id > head]
    report.lost_entries = max((point.id for point in later), default=head) - head
    report.chain = access_log_verify(checkpoints=[point for point in points if point.id <= head])
    if not report.chain.ok:
        raise RestoreFailed(f"The restored access log does not verify: entry {report.chain.first_bad_id} "
                            f"{report.chain.reason}.")  # fmt: skip


def restore(path: Path, *, force: bool = False, progress: Progress | None = None) -> RestoreReport:
    progress = progress or Progress()
    manifest = verify(path, progress=progress)
    if manifest["kind"] != "database":
        raise RestoreRefused("This is a key-store backup: restore it with `restore --keys FILE`.")
    if manifest["engine"] != connection.vendor:
        raise RestoreRefused(
            f"This backup is of a {manifest['engine']} database; DATABASE_URL names a {connection.vendor} one."
        )
    if not force and not database_is_empty():
        raise RestoreRefused(
            "The database is not empty: restore only into an empty one, or give --force to replace it."
        )
    report = RestoreReport(manifest=manifest)
    progress.stage("restore")
    _header, stream = fmt.open_backup(path)
    with stream:
        names = fmt.members(stream)
        read_manifest(names)
        for name, blocks in names:
            if name == "database.sqlite3":
                _restore_sqlite(blocks, progress)
            elif name == "database.pgdump":
                _restore_postgresql(blocks, progress, force=force)
            elif name.startswith("imports/"):
                _restore_import(name.removeprefix("imports/"), blocks)
                report.imports += 1
    connection.close()
    progress.stage("row counts")
    report.tables, report.rows = _check_counts(manifest)
    progress.stage("access-log chain")
    _verify_chain(manifest, report)
    progress.stage("destruction ledger")
    report.replay = replay_ledger()
    return report
