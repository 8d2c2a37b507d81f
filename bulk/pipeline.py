"""One import pipeline for the page, the command and the benchmark.

Read the file as a stream (CSV or XLSX, never the whole file in memory), map
headers, turn each row's cells into values, validate them with the customer's own
rules (the form's verdict), find duplicates within the file and against the
database through the blind index, then — when importing — encrypt and write each
batch of good rows with its history, rights, tags and review state in one
transaction that also moves the job's row pointer. A bad row never stops the
others; a crash leaves every committed batch whole, and the job resumes after
the last one."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import User
from bulk import columns, fastinsert
from bulk.models import ImportJob, JobStatus, Phase, RowProblem
from customers.models import Customer, CustomerUserObjectPermission, Status, Tag
from customers.presentation import applies_to
from customers.services import archive_numbers_allocate
from vault import crypto, files
from vault.models import DataKey

BATCH = 500
MAKER_RIGHTS = ("view_customer", "change_customer")  # customers.services.ownership gives the same
RELATIONS = [f.name for f in Customer._meta.concrete_fields if f.is_relation]


# Reading -------------------------------------------------------------------------


def _text_stream(raw: io.BufferedIOBase) -> io.TextIOBase:
    """UTF-8 (with or without BOM) or, failing that, GB 18030 (what Excel saves in China)."""
    sample = raw.read(1 << 16)
    raw.seek(0)
    try:
        sample.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sample's end is still UTF-8.
        encoding = "utf-8-sig" if exc.start >= len(sample) - 3 else "gb18030"
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def iter_rows(path: Path, file_format: str) -> Iterator[tuple[int, list]]:
    """(spreadsheet row number, cells), the header first (row 1)."""
    if file_format == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(cells)
        finally:
            workbook.close()
        return
    with open(path, "rb") as raw:
        for number, cells in enumerate(csv.reader(_text_stream(raw)), start=1):
            yield number, cells


@contextmanager
def plaintext_copy(job: ImportJob):
    """The job's upload, decrypted into a private temporary file for the time of a run."""
    with tempfile.NamedTemporaryFile(suffix=f".{job.file_format}") as plain, open(job.path, "rb") as sealed:
        for block in files.decrypt_chunks(sealed, data_key=job.data_key, binding=_binding(job)):
            plain.write(block)
        plain.flush()
        yield Path(plain.name)


def _binding(job: ImportJob) -> bytes:
    return crypto.binding("bulk.ImportJob", "file", job.uid)


def store_upload(job: ImportJob, chunks) -> None:
    """Encrypt the uploaded file to the import directory under the job's own key."""
    job.path.parent.mkdir(parents=True, exist_ok=True)
    if job.data_key_id is None:
        job.data_key = crypto.new_data_key()
        job.data_key.save(force_insert=True)
    with open(job.path, "wb") as out:
        job.size = files.encrypt_chunks(chunks, out, data_key=job.data_key, binding=_binding(job))
    job.save(update_fields=["data_key", "size"])


# Checking one row ----------------------------------------------------------------


@dataclass
class Row:
    number: int
    customer: Customer | None = None
    tags: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # refusals: (column, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # possible duplicates

    @property
    def good(self) -> bool:
        return self.customer is not None and not self.problems


def _label(name: str) -> str:
    return str(capfirst(Customer._meta.get_field(name).verbose_name)) if name != "__all__" else ""


class RowChecker:
    """Turns a row's cells into a validated, unsaved Customer, or says what is wrong."""

    def __init__(self, headers: list, tag_names: set[str]) -> None:
        self.mapping, self.ignored = columns.map_headers([str(h or "") for h in headers])
        self.headers = {name: str(headers[index]).strip() for index, name in self.mapping.items()}
        self.tag_names = tag_names

    def column(self, name: str) -> str:
        return self.headers.get(name) or _label(name)

    def check(self, number: int, cells: list) -> Row | None:
        if not any(str(c).strip() for c in cells if c is not None):
            return None  # a blank line is not a row
        row = Row(number)
        values: dict[str, object] = {}
        failed: list[str] = []
        for index, name in self.mapping.items():
            cell = cells[index] if index < len(cells) else None
            try:
                value = columns.convert(name, cell)
            except ValidationError as exc:
                row.problems += [(self.column(name), message) for message in exc.messages]
                failed.append(name)
                continue
            if name == "tags":
                row.tags = value or []
                unknown = [t for t in row.tags if t not in self.tag_names]
                if unknown:
                    row.problems.append(
                        (self.column(name), _("Unknown tags: %(tags)s.") % {"tags": "、".join(unknown)})
                    )
                continue
            if value is not None:
                values[name] = value
        # An imported row goes straight to review, so the rules of a pending entry apply.
        customer = Customer(**values, status=Status.PENDING)

        for name in list(values):
            # What does not apply to the kind is dropped, as the form's hidden fields are.
            if not applies_to(name, customer.kind) and name != "kind":
                default = Customer._meta.get_field(name).get_default()
                setattr(customer, name, default)
        try:
            customer.clean_fields(exclude=["archive_no", *RELATIONS, *failed])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                row.problems += [(self.column(name), m) for m in messages]
                failed.append(name)
        try:
            customer.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name not in failed:
                    row.problems += [(self.column(name) if name != "__all__" else "", m) for m in messages]
        row.customer = customer
        return row


# Duplicates ----------------------------------------------------------------------


def _index(customer: Customer) -> None:
    """The blind index the row will be stored with (its lookups need it first)."""
    if customer.id_number and not customer.id_number_index:
        customer.id_number_index = crypto.blind_index("id_number", customer.id_number)


def _e164(number) -> str:
    # The stored spelling, without PhoneNumber's re-validation on every str().
    return number.as_e164 if hasattr(number, "as_e164") else str(number)


def _short(*parts) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


class Duplicates:
    """Within one batch (with the earlier row's number) and against the database
    (one query per batch per rule, all indexed). When importing, the file's earlier
    batches are in the database already; when checking, `Fingerprints` covers them."""

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}
        self.mobiles: dict[int, int] = {}
        self.people: dict[int, int] = {}

    def in_file(self, row: Row, checker: RowChecker) -> None:
        c = row.customer
        if c.id_number:
            _index(c)
            first = self.ids.setdefault(_short(c.id_type, c.id_number_index), row.number)
            if first != row.number:
                row.problems.append(
                    (checker.column("id_number"), _("The same ID number is already on row %(row)s.") % {"row": first})
                )
        if c.mobile not in (None, ""):
            first = self.mobiles.setdefault(_short(_e164(c.mobile)), row.number)
            if first != row.number:
                row.warnings.append((checker.column("mobile"), _("Same mobile as row %(row)s.") % {"row": first}))
        if c.birth_date:
            first = self.people.setdefault(_short(c.name, c.birth_date), row.number)
            if first != row.number:
                row.warnings.append(
                    (checker.column("name"), _("Same name and date of birth as row %(row)s.") % {"row": first})
                )

    @staticmethod
    def in_database(rows: list[Row], checker: RowChecker) -> None:
        candidates = [r for r in rows if r.good]
        if not candidates:
            return
        indexes = {r.customer.id_number_index for r in candidates if r.customer.id_number_index}
        mobiles = {_e164(r.customer.mobile) for r in candidates if r.customer.mobile not in (None, "")}
        names = {r.customer.name for r in candidates if r.customer.birth_date}
        live = Customer.objects.exclude(status=Status.DESTROYED)
        by_id = {
            (t, i): a
            for t, i, a in live.filter(id_number_index__in=indexes).values_list(
                "id_type", "id_number_index", "archive_no"
            )
        }
        by_mobile = dict(live.filter(mobile__in=mobiles).values_list("mobile", "archive_no")) if mobiles else {}
        by_person = {
            (n, b): a
            for n, b, a in live.filter(name__in=names, birth_date__isnull=False).values_list(
                "name", "birth_date", "archive_no"
            )
        }
        for row in candidates:
            c = row.customer
            twin = by_id.get((c.id_type, c.id_number_index))
            if twin:
                row.problems.append(
                    (
                        checker.column("id_number"),
                        _("A customer with this ID number already exists: %(archive_no)s.") % {"archive_no": twin},
                    )
                )
                continue
            twin = by_mobile.get(_e164(c.mobile)) if c.mobile not in (None, "") else None
            if twin:
                row.warnings.append(
                    (checker.column("mobile"), _("Same mobile as %(archive_no)s.") % {"archive_no": twin})
                )
            if c.birth_date and (c.name, c.birth_date) in by_person:
                row.warnings.append(
                    (
                        checker.column("name"),
                        _("Same name and date of birth as %(archive_no)s.")
                        % {"archive_no": by_person[(c.name, c.birth_date)]},
                    )
                )


class Fingerprints:
    """The check's view of the whole file: 8-byte fingerprints and row numbers in
    flat arrays (12 bytes a row a rule: a million rows take about 36 MB), matched
    once at the end by sorting."""

    RULES = ("id", "mobile", "person")

    def __init__(self) -> None:
        self.keys = {rule: array("q") for rule in self.RULES}
        self.rows = {rule: array("I") for rule in self.RULES}

    def add(self, row: Row) -> None:
        c = row.customer
        if c.id_number_index:
            self._add("id", _short(c.id_type, c.id_number_index), row.number)
        if c.mobile not in (None, ""):
            self._add("mobile", _short(_e164(c.mobile)), row.number)
        if c.birth_date:
            self._add("person", _short(c.name, c.birth_date), row.number)

    def _add(self, rule: str, key: int, number: int) -> None:
        self.keys[rule].append(key - (1 << 63))  # into the signed 64-bit range
        self.rows[rule].append(number)

    def repeats(self, rule: str) -> Iterator[tuple[int, int]]:
        """(row, the earlier row it repeats), for every later occurrence."""
        keys, rows = self.keys[rule], self.rows[rule]
        order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: earlier rows first
        previous_key, first = None, 0
        for index in order:
            if keys[index] == previous_key:
                yield rows[index], first
            else:
                previous_key, first = keys[index], rows[index]


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


# Running a job -------------------------------------------------------------------


def _problems(job: ImportJob, phase: str, rows: list[Row]) -> list[RowProblem]:
    out = []
    for row in rows:
        out += [RowProblem(job=job, phase=phase, row=row.number, column=c, message=m) for c, m in row.problems]
        out += [
            RowProblem(job=job, phase=phase, row=row.number, column=c, message=m, warning=True) for c, m in row.warnings
        ]
    return out


def _batches(path: Path, job: ImportJob, *, skip: int = 0) -> Iterator[tuple[RowChecker, list[tuple[int, list]]]]:
    rows = iter_rows(path, job.file_format)
    try:
        _number, headers = next(rows)
    except StopIteration as exc:
        raise ValidationError(_("The file is empty.")) from exc
    checker = RowChecker(headers, set(Tag.objects.values_list("name", flat=True)))
    batch: list[tuple[int, list]] = []
    seen = 0
    for number, cells in rows:
        seen += 1
        if seen <= skip:
            continue
        batch.append((number, cells))
        if len(batch) >= BATCH:
            yield checker, batch
            batch = []
    if batch or seen == 0:
        yield checker, batch


def check(job: ImportJob, *, progress: Callable[[int], None] | None = None) -> ImportJob:
    """The preview: every row checked, problems stored, nothing written."""
    job.status, job.checked_rows, job.good_rows, job.bad_rows = JobStatus.CHECKING, 0, 0, 0
    job.save()
    RowProblem.objects.filter(job=job, phase=Phase.CHECK).delete()
    fingerprints = Fingerprints()
    checker = None
    try:
        with plaintext_copy(job) as path:
            for checker, batch in _batches(path, job):
                job.ignored_columns = checker.ignored
                rows = [r for r in (checker.check(n, cells) for n, cells in batch) if r is not None]
                for row in rows:
                    if row.good:
                        _index(row.customer)
                Duplicates.in_database(rows, checker)
                for row in rows:
                    if row.good:
                        fingerprints.add(row)
                with transaction.atomic():
                    RowProblem.objects.bulk_create(_problems(job, Phase.CHECK, rows))
                    job.checked_rows += len(rows)
                    job.good_rows += sum(1 for r in rows if r.good)
                    job.bad_rows += sum(1 for r in rows if not r.good)
                    job.save(update_fields=["checked_rows", "good_rows", "bad_rows", "ignored_columns"])
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


def _write(rows: list[Row], *, job: ImportJob, actor: User, now) -> None:
    """Write a batch's good rows: data keys, customers (encrypted by their fields),
    one history row each, the maker's object rights and the tags."""
    good = [r for r in rows if r.good]
    if not good:
        return
    numbers = archive_numbers_allocate(count=len(good))
    ids = fastinsert.reserve_ids(Customer, len(good))
    keys = []
    reason = _("Imported from %(file)s and submitted for review") % {"file": job.filename}
    for row, archive_no, pk in zip(good, numbers, ids, strict=True):
        c = row.customer
        c.pk = pk
        c.archive_no = archive_no
        c.owner = c.entered_by = actor
        c.department_id = actor.department_id
        c.status = Status.PENDING
        c.entered_at = c.created_at = now
        c.data_key = crypto.new_data_key()
        keys.append(c.data_key)
    customers = [r.customer for r in good]
    fastinsert.insert_rows(DataKey, keys)
    values = fastinsert.insert_rows(Customer, customers)
    # One history row each: the customer's own prepared values, and who, when, why.
    History = Customer.history.model
    extra = {"history_date": now, "history_user_id": actor.pk, "history_type": "+", "history_change_reason": reason}
    fastinsert.insert_values(
        History,
        [
            {**row, "history_id": history_id, **extra}
            for row, history_id in zip(values, fastinsert.reserve_ids(History, len(values)), strict=True)
        ],
    )
    rights = list(
        Permission.objects.filter(
            content_type__app_label="customers", codename__in=["view_customer", "change_customer"]
        )
    )
    CustomerUserObjectPermission.objects.bulk_create(
        [
            CustomerUserObjectPermission(content_object_id=c.pk, user=actor, permission=p)
            for c in customers
            for p in rights
        ]
    )
    tags = {t.name: t for t in Tag.objects.all()}
    Through = Customer.tags.through
    Through.objects.bulk_create(
        [Through(customer_id=r.customer.pk, tag_id=tags[name].pk) for r in good for name in r.tags]
    )


def run_import(job: ImportJob, *, actor: User, progress: Callable[[int], None] | None = None) -> ImportJob:
    """Write every good row as a pending entry made by `actor`; resumable."""
    if actor.department_id is None:
        raise ValidationError(_("You belong to no department, so you cannot enter customers."))
    job.status = JobStatus.IMPORTING
    job.save(update_fields=["status"])
    with plaintext_copy(job) as path:
        for checker, batch in _batches(path, job, skip=job.processed_rows):
            rows = [r for r in (checker.check(n, cells) for n, cells in batch) if r is not None]
            duplicates = Duplicates()  # this batch; the earlier ones are in the database
            for row in rows:
                if row.good:
                    duplicates.in_file(row, checker)
            with transaction.atomic():
                # The rows written before (this job's earlier batches, or anyone's
                # entries meanwhile) are in the database now: checked there.
                Duplicates.in_database(rows, checker)
                _write(rows, job=job, actor=actor, now=timezone.now())
                RowProblem.objects.bulk_create(_problems(job, Phase.IMPORT, rows))
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=F("processed_rows") + len(batch),
                    imported_rows=F("imported_rows") + sum(1 for r in rows if r.good),
                    refused_rows=F("refused_rows") + sum(1 for r in rows if not r.good),
                    flagged_rows=F("flagged_rows") + sum(1 for r in rows if r.good and r.warnings),
                )
            if progress:
                progress(len(batch))
    job.refresh_from_db()
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job
