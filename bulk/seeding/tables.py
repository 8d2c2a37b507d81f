"""Writing the seeded rows: binary COPY on PostgreSQL, one prepared executemany on SQLite."""

from __future__ import annotations

import io
from operator import itemgetter

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, models
from django.utils.translation import gettext as _

from bulk import fastinsert, pipeline
from customers.models import Customer, CustomerUserObjectPermission
from interactions.models import Complaint, Feedback, Interaction
from review.models import ReviewDecision
from transactions.models import Transaction
from vault.models import DataKey


class Table:
    """Rows of one model as tuples in column order, written with COPY on
    PostgreSQL and one prepared executemany on SQLite. Values are Python values;
    on SQLite those the driver cannot take are adapted by their fields."""

    def __init__(self, model: type[models.Model], *, adapted: bool = False) -> None:
        """`adapted`: the rows come as database values already (`fastinsert.Plan.values`)."""
        connection = connections["default"]
        self.model = model
        self.plan = fastinsert.Plan(model)
        self.position = self.plan.position
        self.width = len(self.plan.attnames)
        self.postgres = connection.vendor == "postgresql"
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.plan.fields)
        self.copy_sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        self.types: list[int] | None = None
        kinds = (models.DateField, models.DecimalField, models.JSONField, models.UUIDField)
        self.adapt = [
            (i, f)
            for i, f in enumerate(self.plan.fields)
            if not adapted and (isinstance(f, models.JSONField) or (not self.postgres and isinstance(f, kinds)))
        ]

    def row(self, **values) -> list:
        out = [None] * self.width
        for attname, value in values.items():
            out[self.position[attname]] = value
        return out

    def write(self, rows: list[list]) -> None:
        if not rows:
            return
        connection = connections["default"]
        if self.adapt:
            for row in rows:
                for index, f in self.adapt:
                    if row[index] is not None or isinstance(f, models.JSONField):
                        row[index] = f.get_db_prep_save(row[index], connection)
        if not self.postgres:
            self.plan.insert(rows)
            return
        with connection.cursor() as cursor:
            if self.types is None:
                # Binary COPY: the server parses no text, and the driver dumps each
                # column with the dumper of its type, chosen once.
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                    "AND NOT attisdropped",
                    [self.model._meta.db_table],
                )
                oids = dict(cursor.fetchall())
                self.types = [oids[f.column] for f in self.plan.fields]
            with cursor.cursor.copy(self.copy_sql + " (FORMAT BINARY)") as copy:
                copy.set_types(self.types)
                for row in rows:
                    copy.write_row(row)


def _history(model: type[models.Model]) -> type[models.Model]:
    return model.history.model


class Tables:
    def __init__(self) -> None:
        self.customer = pipeline._tables()
        self.rights = Table(CustomerUserObjectPermission)
        self.decisions = Table(ReviewDecision)
        self.tags = Table(Customer.tags.through)
        self.transactions = Table(Transaction)
        self.transaction_history = Table(_history(Transaction))
        self.interactions = Table(Interaction)
        self.interaction_history = Table(_history(Interaction))
        self.complaints = Table(Complaint)
        self.complaint_history = Table(_history(Complaint))
        self.surveys = Table(Feedback)
        self.survey_history = Table(_history(Feedback))
        self.customer_writer = Table(Customer, adapted=True)
        self.key_writer = Table(DataKey, adapted=True)
        self.customer_history_writer = Table(_history(Customer), adapted=True)


HISTORY_OWN = ("history_id", "history_date", "history_user_id", "history_type", "history_change_reason")


def with_history(table: Table, history: Table, rows: list[list], *, user: str, when: str) -> list[list]:
    """A "+" history row copying each new row (history ids from their sequence)."""
    width = table.width
    pick = itemgetter(
        *(table.position[a] if a in table.position else width + HISTORY_OWN.index(a) for a in history.plan.attnames)
    )
    user_at, when_at = table.position[user], table.position[when]
    history_ids = fastinsert.reserve_ids(history.model, len(rows))
    reason = _("Entered")
    return [
        list(pick([*row, history_id, row[when_at], row[user_at], "+", reason]))
        for row, history_id in zip(rows, history_ids, strict=True)
    ]


SEEDED_MODELS = (
    DataKey,
    Customer,
    Customer.history.model,
    CustomerUserObjectPermission,
    ReviewDecision,
    Customer.tags.through,
    Transaction,
    Transaction.history.model,
    Interaction,
    Interaction.history.model,
    Complaint,
    Complaint.history.model,
    Feedback,
    Feedback.history.model,
)


def finish() -> None:
    """Sequences past every id written (they already are: ids came from them;
    this is the belt to those braces), the report summaries recomputed (their
    triggers kept them while the rows went in: the belt again), and fresh planner
    statistics."""
    call_command("rebuild_report_summaries", verbosity=0, stdout=io.StringIO())
    connection = connections["default"]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m for m in SEEDED_MODELS if m is not DataKey]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            for model in SEEDED_MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")
