"""Spreadsheet import pages and masked exports."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bulk import exports, pipeline, recovery, rights, spreadsheets, tasks, uploads
from bulk.models import ImportJob, JobStatus, Phase

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        help_text=gettext_lazy("First row: column names in Chinese or English, as on the entry form."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        file_format = FORMATS.get(Path(upload.name).suffix.lower())
        if file_format is None:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="format")
        if upload.size > settings.CRM_IMPORT_MAX_BYTES or getattr(upload, "truncated", False):
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.CRM_IMPORT_MAX_BYTES // (1024 * 1024)},
                code="too_large",
            )
        # An unreadable file is named here, on this page: no job is made for it.
        if isinstance(upload, uploads.SealedUpload):
            with upload.open_plaintext() as source:
                pipeline.refuse_unreadable(source, file_format)
        else:  # another upload handler's file (Django's own, if FILE_UPLOAD_HANDLERS is changed)
            upload.seek(0)
            pipeline.refuse_unreadable(upload, file_format)
            upload.seek(0)
        self.file_format = file_format
        return upload


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return rights.job_for(request.user, pk)


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    rights.require_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = pipeline.job_from_upload(
            owner=request.user, upload=form.cleaned_data["file"], file_format=form.file_format
        )
        tasks.check_import.enqueue(job.pk)
        return redirect("bulk:job", pk=job.pk)
    return render(
        request,
        "bulk/imports.html",
        {"form": form, "jobs": ImportJob.objects.filter(owner=request.user).exclude(status=JobStatus.DISCARDED)[:20]},
    )


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    job = recovery.settle(_job(request, pk))
    phase = Phase.IMPORT if job.status in (JobStatus.IMPORTING, JobStatus.DONE) or job.processed_rows else Phase.CHECK
    problems = job.problems.filter(phase=phase)
    return render(
        request,
        "bulk/job.html",
        {
            "job": job,
            "errors": problems.filter(warning=False)[:200],
            "warnings": problems.filter(warning=True)[:200],
            "phase": phase,
        },
    )


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = recovery.settle(_job(request, pk))
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "running": job.running,
            "percent": job.percent,
            "checked": job.checked_rows,
            "processed": job.processed_rows,
            "imported": job.imported_rows,
        }
    )


@login_required
@require_POST
def job_start(request: HttpRequest, pk: int) -> HttpResponse:
    job = recovery.settle(_job(request, pk))
    resumable = job.status == JobStatus.FAILED and job.total_rows is not None
    if job.status != JobStatus.CHECKED and not resumable:
        messages.error(
            request, _("This file cannot be imported now (%(status)s).") % {"status": job.get_status_display()}
        )
        return redirect("bulk:job", pk=pk)
    if not job.good_rows:
        messages.error(request, _("No row can be imported: correct the file and upload it again."))
        return redirect("bulk:job", pk=pk)
    ImportJob.objects.filter(pk=pk).update(status=JobStatus.IMPORT_QUEUED, message="")
    tasks.import_rows.enqueue(job.pk)
    return redirect("bulk:job", pk=pk)


@login_required
@require_POST
def job_discard(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status in (JobStatus.IMPORTING, JobStatus.IMPORT_QUEUED):
        messages.error(request, _("An import in progress cannot be discarded."))
        return redirect("bulk:job", pk=pk)
    job.path.unlink(missing_ok=True)
    job.status = JobStatus.DISCARDED
    job.save(update_fields=["status"])
    messages.success(request, _("The file was deleted."))
    return redirect("bulk:imports")


@login_required
def job_report(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The uploaded spreadsheet as CSV, each row with its problems in a last
    column; its cells written safe (bulk.spreadsheets: never a formula)."""
    job = _job(request, pk)
    if not job.path.exists():
        raise Http404
    phase = Phase.IMPORT if job.processed_rows else Phase.CHECK

    def rows():
        problems = (
            job.problems.filter(phase=phase).order_by("row", "id").values_list("row", "column", "message", "warning")
        )
        iterator = iter(problems.iterator())
        pending = next(iterator, None)
        try:
            for number, cells in pipeline.upload_rows(job):
                if number == 1:
                    yield [*cells, _("Problems")]
                    continue
                notes = []
                while pending is not None and pending[0] <= number:
                    if pending[0] == number:
                        kind = _("possible duplicate") if pending[3] else _("error")
                        notes.append(f"[{kind}] {pending[1]}：{pending[2]}" if pending[1] else f"[{kind}] {pending[2]}")
                    pending = next(iterator, None)
                yield [*cells, "；".join(notes)]
        except ValidationError as exc:  # the rest of the file cannot be read: the report says so, last
            yield [" ".join(exc.messages)]

    response = StreamingHttpResponse(spreadsheets.csv_lines(rows()), content_type=spreadsheets.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="report-{job.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export(request: HttpRequest, what: str, file_format: str) -> HttpResponse:
    if what not in ("customers", "transactions") or file_format not in ("csv", "xlsx"):
        raise Http404
    rights.require_export(request.user)
    return exports.export(request, what=what, file_format=file_format)
