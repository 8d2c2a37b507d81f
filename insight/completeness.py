"""What a complete record holds (issue 20 item 2): the rules, in one table.

Each `Item` is one thing a record of some kind should have, in one of three
dimensions — basic facts, business (transactions, products, orders, contracts)
and contacts — as an SQL condition over the customer row `c` and the snapshot's
aggregates (`t`: approved transactions in the window, `o`: orders, `k`:
contracts, `i`: contacts in the window, `f`: surveys in the window). A record's
share per dimension is the items filled over the items that apply to its kind;
its completeness is the mean of its three shares; what is missing is kept as the
items' codes. The README's "Customer value and completeness" lists this table.

S3 values are never read: an ID or bank number counts as filled by its blind
index being set."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

BASIC, BUSINESS, CONTACTS = "basic", "business", "contacts"
DIMENSIONS = {BASIC: _("Basic facts"), BUSINESS: _("Transactions"), CONTACTS: _("Contacts")}
INDIVIDUAL, ORGANIZATION = "individual", "organization"
BOTH = (INDIVIDUAL, ORGANIZATION)


def _text(column: str) -> str:
    return f"COALESCE(c.{column}, '') <> ''"


def _set(column: str) -> str:
    return f"c.{column} IS NOT NULL"


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str
    kinds: tuple[str, ...]
    condition: str  # SQL: true when filled
    label: object


ITEMS: tuple[Item, ...] = (
    # Basic facts: the fields of the kind's paper form that describe the customer.
    Item("name", BASIC, BOTH, _text("name"), _("name")),
    Item("id_number", BASIC, BOTH, _text("id_number_index"), _("ID number")),
    Item("gender", BASIC, (INDIVIDUAL,), "c.gender IN ('male', 'female')", _("gender")),
    Item("birth_date", BASIC, (INDIVIDUAL,), _set("birth_date"), _("date of birth")),
    Item("mobile", BASIC, (INDIVIDUAL,), _text("mobile"), _("mobile")),
    Item("phone", BASIC, (ORGANIZATION,), f"({_text('phone')} OR {_text('mobile')})", _("phone")),
    Item("email", BASIC, BOTH, _text("email"), _("e-mail")),
    Item("address", BASIC, BOTH, _text("address"), _("address")),
    Item("occupation", BASIC, (INDIVIDUAL,), _text("occupation"), _("occupation")),
    Item("education", BASIC, (INDIVIDUAL,), _text("education"), _("education")),
    Item("contact_person", BASIC, (ORGANIZATION,), _text("contact_person"), _("contact person")),
    Item("legal_representative", BASIC, (ORGANIZATION,), _text("legal_representative"), _("legal representative")),
    Item("enterprise_nature", BASIC, (ORGANIZATION,), _text("enterprise_nature"), _("nature of enterprise")),
    Item("industry", BASIC, (ORGANIZATION,), _text("industry"), _("industry")),
    Item("founded_on", BASIC, (ORGANIZATION,), _set("founded_on"), _("founded on")),
    Item("registered_capital", BASIC, (ORGANIZATION,), _set("registered_capital"), _("registered capital")),
    Item("customer_nature", BASIC, BOTH, _text("customer_nature"), _("customer nature")),
    Item("source_channel", BASIC, BOTH, _text("source_channel"), _("source channel")),
    Item("consent", BASIC, BOTH, _set("consent_at"), _("consent")),
    # Business: what the customer does with us, over the value window.
    Item("transactions", BUSINESS, BOTH, "COALESCE(t.frequency, 0) > 0", _("an approved transaction in the window")),
    Item("products", BUSINESS, BOTH, "COALESCE(t.products, 0) > 0", _("a product on a transaction in the window")),
    Item("orders", BUSINESS, BOTH, "COALESCE(o.n, 0) > 0", _("an order")),
    Item("contracts", BUSINESS, (ORGANIZATION,), "COALESCE(k.n, 0) > 0", _("a contract")),
    # Contacts: that we talk to the customer and know how to reach them.
    Item("contacts", CONTACTS, BOTH, "COALESCE(i.n, 0) > 0", _("a contact in the window")),
    Item(
        "verified",
        CONTACTS,
        BOTH,
        "c.contact_verified_at >= %(verified_since)s",
        _("contact details verified within the re-verification period"),
    ),
    Item("surveys", CONTACTS, BOTH, "COALESCE(f.n, 0) > 0", _("a satisfaction survey in the window")),
)
LABELS = {item.code: item.label for item in ITEMS}


def _applies(item: Item) -> str:
    if set(item.kinds) == set(BOTH):
        return "1 = 1"
    return "c.kind IN (" + ", ".join(f"'{kind}'" for kind in item.kinds) + ")"


def filled_sql(dimension: str) -> str:
    """How many of the dimension's items that apply to the row are filled."""
    items = [i for i in ITEMS if i.dimension == dimension]
    return " + ".join(f"(CASE WHEN {_applies(i)} AND ({i.condition}) THEN 1 ELSE 0 END)" for i in items)


def applicable_sql(dimension: str) -> str:
    items = [i for i in ITEMS if i.dimension == dimension]
    return " + ".join(f"(CASE WHEN {_applies(i)} THEN 1 ELSE 0 END)" for i in items)


def missing_sql() -> str:
    """The codes of the items that apply and are not filled, comma-separated (a
    condition that is NULL counts as not filled)."""
    parts = [
        f"(CASE WHEN {_applies(i)} THEN (CASE WHEN ({i.condition}) THEN '' ELSE '{i.code},' END) ELSE '' END)"
        for i in ITEMS
    ]
    return " || ".join(parts)


def missing_labels(codes: str) -> dict[str, list]:
    """The missing items of a stored row, by dimension, in the reader's language."""
    by_code = {item.code: item for item in ITEMS}
    found: dict[str, list] = {dimension: [] for dimension in DIMENSIONS}
    for code in filter(None, (codes or "").split(",")):
        item = by_code.get(code)
        if item is not None:
            found[item.dimension].append(item.label)
    return found
