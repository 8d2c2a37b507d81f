"""Demo contacts, complaints in every state (some overdue) and surveys for
`seed_demo`, made through the services."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from customers.models import Customer
from customers.models import Status as CustomerStatus
from interactions import services
from interactions.models import Channel, ComplaintStatus, Direction, Severity

SUMMARIES = [
    ("phone", "consultation", "咨询理财产品收益及赎回规则"),
    ("wechat", "after_sales", "询问上门安装时间"),
    ("visit", "visit", "上门拜访，了解家庭保障需求"),
    ("meeting", "consultation", "年度服务方案沟通会"),
    ("sms", "greeting", "生日祝福短信"),
    ("email", "other", "发送对账单说明"),
]
COMPLAINTS = [
    ("billing", "会员费重复扣款两次，要求退还。"),
    ("service", "营业厅排队一小时无人接待，态度冷淡。"),
    ("delivery", "安装预约三次爽约。"),
    ("product", "课程内容与宣传不符。"),
    ("privacy", "接到陌生推销电话，怀疑个人信息泄露。"),
]
# (status path from open, severity, days ago received): every state, some overdue.
COMPLAINT_PLANS = [
    ([], Severity.CRITICAL, 3),  # open, overdue
    ([ComplaintStatus.INVESTIGATING], Severity.HIGH, 5),  # investigating, overdue
    ([], Severity.NORMAL, 1),  # open, in time
    ([ComplaintStatus.INVESTIGATING, ComplaintStatus.RESOLVED], Severity.NORMAL, 10),
    ([ComplaintStatus.INVESTIGATING, ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED], Severity.HIGH, 30),
    (
        [ComplaintStatus.INVESTIGATING, ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED, ComplaintStatus.OPEN],
        Severity.LOW,
        40,
    ),
]


def seed_service(users: dict[str, User], rng: random.Random) -> dict[str, int]:
    counts = {"contacts": 0, "complaints": 0, "surveys": 0}
    now = timezone.now()
    customers = list(
        Customer.objects.filter(status=CustomerStatus.APPROVED).select_related("entered_by").order_by("id")
    )
    for index, customer in enumerate(customers):
        clerk = customer.entered_by
        for n in range(rng.randint(2, 5)):
            channel, kind, summary = rng.choice(SUMMARIES)
            occurred = now - timedelta(days=rng.uniform(0.1, 200))
            follow_up = None
            if n == 0 and index % 3 == 0:
                follow_up = now - timedelta(hours=rng.randint(1, 48))  # due now: shows on "my work"
            elif n == 0 and index % 3 == 1:
                follow_up = now + timedelta(days=rng.randint(1, 14))
            services.interaction_log(
                actor=clerk,
                customer=customer,
                fields={
                    "occurred_at": min(occurred, follow_up) if follow_up else occurred,
                    "channel": channel,
                    "direction": rng.choice(Direction.values),
                    "kind": kind,
                    "summary": summary,
                    "content": "客户表示满意，约定后续跟进。",
                    "follow_up_at": follow_up,
                },
            )
            counts["contacts"] += 1
        if index < len(COMPLAINT_PLANS) * 2:
            path, severity, days = COMPLAINT_PLANS[index % len(COMPLAINT_PLANS)]
            category, content = rng.choice(COMPLAINTS)
            complaint = services.complaint_receive(
                actor=clerk,
                customer=customer,
                fields={
                    "received_at": now - timedelta(days=days),
                    "channel": rng.choice([Channel.PHONE, Channel.WECHAT, Channel.VISIT]),
                    "category": category,
                    "severity": severity,
                    "content": content,
                },
            )
            for status in path:
                complaint = services.complaint_move(
                    actor=clerk,
                    complaint=complaint,
                    to=status,
                    resolution="已核实并退还重复扣款，向客户致歉。",
                    satisfaction=rng.randint(3, 5),
                    reason="客户反映问题再次出现",
                )
            counts["complaints"] += 1
        if rng.random() < 0.6:
            services.feedback_record(
                actor=clerk,
                customer=customer,
                fields={
                    "surveyed_at": now - timedelta(days=rng.uniform(1, 90)),
                    "service_quality": rng.randint(3, 5),
                    "price": rng.randint(2, 5),
                    "overall": rng.randint(3, 5),
                    "comment": rng.choice(["服务专业", "价格略高", "", "响应及时"]),
                },
            )
            counts["surveys"] += 1
    return counts
