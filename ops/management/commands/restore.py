"""python manage.py restore FILE [--force] | --keys FILE (README "Backups and restore")."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ops import keyledger
from ops.backup_format import BackupError
from ops.progress import CommandProgress
from ops.restore import RestoreFailed, RestoreRefused, restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database, then check it and replay the destruction ledger."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument("--force", action="store_true", help="replace a database that is not empty")
        parser.add_argument("--keys", action="store_true", help="restore a key-store backup (backup --keys)")

    def handle(self, *args, path: str, force: bool, keys: bool, **options):
        progress = CommandProgress(self.stdout)
        try:
            if keys:
                done = keyledger.restore_keys(Path(path))
                self.stdout.write(self.style.SUCCESS(
                    f"Key store restored: {done['shares_written']} shares written, {done['shares_skipped']} kept "
                    f"or left out (shredded), {done['ledger_appended']} ledger entries added."
                ))  # fmt: skip
                return
            report = restore(Path(path), force=force, progress=progress)
        except (BackupError, RestoreRefused, RestoreFailed, ImproperlyConfigured, OSError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        manifest = report.manifest
        self.stdout.write(f"Restored the backup of {manifest['created_at']} ({manifest['engine']}).")
        self.stdout.write(f"Row counts: {report.tables} tables, {report.rows} rows, all as in the manifest.")
        self.stdout.write(f"Import files restored: {report.imports}.")
        self.stdout.write(f"Access log: {report.chain.checked} entries verified.")
        if report.lost_entries:
            self.stdout.write(self.style.WARNING(
                f"{report.lost_entries} access-log entries were written after this backup and are not in it."
            ))  # fmt: skip
        replay = report.replay
        self.stdout.write(
            f"Destruction ledger replayed: {len(replay.destroyed)} destroyed again, "
            f"{len(replay.merged)} merged-away records shredded again."
        )
        for label in replay.destroyed:
            self.stdout.write(f"  destroyed again: {label} (its DestructionRecord is not in this backup)")
        for label in replay.merged:
            self.stdout.write(f"  merged after the backup: {label} (merge it again; its sealed values are gone)")
        for label in replay.mismatched:
            self.stdout.write(self.style.WARNING(f"  ledger names {label}, but that id holds another record"))
        self.stdout.write(self.style.SUCCESS("Restore complete."))
