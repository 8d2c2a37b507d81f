"""`bench pages` end to end on tiny databases: every page and role measured at
both sizes, the anchor beside them, one JSON object last (SPEC §9). Times are
not asserted — only that every figure is there and of the right kind."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from bulk import benchexplain, benchpages

LONG_NUMBER = re.compile(r"(?<![0-9a-f+])\d{12,19}X?(?![0-9a-f])")  # an ID or bank number, not a hex digest
FIGURES = {
    "p95_ms_small": float,
    "p95_ms_large": float,
    "queries_small": int,
    "queries_large": int,
}
EXPECTED = {
    "my_work": {"clerk", "reviewer", "manager"},
    "review_queue": {"reviewer", "manager"},
    "review_queue_deep": {"reviewer"},
    "customer_list": {"clerk", "reviewer", "manager"},
    "customer_list_deep": {"clerk", "manager"},
    "customer_list_last": {"manager"},
    "customer_list_value": {"clerk", "manager"},
    "customer_list_incomplete": {"manager"},
    "greetings": {"clerk"},
    "insight": {"manager"},
    "scorecards": {"manager"},
    "search_name": {"reviewer", "manager"},
    "search_mobile": {"reviewer", "manager"},
    "search_id": {"reviewer", "manager"},
    "search_bank": {"reviewer", "manager"},
    "customer_page": {"clerk", "reviewer", "manager"},
    "customer_page_heavy": {"clerk", "reviewer", "manager"},
    "admin_changelist": {"manager"},
    "reports": {"manager"},
    "report_customers": {"manager"},
    "report_quality": {"manager"},
    "report_transactions": {"manager"},
    "report_complaints": {"manager"},
}


def test_bench_pages_measures_every_page_and_role_at_both_sizes_beside_the_anchor(tmp_path, monkeypatch, capsys):
    derived = benchpages.database_url

    def scratch_database(n: int) -> str:
        url = derived(n)
        if url.startswith("sqlite"):
            return f"sqlite:///{tmp_path / f'bench_{n}.sqlite3'}"
        return url.rsplit("/", 1)[0] + f"/seed_benchtest_{benchpages.label(n)}"

    monkeypatch.setattr(benchpages, "database_url", scratch_database)
    monkeypatch.setenv("CRM_BENCH_DIR", str(tmp_path / "explain"))  # CI's other database run writes its own
    for n in (100, 300):
        _drop_if_postgres(scratch_database(n))  # made fresh, under this run's keys
    call_command("bench", "pages", "--customers", "300", "--small", "100", "--requests", "1", "--json")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    assert (summary["customers"], summary["small"]) == (300, 100)
    assert isinstance(summary["anchor_p95_ms_large"], float) and summary["anchor_p95_ms_large"] > 0
    assert isinstance(summary["warnings"], list)
    assert Path(summary["explain_dir"]) == tmp_path / "explain" / "pages-300"
    assert {page: set(roles) for page, roles in summary["pages"].items() if page in EXPECTED} == EXPECTED
    for page, roles in summary["pages"].items():
        for role, figures in roles.items():
            for name, kind in FIGURES.items():
                assert isinstance(figures[name], kind), (page, role, name)
            assert figures["p95_ms_large"] > 0 and figures["queries_large"] > 0
            assert figures["status_small"] == figures["status_large"] == 200, (page, role)
            # A plan of the page's slowest query lies beside the figures, with no ID or bank number in it.
            plan = (Path(summary["explain_dir"]) / f"{page}-{role}.txt").read_text()
            assert plan.strip()
            assert not LONG_NUMBER.search(plan), (page, role)


def test_the_explain_files_hide_a_number_the_plan_derived_from_the_searched_one():
    # PostgreSQL reads `name LIKE '…0%'` through a pattern index as a range whose upper
    # bound ends in 1: a number nobody searched for, and possibly someone's ID.
    explainer = benchexplain.Explainer.__new__(benchexplain.Explainer)
    explainer.secrets = ["110101199003070030"]
    plan = (
        "Index Cond: ((name ~>=~ '110101199003070030'::text) AND (name ~<~ '110101199003070031'::text))\n"
        "Filter: (bank_account_index = 'a3f1120000000000000000000000000b' OR user_id = 34)"
    )
    redacted = explainer.redact(plan)
    assert not LONG_NUMBER.search(redacted)
    assert "'***'::text" in redacted and "user_id = 34" in redacted
    assert "a3f1120000000000000000000000000b" in redacted  # a digest is not a number to hide


def test_bench_database_names_derive_from_the_current_database(monkeypatch):
    databases = settings.DATABASES
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "seed_dev", "USER": "u", "PASSWORD": "p"}
    monkeypatch.setitem(databases, "default", postgres)
    assert benchpages.database_url(10_000) == "postgres://u:p@127.0.0.1:5432/seed_dev_bench_10k"
    assert benchpages.database_url(1_000_000).endswith("/seed_dev_bench_1m")
    monkeypatch.setitem(databases, "default", {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/db.sqlite3"})
    assert benchpages.database_url(300) == "sqlite:////srv/db_bench_300.sqlite3"


def _drop_if_postgres(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    db = settings.DATABASES["default"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(
        dbname="postgres", host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
