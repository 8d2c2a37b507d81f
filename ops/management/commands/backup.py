"""python manage.py backup OUT | --keys OUT | --verify FILE | --prune DIR (README "Backups and restore")."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ops import backup, retention
from ops.backup_format import BackupError
from ops.progress import CommandProgress


class Command(BaseCommand):
    help = "Encrypted backup of the database and the import directory (or of the key store with --keys)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="the backup file to write (or, with --verify, to check; with --prune, a directory)"
        )
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--keys", action="store_true", help="back up the key store's shares and ledger instead")
        what.add_argument("--verify", action="store_true", help="check a backup file without restoring it")
        what.add_argument("--prune", action="store_true", help="delete the backups in a directory beyond the retention")

    def handle(self, *args, path: str, keys: bool, verify: bool, prune: bool, **options):
        progress = CommandProgress(self.stdout)
        try:
            if prune:
                return self._prune(Path(path))
            if verify:
                manifest = backup.verify(Path(path), progress=progress)
                progress.close()
                members = manifest["members"]
                self.stdout.write(self.style.SUCCESS(
                    f"OK: {manifest['kind']} backup of {manifest.get('created_at')}, {len(members)} members, "
                    f"{sum(members.values())} bytes, every chunk and checksum verified."
                ))  # fmt: skip
                return
            made = (backup.backup_keys if keys else backup.backup_database)(Path(path), progress=progress)
        except (BackupError, ImproperlyConfigured, OSError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        if keys:
            self.stdout.write(self.style.SUCCESS(f"Key store backed up to {path}: {made['shares']} shares."))
        else:
            rows = sum(made["tables"].values())
            self.stdout.write(self.style.SUCCESS(
                f"Backed up to {path}: {made['engine']}, {len(made['tables'])} tables, {rows} rows, "
                f"access log to entry {made['access_log']['last_id']}."
            ))  # fmt: skip

    def _prune(self, directory: Path) -> None:
        removed, kept = retention.prune(directory)
        for path in removed:
            self.stdout.write(f"removed {path.name}")
        self.stdout.write(self.style.SUCCESS(f"Pruned {directory}: {len(removed)} removed, {len(kept)} kept."))
