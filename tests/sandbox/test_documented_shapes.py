"""The sandbox answers with the members Zoho's published documents list, over real HTTP.

For every endpoint the product reads (``loader.zoho.endpoints.ALL_ENDPOINTS``) every list row and every
detail record, nested lists included, is compared with the documented members of that answer
(``tests/zoho_docs.py``). A member the documents do not list is allowed only when real list answers were
observed to carry it (``tests/reference/zoho-list-fields.md``, list rows only, legacy fields excluded) or when
``shape_allowlist.py`` gives the evidence for it. Then the shapes the models read are checked one by one.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from loader.extract.source import detail_location
from loader.zoho.endpoints import ALL_ENDPOINTS, BY_NAME
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.fixed_assets import DEPRECIATION_TYPE, WRITE_OFF_TYPE
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.world.inventory import INVENTORY_ADJUSTMENT_TYPE
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer
from tests import zoho_docs
from tests.sandbox.access import access_token
from tests.sandbox.shape_allowlist import ALIASES, ALLOWED

LIST_FIELDS = Path(__file__).resolve().parents[1] / "reference" / "zoho-list-fields.md"
US, EU, IN = "10234695", "20088321", "60012345"
LINE_DOCUMENTS = ("invoices", "credit_notes", "bills", "vendor_credits", "purchase_orders")
# Details the pipeline does not read but a webhook-driven refresh (contacts) or a user may: checked too.
# (The chart of accounts' detail is left out: its document gives the members without a root key.)
DETAILS_NOT_READ = ("contacts", "items", "taxes", "currencies")


@dataclass(frozen=True)
class Documented:
    """Where the documents describe one endpoint's answers: module, paths and the records' root keys."""

    module: str
    list_path: str
    list_key: str
    detail_path: str | None = None
    detail_key: str | None = None
    # A detail another module's document describes too (a debit note is read by the invoice detail): its
    # module, path and key; the members of both count as documented.
    detail_also: tuple[str, str, str] | None = None


# The documents' own paths and keys (the list roots where real Zoho differs are the documented ones here:
# the members, not the roots, are compared).
DOCUMENTED: dict[str, Documented] = {
    "organizations": Documented("organizations", "/organizations", "organizations"),
    "contacts": Documented("contacts", "/contacts", "contacts", "/contacts/{contact_id}", "contact"),
    "items": Documented("items", "/items", "items", "/items/{item_id}", "item"),
    "chart_of_accounts": Documented("chart-of-accounts", "/chartofaccounts", "chartofaccounts"),
    "taxes": Documented("taxes", "/settings/taxes", "taxes", "/settings/taxes/{tax_id}", "tax"),
    "currencies": Documented(
        "currency", "/settings/currencies", "currencies", "/settings/currencies/{currency_id}", "currency"
    ),
    "exchange_rates": Documented(
        "currency", "/settings/currencies/{currency_id}/exchangerates", "exchange_rates"
    ),
    "account_transactions": Documented("chart-of-accounts", "/chartofaccounts/transactions", "transactions"),
    "invoices": Documented("invoices", "/invoices", "invoices", "/invoices/{invoice_id}", "invoice"),
    "credit_notes": Documented(
        "credit-notes", "/creditnotes", "creditnotes", "/creditnotes/{creditnote_id}", "creditnote"
    ),
    "customer_payments": Documented(
        "customer-payments",
        "/customerpayments",
        "customer_payments",
        "/customerpayments/{payment_id}",
        "payment",
    ),
    "bills": Documented("bills", "/bills", "bills", "/bills/{bill_id}", "bill"),
    "vendor_credits": Documented(
        "vendor-credits",
        "/vendorcredits",
        "vendorcredits",
        "/vendorcredits/{vendor_credit_id}",
        "vendor_credit",
    ),
    "vendor_payments": Documented(
        "vendor-payments",
        "/vendorpayments",
        "vendorpayments",
        "/vendorpayments/{payment_id}",
        "vendorpayment",
    ),
    "purchase_orders": Documented(
        "purchase-order",
        "/purchaseorders",
        "purchaseorders",
        "/purchaseorders/{purchase_order_id}",
        "purchaseorder",
    ),
    "expenses": Documented("expenses", "/expenses", "expenses", "/expenses/{expense_id}", "expense"),
    "journals": Documented("journals", "/journals", "journals", "/journals/{journal_id}", "journal"),
    "bank_transactions": Documented(
        "bank-transactions",
        "/banktransactions",
        "banktransactions",
        "/banktransactions/{bank_transaction_id}",
        "banktransaction",
    ),
    "base_currency_adjustments": Documented(
        "base-currency-adjustment",
        "/basecurrencyadjustment",
        "base_currency_adjustments",
        "/basecurrencyadjustment/{base_currency_adjustment_id}",
        "data",
    ),
    # One object per organization: its members are checked as the "list" answer.
    "opening_balances": Documented("opening-balance", "/settings/openingbalances", "opening_balance"),
    "sales_receipts": Documented(
        "sales-receipt",
        "/salesreceipts",
        "salesreceipts",
        "/salesreceipts/{sales_receipt_id}",
        "salesreceipt",
    ),
    "debit_notes": Documented(
        "customer-debit-notes",
        "/invoices",
        "debit_notes",
        "/invoices/{debit_note_id}",
        "invoice",
        detail_also=("invoices", "/invoices/{invoice_id}", "invoice"),
    ),
    "retainer_invoices": Documented(
        "retainer-invoices",
        "/retainerinvoices",
        "retainerinvoices",
        "/retainerinvoices/{retainerinvoice_id}",
        "retainerinvoice",
    ),
    "credit_note_refunds": Documented(
        "credit-notes",
        "/creditnotes/refunds",
        "creditnote_refunds",
        "/creditnotes/{creditnote_id}/refunds/{creditnote_refund_id}",
        "creditnote_refund",
    ),
    "vendor_credit_refunds": Documented(
        "vendor-credits",
        "/vendorcredits/refunds",
        "vendor_credit_refunds",
        "/vendorcredits/{vendor_credit_id}/refunds/{vendor_credit_refund_id}",
        "vendor_credit_refund",
    ),
}


def observed_list_fields() -> dict[str, frozenset[str]]:
    """List path (``contacts``, ``customerpayments``) → the row fields real answers carried. Only each
    section's first paragraph counts: "Legacy extras" were declared by hand, never observed."""
    observed: dict[str, frozenset[str]] = {}
    for section in LIST_FIELDS.read_text().split("\n## ")[1:]:
        path = re.search(r"Path `GET /([^`]+)`", section)
        paragraphs = section.split("\n\n")
        if path is None or len(paragraphs) < 2:
            continue
        names = re.findall(r"(?:^|, )([A-Za-z_0-9]+):", paragraphs[1])
        observed[path.group(1)] = frozenset(names)
    return observed


OBSERVED = observed_list_fields()


@dataclass
class Answers:
    """What the sandbox answered, per endpoint: list rows and detail records, with their organization."""

    rows: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=lambda: defaultdict(list))
    details: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=lambda: defaultdict(list))
    texts: list[str] = field(default_factory=list)  # every answer's JSON text, as sent
    # Payment refunds (D135), read under their payment: (module, documented path, root) -> records
    refunds: dict[tuple[str, str, str], list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )


class Books:
    """GETs against one organization of the sandbox, with a token from its refresh token."""

    def __init__(
        self, http: httpx.Client, server: SandboxServer, dataset: Dataset, org_id: str, texts: list[str]
    ) -> None:
        region = dataset.orgs[org_id].region
        token = access_token(http, server, region)
        self.http, self.org_id, self.base = http, org_id, server.api_base_url(region)
        self.headers = {"Authorization": f"Zoho-oauthtoken {token}"}
        self.texts = texts

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        answer = self.http.get(
            f"{self.base}/{path}", params={"organization_id": self.org_id, **params}, headers=self.headers
        )
        assert answer.status_code == 200, answer.text
        self.texts.append(answer.text)
        body: dict[str, Any] = json.loads(answer.text, parse_float=Decimal)  # money stays exact
        return body

    def walk(self, path: str, root: str, **params: Any) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            body = self.get(path, page=page, per_page=200, **params)
            yield from body[root]
            if not body.get("page_context", {}).get("has_more_page"):
                return
            page += 1


def _collect(books: Books, answers: Answers) -> None:
    org = books.org_id
    for row in books.get("organizations")["organizations"]:
        answers.rows["organizations"].append((org, row))
    currencies: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    for endpoint in ALL_ENDPOINTS:
        if endpoint.kind == "single":
            answers.rows[endpoint.name].append((org, books.get(endpoint.path)[endpoint.detail_root]))
        if endpoint.kind not in ("list", "snapshot"):
            continue
        for row in books.walk(endpoint.path, endpoint.list_root, **endpoint.list_params):
            answers.rows[endpoint.name].append((org, row))
            if endpoint.name == "currencies":
                currencies.append(row)
            if endpoint.name == "chart_of_accounts":
                accounts.append(row)
            if endpoint.needs_detail or endpoint.name in DETAILS_NOT_READ:
                where = detail_location(endpoint, row)
                detail = books.get(f"{where}/{row[endpoint.id_field]}")[endpoint.detail_root]
                answers.details[endpoint.name].append((org, detail))
    _collect_refunds(books, answers)
    for currency in currencies:
        if not currency["is_base_currency"]:
            path = f"settings/currencies/{currency['currency_id']}/exchangerates"
            for row in books.walk(path, "exchange_rates"):
                answers.rows["exchange_rates"].append((org, row))
    for account in accounts:
        for row in books.walk(
            "chartofaccounts/transactions", "transactions", account_id=account["account_id"]
        ):
            answers.rows["account_transactions"].append((org, row))


CUSTOMER_REFUNDS = "/customerpayments/{customer_payment_id}/refunds"
VENDOR_REFUNDS = "/vendorpayments/{payment_id}/refunds"


def _collect_refunds(books: Books, answers: Answers) -> None:
    """The refunds of the payments that show one, read as the pipeline reads them (D135)."""
    for org, payment in answers.details["customer_payments"]:
        if org != books.org_id or not payment.get("amount_refunded"):
            continue
        path = f"customerpayments/{payment['payment_id']}/refunds"
        for row in books.walk(path, "payment_refunds"):
            answers.refunds[("customer-payments", CUSTOMER_REFUNDS, "payment_refunds")].append(row)
            detail = books.get(f"{path}/{row['payment_refund_id']}")["payment_refunds"]
            answers.refunds[
                ("customer-payments", f"{CUSTOMER_REFUNDS}/{{refund_id}}", "payment_refunds")
            ].extend(detail)
    for org, payment in answers.details["vendor_payments"]:
        if org != books.org_id:
            continue
        path = f"vendorpayments/{payment['payment_id']}/refunds"
        if payment["vendorpayment_refunds"]:
            listed = list(books.walk(path, "vendorpayment_refunds"))
            answers.refunds[("vendor-payments", VENDOR_REFUNDS, "vendorpayment_refunds")].extend(listed)
        for row in payment["vendorpayment_refunds"]:
            detail = books.get(f"{path}/{row['vendorpayment_refund_id']}")["vendorpayment_refund"]
            answers.refunds[
                ("vendor-payments", f"{VENDOR_REFUNDS}/{{vendorpayment_refund_id}}", "vendorpayment_refund")
            ].extend(detail)


@pytest.fixture(scope="module")
def answers() -> Iterator[Answers]:
    dataset = generate_dataset(seed=5, invoices_per_org=150)
    # Limits high enough for a few hundred detail calls a minute: limits are not what this module tests.
    config = SandboxConfig(per_minute_limit=100_000, daily_limit=1_000_000)
    server = SandboxServer(dataset, config).start()
    collected = Answers()
    try:
        with httpx.Client(timeout=30.0) as http:
            for org_id in (US, EU, IN):
                _collect(Books(http, server, dataset, org_id, collected.texts), collected)
        yield collected
    finally:
        server.stop()


# Answers another endpoint's answer is: a debit note's detail is the invoice detail (GET /invoices/{id}), so
# what the invoice detail is allowed, with its evidence, is allowed there too.
SAME_ANSWER = {("debit_notes", "detail"): "invoices"}


def _allowed(endpoint: str, kind: str, path: str) -> bool:
    same = SAME_ANSWER.get((endpoint, kind), endpoint)
    for (where, which, allowed_path), _evidence in ALLOWED.items():
        if where not in ("*", endpoint, same) or which not in ("*", kind):
            continue
        if path == allowed_path or (allowed_path.endswith("*") and path.startswith(allowed_path[:-1])):
            return True
    if kind == "list":
        top = re.split(r"[.\[]", path, maxsplit=1)[0]
        return top in OBSERVED.get(BY_NAME[endpoint].path, frozenset())
    return False


def _merged(first: zoho_docs.Members, second: zoho_docs.Members) -> dict[str, Any]:
    """Both documents' members, nested ones merged member by member."""
    out: dict[str, Any] = dict(first)
    for name, nested in second.items():
        known = out.get(name)
        out[name] = _merged(known, nested) if isinstance(known, dict) and isinstance(nested, dict) else nested
    return out


def _documented(endpoint: str, kind: str) -> zoho_docs.Members:
    where = DOCUMENTED[endpoint]
    if kind == "list":
        members = dict(zoho_docs.root(where.module, where.list_path, where.list_key))
    else:
        assert where.detail_path is not None
        assert where.detail_key is not None
        members = dict(zoho_docs.root(where.module, where.detail_path, where.detail_key))
        if where.detail_also is not None:
            members = _merged(zoho_docs.root(*where.detail_also), members)
    for (alias_endpoint, alias_kind, member), documented_as in ALIASES.items():
        if (alias_endpoint, alias_kind) == (endpoint, kind):
            members[member] = members[documented_as]
    return members


def _unexplained(answers: Answers, endpoint: str, kind: str) -> dict[str, int]:
    records = (answers.rows if kind == "list" else answers.details)[endpoint]
    assert records, f"the sandbox served no {kind} records for {endpoint}"
    documented = _documented(endpoint, kind)
    found: dict[str, int] = defaultdict(int)
    for _org, record in records:
        for path in zoho_docs.unlisted(record, documented):
            if not _allowed(endpoint, kind, path):
                found[path] += 1
    return dict(found)


def test_every_endpoint_the_product_reads_is_described() -> None:
    assert set(DOCUMENTED) == {endpoint.name for endpoint in ALL_ENDPOINTS}


@pytest.mark.parametrize("endpoint", sorted(DOCUMENTED))
def test_list_rows_carry_only_documented_observed_or_allowed_members(answers: Answers, endpoint: str) -> None:
    assert _unexplained(answers, endpoint, "list") == {}


@pytest.mark.parametrize("endpoint", sorted(name for name, doc in DOCUMENTED.items() if doc.detail_path))
def test_detail_records_carry_only_documented_or_allowed_members(answers: Answers, endpoint: str) -> None:
    assert _unexplained(answers, endpoint, "detail") == {}


def _all_paths(value: Any, where: str = "") -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _all_paths(item, where + "[]")
    elif isinstance(value, dict):
        for name, item in value.items():
            path = f"{where}.{name}" if where else name
            yield path
            yield from _all_paths(item, path)


def test_every_allow_list_entry_is_used(answers: Answers) -> None:
    """An entry no answer needs is a stale claim: the allow-list stays as short as the answers need."""
    seen: set[tuple[str, str, str]] = set()
    for kind, by_endpoint in (("list", answers.rows), ("detail", answers.details)):
        for endpoint, records in by_endpoint.items():
            for _org, record in records:
                seen.update((endpoint, kind, path) for path in _all_paths(record))
    for where, which, allowed_path in [*ALLOWED, *ALIASES]:
        prefix = allowed_path[:-1] if allowed_path.endswith("*") else None
        used = any(
            where in ("*", endpoint)
            and which in ("*", kind)
            and (path == allowed_path or (prefix is not None and path.startswith(prefix)))
            for endpoint, kind, path in seen
        )
        assert used, (where, which, allowed_path)
    assert all(evidence.strip() for evidence in ALLOWED.values())


# --- the shapes the models read ---------------------------------------------------------------------


def _details(answers: Answers, endpoint: str) -> list[dict[str, Any]]:
    return [record for _org, record in answers.details[endpoint]]


def _rows(answers: Answers, endpoint: str) -> list[dict[str, Any]]:
    return [record for _org, record in answers.rows[endpoint]]


def _bcy_members(record: dict[str, Any]) -> list[str]:
    return [name for name in record if name.startswith("bcy_")]


def test_vendor_payments_name_their_bank_in_paid_through_account_id(answers: Answers) -> None:
    for row in _rows(answers, "vendor_payments"):
        assert row["paid_through_account_id"]
        assert "account_id" not in row
        assert {"bcy_amount", "bcy_balance", "paid_through_account_name"} <= row.keys()
    details = _details(answers, "vendor_payments")
    for detail in details:
        assert {"currency_id", "currency_symbol", "exchange_rate", "amount", "balance"} <= detail.keys()
        assert {"account_id", "account_name", "currency_code"}.isdisjoint(detail)
        assert _bcy_members(detail) == []
        for applied in detail["bills"]:
            assert set(applied) == {"bill_payment_id", "bill_id", "amount_applied", "tax_amount_withheld"}
    assert sum(len(d["bills"]) for d in details) >= len(details)


def test_customer_payments_carry_base_amounts_on_list_rows_only(answers: Answers) -> None:
    for row in _rows(answers, "customer_payments"):
        assert {"bcy_amount", "bcy_unused_amount", "account_id", "payment_number"} <= row.keys()
    unapplied = Counter()
    for detail in _details(answers, "customer_payments"):
        unapplied["advance" if not detail["invoices"] else "overpaid"] += (
            Decimal(str(detail["unused_amount"])) > 0
        )
        assert _bcy_members(detail) == []
        assert {"account_id", "exchange_rate", "unused_amount", "amount", "bank_charges"} <= detail.keys()
        # An advance has no invoices yet; what the applied rows leave is the unused amount (D77), less what
        # was refunded of it (D135).
        applied_total = sum(
            (Decimal(str(applied["amount_applied"])) for applied in detail["invoices"]), Decimal(0)
        )
        refunded = Decimal(str(detail["amount_refunded"]))
        assert applied_total + Decimal(str(detail["unused_amount"])) + refunded == Decimal(
            str(detail["amount"])
        )
        unapplied["refunded"] += refunded > 0
        for applied in detail["invoices"]:
            assert set(applied) == {
                "invoice_payment_id",
                "invoice_id",
                "invoice_number",
                "date",
                "invoice_amount",
                "amount_applied",
                "balance_amount",
                "tax_amount_withheld",
            }
    assert unapplied["advance"] >= 1
    assert unapplied["overpaid"] >= 1
    assert unapplied["refunded"] >= 1


@pytest.mark.parametrize("endpoint", LINE_DOCUMENTS)
def test_documents_sum_taxes_by_name_and_carry_tax_ids_on_lines(answers: Answers, endpoint: str) -> None:
    details = _details(answers, endpoint)
    taxed = 0
    for detail in details:
        assert _bcy_members(detail) == [], endpoint
        assert "exchange_rate" in detail
        by_name: dict[str, Decimal] = defaultdict(Decimal)
        for line in detail["line_items"]:
            assert {"tax_id", "tax_name", "tax_type", "tax_percentage", "line_item_taxes"} <= line.keys()
            for tax in line["line_item_taxes"]:
                assert set(tax) == {"tax_id", "tax_name", "tax_amount"}
                by_name[tax["tax_name"]] += tax["tax_amount"]
                taxed += 1
            split = {tax["tax_id"] for tax in line["line_item_taxes"]}
            if line["tax_type"] == "tax_group":  # the group's components, each with its own id
                assert len(split) == 2
                assert line["tax_id"] not in split
            else:
                assert split <= {line["tax_id"]}
        for summary in detail["taxes"]:
            assert set(summary) == {"tax_name", "tax_amount"}
        assert {t["tax_name"]: t["tax_amount"] for t in detail["taxes"]} == dict(by_name)
    assert taxed, f"no taxed line among the {endpoint}"


def test_applications_of_credits_have_their_documented_names(answers: Answers) -> None:
    notes = _details(answers, "credit_notes")
    assert all("invoices_credited" not in note for note in notes)
    applications = [row for note in notes for row in note["invoices"]]
    assert applications
    for row in applications:
        assert set(row) == {
            "creditnote_invoice_id",
            "invoice_id",
            "invoice_number",
            "date",
            "credited_amount",
        }
    credited = [row for credit in _details(answers, "vendor_credits") for row in credit["bills_credited"]]
    assert credited
    for row in credited:
        assert set(row) == {"bill_id", "vendor_credit_bill_id", "date", "bill_number", "amount"}


def test_expenses_name_both_accounts_and_their_amounts(answers: Answers) -> None:
    wanted = {
        "account_id",
        "paid_through_account_id",
        "amount",
        "tax_amount",
        "sub_total",
        "total",
        "bcy_total",
        "exchange_rate",
        "currency_code",
    }
    details = _details(answers, "expenses")
    for detail in details:
        assert wanted <= detail.keys()
    assert any(detail["line_items"] for detail in details)


def test_journals_say_their_type_and_each_line_its_side(answers: Answers) -> None:
    for detail in _details(answers, "journals"):
        assert detail["journal_type"] in ("both", "cash")
        for line in detail["line_items"]:
            assert line["debit_or_credit"] in ("debit", "credit")
            assert isinstance(line["amount"], Decimal)
            assert isinstance(line["bcy_amount"], Decimal)


def test_fiscal_year_start_month_is_zero_based(answers: Answers) -> None:
    months = {
        org: row["fiscal_year_start_month"]
        for org, row in answers.rows["organizations"]
        if org == row["organization_id"]
    }
    assert months == {US: 0, EU: 0, IN: 3}


def test_account_transactions_carry_amounts_as_numbers(answers: Answers) -> None:
    rows = _rows(answers, "account_transactions")
    assert rows
    for row in rows:
        assert isinstance(row["debit_amount"], Decimal)
        assert isinstance(row["credit_amount"], Decimal)
        assert (row["debit_amount"] > 0) != (row["credit_amount"] > 0)


def test_indian_lines_name_a_tax_group_split_into_cgst_and_sgst(answers: Answers) -> None:
    lines = [
        line
        for endpoint in LINE_DOCUMENTS
        for org, detail in answers.details[endpoint]
        if org == IN
        for line in detail["line_items"]
        if line["tax_type"] == "tax_group"
    ]
    assert lines
    for line in lines:
        names = sorted(tax["tax_name"] for tax in line["line_item_taxes"])
        half = format((Decimal(line["tax_percentage"]) / 2).normalize(), "f")
        assert names == [f"CGST{half}", f"SGST{half}"]


def test_only_the_us_and_eur_organizations_send_tax_accounts(answers: Answers) -> None:
    sent: dict[str, set[bool]] = {US: set(), EU: set(), IN: set()}
    for org, row in answers.rows["taxes"]:
        sent[org].add("tax_account_id" in row and "purchase_tax_account_id" in row)
    assert sent == {US: {True}, EU: {True}, IN: {False}}


def test_custom_fields_arrive_three_ways_with_mixed_value_types(answers: Answers) -> None:
    rows = [row for row in _rows(answers, "invoices") if row["custom_fields"]]
    assert rows
    value_types = {type(field["value"]) for row in rows for field in row["custom_fields"]}
    assert {str, int, bool} <= value_types
    for row in rows:
        assert row["custom_field_hash"]["cf_po_reference"] == row["cf_po_reference"]
        assert row["cf_delivery_week_unformatted"] == int(row["cf_delivery_week"])
    contacts = [d for d in _details(answers, "contacts") if d.get("custom_fields")]
    assert contacts
    assert all(set(f) == {"index", "value", "label"} for d in contacts for f in d["custom_fields"])
    bills = [d for d in _details(answers, "bills") if d.get("custom_fields")]
    assert bills
    assert all(
        set(f) == {"custom_field_id", "index", "label", "value"} for d in bills for f in d["custom_fields"]
    )


def test_numbers_arrive_in_each_form_real_answers_use(answers: Answers) -> None:
    """Money with two or three decimals, whole quantities as integers, an empty number as ``""``."""
    text = "".join(answers.texts)
    assert re.search(r'"total":-?\d+\.\d{3}[,}]', text)
    assert re.search(r'"total":-?\d+\.\d{2}[,}]', text)
    assert re.search(r'"quantity":\d+[,}]', text)
    untaxed = [
        line
        for detail in _details(answers, "invoices")
        for line in detail["line_items"]
        if not line["tax_id"]
    ]
    assert untaxed
    assert {line["tax_percentage"] for line in untaxed} == {""}
    untaxed_expenses = [detail for detail in _details(answers, "expenses") if not detail["tax_id"]]
    assert untaxed_expenses
    assert {detail["tax_percentage"] for detail in untaxed_expenses} == {""}


def test_ledger_rows_say_the_documented_transaction_types(answers: Answers) -> None:
    # The allowed values are written in the transaction_type parameter's description.
    doc = zoho_docs.document("chart-of-accounts")
    parameters = doc["paths"]["/chartofaccounts/transactions"]["get"]["parameters"]
    resolved = [
        doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
        for p in parameters
    ]
    described = next(p["description"] for p in resolved if p.get("name") == "transaction_type")
    documented = set(re.findall(r"<code>([a-z_]+)</code>", described))
    assert len(documented) == 24
    seen = {row["transaction_type"] for row in _rows(answers, "account_transactions")}
    # Vendor credits and their refunds post too, under types the documents do not list, and so do fixed
    # assets' depreciation and write-offs and inventory adjustments (D103, D104; the sandbox's guesses).
    assert seen - documented == {
        "vendor_credit",
        "vendor_credit_refund",
        "sales_receipt",
        "retainer_payment",
        "debit_note",
        DEPRECIATION_TYPE,
        WRITE_OFF_TYPE,
        INVENTORY_ADJUSTMENT_TYPE,
    }
    assert "creditnote_refund" in seen
    assert {
        "invoice",
        "credit_notes",
        "bills",
        "customer_payment",
        "vendor_payment",
        "expense",
        "journal",
    } <= seen


# The refund request documents the bank account a customer refund is paid from; its answers do not (D135).
REFUND_ALLOWED = {("customer-payments", f"{CUSTOMER_REFUNDS}/{{refund_id}}", "from_account_id")}


def test_payment_refunds_carry_only_documented_members(answers: Answers) -> None:
    """The refund routes of customer and vendor payments answer in their documented shapes, each route
    answering at least once, and every customer refund's detail names its bank account (D135, D136)."""
    assert len(answers.refunds) == 4
    unexplained: dict[str, int] = defaultdict(int)
    for (module, path, key), records in answers.refunds.items():
        assert records, path
        documented = zoho_docs.root(module, path, key)
        for record in records:
            for member in zoho_docs.unlisted(record, documented):
                if (module, path, member) not in REFUND_ALLOWED:
                    unexplained[f"{path} {member}"] += 1
    assert dict(unexplained) == {}
    details = answers.refunds[("customer-payments", f"{CUSTOMER_REFUNDS}/{{refund_id}}", "payment_refunds")]
    assert all(detail["from_account_id"] for detail in details)
