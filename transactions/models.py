"""Transactions, orders, contracts and products (SPEC §3 Transactions).

Money is `Decimal` with two places, never float. A transaction is entered by a
clerk from the original voucher and reviewed like a customer entry (one review
mechanism, `review.mechanism`); once approved it is never edited or deleted — a
mistake is corrected by a reversing entry (`return` of a `purchase`, `refund` of
a `payment` or `top_up`) that points at the original and never exceeds what is
left of it. The database refuses changes of an approved row's figures."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import Numbered
from customers import validators as v
from review.models import Reviewed, ReviewStatus, review_constraints
from transactions.currencies import validate_currency

MONEY = {"max_digits": 14, "decimal_places": 2}


def validate_positive_amount(value: Decimal) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("The amount must be greater than zero."), code="min_value")


class Kind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    RETURN = "return", pgettext_lazy("transaction kind", "Return")
    TOP_UP = "top_up", _("Top-up")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


# What each reversing kind may reverse.
REVERSES = {Kind.RETURN: (Kind.PURCHASE,), Kind.REFUND: (Kind.PAYMENT, Kind.TOP_UP)}
REVERSING = tuple(REVERSES)


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    OTHER = "other", _("Other")


# A transaction goes through the review states and no others.
Status = ReviewStatus


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit_price = models.DecimalField(_("unit price"), **MONEY, validators=[MinValueValidator(Decimal("0.00"))])
    active = models.BooleanField(_("on sale"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="product_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def clean(self) -> None:
        self.sku = v.normalize_code(self.sku)
        self.name = v.normalize_text(self.name)


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# What a button that moves an order there says: a verb, not the state it leads to.
ORDER_MOVE_VERBS = {
    OrderStatus.CONFIRMED: _("Confirm the order"),
    OrderStatus.SHIPPED: _("Mark as shipped"),
    OrderStatus.COMPLETED: _("Mark as completed"),
    OrderStatus.CANCELLED: _("Cancel the order"),
}

# SPEC §3: pending → confirmed → shipped → completed; cancelled from pending or confirmed.
ORDER_MOVES: dict[str, tuple[str, ...]] = {
    OrderStatus.PENDING: (OrderStatus.CONFIRMED, OrderStatus.CANCELLED),
    OrderStatus.CONFIRMED: (OrderStatus.SHIPPED, OrderStatus.CANCELLED),
    OrderStatus.SHIPPED: (OrderStatus.COMPLETED,),
    OrderStatus.COMPLETED: (),
    OrderStatus.CANCELLED: (),
}


class Order(models.Model):
    order_no = models.CharField(_("order number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING, editable=False
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now, editable=False)

    # Each move is a history row: who (history_user), when, from and to.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="order_customer_idx")]

    def __str__(self) -> str:
        return self.order_no

    def clean(self) -> None:
        self.order_no = v.normalize_code(self.order_no)
        self.note = v.normalize_text(self.note)

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return ORDER_MOVES[self.status]


class Contract(models.Model):
    contract_no = models.CharField(_("contract number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    title = models.CharField(_("subject"), max_length=100)
    signed_on = models.DateField(_("signed on"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=[validate_positive_amount])
    currency = models.CharField(_("currency"), max_length=3, default="CNY", validators=[validate_currency])
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["customer", "-signed_on"], name="contract_customer_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_term_in_order"),
        ]

    def __str__(self) -> str:
        return self.contract_no

    def clean(self) -> None:
        self.contract_no = v.normalize_code(self.contract_no)
        self.title = v.normalize_text(self.title)
        self.currency = (self.currency or "").strip().upper()
        errors = {}
        if self.signed_on and self.signed_on > timezone.localdate():
            errors["signed_on"] = _("A contract cannot be signed in the future.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The term cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class Transaction(Numbered, Reviewed):
    PREFIX = "JY"
    DIGITS = 8

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="transactions"
    )
    # The customer's department, copied on entry: lists filter and scope by it
    # without a join (a customer's department never changes).
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    kind = models.CharField(pgettext_lazy("transaction", "kind"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=[validate_positive_amount])
    currency = models.CharField(_("currency"), max_length=3, default="CNY", validators=[validate_currency])
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices, blank=True)
    order_no = models.CharField(_("order number"), max_length=40, blank=True)
    original = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    # status, version, maker, checker and their times: review.models.Reviewed
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta(Reviewed.Meta):
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-occurred_at", "-id"]
        permissions = [("review_transaction", _("Decide the department's pending transactions"))]
        indexes = [
            models.Index(fields=["customer", "-occurred_at", "-id"], name="txn_customer_idx"),
            models.Index(fields=["department", "-occurred_at", "-id"], name="txn_department_idx"),
            models.Index(fields=["department", "status", "entered_at", "id"], name="txn_dept_queue_idx"),
            models.Index(fields=["entered_by", "-created_at"], name="txn_maker_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="txn_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=REVERSING) & Q(original__isnull=False))
                | (~Q(kind__in=REVERSING) & Q(original__isnull=True)),
                name="txn_reversal_points_at_original",
                violation_error_message=_("A return or refund must name the entry it reverses; nothing else may."),
            ),
            *review_constraints("txn"),
        ]

    @property
    def is_reversal(self) -> bool:
        return self.kind in REVERSING

    @property
    def signed_amount(self) -> Decimal:
        """Reversals count against the total."""
        return -self.amount if self.is_reversal else self.amount

    def clean(self) -> None:
        self.currency = (self.currency or "").strip().upper()
        self.order_no = v.normalize_code(self.order_no)
        self.note = v.normalize_text(self.note)
        errors: dict[str, object] = {}
        if self.occurred_at and self.occurred_at > timezone.now():
            errors["occurred_at"] = _("A transaction cannot happen in the future: enter the time on the voucher.")
        if self.kind in REVERSING and self.original_id is None:
            errors["original"] = _("Choose the entry this %(kind)s reverses.") % {"kind": self.get_kind_display()}
        if self.kind and self.kind not in REVERSING and self.original_id is not None:
            errors["original"] = _("Only a return or a refund reverses another entry.")
        if self.kind in REVERSING and self.original_id is not None:
            original = self.original
            if original.kind not in REVERSES[self.kind]:
                errors["original"] = _("A %(kind)s reverses a %(allowed)s, not a %(other)s.") % {
                    "kind": self.get_kind_display(),
                    "allowed": " / ".join(str(Kind(k).label) for k in REVERSES[self.kind]),
                    "other": original.get_kind_display(),
                }
            elif original.customer_id != self.customer_id:
                errors["original"] = _("The reversed entry belongs to another customer.")
            elif original.status != Status.APPROVED:
                errors["original"] = _("Only an approved entry can be reversed.")
            elif original.currency != self.currency:
                errors["currency"] = _("A reversal is in the currency of the entry it reverses (%(currency)s).") % {
                    "currency": original.currency
                }
            elif self.occurred_at and self.occurred_at < original.occurred_at:
                errors["occurred_at"] = _("A reversal cannot happen before the entry it reverses.")
        if self.product_id is None and self.quantity:
            errors["quantity"] = _("A quantity needs a product.")
        if errors:
            raise ValidationError(errors)
