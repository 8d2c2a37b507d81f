"""Import a spreadsheet of customers from the command line: the same pipeline as
the page (check, then import every good row as a pending entry made by --user),
with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import User
from bulk import pipeline
from bulk.models import ImportJob, JobStatus
from bulk.rights import may_import


class Command(BaseCommand):
    help = "Import customers from a CSV or XLSX file as pending entries (same rules as the form)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="The clerk who enters the rows (their maker).")
        parser.add_argument("--check-only", action="store_true", help="Report the problems; write nothing.")
        parser.add_argument("--resume", type=int, metavar="JOB", help="Resume an interrupted import job.")

    def handle(self, *args, file: Path, user: str, check_only: bool, resume: int | None, **options):
        actor = User.objects.filter(username=user).first()
        if actor is None or not may_import(actor):
            raise CommandError(f"{user!r} is not a clerk who may import.")
        if resume:
            job = ImportJob.objects.get(pk=resume, owner=actor)
        else:
            suffix = file.suffix.lower().lstrip(".")
            if suffix not in ("csv", "xlsx") or not file.is_file():
                raise CommandError(f"{file} is not a .csv or .xlsx file.")
            job = ImportJob.objects.create(owner=actor, filename=file.name[:200], file_format=suffix)
            with open(file, "rb") as source:
                pipeline.store_upload(job, iter(lambda: source.read(1 << 20), b""))
            with tqdm(desc="check", unit=" rows", disable=None) as bar:
                job = pipeline.check(job, progress=bar.update)
            if job.status == JobStatus.FAILED:
                raise CommandError(job.message)
            self.stdout.write(f"Checked {job.total_rows} rows: {job.good_rows} good, {job.bad_rows} with problems.")
            for problem in job.problems.filter(warning=False)[:20]:
                self.stdout.write(f"  row {problem.row} {problem.column}: {problem.message}")
            if check_only:
                return
        with tqdm(total=job.total_rows, initial=job.processed_rows, desc="import", unit=" rows", disable=None) as bar:
            job = pipeline.run_import(job, actor=actor, progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(
                f"Job {job.pk}: imported {job.imported_rows} rows as pending entries of {actor.username}; "
                f"{job.refused_rows} refused, {job.flagged_rows} flagged as possible duplicates."
            )
        )
