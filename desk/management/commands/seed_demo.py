"""Demo data: two departments, the demo users of SPEC §6, and customers entered
through the same services (and so the same rules) as the browser form.

Idempotent: users are brought to their demo state on every run; customers are
created only once (a second run finds them and stops)."""

from __future__ import annotations

import os
import random
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from stdnum import luhn
from stdnum.cn import ric, uscc

from accounts.models import Department, Role, User
from core.env import env_bool
from core.sample_names import GIVEN, SURNAMES
from customers import services
from customers.models import Customer, Tag, Tier
from interactions.demo import seed_service
from lifecycle.demo import seed_lifecycle
from transactions.demo import seed_business
from watch.demo import seed_watch

DEFAULT_PASSWORD = "custodian-demo"  # noqa: S105 — the documented demo password (SPEC §6)
DEPARTMENTS = [("retail", "零售客户部"), ("corporate", "对公客户部")]
USERS = [
    # username, last name, first name, role, department, staff (admin access)
    ("clerk1", "李", "娜", Role.CLERK, "retail", False),
    ("clerk2", "王", "强", Role.CLERK, "corporate", False),
    ("reviewer1", "张", "敏", Role.REVIEWER, "retail", False),
    ("reviewer2", "刘", "洋", Role.REVIEWER, "corporate", False),
    ("manager1", "陈", "静", Role.MANAGER, "retail", True),
    ("manager2", "杨", "帆", Role.MANAGER, "corporate", True),
    ("security1", "赵", "磊", Role.SECURITY_OFFICER, "retail", True),
]
PLACES = [
    ("110105", "北京市", "北京市", "朝阳区", "100020"),
    ("310115", "上海市", "上海市", "浦东新区", "200120"),
    ("440305", "广东省", "深圳市", "南山区", "518052"),
    ("330106", "浙江省", "杭州市", "西湖区", "310013"),
    ("510107", "四川省", "成都市", "武侯区", "610041"),
    ("420106", "湖北省", "武汉市", "武昌区", "430061"),
]
COMPANIES = ["华信科技", "东方贸易", "长江物流", "启明教育", "恒通建设", "瑞丰食品", "蓝海医药", "星辰传媒"]
MOBILE_PREFIXES = ["138", "139", "135", "186", "150", "177", "133", "189"]
STREETS = ["建国路88号", "世纪大道100号", "科技园南路15号", "文三路90号", "人民南路四段27号", "中南路7号"]


class Command(BaseCommand):
    help = "Create the demo departments, users and customers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=64, help="How many demo customers (first run only).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even in production (DJANGO_DEBUG=false): adds demo users with a known password.",
        )

    def handle(self, *args, customers: int, force: bool = False, **options):
        # Read the environment, not settings.DEBUG: the test runner turns DEBUG off
        # for every test, while production is what DJANGO_DEBUG=false declares.
        if not env_bool("DJANGO_DEBUG", default=True) and not force:
            raise CommandError(
                "seed_demo refuses to run in production (DJANGO_DEBUG=false): it creates demo users "
                "with a known password and fake customers. If this really is a demo machine, "
                "run it again with --force."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            users = self._users(password)
        existing = Customer.objects.filter(entered_by__in=[users["clerk1"], users["clerk2"]]).count()
        if existing:
            self.stdout.write(f"Demo customers already present ({existing}); users refreshed.")
            return
        rng = random.Random(20261122)
        counts: dict[str, int] = {}
        for index in range(customers):
            customer = self._customer(rng, index, users)
            counts[customer.status] = counts.get(customer.status, 0) + 1
        self._grants(users)
        self._change_request(users)
        summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Created {customers} demo customers ({summary})."))
        business = seed_business(users, rng)
        self.stdout.write(
            "Business: {transactions} transactions, {reversals} reversals, {orders} orders, "
            "{contracts} contracts.".format(**business)
        )
        service = seed_service(users, rng)
        self.stdout.write("Service: {contacts} contacts, {complaints} complaints, {surveys} surveys.".format(**service))
        if customers:  # `--customers 0`: the users only, no record of any kind
            life = seed_lifecycle(users)
            self.stdout.write(
                "Lifecycle: {expired} customers past retention, {holds} legal hold, {waiting} destruction waiting for "
                "security1, {destroyed} destroyed (司马远航: none of its values is left in the database).".format(
                    **life
                )
            )
            watched = seed_watch(users)
            self.stdout.write(
                "Security watch: {reveals} reveals by manager1 today, {alerts} misuse alert, "
                "{incidents} incident for security1.".format(**watched)
            )
        self.stdout.write(f"Log in at /accounts/login/ as clerk1 … security1 with password {password!r}.")

    def _grants(self, users: dict[str, User]) -> None:
        """clerk1 holds one live grant and waits for a decision on another."""
        approved = Customer.objects.filter(department__code="retail", status="approved").order_by("id")
        if approved.count() < 2:
            return
        first, second = approved[0], approved[1]
        grant = services.grant_request(
            actor=users["clerk1"], customer=first, purpose="客户来电挂失银行卡，需核对完整账号", hours=24
        )
        services.grant_approve(actor=users["manager1"], grant=grant, note="同意，24小时")
        services.grant_request(actor=users["clerk1"], customer=second, purpose="补录纸质档案，需核对证件号码", hours=8)

    def _change_request(self, users: dict[str, User]) -> None:
        """clerk1 asks to change an approved record: it waits in reviewer1's queue."""
        customer = (
            Customer.objects.filter(entered_by=users["clerk1"], status="approved", kind="individual")
            .exclude(tier=Tier.KEY)
            .order_by("id")
            .first()
        )
        if customer is not None:
            services.change_request_create(
                actor=users["clerk1"],
                customer=customer,
                fields={"occupation": "律师", "address": "朝阳区建国路88号院3号楼1201"},
                reason="客户来电告知更换工作并搬家，已收到新的住址证明",
            )

    def _users(self, password: str) -> dict[str, User]:
        departments = {
            code: Department.objects.update_or_create(code=code, defaults={"name": name})[0]
            for code, name in DEPARTMENTS
        }
        users = {}
        for username, last, first, role, department, staff in USERS:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "last_name": last,
                    "first_name": first,
                    "department": departments[department],
                    "is_staff": staff,
                    "is_active": True,
                    "email": f"{username}@custodian.example",
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.set([Group.objects.get(name=role)])
            users[username] = user
        return users

    def _customer(self, rng: random.Random, index: int, users: dict[str, User]) -> Customer:
        clerk = users["clerk1"] if index % 3 else users["clerk2"]
        organization = index % 5 == 4
        fields = _organization(rng, index) if organization else _individual(rng, index)
        fields.update(_consent(rng))
        if fields.get("guardian_name"):
            fields["guardian_consent_at"] = fields["consent_at"]
        fields["tier"] = Tier.KEY if index % 7 == 0 else rng.choice([Tier.GENERAL, Tier.OCCASIONAL])
        tags = Tag.objects.filter(name__in=rng.sample(["VIP", "new", "active"], k=rng.randint(0, 2)))
        customer = services.customer_create(actor=clerk, fields=fields, tags=tags, reason="演示数据")
        # A spread of workflow states, each reached through the services.
        step = index % 6
        if step == 0:
            return customer  # draft
        customer = services.customer_submit(actor=clerk, customer=customer)
        if step == 1:
            return customer  # pending
        reviewer = users["reviewer1"] if clerk.department.code == "retail" else users["reviewer2"]
        if step == 2:
            return services.customer_return(
                actor=reviewer,
                customer=customer,
                reason="请对照身份证原件更正后重新提交",
                field_reasons={"id_number": "证件号码与原件不符，请核对", "address": "地址缺少门牌号"},
            )
        customer = services.customer_approve(actor=reviewer, customer=customer)
        if customer.tier == Tier.KEY and step != 3:  # step 3 waits for a manager's second approval
            manager = users["manager1"] if clerk.department.code == "retail" else users["manager2"]
            customer = services.customer_approve(actor=manager, customer=customer)
        return customer


def resident_id(rng: random.Random, place: str, born: date, female: bool) -> str:
    sequence = rng.randrange(0, 499) * 2 + (0 if female else 1)
    body = f"{place}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def social_credit_code(rng: random.Random, place: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + place + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body + "0")


def bank_account(rng: random.Random) -> str:
    body = "6222" + "".join(str(rng.randrange(10)) for _ in range(14))
    return body + luhn.calc_check_digit(body)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))


def messy(rng: random.Random, value: str, kind: str) -> str:
    """Spell a valid value the way people type it: spaces, full-width digits,
    +86 / 0086, lower-case x. The model folds each back to one spelling."""
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    style = rng.randrange(4)
    if kind == "id":
        return [value, f"{value[:6]} {value[6:14]} {value[14:]}", value.lower(), value.translate(full_width)][style]
    if kind == "mobile":
        return [value, f"+86 {value[:3]}-{value[3:7]}-{value[7:]}", f"0086{value}", value.translate(full_width)][style]
    if kind == "bank":
        return [value, " ".join(value[i : i + 4] for i in range(0, len(value), 4)), value, value][style]
    return value


def _individual(rng: random.Random, index: int) -> dict:
    place = rng.choice(PLACES)
    female = rng.random() < 0.5
    # Mostly adults; a few children, who need a guardian's consent.
    age = rng.randint(6, 12) if index % 17 == 5 else rng.randint(19, 80)
    born = timezone.localdate() - timedelta(days=age * 365 + rng.randint(10, 300))
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    fields = {
        "kind": "individual",
        "name": f"　{name} " if index % 4 == 1 else name,
        "id_type": "resident_id",
        "id_number": messy(rng, resident_id(rng, place[0], born, female), "id"),
        "mobile": messy(rng, mobile(rng), "mobile"),
        "email": f"user{index}@Example.COM" if index % 3 == 0 else "",
        "province": place[1],
        "city": place[2],
        "district": place[3],
        "address": rng.choice(STREETS),
        "postal_code": place[4],
        "occupation": rng.choice(["教师", "工程师", "医生", "个体经营", "会计", "销售经理", "学生"]),
        "education": rng.choice(["bachelor", "master", "senior_high", "associate", "doctorate"]),
        "marital_status": rng.choice(["single", "married", "married", "divorced"]),
        "customer_nature": "consumer",
        "source_channel": rng.choice(["phone", "walk_in", "referral", "web_form"]),
        "lifecycle_stage": rng.choice(["prospect", "active", "active", "dormant"]),
        "credit_status": rng.choice(["good", "good", "watch", "unknown"]),
        "interests": rng.choice(["理财、旅游", "摄影", "高尔夫、红酒", "亲子活动", ""]),
        "archive_location": f"A区{rng.randint(1, 9)}号柜{rng.randint(1, 5)}层",
    }
    if index % 2 == 0:
        fields["bank_account"] = messy(rng, bank_account(rng), "bank")
    if age < 14:
        fields.update(
            guardian_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            occupation="学生",
            education="primary",
            marital_status="single",
        )
    if fields["marital_status"] == "married":
        fields["spouse_name"] = rng.choice(SURNAMES) + rng.choice(GIVEN)
        fields["children_count"] = rng.randint(0, 3)
    return fields


def _organization(rng: random.Random, index: int) -> dict:
    place = rng.choice(PLACES)
    company = rng.choice(COMPANIES)
    return {
        "kind": "organization",
        "name": f"{place[2].removesuffix('市')}{company}有限公司",
        "id_type": "uscc",
        "id_number": social_credit_code(rng, place[0]).lower() if index % 2 else social_credit_code(rng, place[0]),
        "phone": f"+86 {rng.choice(['10', '21', '755', '571'])} {rng.randint(5000_0000, 8999_9999)}",
        "mobile": messy(rng, mobile(rng), "mobile"),
        "email": f"contact{index}@{company.encode().hex()[:6]}.example.cn",
        "province": place[1],
        "city": place[2],
        "district": place[3],
        "address": rng.choice(STREETS),
        "postal_code": place[4],
        "contact_person": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "enterprise_nature": rng.choice(["private", "state_owned", "foreign_invested", "joint_venture"]),
        "industry": rng.choice(["C", "F", "I", "J", "M"]),
        "founded_on": date(rng.randint(1995, 2022), rng.randint(1, 12), rng.randint(1, 28)),
        "registered_capital": rng.choice([500_000, 1_000_000, 5_000_000, 20_000_000]),
        "relationship_since": date(rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)),
        "customer_nature": rng.choice(["company", "key_partner", "trade_partner"]),
        "source_channel": rng.choice(["referral", "email", "phone"]),
        "lifecycle_stage": rng.choice(["active", "prospect"]),
        "credit_status": rng.choice(["good", "watch"]),
        "pain_points": "对账周期长，需要更快的结算",
        "product_needs": "企业结算账户、供应链融资",
        "competitors": "其他商业银行",
        "archive_location": f"B区{rng.randint(1, 9)}号柜",
    }


def _consent(rng: random.Random) -> dict:
    given = timezone.now() - timedelta(days=rng.randint(1, 400))
    return {
        "consent_purpose": "办理业务、客户服务及合规留存",
        "consent_at": given,
        "retention_until": timezone.localdate(given) + timedelta(days=365 * 5),
    }
