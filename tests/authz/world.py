"""The world the authorization matrix walks: the same set of business rows in two
departments, each made by that department's own clerk and decided by its own
reviewer, so that every persona has an object in scope, one out of scope and an id
that does not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Department, User
from audit.models import AccessLog
from bulk import pipeline
from bulk.models import ImportJob
from customers import services as customer_services
from customers.models import AccessGrant, ChangeRequest, Customer, DuplicatePair, MergeRequest, Tag
from interactions import services as interaction_services
from interactions.models import Complaint, Feedback, Interaction
from lifecycle.models import ArchiveRequest, DestructionRequest, LegalHold, SampleCheck, SubjectRequest
from lifecycle.services import archive as archive_services
from lifecycle.services import destruction as destruction_services
from lifecycle.services import holds as hold_services
from lifecycle.services import subject as subject_services
from tests.authz import parts
from tests.factories import CustomerFactory, UserFactory
from tests.records import complaint_fields, contact_fields, contract_fields, survey_fields
from transactions import services as transaction_services
from transactions.models import Contract, Order, Product, Transaction

MISSING = 987_654_321  # an id no table of the world reaches


@dataclass
class Side:
    """One department's rows. `clerk` made every one of them."""

    department: Department
    clerk: User
    reviewer: User
    manager: User
    customer: Customer  # approved, owned by the clerk
    draft: Customer
    pending: Customer
    returned: Customer  # returned to the clerk by the reviewer
    changed: Customer  # approved, with a pending change request
    change: ChangeRequest
    transaction: Transaction  # approved
    draft_transaction: Transaction
    pending_transaction: Transaction
    order: Order
    contract: Contract
    interaction: Interaction
    complaint: Complaint
    feedback: Feedback
    grant: AccessGrant  # requested by the clerk, waiting for the manager
    live_grant: AccessGrant  # the reviewer's, approved by the manager, in force
    import_job: ImportJob
    access_log: AccessLog
    history: dict[str, int] = field(default_factory=dict)  # admin model name → a history id of its row
    product: Product | None = None  # the catalogue and the tags are the company's, shared by both sides
    unused_tag: Tag | None = None
    duplicate_pair: DuplicatePair | None = None  # the approved customer and `changed`, as a sweep stores it
    merge: MergeRequest | None = None  # `pending` into the approved customer, proposed by the manager
    destruction: DestructionRequest | None = None  # the manager's, on an approved customer past retention
    hold: LegalHold | None = None  # the manager's, on `changed`
    archive_request: ArchiveRequest | None = None  # the clerk's, on `changed`, waiting for the reviewer
    sample: SampleCheck | None = None  # a record another reviewer approved, drawn for the reviewer's second check
    subject_request: SubjectRequest | None = None  # the customer asked for a copy; identity checked
    # Rows a later part of the product adds (tests/authz/parts/<part>.py), by name: `s.extra["token"]`.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def archive_numbers(self) -> set[str]:
        return set(Customer.objects.filter(department=self.department).values_list("archive_no", flat=True))


@dataclass
class World:
    home: Side  # department "retail": the clerk, other clerk, reviewer, manager, security officer
    away: Side  # department "corporate": the other department's manager
    tag: Tag
    product: Product
    other_clerk: User  # a second clerk of each department: a new owner or handler
    away_other_clerk: User


def _member(username: str, role: str, department: Department, **extra) -> User:
    user = UserFactory(username=username, department=department, **extra)
    user.groups.add(Group.objects.get(name=role))
    return user


def _approved(clerk: User, reviewer: User, n: int, **fields) -> Customer:
    customer = CustomerFactory(actor=clerk, n=n, **fields)
    customer = customer_services.customer_submit(actor=clerk, customer=customer)
    return customer_services.customer_approve(actor=reviewer, customer=customer)


def _side(department: Department, clerk: User, reviewer: User, manager: User, n: int, product: Product) -> Side:
    yesterday = timezone.now() - timedelta(days=1)
    customer = _approved(clerk, reviewer, n)
    draft = CustomerFactory(actor=clerk, n=n + 1)
    pending = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=n + 2))
    returned = customer_services.customer_return(
        actor=reviewer,
        customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=n + 4)),
        reason="证件照片不清晰",
    )
    changed = _approved(clerk, reviewer, n + 3)
    changed = Customer.objects.get(pk=changed.pk)
    change = customer_services.change_request_create(
        actor=clerk,
        customer=changed,
        fields={"occupation": "工程师"},
        reason="客户来电更新职业",
    )

    def entered(**extra) -> Transaction:
        values = {"kind": "purchase", "occurred_at": yesterday, "amount": Decimal("100.00"), **extra}
        return transaction_services.transaction_create(actor=clerk, customer=customer, fields=values)

    approved_txn = transaction_services.transaction_approve(
        actor=reviewer, txn=transaction_services.transaction_submit(actor=clerk, txn=entered(product=product))
    )
    draft_txn = entered()
    pending_txn = transaction_services.transaction_submit(actor=clerk, txn=entered())
    order = transaction_services.order_create(actor=clerk, customer=customer, order_no=f"DD{n:06d}")
    contract = transaction_services.contract_create(
        actor=clerk,
        customer=customer,
        fields=contract_fields(f"HT{n:06d}"),
    )
    interaction = interaction_services.interaction_log(
        actor=clerk,
        customer=customer,
        fields=contact_fields(occurred_at=yesterday, follow_up_at=yesterday),
    )
    complaint = interaction_services.complaint_receive(
        actor=clerk,
        customer=customer,
        fields=complaint_fields(received_at=yesterday),
    )
    feedback = interaction_services.feedback_record(
        actor=clerk,
        customer=customer,
        fields=survey_fields(surveyed_at=yesterday),
    )
    grant = customer_services.grant_request(actor=clerk, customer=changed, purpose="核对开户资料", hours=24)
    live_grant = customer_services.grant_approve(
        actor=manager,
        grant=customer_services.grant_request(actor=reviewer, customer=changed, purpose="复核证件", hours=24),
    )
    import_job = ImportJob.objects.create(owner=clerk, filename="customers.csv", file_format="csv")
    pipeline.store_upload(import_job, [b"kind,name\n"])
    access_log = AccessLog.objects.filter(customer_id=changed.pk).order_by("-id").first()
    side = Side(
        department=department,
        clerk=clerk,
        reviewer=reviewer,
        manager=manager,
        customer=customer,
        draft=draft,
        pending=pending,
        returned=returned,
        changed=changed,
        change=change,
        transaction=approved_txn,
        draft_transaction=draft_txn,
        pending_transaction=pending_txn,
        order=order,
        contract=contract,
        interaction=interaction,
        complaint=complaint,
        feedback=feedback,
        grant=grant,
        live_grant=live_grant,
        import_job=import_job,
        access_log=access_log,
    )
    side.duplicate_pair = DuplicatePair.objects.create(first=customer, second=changed, rules=["mobile"], score=0.8)
    side.merge = customer_services.merge_propose(
        actor=manager, survivor=customer, merged=pending, take_from_merged=[], reason="同一客户重复录入"
    )
    doomed = _approved(
        clerk,
        reviewer,
        n + 5,
        consent_at=timezone.now() - timedelta(days=2000),
        retention_until=timezone.localdate() - timedelta(days=1),
    )
    side.destruction = destruction_services.destruction_request(
        actor=manager, customer=doomed, basis="retention_passed", reason="保存期限已过"
    )
    side.hold = hold_services.legal_hold_place(actor=manager, customer=changed, reason="争议未结")
    side.archive_request = archive_services.archive_request_create(actor=clerk, customer=changed, reason="客户已销户")
    side.subject_request = subject_services.subject_request_identity_checked(
        actor=clerk,
        request=subject_services.subject_request_record(
            actor=clerk, customer=customer, kind="copy", received_on=timezone.localdate()
        ),
        method="柜台核验身份证原件",
    )
    first_checker = _member(f"first_checker_{n}", "reviewer", department)
    checked = _approved(clerk, first_checker, n + 6)
    today = timezone.localdate()
    side.sample = SampleCheck.objects.create(
        customer=checked,
        department=department,
        period_start=today - timedelta(days=7),
        period_end=today,
        maker=clerk,
        checker=first_checker,
        reviewer=reviewer,
    )
    for name, obj in {
        "customer": customer,
        "transaction": approved_txn,
        "order": order,
        "contract": contract,
        "interaction": interaction,
        "complaint": complaint,
        "feedback": feedback,
    }.items():
        side.history[name] = obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return side


def build_world(*, clerk, other_clerk, reviewer, manager, other_department_manager) -> World:
    product = Product.objects.create(sku="SKU-AUTHZ", name="理财顾问服务", unit_price=Decimal("99.00"))
    home = _side(clerk.department, clerk, reviewer, manager, 100, product)
    away_department = other_department_manager.department
    away_other_clerk = _member("away_other_clerk", "clerk", away_department)
    away = _side(
        away_department,
        _member("away_clerk", "clerk", away_department),
        _member("away_reviewer", "reviewer", away_department),
        other_department_manager,
        200,
        product,
    )
    customer_services.customer_tag_add(actor=manager, customer=home.customer, name="VIP")
    unused_tag = Tag.objects.get_or_create(name="待清理")[0]
    product_history = product.history.order_by("-history_id").values_list("history_id", flat=True).first()
    for side in (home, away):
        side.product, side.unused_tag = product, unused_tag
        side.history["product"] = product_history
    for side, n in ((home, 100), (away, 200)):
        for build in parts.builders():
            side.extra.update(build(side, n))
    return World(
        home=home,
        away=away,
        tag=Tag.objects.get(name="VIP"),
        product=product,
        other_clerk=other_clerk,
        away_other_clerk=away_other_clerk,
    )
