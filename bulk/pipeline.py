"""One import pipeline for the page, the command and the benchmark.

Read the file as a stream (CSV or XLSX, never the whole file in memory), map
headers, turn each row's cells into values, validate them with the customer's own
rules (the form's verdict), find duplicates within the file and against the
database through the blind index, then — when importing — encrypt and write each
batch of good rows with its history, rights, tags and review state in one
transaction that also moves the job's row pointer. A bad row never stops the
others; a crash leaves every committed batch whole, and the job resumes after
the last one.

Reading the file is `bulk.reading`, checking a row `bulk.checking`, the duplicate rules `bulk.duplicates`, the
INSERTs `bulk.fastinsert`. A large file is checked (and its good rows encrypted)
by worker processes a few batches ahead, while this process finds duplicates
against the database and writes."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connections, reset_queries, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.reasons import Reason, encode
from bulk import fastinsert, recovery, uploads
from bulk.checking import WRITER_DECIDES, Checked, RowChecker
from bulk.duplicates import Duplicates, Fingerprints
from bulk.models import ImportJob, JobStatus, Phase, RowProblem
from bulk.reading import iter_rows, refuse_unreadable  # noqa: F401  (the upload page asks the pipeline)
from customers.models import Customer, CustomerUserObjectPermission, Status, Tag
from customers.services import archive_numbers_allocate
from vault import crypto, files
from vault.models import DataKey

# Rows per batch: a worker's unit of checking, and the rows written (and resumed
# after) in one transaction. Larger batches rewrite fewer index pages per row.
BATCH = 2000
SQLITE_CACHE_KIB = 32 * 1024
SQLITE_CHECKPOINT_PAGES = 16 * 1024
MAKER_RIGHTS = ("view_customer", "change_customer")  # customers.services.ownership gives the same


# Reading: bulk.reading (iter_rows, refuse_unreadable).


@contextmanager
def open_upload(job: ImportJob) -> Iterator[BinaryIO]:
    """The job's upload, decrypted in memory as it is read: no plaintext copy
    ever reaches the disk, so a killed process leaves only the encrypted file."""
    with files.open_sealed(job.path, data_key=job.data_key, binding=_binding(job)) as source:
        yield source


def upload_rows(job: ImportJob) -> Iterator[tuple[int, list]]:
    """The rows of the job's upload (see `iter_rows`)."""
    with open_upload(job) as source:
        yield from iter_rows(source, job.file_format)


def _binding(job: ImportJob) -> bytes:
    return uploads.binding(job.uid)


@transaction.atomic
def job_from_upload(*, owner: User, upload, file_format: str) -> ImportJob:
    """A new job for an uploaded file. A file the upload handler already sealed
    (`bulk.uploads`) is adopted as it is: it was encrypted for this job's identity."""
    name = Path(upload.name).name[:200]
    if isinstance(upload, uploads.SealedUpload):
        upload.data_key.save(force_insert=True)
        job = ImportJob.objects.create(
            uid=upload.uid,
            data_key=upload.data_key,
            owner=owner,
            filename=name,
            file_format=file_format,
            size=upload.size,
        )
        upload.adopt(job.path)
        return job
    job = ImportJob.objects.create(owner=owner, filename=name, file_format=file_format)
    store_upload(job, upload.chunks())
    return job


def store_upload(job: ImportJob, chunks) -> None:
    """Encrypt the uploaded file to the import directory under the job's own key."""
    job.path.parent.mkdir(parents=True, exist_ok=True)
    if job.data_key_id is None:
        job.data_key = crypto.new_data_key()
        job.data_key.save(force_insert=True)
    with open(job.path, "wb") as out:
        job.size = files.encrypt_chunks(chunks, out, data_key=job.data_key, binding=_binding(job))
    job.save(update_fields=["data_key", "size"])


# Duplicates within the whole file (the check) ----------------------------------


def _file_duplicates(job: ImportJob, fingerprints: Fingerprints, checker: RowChecker) -> None:
    """After the check's last batch: rows repeating an earlier row of the file."""
    problems, refused = [], set()
    for number, first in fingerprints.repeats("id"):
        message = _("The same ID number is already on row %(row)s.") % {"row": first}
        problems.append(RowProblem(job=job, row=number, column=checker.column("id_number"), message=message))
        refused.add(number)
    for rule, name, text in (
        ("mobile", "mobile", _("Same mobile as row %(row)s.")),
        ("person", "name", _("Same name and date of birth as row %(row)s.")),
    ):
        for number, first in fingerprints.repeats(rule):
            if number not in refused:
                problems.append(
                    RowProblem(
                        job=job, row=number, column=checker.column(name), message=text % {"row": first}, warning=True
                    )
                )
    with transaction.atomic():
        RowProblem.objects.bulk_create(problems, batch_size=1000)
        job.good_rows -= len(refused)
        job.bad_rows += len(refused)
        job.save(update_fields=["good_rows", "bad_rows"])


# Checking batches, here or in worker processes -----------------------------------

# Below this size a file is checked in this process: starting workers costs more.
PARALLEL_FROM_BYTES = 1 << 20
WORKER_NICENESS = 5
_worker_checker: RowChecker | None = None  # set in each worker process only


def _worker_start(checker: RowChecker, parent_pid: int) -> None:
    """In a worker, forked with the file's checker. It dies with the importing
    process (killed or not), and any use of the parent's database connections is
    refused (a forked SQLite or PostgreSQL handle must never be touched twice)."""
    global _worker_checker
    recovery.die_with_parent(parent_pid)
    _worker_checker = checker

    def refuse(*args, **kwargs):
        raise RuntimeError("An import worker checks rows; it never uses the database.")

    for connection in connections.all():
        connection.execute_wrappers.append(refuse)
    # What the worker inherited lives as long as it does: keep it out of the
    # garbage collector's full passes.
    gc.freeze()
    # Checking is background work: the writing process (and any web process on
    # the machine) goes first when they compete for a core.
    os.nice(WORKER_NICENESS)


def _check_batch(batch: list[tuple[int, list]], prepare: bool) -> list[Checked]:
    return _worker_checker.check_batch(batch, prepare=prepare)


def workers_for(size: int) -> int:
    """How many worker processes check a file of `size` bytes (0: the importing
    process does). Workers are forked: they inherit the checker, the settings and
    the keys, and need no start-up of their own."""
    if size < PARALLEL_FROM_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return settings.CRM_IMPORT_WORKERS


def _checked_batches(
    source: BinaryIO, job: ImportJob, *, prepare: bool, skip: int = 0
) -> Iterator[tuple[RowChecker, list[Checked], int]]:
    """(checker, the batch's checked rows, the batch's spreadsheet rows) for each
    batch after the first `skip` rows, in order. Large files are checked by
    worker processes a few batches ahead while this process writes."""
    rows = iter_rows(source, job.file_format)
    try:
        _number, headers = next(rows)
    except StopIteration as exc:
        raise ValidationError(_("The file is empty.")) from exc
    checker = RowChecker(headers, set(Tag.objects.values_list("name", flat=True)))
    batches = _raw_batches(rows, skip)
    workers = workers_for(job.size)
    if not workers:
        for batch in batches:
            yield checker, checker.check_batch(batch, prepare=prepare), len(batch)
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),  # the checker is inherited, not pickled
        initializer=_worker_start,
        initargs=(checker, os.getpid()),
    )
    try:
        ahead: deque = deque()
        for batch in batches:
            ahead.append((len(batch), pool.submit(_check_batch, batch, prepare)))
            if len(ahead) > workers:  # each worker busy with one batch, the next one waiting
                size, checked = ahead.popleft()
                yield checker, checked.result(), size
        while ahead:
            size, checked = ahead.popleft()
            yield checker, checked.result(), size
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _raw_batches(rows: Iterator[tuple[int, list]], skip: int) -> Iterator[list[tuple[int, list]]]:
    batch: list[tuple[int, list]] = []
    seen = 0
    for number, cells in rows:
        seen += 1
        if seen <= skip:
            continue
        batch.append((number, cells))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch or seen == 0:
        yield batch


# Running a job -------------------------------------------------------------------


def _problems(job: ImportJob, phase: str, rows: list[Checked]) -> list[RowProblem]:
    out = []
    for row in rows:
        out += [RowProblem(job=job, phase=phase, row=row.number, column=c, message=m) for c, m in row.problems]
        out += [
            RowProblem(job=job, phase=phase, row=row.number, column=c, message=m, warning=True) for c, m in row.warnings
        ]
    return out


def check(job: ImportJob, *, progress: Callable[[int], None] | None = None) -> ImportJob:
    """The preview: every row checked, problems stored, nothing written."""
    job.status, job.checked_rows, job.good_rows, job.bad_rows = JobStatus.CHECKING, 0, 0, 0
    recovery.claim(job)
    job.save()
    RowProblem.objects.filter(job=job, phase=Phase.CHECK).delete()
    fingerprints = Fingerprints()
    checker = None
    try:
        with open_upload(job) as source, closing(_checked_batches(source, job, prepare=False)) as batches:
            for checker, rows, _size in batches:
                job.ignored_columns = checker.ignored
                Duplicates.in_database(rows, checker, viewer=job.owner)
                for row in rows:
                    if row.good:
                        fingerprints.add(row)
                with transaction.atomic():
                    RowProblem.objects.bulk_create(_problems(job, Phase.CHECK, rows))
                    job.checked_rows += len(rows)
                    job.good_rows += sum(1 for r in rows if r.good)
                    job.bad_rows += sum(1 for r in rows if not r.good)
                    job.heartbeat_at = timezone.now()
                    job.save(update_fields=["checked_rows", "good_rows", "bad_rows", "ignored_columns", "heartbeat_at"])
                reset_queries()
                if progress:
                    progress(len(rows))
    except ValidationError as exc:
        job.status, job.message = JobStatus.FAILED, " ".join(exc.messages)
        job.save(update_fields=["status", "message"])
        return job
    if checker is not None:
        _file_duplicates(job, fingerprints, checker)
    job.total_rows = job.checked_rows
    job.status = JobStatus.CHECKED
    job.save(update_fields=["total_rows", "status"])
    return job


class _Tables:
    """The import's INSERT plans, made once per process: customers, data keys,
    customer history (copying the customer's values) and the maker's rights."""

    def __init__(self) -> None:
        self.customer = fastinsert.Plan(Customer)
        self.data_key = fastinsert.Plan(DataKey)
        self.history = fastinsert.Plan(Customer.history.model)
        self.rights = fastinsert.Plan(CustomerUserObjectPermission)
        # A history row is the customer's values (by column name) and its own fields after them.
        width = len(self.customer.attnames)
        own = HISTORY_OWN
        self.history_pick = itemgetter(
            *(
                self.customer.position[a] if a in self.customer.position else width + own.index(a)
                for a in self.history.attnames
            )
        )


# The history row's own columns, after the customer's values (`_Tables.history_pick`).
HISTORY_OWN = ("history_id", "history_date", "history_user_id", "history_type", "history_change_reason")


@cache
def _tables() -> _Tables:
    return _Tables()


def _write(rows: list[Checked], *, job: ImportJob, actor: User, now) -> None:
    """Write a batch's good rows, prepared (encrypted) by the checker: data keys,
    customers, one history row each, the maker's object rights and the tags."""
    good = [r for r in rows if r.good]
    if not good:
        return
    tables = _tables()
    connection = connections["default"]
    numbers = archive_numbers_allocate(count=len(good))
    ids = fastinsert.reserve_ids(Customer, len(good))
    history_ids = fastinsert.reserve_ids(Customer.history.model, len(good))
    at = Customer._meta.get_field("created_at").get_db_prep_save(now, connection)
    # What the importing process decides: identity, number, maker, department, review state, times.
    decided = {
        "owner_id": actor.pk,
        "entered_by_id": actor.pk,
        "department_id": actor.department_id,
        "status": Status.PENDING,
        "entered_at": at,
        "created_at": at,
        "updated_at": at,
    }
    position = tables.customer.position
    fixed = [(position[name], decided[name]) for name in WRITER_DECIDES if name not in ("id", "archive_no")]
    # The fast path writes the history rows itself, with the reason the trail helper
    # (audit.tracked.tracked_save) would store: a code and the file's name, as data.
    reason = encode(Reason.IMPORTED, file=job.filename)
    history_at = Customer.history.model._meta.get_field("history_date").get_db_prep_save(now, connection)
    own = (history_at, actor.pk, "+", reason)  # HISTORY_OWN after history_id
    customers, history = [], []
    for row, archive_no, pk, history_id in zip(good, numbers, ids, history_ids, strict=True):
        values = list(row.customer)
        values[position["id"]] = pk
        values[position["archive_no"]] = archive_no
        for index, value in fixed:
            values[index] = value
        customers.append(values)
        history.append(tables.history_pick([*values, history_id, *own]))
    tables.data_key.insert(r.data_key for r in good)
    tables.customer.insert(customers)
    tables.history.insert(history)
    rights = list(
        Permission.objects.filter(content_type__app_label="customers", codename__in=MAKER_RIGHTS).values_list(
            "pk", flat=True
        )
    )
    rights_ids = iter(fastinsert.reserve_ids(CustomerUserObjectPermission, len(ids) * len(rights)))
    tables.rights.insert(
        tables.rights.row(id=next(rights_ids), content_object_id=pk, user_id=actor.pk, permission_id=right)
        for pk in ids
        for right in rights
    )
    if any(r.tags for r in good):
        tags = {t.name: t.pk for t in Tag.objects.all()}
        Through = Customer.tags.through
        Through.objects.bulk_create(
            [Through(customer_id=pk, tag_id=tags[name]) for r, pk in zip(good, ids, strict=True) for name in r.tags]
        )


@contextmanager
def _bulk_writes():
    """On SQLite, the importing connection keeps more of the indexes it writes in
    memory and checkpoints its write-ahead log less often (each checkpoint
    rewrites every page touched since the last)."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA wal_autocheckpoint")
        (autocheckpoint,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")


def run_import(job: ImportJob, *, actor: User, progress: Callable[[int], None] | None = None) -> ImportJob:
    """Write every good row as a pending entry made by `actor`; resumable."""
    if actor.department_id is None:
        raise ValidationError(_("You belong to no department, so you cannot enter customers."))
    job.status = JobStatus.IMPORTING
    recovery.claim(job)
    job.save(update_fields=["status", "claimed_by", "heartbeat_at"])
    with (
        open_upload(job) as source,
        _bulk_writes(),
        closing(_checked_batches(source, job, prepare=True, skip=job.processed_rows)) as batches,
    ):
        for checker, rows, size in batches:
            duplicates = Duplicates()  # this batch; the earlier ones are in the database
            for row in rows:
                if row.good:
                    duplicates.in_file(row, checker)
            with transaction.atomic():
                # The rows written before (this job's earlier batches, or anyone's
                # entries meanwhile) are in the database now: checked there.
                Duplicates.in_database(rows, checker, viewer=actor)
                _write(rows, job=job, actor=actor, now=timezone.now())
                RowProblem.objects.bulk_create(_problems(job, Phase.IMPORT, rows))
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=F("processed_rows") + size,
                    imported_rows=F("imported_rows") + sum(1 for r in rows if r.good),
                    refused_rows=F("refused_rows") + sum(1 for r in rows if not r.good),
                    flagged_rows=F("flagged_rows") + sum(1 for r in rows if r.good and r.warnings),
                    heartbeat_at=timezone.now(),
                )
            reset_queries()  # with DEBUG on, a long import would keep its largest queries
            if progress:
                progress(size)
    job.refresh_from_db()
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job
