"""Bar charts as inline SVG, drawn on the server (no script, no CDN)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

BAR, GAP, LABEL, WIDTH = 22, 6, 180, 640
LABEL_CHARACTERS = 14  # what fits left of the bars at 12 px, Chinese characters included


def _short(label: str) -> str:
    """The label as it fits; a cut one ends in "…" (the whole name is its hover title)."""
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def _text(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@register.filter
def cell(value) -> str:
    """A table cell for Chinese readers: thousands separators, two decimals for money."""
    if value is None:
        return "—"
    return _text(value)


@register.simple_tag
def bar_chart(table) -> str:
    """Horizontal bars of the table's first numeric column, labelled by its first column."""
    points = []
    for row in table.rows:
        values = [_number(v) for v in row[1:]]
        numeric = next((v for v in values if v is not None), None)
        if numeric is not None:
            points.append((str(row[0]), numeric, next(v for v in row[1:] if _number(v) is not None)))
    if not points:
        return ""
    largest = max(abs(v) for _, v, _ in points) or 1
    height = len(points) * (BAR + GAP) + GAP
    span = WIDTH - LABEL - 90
    bars = format_html_join(
        "",
        '<g transform="translate(0,{})"><text x="{}" y="{}" text-anchor="end" class="label"><title>{}</title>{}</text>'
        '<rect x="{}" y="0" width="{}" height="{}" class="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" class="value">{}</text></g>',
        (
            (
                GAP + i * (BAR + GAP),
                LABEL - 8,
                round(BAR * 0.7),
                label,
                _short(label),
                LABEL,
                max(1, round(abs(value) / largest * span)),
                BAR,
                "bar negative" if value < 0 else "bar",
                label,
                _text(raw),
                LABEL + max(1, round(abs(value) / largest * span)) + 6,
                round(BAR * 0.7),
                _text(raw),
            )
            for i, (label, value, raw) in enumerate(points)
        ),
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}">{}</svg>',
        table.title,
        WIDTH,
        height,
        WIDTH,
        height,
        mark_safe(bars),  # noqa: S308 — built with format_html_join, every value escaped
    )
