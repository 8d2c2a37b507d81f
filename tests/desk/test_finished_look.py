"""A finished look (issue 22 item 5): whole names in report charts, no glyph that
a CJK font draws as a box, a favicon served by the app, the tag's "×" kept with
its tag, admin lists that neither wrap status words nor clip a column, and the
README's production steps."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
# Pictographs (emoji such as the phone 📱, U+1F4F1): neither the CJK fonts nor DejaVu
# have them, so an office machine draws a box. Symbols like ✓ ⚠ ☎ are in both.
BOXED = re.compile("[\U0001f000-\U0001faff\ufe0f]")


def test_a_chart_label_too_long_to_fit_is_cut_with_an_ellipsis_and_whole_on_hover():
    from reports.templatetags.charts import bar_chart

    whole = "北京市朝阳区某某科技发展有限责任公司第一分公司"
    svg = str(bar_chart(SimpleNamespace(title="客户", rows=[(whole, 3), ("短名", 1)])))
    label = re.search(r'class="label"><title>([^<]*)</title>([^<]*)</text>', svg)
    assert label.group(1) == whole
    assert label.group(2).endswith("…") and len(label.group(2)) <= 14 and whole.startswith(label.group(2)[:-1])
    assert 'class="label"><title>短名</title>短名</text>' in svg


def test_no_template_shows_a_glyph_that_renders_as_a_box():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group()!r}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in BOXED.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_every_page_and_the_admin_name_the_favicon_the_app_serves(client, manager):
    assert finders.find("favicon.svg")
    client.force_login(manager)
    for url in (reverse("home"), reverse("admin:index"), reverse("admin:customers_customer_changelist")):
        html = client.get(url).content.decode()
        assert re.search(r'<link rel="icon" href="/static/favicon[^"]*\.svg"', html), url


@pytest.mark.django_db
def test_the_admin_lists_load_the_style_that_keeps_status_words_whole(client, manager):
    client.force_login(manager)
    html = client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert "css/admin.css" in html
    css = finders.find("css/admin.css")
    text = Path(css).read_text(encoding="utf-8")
    assert re.search(r'td\[class\*="field-status"\],[^{]*\{\s*white-space: nowrap', text)
    assert re.search(r"#changelist table td \{[^}]*word-break: keep-all", text)
    assert re.search(r"#changelist \.results \{[^}]*overflow-x: auto", text)


def test_a_tags_remove_button_stays_with_its_tag():
    css = (ROOT / "static/css/custodian.css").read_text(encoding="utf-8")
    rule = re.search(r"\.badge\.tag \{([^}]*)\}", css).group(1)
    assert "white-space: nowrap" in rule and "flex-shrink: 0" in rule


def test_the_readmes_production_steps_collect_the_static_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    steps = readme.split("### Production steps")[1].split("\n## ")[0]
    assert "collectstatic --noinput" in steps
    assert steps.index("migrate") < steps.index("collectstatic") < steps.index("gunicorn")
