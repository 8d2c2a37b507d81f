"""Background work: checking and importing an uploaded spreadsheet. The worker
(`manage.py db_worker`, started by `make run`) picks these up from the database."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import User
from bulk import pipeline
from bulk.models import ImportJob, JobStatus

logger = logging.getLogger(__name__)


@task()
def check_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("data_key").get(pk=job_id)
    if job.status not in (JobStatus.QUEUED, JobStatus.CHECKING):
        return
    try:
        pipeline.check(job)
    except Exception:
        logger.exception("Checking import %s failed", job_id)
        message = _("The check stopped on an internal error; upload the file again.")
        ImportJob.objects.filter(pk=job_id).update(status=JobStatus.FAILED, message=message)
        raise


@task()
def import_rows(job_id: int) -> None:
    """Import the good rows; after a crash, running it again resumes after the
    last committed batch."""
    job = ImportJob.objects.select_related("data_key").get(pk=job_id)
    if job.status not in (JobStatus.IMPORT_QUEUED, JobStatus.IMPORTING):
        return
    actor = User.objects.get(pk=job.owner_id)
    try:
        pipeline.run_import(job, actor=actor)
    except ValidationError as exc:
        ImportJob.objects.filter(pk=job_id).update(status=JobStatus.FAILED, message=" ".join(exc.messages))
    except Exception:
        logger.exception("Importing %s failed; it resumes when run again", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            message=_(
                "The import stopped on an internal error; start it again: rows already imported are not repeated."
            ),
        )
        raise
