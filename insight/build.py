# ruff: noqa: S608 — every statement is built from this module's own text; values go as parameters.
"""The set-based SQL that fills one department's part of a snapshot.

Five statements per department, each one pass over the department's rows (every
scan is bounded by `department_id`, which the business tables are indexed by):

1. `AMOUNTS`: net amount per customer and currency over the window — each approved
   purchase, top-up or payment less the approved returns and refunds pointing at
   it, whenever those were entered — and its two halves (the trend).
2. `SCORES`: one row per customer (destroyed and merged-away records left out):
   recency, frequency, the trend, needs, relationship length, complaints and
   satisfaction, completeness per dimension and what is missing; potential and
   loyalty from those.
3. `RANKS`: within the department's approved customers, the percentile of the
   amount (the customer's best currency, everyone without it counting below),
   of the frequency and of the recency; the value score from them.
4. `CLASSES`: key / general / occasional by where the value score stands.
5. `FIGURES`: the department's totals (what the reports read).

The scoring rules (documented in README "Customer value and completeness"):
- frequency: purchases, top-ups and payments in the window not wholly reversed;
  recency: days since the last such entry (any time);
- value score = 100 × (0.5 × amount pct + 0.3 × frequency pct + 0.2 × recency pct);
- class: no business in the window → occasional; else key when the share of the
  department's ranked customers scoring as high or higher is at most the key
  share (20 %); occasional when the share scoring as low or lower is at most the
  occasional share (30 %); general otherwise;
- potential = 0.6 × trend points + 0.4 × needs points, where the trend is
  g = (recent − earlier) / max(recent, earlier) in the base currency (0 when both
  are 0) and trend points = 50 × (g + 1); needs points = 25 per consultation in the
  window, + 50 when pain points or product needs are recorded, at most 100;
- loyalty = 0.3 × length points (100 at five years) + 0.3 × repeat points (25 per
  purchase after the first, at most 100) + 0.4 × satisfaction points (25 × (mean
  overall score − 1); 50 without a survey), less 15 per complaint in the window,
  never below 0.
Scores are rounded half up to whole numbers."""

from __future__ import annotations

from django.db import connection

from core.sql import local_day
from insight import completeness as rules
from transactions.models import REVERSING

REVERSING_SQL = ", ".join(f"'{kind}'" for kind in REVERSING)
LENGTH_FULL_DAYS = 5 * 365


def _round(expression: str) -> str:
    """Half up, the same on both databases (PostgreSQL's CAST rounds, SQLite's truncates)."""
    if connection.vendor == "postgresql":
        return f"FLOOR(({expression}) + 0.5)"
    return f"CAST(({expression}) + 0.5 AS INTEGER)"


def _days_since(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(DAY FROM ({later} - {earlier})) AS INTEGER)"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _date_diff(later_date: str, earlier_date: str) -> str:
    if connection.vendor == "postgresql":
        return f"(CAST({later_date} AS date) - {earlier_date})"
    return f"CAST(julianday({later_date}) - julianday({earlier_date}) AS INTEGER)"


_REVERSED = """(SELECT original_id, SUM(amount) AS back FROM transactions_transaction
    WHERE department_id = %(department)s AND status = 'approved' AND original_id IS NOT NULL
    GROUP BY original_id) r"""

_OWN = f"""transactions_transaction x JOIN customers_customer c ON c.id = x.customer_id
    LEFT JOIN {_REVERSED} ON r.original_id = x.id
    WHERE x.department_id = %(department)s AND x.status = 'approved' AND x.kind NOT IN ({REVERSING_SQL})
    AND x.occurred_at <= %(as_of)s"""

AMOUNTS = f"""
INSERT INTO insight_customeramount
    (snapshot_id, customer_id, department_id, currency, ranked, net, recent_half, earlier_half)
SELECT %(snapshot)s, x.customer_id, %(department)s, x.currency, c.status = 'approved',
    SUM(x.amount - COALESCE(r.back, 0)),
    SUM(CASE WHEN x.occurred_at > %(mid)s THEN x.amount - COALESCE(r.back, 0) ELSE 0 END),
    SUM(CASE WHEN x.occurred_at <= %(mid)s THEN x.amount - COALESCE(r.back, 0) ELSE 0 END)
FROM {_OWN} AND x.occurred_at >= %(start)s
GROUP BY x.customer_id, x.currency, c.status
"""


def _window(table: str, column: str, extra: str = "") -> str:
    return f"""(SELECT customer_id, COUNT(*) AS n{extra} FROM {table}
        WHERE department_id = %(department)s AND {column} >= %(start)s AND {column} <= %(as_of)s
        GROUP BY customer_id)"""


def _held(table: str, where: str = "") -> str:
    return f"""(SELECT y.customer_id, COUNT(*) AS n FROM {table} y
        JOIN customers_customer yc ON yc.id = y.customer_id
        WHERE yc.department_id = %(department)s {where} GROUP BY y.customer_id)"""


def _base() -> str:
    """Each customer's inputs, from one LEFT JOIN of the department's aggregates."""
    return f"""SELECT c.id AS customer_id, c.kind AS kind,
        CASE WHEN c.status = 'approved' THEN 1 ELSE 0 END AS ranked,
        t.last_at AS last_at,
        CASE WHEN t.last_at IS NULL THEN NULL ELSE {_days_since("%(as_of)s", "t.last_at")} END AS recency_days,
        COALESCE(t.frequency, 0) AS frequency, COALESCE(t.products, 0) AS products,
        COALESCE(am.recent_half, 0) AS recent, COALESCE(am.earlier_half, 0) AS earlier,
        COALESCE(i.consultations, 0) AS consultations,
        CASE WHEN COALESCE(c.pain_points, '') <> '' OR COALESCE(c.product_needs, '') <> '' THEN 1 ELSE 0 END AS needs,
        {_date_diff("%(today)s", f"COALESCE(c.relationship_since, {local_day('c.created_at')})")} AS relationship_days,
        COALESCE(cp.n, 0) AS complaints, f.satisfaction AS satisfaction,
        {rules.filled_sql(rules.BASIC)} AS basic_filled, {rules.applicable_sql(rules.BASIC)} AS basic_applicable,
        {rules.filled_sql(rules.BUSINESS)} AS business_filled,
        {rules.applicable_sql(rules.BUSINESS)} AS business_applicable,
        {rules.filled_sql(rules.CONTACTS)} AS contacts_filled,
        {rules.applicable_sql(rules.CONTACTS)} AS contacts_applicable,
        {rules.missing_sql()} AS missing
    FROM customers_customer c
    LEFT JOIN (SELECT x.customer_id,
            MAX(CASE WHEN x.amount > COALESCE(r.back, 0) THEN x.occurred_at END) AS last_at,
            SUM(CASE WHEN x.occurred_at >= %(start)s AND x.amount > COALESCE(r.back, 0) THEN 1 ELSE 0 END)
                AS frequency,
            SUM(CASE WHEN x.occurred_at >= %(start)s AND x.product_id IS NOT NULL THEN 1 ELSE 0 END) AS products
        FROM {_OWN} GROUP BY x.customer_id) t ON t.customer_id = c.id
    LEFT JOIN (SELECT customer_id, recent_half, earlier_half FROM insight_customeramount
        WHERE snapshot_id = %(snapshot)s AND department_id = %(department)s AND currency = %(base)s) am
        ON am.customer_id = c.id
    LEFT JOIN {_window("interactions_interaction", "occurred_at", ", SUM(CASE WHEN kind = 'consultation' THEN 1 ELSE 0 END) AS consultations")} i
        ON i.customer_id = c.id
    LEFT JOIN {_window("interactions_complaint", "received_at")} cp ON cp.customer_id = c.id
    LEFT JOIN {_window("interactions_feedback", "surveyed_at", ", AVG(overall * 1.0) AS satisfaction")} f
        ON f.customer_id = c.id
    LEFT JOIN {_held("transactions_order", "AND y.status <> 'cancelled'")} o ON o.customer_id = c.id
    LEFT JOIN {_held("transactions_contract")} k ON k.customer_id = c.id
    WHERE c.department_id = %(department)s AND c.status <> 'destroyed' AND c.merged_into_id IS NULL"""  # noqa: E501


def _scores() -> str:
    trend = """(CASE WHEN b.recent = 0 AND b.earlier = 0 THEN 0
        WHEN b.recent >= b.earlier THEN (b.recent - b.earlier) * 1.0 / b.recent
        ELSE (b.recent - b.earlier) * 1.0 / b.earlier END)"""
    needs_raw = "(25 * b.consultations + 50 * b.needs)"
    needs = f"(CASE WHEN {needs_raw} > 100 THEN 100 ELSE {needs_raw} END)"
    potential = _round(f"0.6 * 50 * ({trend} + 1) + 0.4 * {needs}")
    length = f"""(CASE WHEN b.relationship_days >= {LENGTH_FULL_DAYS} THEN 100
        WHEN b.relationship_days <= 0 THEN 0 ELSE b.relationship_days * 100.0 / {LENGTH_FULL_DAYS} END)"""
    repeat = "(CASE WHEN b.frequency > 5 THEN 100 WHEN b.frequency > 1 THEN 25 * (b.frequency - 1) ELSE 0 END)"
    satisfaction = "(CASE WHEN b.satisfaction IS NULL THEN 50 ELSE (b.satisfaction - 1) * 25 END)"
    loyalty_raw = f"({_round(f'0.3 * {length} + 0.3 * {repeat} + 0.4 * {satisfaction}')} - 15 * b.complaints)"
    loyalty = f"(CASE WHEN {loyalty_raw} < 0 THEN 0 ELSE {loyalty_raw} END)"
    completeness = _round(
        "(100.0 * b.basic_filled / b.basic_applicable + 100.0 * b.business_filled / b.business_applicable"
        " + 100.0 * b.contacts_filled / b.contacts_applicable) / 3"
    )
    ranked = "b.ranked = 1" if connection.vendor == "postgresql" else "b.ranked"
    needs_recorded = "b.needs = 1" if connection.vendor == "postgresql" else "b.needs"
    return f"""
INSERT INTO insight_customerscore (snapshot_id, customer_id, department_id, kind, ranked,
    last_purchase_at, recency_days, frequency, products, amount_percentile, frequency_percentile,
    recency_percentile, value_score, value_class, recent_half, earlier_half, consultations, needs_recorded,
    potential_score, relationship_days, complaints, satisfaction, loyalty_score,
    basic_filled, basic_applicable, business_filled, business_applicable, contacts_filled, contacts_applicable,
    completeness, missing)
SELECT %(snapshot)s, b.customer_id, %(department)s, b.kind, {ranked},
    b.last_at, b.recency_days, b.frequency, b.products, 0, 0, 0, 0, '', b.recent, b.earlier, b.consultations,
    {needs_recorded}, {potential}, b.relationship_days, b.complaints, b.satisfaction, {loyalty},
    b.basic_filled, b.basic_applicable, b.business_filled, b.business_applicable, b.contacts_filled,
    b.contacts_applicable, {completeness}, b.missing
FROM ({_base()}) b
"""


def _ranks() -> str:
    ranked = "s.ranked" if connection.vendor == "postgresql" else "s.ranked = 1"
    nulls_first = "s.last_purchase_at ASC NULLS FIRST"
    amount = f"""(SELECT q.customer_id, MAX(q.p) AS m FROM (
            SELECT a.customer_id,
                (%(ranked_n)s - COUNT(*) OVER (PARTITION BY a.currency)
                 + RANK() OVER (PARTITION BY a.currency ORDER BY a.net) - 1) * 1.0 / %(ranked_gaps)s AS p
            FROM insight_customeramount a
            WHERE a.snapshot_id = %(snapshot)s AND a.department_id = %(department)s AND a.net > 0
                AND {ranked.replace("s.", "a.")}) q
        GROUP BY q.customer_id)"""
    score = _round("100 * (0.5 * r.m + 0.3 * r.f + 0.2 * r.rr)")
    return f"""
UPDATE insight_customerscore SET amount_percentile = r.m, frequency_percentile = r.f,
    recency_percentile = r.rr, value_score = {score}
FROM (SELECT s.id, COALESCE(m.m, 0) AS m,
        PERCENT_RANK() OVER (ORDER BY s.frequency) AS f,
        PERCENT_RANK() OVER (ORDER BY {nulls_first}) AS rr
    FROM insight_customerscore s LEFT JOIN {amount} m ON m.customer_id = s.customer_id
    WHERE s.snapshot_id = %(snapshot)s AND s.department_id = %(department)s AND {ranked}) r
WHERE insight_customerscore.id = r.id
"""


def _classes() -> str:
    ranked = "s.ranked" if connection.vendor == "postgresql" else "s.ranked = 1"
    # A small tolerance: a share such as 3/10 computed in floating point equals the setting 0.3.
    return f"""
UPDATE insight_customerscore SET value_class = r.cls
FROM (SELECT s.id, CASE WHEN s.frequency = 0 THEN 'occasional'
        WHEN CUME_DIST() OVER (ORDER BY s.value_score DESC) <= %(key_share)s + 1e-9 THEN 'key'
        WHEN CUME_DIST() OVER (ORDER BY s.value_score ASC) <= %(occasional_share)s + 1e-9 THEN 'occasional'
        ELSE 'general' END AS cls
    FROM insight_customerscore s
    WHERE s.snapshot_id = %(snapshot)s AND s.department_id = %(department)s AND {ranked}) r
WHERE insight_customerscore.id = r.id
"""


FIGURES = """
INSERT INTO insight_departmentfigures (snapshot_id, department_id, customers, key_customers, general_customers,
    occasional_customers, incomplete, completeness, basic, business, contacts)
SELECT %(snapshot)s, %(department)s, COUNT(*),
    COALESCE(SUM(CASE WHEN value_class = 'key' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN value_class = 'general' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN value_class = 'occasional' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN completeness < %(threshold)s THEN 1 ELSE 0 END), 0),
    COALESCE(AVG(completeness * 1.0), 0),
    COALESCE(AVG(100.0 * basic_filled / basic_applicable), 0),
    COALESCE(AVG(100.0 * business_filled / business_applicable), 0),
    COALESCE(AVG(100.0 * contacts_filled / contacts_applicable), 0)
FROM insight_customerscore WHERE snapshot_id = %(snapshot)s AND department_id = %(department)s
"""

RANKED_COUNT = """SELECT COUNT(*) FROM insight_customerscore
WHERE snapshot_id = %(snapshot)s AND department_id = %(department)s AND ranked = %(true)s"""


def department_build(cursor, params: dict) -> int:
    """Fill the snapshot's rows of one department (`params`: snapshot, department,
    window edges, settings); returns the customers scored."""
    cursor.execute(AMOUNTS, params)
    cursor.execute(_scores(), params)
    if connection.vendor == "postgresql":
        # The rows just written are not in the planner's statistics yet: without them it
        # takes the department's thousands of new rows for one and joins them in loops.
        cursor.execute("ANALYZE insight_customeramount, insight_customerscore")
    cursor.execute(RANKED_COUNT, {**params, "true": True})
    ranked_n = cursor.fetchone()[0]
    ranks = {**params, "ranked_n": ranked_n, "ranked_gaps": max(ranked_n - 1, 1)}
    cursor.execute(_ranks(), ranks)
    cursor.execute(_classes(), params)
    cursor.execute(FIGURES, params)
    cursor.execute(
        "SELECT customers FROM insight_departmentfigures WHERE snapshot_id = %(snapshot)s "
        "AND department_id = %(department)s",
        params,
    )
    return cursor.fetchone()[0]
