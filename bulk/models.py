"""Import jobs: an uploaded spreadsheet, checked (the preview) and then imported
in committed batches, with its own counters for the progress bar and a row
pointer that makes an interrupted job resumable without importing a row twice."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vault.fields import DataKeyField


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORT_QUEUED = "import_queued", _("Waiting to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


class ImportJob(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The uploaded file is stored encrypted under this key (vault.files).
    data_key = DataKeyField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT)
    filename = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)  # a refusal of the whole file (missing columns, unreadable)
    ignored_columns = models.JSONField(default=list)
    # The process checking or importing the job ("host:pid:start"), and when it
    # last finished a batch: a job whose process died is marked failed (bulk.recovery).
    claimed_by = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Counters, updated batch by batch in the same transaction as the batch.
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    checked_rows = models.PositiveIntegerField(default=0)
    good_rows = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)  # import pointer: rows done, committed
    imported_rows = models.PositiveIntegerField(default=0)
    refused_rows = models.PositiveIntegerField(default=0)
    flagged_rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        permissions = [("export_records", _("Export the customers and transactions one may see, masked"))]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def path(self):
        from pathlib import Path

        return Path(settings.CRM_IMPORT_DIR) / f"{self.uid}.bin"

    @property
    def running(self) -> bool:
        return self.status in (
            JobStatus.QUEUED,
            JobStatus.CHECKING,
            JobStatus.IMPORT_QUEUED,
            JobStatus.IMPORTING,
        )

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        done = self.processed_rows if self.status in (JobStatus.IMPORTING, JobStatus.DONE) else self.checked_rows
        return min(100, round(100 * done / self.total_rows))


class Phase(models.TextChoices):
    CHECK = "check", _("Check")
    IMPORT = "import", _("Import")


class RowProblem(models.Model):
    """One problem of one row: found when checking (the preview) or when importing
    (the row was refused then, for instance a duplicate entered meanwhile)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.CHECK)
    row = models.PositiveIntegerField(_("row"))  # the spreadsheet's row number (header = 1)
    column = models.CharField(_("column"), max_length=100, blank=True)
    message = models.TextField(_("problem"))
    warning = models.BooleanField(default=False)  # a possible duplicate: imported, but flagged

    class Meta:
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "phase", "row"], name="rowproblem_job_idx")]

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.message}"
