"""`bench pages`: server time and queries of every page, per role that opens it,
at two sizes, beside the plain Django admin (SPEC §9).

The parent process builds (through `seed_scale`, resumable, so an existing
database is reused) a small and a large database — separate PostgreSQL databases
named after the current one, or separate SQLite files beside it — and runs the
measuring part in a fresh process on each, configured as production is (`DEBUG`
off). The measuring part logs each persona in with Django's test client, times
each page over a number of requests (after two warm-up requests), counts its
queries on one more request, saves the EXPLAIN of its slowest query, and warns
about a sequential scan of a business table, a count of a whole table, or a
decrypted row the page does not show.

The anchor is the Django admin's own changelist of the same `Customer` table
with a plain `ModelAdmin` (default paginator: a full count), on an admin site of
its own that exists only here, opened by a superuser."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.management.base import CommandError
from django.urls import include, path

from bulk.benchexplain import Explainer
from customers.models import Customer

ROLES = ("clerk", "reviewer", "manager")
LIST_DEEP_PAGE = 2000
QUEUE_DEEP_PAGE = 100
ANCHOR_PREFIX = "bench-anchor/"


# The anchor: a plain ModelAdmin on an admin site of its own ---------------------

anchor_site = admin.AdminSite(name="bench_anchor")
anchor_site.register(Customer, admin.ModelAdmin)
# The measuring process serves the project's URLs with the anchor beside them.
urlpatterns = [path(ANCHOR_PREFIX, anchor_site.urls), path("", include(settings.ROOT_URLCONF))]


# Names of the benchmark databases ------------------------------------------------


def label(n: int) -> str:
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n >= size and n % size == 0:
            return f"{n // size}{suffix}"
    return str(n)


def database_url(n: int) -> str:
    """The URL of the benchmark database of n customers, derived from the current one."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        current = Path(db["NAME"])
        suffix = current.suffix or ".sqlite3"
        return f"sqlite:///{current.with_name(f'{current.stem}_bench_{label(n)}{suffix}')}"
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("bench pages runs on SQLite or PostgreSQL.")
    user, password = db.get("USER") or "", db.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    server = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{credentials}{server}/{db['NAME']}_bench_{label(n)}"


def _postgres_create(url: str) -> None:
    import psycopg

    db = settings.DATABASES["default"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER"),
        password=db.get("PASSWORD"),
        autocommit=True,
    ) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')  # a name we derived: letters, digits, _


def _env(url: str) -> dict:
    """Production settings (DEBUG off) on `url`, with this process's keys."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
        "SECRET_KEY": settings.SECRET_KEY,
        "CRM_FIELD_KEYS": settings.CRM_FIELD_KEYS,
        "CRM_BLIND_INDEX_KEY": settings.CRM_BLIND_INDEX_KEY,
        # The benchmark makes more exact lookups in a minute than a person may in an hour.
        "CRM_LOOKUP_HOURLY_LIMIT": "1000000",
    }


def _manage(arguments: list[str], url: str, *, capture: bool = True) -> str:
    done = subprocess.run(  # noqa: S603 — our own manage.py with fixed arguments
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
        env=_env(url),
        capture_output=capture,
        text=True,
        check=False,
    )
    if done.returncode:
        raise CommandError(f"{' '.join(arguments)} failed:\n{(done.stderr or '')[-3000:]}")
    return done.stdout or ""


def build(n: int, *, departments: int, log) -> str:
    """The database of n seeded customers: made, migrated and seeded, or reused."""
    url = database_url(n)
    if url.startswith("postgres"):
        _postgres_create(url)
    log(f"Database of {n} customers: migrating and seeding (resumes what exists) …")
    _manage(["migrate", "--no-input", "-v0"], url)
    _manage(["seed_scale", str(n), "--departments", str(departments)], url, capture=False)
    # The value and completeness figures the list sorts and filters by, as the nightly run leaves them.
    log(f"Database of {n} customers: customer value snapshot (kept when one is current) …")
    _manage(["insight_refresh", "--if-missing"], url, capture=False)
    return url


def measure_in(url: str, n: int, *, requests: int) -> dict:
    out = _manage(["bench", "pages", "--part", "measure", "--customers", str(n), "--requests", str(requests)], url)
    return json.loads(out.strip().splitlines()[-1])


def run(*, customers: int, small: int, requests: int, departments: int, log) -> dict:
    """Both sizes measured; figures side by side per page and role."""
    results = {}
    for n in (small, customers):
        url = build(n, departments=departments, log=log)
        log(f"Measuring the pages on {n} customers …")
        results[n] = measure_in(url, n, requests=requests)
    small_run, large_run = results[small], results[customers]
    pages: dict[str, dict[str, dict]] = {}
    for key, large in large_run["pages"].items():
        page, role = key.split("|")
        little = small_run["pages"].get(key, {})
        pages.setdefault(page, {})[role] = {
            "p95_ms_small": little.get("p95_ms"),
            "p95_ms_large": large["p95_ms"],
            "queries_small": little.get("queries"),
            "queries_large": large["queries"],
            "status_small": little.get("status"),
            "status_large": large["status"],
            "decrypted_small": little.get("decrypted"),
            "decrypted_large": large["decrypted"],
        }
    return {
        "customers": customers,
        "small": small,
        "database": large_run["database"],
        "requests": requests,
        "anchor_p95_ms_large": large_run["anchor"]["p95_ms"],
        "anchor_queries_large": large_run["anchor"]["queries"],
        "anchor_p95_ms_small": small_run["anchor"]["p95_ms"],
        "pages": pages,
        "warnings": [f"[{small}] {w}" for w in small_run["warnings"]]
        + [f"[{customers}] {w}" for w in large_run["warnings"]],
        "explain_dir": large_run["explain_dir"],
    }


def table(summary: dict) -> str:
    lines = [
        f"{'page':<24} {'role':<9} {'p95 small':>10} {'p95 large':>10} {'×':>6} {'queries':>9}",
    ]
    for page, roles in summary["pages"].items():
        for role, f in roles.items():
            ratio = f"{f['p95_ms_large'] / f['p95_ms_small']:.2f}" if f["p95_ms_small"] else "–"
            lines.append(
                f"{page:<24} {role:<9} {f['p95_ms_small'] or 0:>8.1f}ms {f['p95_ms_large']:>8.1f}ms {ratio:>6} "
                f"{f['queries_small']!s:>4}/{f['queries_large']!s:<4}"
            )
    lines.append(
        f"{'anchor (plain ModelAdmin)':<34} {summary['anchor_p95_ms_small']:>8.1f}ms "
        f"{summary['anchor_p95_ms_large']:>8.1f}ms"
    )
    return "\n".join(lines)


# The measuring part (in a process of its own, on one database) ------------------


@dataclass
class Request:
    page: str
    role: str
    path: str
    method: str = "get"
    data: dict | None = None


@dataclass
class Scene:
    """Who opens which pages, and with what, on this database."""

    users: dict
    requests: list[Request]
    secrets: list[str]  # values never written to disk (redacted from the EXPLAIN files)


def _scene() -> Scene:
    from django.db.models import Count

    from accounts.models import Department, User
    from customers.models import Status
    from customers.selectors import customers_visible_to
    from transactions.models import Transaction

    department = Department.objects.filter(code__startswith="seed-").order_by("code").first()
    if department is None:
        raise CommandError("No seeded department: run seed_scale first.")
    heavy = (
        Transaction.objects.filter(department=department)
        .values("customer")
        .annotate(rows=Count("id"))
        .order_by("-rows")
        .first()
    )
    heavy = Customer.objects.get(pk=heavy["customer"]) if heavy else None
    clerk = heavy.entered_by if heavy else User.objects.filter(department=department, groups__name="clerk").first()
    users = {
        "clerk": clerk,
        "reviewer": User.objects.filter(department=department, groups__name="reviewer").order_by("username").first(),
        "manager": User.objects.filter(department=department, groups__name="manager").order_by("username").first(),
    }
    superuser, created = User.objects.get_or_create(
        username="bench_superuser", defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        superuser.set_unusable_password()
        superuser.save(update_fields=["password"])
    users["superuser"] = superuser
    typical = (
        Customer.objects.filter(entered_by=clerk, status=Status.APPROVED)
        .exclude(pk=getattr(heavy, "pk", None))
        .order_by("-created_at", "-id")
        .first()
    )
    banked = (
        Customer.objects.filter(department=department, status=Status.APPROVED)
        .exclude(bank_account_index="")
        .order_by("-created_at", "-id")
        .first()
    )
    page_size = settings.CRM_CUSTOMER_PAGE_SIZE
    last = {
        role: max(1, math.ceil(customers_visible_to(users[role]).count() / page_size)) for role in ("clerk", "manager")
    }
    queue = Customer.objects.filter(department=department, status=Status.PENDING).exclude(entered_by=users["reviewer"])
    queue_last = max(1, math.ceil(queue.count() / 50))
    search_by_post = _search_posts(users["reviewer"])
    secrets = [typical.id_number, banked.bank_account]
    reqs: list[Request] = []

    def add(page, roles, url, method="get", data=None):
        reqs.extend(Request(page, role, url, method, data) for role in roles)

    add("my_work", ROLES, "/")
    add("review_queue", ("reviewer", "manager"), "/review/")
    add("review_queue_deep", ("reviewer",), f"/review/?page={min(QUEUE_DEEP_PAGE, queue_last)}")
    add("customer_list", ROLES, "/customers/")
    for role in ("clerk", "manager"):
        add("customer_list_deep", (role,), f"/customers/?page={min(LIST_DEEP_PAGE, last[role])}")
    add("customer_list_last", ("manager",), f"/customers/?page={last['manager']}")
    for role in ("clerk", "manager"):
        add("customer_list_value", (role,), "/customers/?sort=value")
    add("customer_list_incomplete", ("manager",), "/customers/?show=incomplete")
    add("greetings", ("clerk",), "/outreach/greetings/")
    add("insight", ("manager",), "/insight/")
    add("scorecards", ("manager",), "/reports/scorecards/")
    add("search_name", ("reviewer", "manager"), "/customers/?" + urlencode({"q": typical.name}))
    add("search_mobile", ("reviewer", "manager"), "/customers/?" + urlencode({"q": typical.mobile.as_e164[3:]}))
    for page, value in (("search_id", typical.id_number), ("search_bank", banked.bank_account)):
        if search_by_post:
            add(page, ("reviewer", "manager"), "/customers/", "post", {"q": str(value)})
        else:
            add(page, ("reviewer", "manager"), "/customers/?" + urlencode({"q": str(value)}))
    add("customer_page", ROLES, f"/customers/{typical.pk}/")
    if heavy:
        add("customer_page_heavy", ROLES, f"/customers/{heavy.pk}/")
    add("transactions", ("clerk", "manager"), "/transactions/")
    add("complaints", ("manager",), "/service/complaints/")
    add("admin_changelist", ("manager",), "/admin/customers/customer/")
    add("reports", ("manager",), "/admin/reports/")
    for name in ("customers", "quality", "transactions", "complaints"):
        add(f"report_{name}", ("manager",), f"/admin/reports/{name}/")
    return Scene(users, reqs, [str(s) for s in secrets if s])


def _search_posts(user) -> bool:
    """Does the list's search box POST (exact ID and bank lookups kept out of
    addresses)? Then those searches are measured as the box sends them."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    html = client.get("/customers/", secure=True).content.decode()
    form = re.search(r"<form[^>]*class=\"search\"[^>]*>", html) or re.search(r"<form[^>]*role=\"search\"[^>]*>", html)
    return bool(form and 'method="post"' in form.group(0).lower())


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000, 1)


def measure(n: int, *, requests: int) -> dict:
    """Every page × role on this database (runs in its own process)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from vault import crypto

    storage = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(ROOT_URLCONF=__name__, STORAGES=storage):
        scene = _scene()
        clients = {}
        for role, user in scene.users.items():
            clients[role] = Client()
            clients[role].force_login(user)
        directory = Path(os.environ.get("CRM_BENCH_DIR") or Path(settings.BASE_DIR) / "var" / "bench") / f"pages-{n}"
        explainer = Explainer(directory, scene.secrets)
        anchor = Request("anchor", "superuser", f"/{ANCHOR_PREFIX}customers/customer/")
        pages, warnings = {}, []
        for request in [*scene.requests, anchor]:
            client = clients[request.role]

            def send(client=client, request=request):
                if request.method == "post":
                    return client.post(request.path, request.data, secure=True)
                return client.get(request.path, secure=True)

            for _warm in range(2):
                send()
            samples = []
            for _each in range(requests):
                started = time.perf_counter()
                response = send()
                samples.append(time.perf_counter() - started)
            decrypted: list[str] = []
            crypto.on_decrypt = decrypted.append
            try:
                with CaptureQueriesContext(connection) as captured:
                    response = send()
            finally:
                crypto.on_decrypt = None
            p95 = _p95(samples)
            queries = list(captured.captured_queries)
            explainer.save(request, queries, p95)
            where = f"{request.page} ({request.role})"
            if request is not anchor:  # the anchor counts its table: that is what it stands for
                warnings += [f"{where}: {finding}" for finding in explainer.findings(queries)]
            hidden = _decrypted_not_shown(decrypted, response.content.decode(errors="replace"))
            if hidden:
                warnings.append(f"{where}: decrypted {hidden} row(s) the page does not show")
            if response.status_code != 200:
                warnings.append(f"{where}: answered {response.status_code}")
            pages[f"{request.page}|{request.role}"] = {
                "p95_ms": p95,
                "queries": len(queries),
                "status": response.status_code,
                "decrypted": len(decrypted),
            }
        anchor_figures = pages.pop("anchor|superuser")
    return {
        "customers": n,
        "database": connection.vendor,
        "pages": pages,
        "anchor": anchor_figures,
        "warnings": warnings,
        "explain_dir": str(directory),
    }


UID = re.compile(r" of ([0-9a-f-]{36})")


def _decrypted_not_shown(decrypted: list[str], html: str) -> int:
    """Rows whose values were decrypted while the page shows no trace of the row
    (its archive number)."""
    uids = {m.group(1) for where in decrypted if (m := UID.search(where))}
    if not uids:
        return 0
    numbers = Customer.objects.filter(uid__in=uids).values_list("archive_no", flat=True)
    return sum(1 for number in numbers if number not in html)
