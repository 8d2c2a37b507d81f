"""`bench load`: the product served as in production, under a working day's load
(issue 18 item 5).

`run()` (the command) starts gunicorn with 2 workers and the background worker on
the current database (PostgreSQL: the DATABASE_URL given), on a loopback port,
configured as production is (`DEBUG` off), and drives it with `drive()`: a
bounded threaded client — loopback only, a fixed number of threads, a cap on the
requests — in which clerks enter customers, transactions and contacts through
the forms (as a browser would: the form first, its hidden tokens, then the
post), reviewers decide the queue and managers read lists and reports. Then
`check()` looks in the database for every write the server acknowledged (a
redirect to where a success goes) and verifies the access log's chain. The
figures: requests, errors (any 4xx/5xx, a form answered again instead of
accepted, a connection failure: the goal is 0) and the p95 per page.

The users are the benchmark's own (`bench_load_clerk1`, …), in the first
seeded department (`seed_scale`) or the first department, with a password made
for the run and never printed."""

from __future__ import annotations

import http.client
import math
import random
import re
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Department, User
from audit.services import access_log_verify
from customers.models import Customer, Status
from interactions.models import Interaction
from review.models import Decision, ReviewDecision
from transactions.models import Transaction

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_THREADS = 32
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
MANAGER_PAGES = (
    ("my_work", "/"),
    ("customer_list", "/customers/"),
    ("review_queue", "/review/"),
    ("transactions", "/transactions/"),
    ("complaints", "/service/complaints/"),
    ("reports", "/admin/reports/"),
    ("report_customers", "/admin/reports/customers/"),
    ("report_quality", "/admin/reports/quality/"),
)


# The users -----------------------------------------------------------------------


@dataclass
class Cast:
    clerks: list[str]
    reviewers: list[str]
    managers: list[str]
    password: str = field(repr=False)
    approved: dict[str, list[int]] = field(default_factory=dict)  # clerk → their approved customers


def prepare(*, clerks: int = 4, reviewers: int = 2, managers: int = 1) -> Cast:
    """The benchmark's users, made or reset with a fresh password, in one department."""
    department = (
        Department.objects.filter(code__startswith="seed-").order_by("code").first()
        or Department.objects.order_by("pk").first()
    )
    if department is None:
        department = Department.objects.create(code="bench-load", name="压测部")
    password = secrets.token_urlsafe(16)
    names: dict[str, list[str]] = {}
    for role, count in (("clerk", clerks), ("reviewer", reviewers), ("manager", managers)):
        group = Group.objects.get(name=role)
        names[role] = []
        for n in range(1, count + 1):
            user, _ = User.objects.update_or_create(
                username=f"bench_load_{role}{n}",
                defaults={"department": department, "is_active": True, "is_staff": role == "manager"},
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.set([group])
            names[role].append(user.username)
    approved = {
        clerk: list(
            Customer.objects.filter(entered_by__username=clerk, status=Status.APPROVED)
            .order_by("-pk")
            .values_list("pk", flat=True)[:20]
        )
        for clerk in names["clerk"]
    }
    return Cast(names["clerk"], names["reviewer"], names["manager"], password, approved)


# A browser, as far as the forms need one -----------------------------------------


class Refused(Exception):
    """The server did not accept what a user did (the page names what; never a value)."""


_HIDDEN = re.compile(r"<input[^>]*type=\"hidden\"[^>]*>", re.IGNORECASE)
_NAME = re.compile(r"name=\"([^\"]+)\"")
_VALUE = re.compile(r"value=\"([^\"]*)\"")


_FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)


def hidden_inputs(html: str, action: str | None = None) -> dict[str, str]:
    """The hidden inputs of the form posting to `action`, or (None) of the page's
    post form without an action (it posts back to the page: the record forms)."""
    for tag in _FORM.finditer(html):
        attributes = tag.group(0)
        if action is not None and f'action="{action}"' in attributes:
            break
        if action is None and 'method="post"' in attributes and "action=" not in attributes:
            break
    else:
        raise Refused(f"no form posting to {action or 'the page'}")
    form = html[tag.end() : html.find("</form>", tag.end())]
    found = {}
    for tag in _HIDDEN.findall(form):
        name, value = _NAME.search(tag), _VALUE.search(tag)
        if name:
            found[name.group(1)] = value.group(1).replace("&amp;", "&") if value else ""
    return found


def loopback(base_url: str):
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise CommandError("bench load drives a server on this machine only (http://127.0.0.1:…).")
    return parts


class Browser:
    """One user's connection: cookies kept (the Secure flag ignored: loopback is
    plain HTTP), every answer timed under a page name into `stats`."""

    def __init__(self, base_url: str, stats: Stats) -> None:
        parts = loopback(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
        self.host = parts.netloc
        self.cookies: dict[str, str] = {}
        self.stats = stats

    def request(self, page: str, method: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        headers = {"Host": self.host, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
            content = answer.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.stats.error(page, type(exc).__name__)
            raise Refused(f"{page}: {type(exc).__name__}") from None
        self.stats.timed(page, time.perf_counter() - started)
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if answer.status >= 400:
            self.stats.error(page, str(answer.status))
            raise Refused(f"{page}: {answer.status}")
        return answer.status, answer.headers.get("Location", ""), content

    def get(self, page: str, path: str) -> str:
        return self.request(page, "GET", path)[2]

    def post_form(self, page: str, form_path: str, data: dict, *, expect: str) -> str:
        """Open the form, post it back with its hidden tokens; the answer must redirect
        to an address matching `expect` (where a success goes). Returns that address."""
        html = self.get(f"{page}_form", form_path)
        status, location, _ = self.request(page, "POST", form_path, {**hidden_inputs(html), **data})
        if status != 302 or not re.search(expect, location):
            self.stats.error(page, "not accepted")
            raise Refused(f"{page}: not accepted")
        return location

    def submit(self, page: str, action: str, data: dict, *, expect: str) -> None:
        """Post a confirmation; a redirect anywhere but `expect` is a refusal."""
        status, location, _ = self.request(page, "POST", action, data)
        if status != 302 or not re.search(expect, location):
            self.stats.error(page, "not accepted")
            raise Refused(f"{page}: not accepted")

    def log_in(self, username: str, password: str) -> None:
        self.post_form("login", "/accounts/login/", {"username": username, "password": password}, expect=r"/$")


# Figures ---------------------------------------------------------------------------


class Stats:
    def __init__(self, max_requests: int) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.requests = 0
        self.max_requests = max_requests

    def timed(self, page: str, seconds: float) -> None:
        with self.lock:
            self.samples[page].append(seconds)
            self.requests += 1

    def error(self, page: str, what: str) -> None:
        with self.lock:
            self.errors[f"{page}: {what}"] += 1

    def spent(self) -> bool:
        return self.requests >= self.max_requests

    def summary(self) -> dict:
        pages = {
            page: {
                "requests": len(times),
                "p95_ms": p95(times),
                "median_ms": round(sorted(times)[len(times) // 2] * 1000, 1),
            }
            for page, times in sorted(self.samples.items())
        }
        return {
            "requests": self.requests,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "pages": pages,
        }


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000, 1)


# What was acknowledged ---------------------------------------------------------------


class Ledger:
    """Every write the server acknowledged, by kind: what must be in the database."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.writes: dict[str, list[tuple]] = defaultdict(list)
        self.makers: dict[int, str] = {}  # customer → the clerk who entered it

    def add(self, kind: str, *row) -> None:
        with self.lock:
            self.writes[kind].append(row)

    def counts(self) -> dict[str, int]:
        return {kind: len(rows) for kind, rows in sorted(self.writes.items())}


# The users at work -------------------------------------------------------------------


def _customer_form(rng: random.Random) -> dict:
    now = timezone.localtime()
    return {
        "kind": "individual",
        "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
        "tier": "general",
        "lifecycle_stage": "prospect",
        "credit_status": "unknown",
        "mobile": f"139{rng.randrange(10**8):08d}",
        "consent_purpose": "开户",
        "consent_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "retention_until": (now + timedelta(days=5 * 365)).strftime("%Y-%m-%d"),
    }


def _pk(location: str, pattern: str) -> int:
    return int(re.search(pattern, location).group(1))


def clerk_turn(browser: Browser, rng: random.Random, username: str, cast: Cast, ledger: Ledger, run: str, n: int):
    mine = cast.approved.get(username) or []
    choice = rng.random() if mine else 0.0
    if choice < 0.4:  # a new customer: the form, the summary, confirm and submit
        location = browser.post_form(
            "customer_create", "/customers/new/", _customer_form(rng), expect=r"/customers/\d+/confirm/"
        )
        pk = _pk(location, r"/customers/(\d+)/")
        html = browser.get("customer_confirm", location)
        action = f"/customers/{pk}/submit/"
        browser.submit("customer_submit", action, hidden_inputs(html, action), expect=r"^/$")
        ledger.add("customer", pk, username)
        ledger.makers[pk] = username
    elif choice < 0.75:  # a transaction of one of their approved customers, confirmed and submitted
        customer = rng.choice(mine)
        now = timezone.localtime()
        data = {
            "kind": "purchase",
            "occurred_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "amount": f"{rng.randrange(100, 100000)}.{rng.randrange(100):02d}",
            "currency": "CNY",
            "payment_method": "wechat_pay",
        }
        form = f"/transactions/new/?customer={customer}"
        location = browser.post_form("transaction_create", form, data, expect=r"/transactions/\d+/confirm/")
        pk = _pk(location, r"/transactions/(\d+)/")
        html = browser.get("transaction_confirm", location)
        action = f"/transactions/{pk}/submit/"
        browser.submit("transaction_submit", action, hidden_inputs(html, action), expect=rf"^/customers/{customer}/$")
        ledger.add("transaction", pk, username)
    else:  # a contact with one of their customers
        customer = rng.choice(mine)
        summary = f"压测 {run}-{n}"
        data = {
            "occurred_at": (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "direction": "inbound",
            "kind": "consultation",
            "summary": summary,
            "content": "客户咨询理财产品",
        }
        form = f"/service/contacts/new/?customer={customer}"
        browser.post_form("contact_create", form, data, expect=rf"/customers/{customer}/")
        ledger.add("contact", customer, username, summary)


_REVIEWABLE = re.compile(r"href=\"(/(?:review|transactions)/(\d+)/)\"")


def reviewer_turn(browser: Browser, rng: random.Random, username: str, cast: Cast, ledger: Ledger, run: str, n: int):
    # Every other turn the head of the queue (oldest first), otherwise the entries of
    # one of the benchmark's clerks (the queue's filter by maker): so their customers
    # are approved in time for their transactions and contacts.
    if n % 2:
        html = browser.get("review_queue", "/review/")
    else:
        html = browser.get("review_queue_by_maker", "/review/?" + urlencode({"maker": rng.choice(cast.clerks)}))
    waiting = list(dict.fromkeys(_REVIEWABLE.findall(html)))[:10]
    if not waiting:
        browser.get("my_work", "/")
        time.sleep(0.2)
        return
    path, pk = rng.choice(waiting)
    kind = "customer" if path.startswith("/review/") else "transaction"
    page = browser.get(f"review_{kind}", path)
    action = f"/review/{pk}/approve/" if kind == "customer" else f"/transactions/{pk}/approve/"
    if f'action="{action}"' not in page:
        return  # decided by the other reviewer meanwhile, or not theirs to decide
    status, location, _ = browser.request(f"approve_{kind}", "POST", action, hidden_inputs(page, action))
    # The queue again, with the answer: a success, or "already decided by …" when
    # the other reviewer was first (a refusal the reviewer is told: not an error).
    answer = browser.get("review_queue", location) if status == 302 else ""
    if "msg-success" in answer:
        ledger.add(f"approved_{kind}", int(pk), username)
        maker = ledger.makers.get(int(pk)) if kind == "customer" else None
        if maker:  # the benchmark's own customers are general ones: approved at once, ready for more work
            cast.approved.setdefault(maker, []).append(int(pk))


def manager_turn(browser: Browser, rng: random.Random, username: str, cast: Cast, ledger: Ledger, run: str, n: int):
    page, path = MANAGER_PAGES[n % len(MANAGER_PAGES)]
    browser.get(page, path)


TURNS = {"clerk": clerk_turn, "reviewer": reviewer_turn, "manager": manager_turn}


def drive(
    base_url: str, cast: Cast, *, seconds: float, max_requests: int = 100_000, seed: int = 0
) -> tuple[dict, Ledger]:
    """Every user of `cast` in a thread of their own, working without pause until
    `seconds` pass or `max_requests` are made. Returns the figures and the ledger."""
    users = [("clerk", u) for u in cast.clerks] + [("reviewer", u) for u in cast.reviewers]
    users += [("manager", u) for u in cast.managers]
    loopback(base_url)
    if not 0 < len(users) <= MAX_THREADS:
        raise CommandError(f"bench load runs 1 to {MAX_THREADS} users.")
    stats, ledger = Stats(max_requests), Ledger()
    run = secrets.token_hex(3)
    deadline = time.monotonic() + seconds

    def work(index: int, role: str, username: str) -> None:
        rng = random.Random(seed * 1000 + index)  # noqa: S311 — the shape of the load, not a secret
        browser = Browser(base_url, stats)
        try:
            browser.log_in(username, cast.password)
        except Refused:
            return
        n = 0
        while time.monotonic() < deadline and not stats.spent():
            n += 1
            try:
                TURNS[role](browser, rng, username, cast, ledger, run, n)
            except Refused:
                continue  # counted in the figures; the user goes on

    threads = [
        threading.Thread(target=work, args=(i, role, name), name=f"bench-{name}", daemon=True)
        for i, (role, name) in enumerate(users)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    summary = stats.summary()
    summary["seconds"] = round(time.monotonic() - started, 1)
    summary["users"] = {"clerks": len(cast.clerks), "reviewers": len(cast.reviewers), "managers": len(cast.managers)}
    summary["acknowledged"] = ledger.counts()
    return summary, ledger


def check(ledger: Ledger) -> list[str]:
    """What the database lacks of the acknowledged writes, and whether the access
    log's chain verifies. Empty: all is there. Names rows by id, never a value."""
    problems = []
    customers = dict(
        Customer.objects.filter(pk__in=[r[0] for r in ledger.writes["customer"]]).values_list("pk", "status")
    )
    for pk, clerk in ledger.writes["customer"]:
        if pk not in customers:
            problems.append(f"customer #{pk} (entered by {clerk}) was acknowledged but is not in the database")
        elif customers[pk] == Status.DRAFT:
            problems.append(f"customer #{pk} was acknowledged as submitted but is a draft")
    problems += _decisions_missing(ledger, "approved_customer", Customer)
    rows = Transaction.objects.filter(pk__in=[r[0] for r in ledger.writes["transaction"]])
    transactions = dict(rows.values_list("pk", "status"))
    for pk, clerk in ledger.writes["transaction"]:
        if pk not in transactions:
            problems.append(f"transaction #{pk} (entered by {clerk}) was acknowledged but is not in the database")
        elif transactions[pk] == "draft":
            problems.append(f"transaction #{pk} was acknowledged as submitted but is a draft")
    problems += _decisions_missing(ledger, "approved_transaction", Transaction)
    summaries = [r[2] for r in ledger.writes["contact"]]
    found = set(Interaction.objects.filter(summary__in=summaries).values_list("customer_id", "summary"))
    for customer, clerk, summary in ledger.writes["contact"]:
        if (customer, summary) not in found:
            problems.append(
                f"a contact with customer #{customer} by {clerk} was acknowledged but is not in the database"
            )
    verified = access_log_verify()
    if not verified.ok:
        problems.append(f"the access log's chain does not verify: entry #{verified.first_bad_id} {verified.reason}")
    return problems


def _decisions_missing(ledger: Ledger, kind: str, model) -> list[str]:
    """Each acknowledged approval is a decision row of that reviewer (a key
    customer's first approval included: it waits for the second)."""
    rows = ledger.writes[kind]
    found = set(
        ReviewDecision.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[pk for pk, _ in rows],
            decision__in=(Decision.APPROVED, Decision.FIRST_APPROVED),
        ).values_list("object_id", "actor__username")
    )
    label = model._meta.model_name
    return [
        f"{label} #{pk} was acknowledged as approved by {reviewer}, but no such decision is in the database"
        for pk, reviewer in rows
        if (pk, reviewer) not in found
    ]
