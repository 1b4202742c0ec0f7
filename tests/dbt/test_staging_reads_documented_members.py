"""Every member the models read is one Zoho documents (or real answers were seen to carry).

``test_staging_columns`` proves staging reads nothing beyond the members the endpoint table declares; this
test checks each declared member against Zoho's published documents (list row or detail record of that
endpoint, nested lists included), the list fields observed in real answers, or the sandbox's evidenced
allow-list. What is left is a short list of members read only *defensively*: used when Zoho sends them,
derived or defaulted when it does not (each with the rule that covers its absence).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from loader.zoho.endpoints import ALL_ENDPOINTS, Endpoint, Fields
from tests import zoho_docs
from tests.sandbox.test_documented_shapes import (
    CUSTOMER_REFUNDS,
    REFUND_ALLOWED,
    VENDOR_REFUNDS,
    _allowed,
    _documented,
)

# Read when present, never relied on: the rule that covers the member's absence.
DEFENSIVE: dict[str, str] = {
    "bcy_*": "base amounts Zoho does not send are derived at the document's rate (D45)",
    "discount_total": "derived: sub_total + tax_total + shipping_charge + adjustment - total",
    "discount_account_id": "documented on purchase orders; elsewhere the learned discount account (D49)",
    "roundoff_value": "zoho-real-shapes.md 'invoice arithmetic' row; 0 when absent",
    "invoices_credited[]*": "recorded credit-note applications; the documented invoices[] is read too (D48)",
    "taxes[].tax_id": "taxes[] carry no tax_id: the lines name it (D47); read should Zoho add it",
    "amount_applied": "older loads' name of an application's amount; the documented names are read first",
    "credited_amount": "zoho-real-shapes.md 'credit notes applied' row",
    "fcy_*": "Zoho's ledger in the document's currency: informational, never posted",
    "shipping_charge": "0 when absent (credit notes, bills and vendor credits document none)",
    "adjustment": "0 when absent",
    "sub_total": "summed from line_items[] when absent (a credit note documents none, D47)",
    "tax_total": "summed from taxes[] when absent (D47)",
    "discount": "a line's discount percentage: informational, item_total already holds the discount",
    "bank_charges": "0 when absent (vendor payments document none)",
    "unused_amount": "a vendor payment's is its documented balance",
    "currency_code": "a vendor payment's comes from its currency_id; an account's is informational",
    "balance": "an open balance: informational, the agings replay the applications",
    "date": "an application's date; the credit's own date when absent",
    "bill_number": "informational on an application; the bill's own number is in bills",
    "total": "informational on an application",
    "taxes[]*": "a purchase order posts nothing; its taxes[] are informational",
    "is_inclusive_tax": "documented in credit notes' create and update requests, not their answers; false "
    "(tax-exclusive prices) when absent (D100)",
}


DBT = Path(__file__).resolve().parents[2] / "dbt_project"


def _names_staging_reads() -> frozenset[str]:
    """Member names the staging models and their macros read from raw tables (``source.x``, ``lines.x``)."""
    sql = [*(DBT / "models" / "staging").rglob("*.sql"), DBT / "macros" / "staging.sql"]
    pattern = re.compile(r"\b(?:source|lines|line_taxes)\.([a-z_][a-z_0-9]*)")
    names = {name for path in sql for name in pattern.findall(path.read_text())}
    return frozenset(
        name for name in names if not name.startswith(("_dlt", "_zoho", "_synced", "_is_", "_del"))
    )


READ = _names_staging_reads()


def _declared(fields: Fields) -> tuple[str, ...]:
    return fields.decimals + fields.dates + fields.texts + fields.booleans + fields.integers


def _members(endpoint: Endpoint) -> Iterator[str]:
    yield from _declared(endpoint.fields)
    for path, fields in endpoint.children.items():
        prefix = "[].".join(path.split(".")) + "[]."
        for name in _declared(fields):
            yield prefix + name


def _in_tree(path: str, members: zoho_docs.Members) -> bool:
    node: zoho_docs.Members | None = members
    for step in path.replace("[]", "").split("."):
        if node is None or step not in node:
            return False
        node = node[step]
    return True


def _defensive(path: str) -> bool:
    name = path.rsplit(".", 1)[-1]
    for pattern in DEFENSIVE:
        if pattern.endswith("*") and (path.startswith(pattern[:-1]) or name.startswith(pattern[:-1])):
            return True
        if pattern in (path, name):
            return True
    return False


# A payment's refunds are loaded under it, read from their own routes (D135): documented there.
REFUND_ANSWERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "customer_payments": (
        ("customer-payments", CUSTOMER_REFUNDS, "payment_refunds"),
        ("customer-payments", f"{CUSTOMER_REFUNDS}/{{refund_id}}", "payment_refunds"),
    ),
    "vendor_payments": (
        ("vendor-payments", f"{VENDOR_REFUNDS}/{{vendorpayment_refund_id}}", "vendorpayment_refund"),
    ),
}


def _refund_member(endpoint: Endpoint, path: str) -> bool:
    if endpoint.refunds is None or not path.startswith(f"{endpoint.refunds.child}[]."):
        return False
    name = path.split("[].", 1)[1]
    return any(
        name in zoho_docs.root(*answer) or (*answer[:2], name) in REFUND_ALLOWED
        for answer in REFUND_ANSWERS[endpoint.name]
    )


def _explained(endpoint: Endpoint, path: str) -> bool:
    if _refund_member(endpoint, path):
        return True
    kinds = ["list", "detail"] if endpoint.needs_detail else ["list"]
    for kind in kinds:
        if _in_tree(path, _documented(endpoint.name, kind)) or _allowed(endpoint.name, kind, path):
            return True
    return _defensive(path)


def test_every_declared_member_is_documented_observed_allowed_or_defensive() -> None:
    unexplained = sorted(
        f"{endpoint.name}: {path}"
        for endpoint in ALL_ENDPOINTS
        for path in _members(endpoint)
        if path.rsplit(".", 1)[-1] in READ and not _explained(endpoint, path)
    )
    assert unexplained == []


def test_the_names_staging_reads_are_found() -> None:
    assert {"paid_through_account_id", "tax_amount", "exchange_rate", "debit_or_credit"} <= READ


def test_the_check_rejects_a_member_nobody_documents() -> None:
    invoices = next(e for e in ALL_ENDPOINTS if e.name == "invoices")
    assert not _explained(invoices, "account_id_of_the_moon")
    assert _explained(invoices, "line_items[].item_total")
