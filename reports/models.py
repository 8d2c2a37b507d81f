from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """No table: the holder of the right to see every department's figures."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_company_reports", _("See the reports of every department")),
            ("view_department_scorecards", _("See the scorecards of the department's clerks and reviewers")),
        ]

    def __str__(self) -> str:
        return "reports"


# --- Summaries kept by the database's triggers (reports.summaries) -----------------
# Plain integer department and product columns (no foreign key): a trigger writes
# them in the same statement as the counted row, and the readers name them by pk.


class CustomerFigures(models.Model):
    """How many customers a department has of each status, tier, kind, nature and
    source channel together."""

    department_id = models.IntegerField()
    status = models.CharField(max_length=20)
    tier = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    customer_nature = models.CharField(max_length=20)
    source_channel = models.CharField(max_length=20)
    n = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["department_id", "status", "tier", "kind", "customer_nature", "source_channel"],
                name="customer_figures_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.status} {self.tier} {self.kind}: {self.n}"


class CustomerApprovedDay(models.Model):
    """Approved customers per department and local day of their (last) approval."""

    department_id = models.IntegerField()
    day = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["department_id", "day"], name="customer_approved_day_key")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day}: {self.n}"


class CustomerVerifiedDay(models.Model):
    """Approved customers per department and local day their contact details were
    last verified (re-verification falls due by it)."""

    department_id = models.IntegerField()
    day = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["department_id", "day"], name="customer_verified_day_key")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day}: {self.n}"


class TransactionDay(models.Model):
    """Approved transactions per department, local day, kind, payment method and
    product (0: none): how many, and their amount."""

    department_id = models.IntegerField()
    day = models.DateField()
    kind = models.CharField(max_length=20)
    payment_method = models.CharField(max_length=20)
    product_id = models.BigIntegerField()
    n = models.BigIntegerField(default=0)
    total = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["department_id", "day", "kind", "payment_method", "product_id"], name="transaction_day_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day} {self.kind}: {self.n}"


class CustomerGross(models.Model):
    """Each customer's approved purchases and top-ups of all time (no reversals):
    the bound the transactions report walks its top customers by."""

    department_id = models.IntegerField()
    customer_id = models.BigIntegerField()
    n = models.BigIntegerField(default=0)
    gross = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["department_id", "customer_id"], name="customer_gross_key")]
        indexes = [models.Index(fields=["department_id", "-gross", "customer_id"], name="customer_gross_rank_idx")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.customer_id}: {self.gross}"


class EntryDay(models.Model):
    """Entries per department, local day of submission, maker and checker (0: not
    yet decided): how many, how many decided, and their waits for a decision."""

    department_id = models.IntegerField()
    day = models.DateField()
    entered_by_id = models.IntegerField()
    reviewed_by_id = models.IntegerField()
    n = models.BigIntegerField(default=0)
    decided = models.BigIntegerField(default=0)
    wait_seconds = models.FloatField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["department_id", "day", "entered_by_id", "reviewed_by_id"], name="entry_day_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day} {self.entered_by_id}: {self.n}"


class ReturnDay(models.Model):
    """Customer entries returned, per department, local day and the entry's maker."""

    department_id = models.IntegerField()
    day = models.DateField()
    maker_id = models.IntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["department_id", "day", "maker_id"], name="return_day_key")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day} {self.maker_id}: {self.n}"
