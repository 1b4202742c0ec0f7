"""The posting rules: every document balances, the ledger balances per day, balances follow the ledger."""

from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from ml_connector_fakes.world.amounts import (
    cumulative_base,
    recompute_line_document,
    recompute_payment,
    to_base,
)
from ml_connector_fakes.world.dataset import Dataset, OrgBooks, Record
from ml_connector_fakes.world.fixed_assets import DEPRECIATION_TYPE, WRITE_OFF_TYPE
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.world.inventory import INVENTORY_ADJUSTMENT_TYPE
from ml_connector_fakes.world.ledger import postings_for, rebuild_account_transactions
from ml_connector_fakes.world.ledger_vocabulary import (
    BANK_TRANSFER_TYPES,
    DEBIT_NORMAL_TYPES,
    ID_FIELDS,
    NON_POSTING_STATUSES,
    TRANSACTION_TYPES,
)
from tests import zoho_docs

US, EU, IN = "10234695", "20088321", "60012345"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(seed=5, invoices_per_org=150)


def _account(books: OrgBooks, name: str) -> str:
    return next(
        a["account_id"] for a in books.records["chartofaccounts"].values() if a["account_name"] == name
    )


def test_debits_equal_credits_per_org_and_per_day(dataset: Dataset) -> None:
    for books in dataset.orgs.values():
        per_day: dict[str, Decimal] = defaultdict(Decimal)
        for row in books.account_transactions:
            per_day[row["transaction_date"]] += row["debit_amount"] - row["credit_amount"]
        assert sum(r["debit_amount"] for r in books.account_transactions) == sum(
            r["credit_amount"] for r in books.account_transactions
        )
        assert len(per_day) > 100
        assert {day: net for day, net in per_day.items() if net} == {}


def test_rows_have_one_side_and_unique_ids(dataset: Dataset) -> None:
    for books in dataset.orgs.values():
        ids = [row["categorized_transaction_id"] for row in books.account_transactions]
        assert len(ids) == len(set(ids))
        for row in books.account_transactions:
            amounts = (row["debit_amount"], row["credit_amount"])
            assert min(amounts) == 0
            assert max(amounts) > 0
            assert (row["debit_or_credit"] == "debit") == (row["debit_amount"] > 0)
            assert row["transaction_type"] in {
                *TRANSACTION_TYPES.values(),
                *BANK_TRANSFER_TYPES,
                "base_currency_adjustment",
                "opening_balance",
                DEPRECIATION_TYPE,
                WRITE_OFF_TYPE,
                INVENTORY_ADJUSTMENT_TYPE,
            }


def test_account_balances_equal_the_ledger(dataset: Dataset) -> None:
    for books in dataset.orgs.values():
        net: dict[str, Decimal] = defaultdict(Decimal)
        for row in books.account_transactions:
            net[row["account_id"]] += row["debit_amount"] - row["credit_amount"]
        for account_id, account in books.records["chartofaccounts"].items():
            expected = net[account_id] if account["account_type"] in DEBIT_NORMAL_TYPES else -net[account_id]
            assert account["current_balance"] == expected, account["account_name"]
        receivable = next(
            a for a in books.records["chartofaccounts"].values() if a["account_type"] == "accounts_receivable"
        )
        assert receivable["current_balance"] > 0


def test_each_document_balances_and_its_counterpart_is_its_bcy_total(dataset: Dataset) -> None:
    books = dataset.orgs[US]
    counterpart = {
        "invoices": _account(books, "Accounts Receivable"),
        "creditnotes": _account(books, "Accounts Receivable"),
        "bills": _account(books, "Accounts Payable"),
        "vendorcredits": _account(books, "Accounts Payable"),
    }
    for entity in TRANSACTION_TYPES:
        for record in books.records[entity].values():
            rows = postings_for(books, entity, record)
            if record.get("status") in NON_POSTING_STATUSES or record.get("journal_type") == "cash":
                assert rows == []
                continue
            debit = sum(r["debit_amount"] for r in rows)
            assert debit == sum(r["credit_amount"] for r in rows)
            assert {r["transaction_id"] for r in rows} == {record[ID_FIELDS[entity]]}
            if entity in counterpart:
                # The document's own day: a write-off posts later (D78).
                control = [
                    r
                    for r in rows
                    if r["account_id"] == counterpart[entity] and r["transaction_date"] == record["date"]
                ]
                assert sum(r["debit_amount"] + r["credit_amount"] for r in control) == record["bcy_total"]
                pieces = (
                    record["bcy_sub_total"]
                    + record["bcy_tax_total"]
                    + record["bcy_shipping_charge"]
                    + record["bcy_adjustment"]
                    - record["bcy_discount_total"]
                )
                assert pieces == record["bcy_total"]
                assert record["bcy_total"] == (record["total"] * record["exchange_rate"]).quantize(
                    Decimal("0.01")
                )
            if entity == "expenses":
                paid = [r for r in rows if r["account_id"] == record["paid_through_account_id"]]
                assert sum(r["credit_amount"] for r in paid) == record["bcy_total"]
            if entity == "journals":
                assert debit == record["bcy_total"]


def test_drafts_and_voids_post_nothing(dataset: Dataset) -> None:
    books = dataset.orgs[US]
    silent = {
        record[ID_FIELDS[entity]]
        for entity in TRANSACTION_TYPES
        for record in books.records[entity].values()
        if record.get("status") in ("draft", "void")
    }
    assert len(silent) >= 5
    assert not [row for row in books.account_transactions if row["transaction_id"] in silent]


def test_payments_realize_exchange_differences_computable_from_documents(dataset: Dataset) -> None:
    books = dataset.orgs[US]
    fx_account = _account(books, "Exchange Gain or Loss")
    advances = _account(books, "Customer Advances")
    nonzero = 0
    for payment in books.records["customerpayments"].values():
        carried = sum(
            (row["amount_applied"] * books.records["invoices"][row["invoice_id"]]["exchange_rate"]).quantize(
                Decimal("0.01")
            )
            for row in payment["invoices"]
        )
        rows = postings_for(books, "customerpayments", payment)
        # What the payment leaves with Customer Advances is no gain (D77).
        advanced = sum(r["credit_amount"] - r["debit_amount"] for r in rows if r["account_id"] == advances)
        expected_gain = payment["bcy_amount"] - carried - advanced
        fx = [r for r in rows if r["account_id"] == fx_account]
        booked = sum(r["credit_amount"] - r["debit_amount"] for r in fx)
        assert booked == expected_gain
        nonzero += bool(booked)
    assert nonzero >= 3


def test_unapplied_payments_wait_in_customer_advances_until_their_invoice(dataset: Dataset) -> None:
    """D77: an overpayment or advance credits Customer Advances on the payment's date; an application to an
    invoice raised later moves it to the receivable on the invoice's date."""
    shapes: Counter[str] = Counter()
    for books in dataset.orgs.values():
        advances = books.records["chartofaccounts"]
        advance_id = next(
            a["account_id"] for a in advances.values() if a.get("chart_key") == "Customer Advances"
        )
        receivable = _account_of_type(books, "accounts_receivable")
        for payment in books.records["customerpayments"].values():
            invoices = books.records["invoices"]
            later = [
                row for row in payment["invoices"] if invoices[row["invoice_id"]]["date"] > payment["date"]
            ]
            unapplied_now = payment["amount"] - sum(
                (row["amount_applied"] for row in payment["invoices"] if row not in later), Decimal(0)
            )
            # what a refund paid back of the excess is no longer unused (D135)
            assert payment["unused_amount"] == payment["amount"] - payment["amount_refunded"] - sum(
                (row["amount_applied"] for row in payment["invoices"]), Decimal(0)
            )
            rows = postings_for(books, "customerpayments", payment)
            on_day = [
                r for r in rows if r["account_id"] == advance_id and r["transaction_date"] == payment["date"]
            ]
            assert sum(r["credit_amount"] for r in on_day) == (
                unapplied_now * payment["exchange_rate"]
            ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            for row in later:
                day = invoices[row["invoice_id"]]["date"]
                moved = [r for r in rows if r["transaction_date"] == day]
                assert {r["account_id"] for r in moved} >= {advance_id, receivable}
                assert sum(r["debit_amount"] for r in moved) == sum(r["credit_amount"] for r in moved)
                shapes["applied later"] += 1
            if unapplied_now:
                shapes["no invoice" if not payment["invoices"] else "unapplied"] += 1
    assert shapes["applied later"] >= 3
    assert shapes["no invoice"] >= 3
    assert shapes["unapplied"] >= 6


def test_payment_refunds_post_bank_against_where_the_excess_waited(dataset: Dataset) -> None:
    """D135/D136: a customer refund credits the bank it was paid from with its base amount and debits Customer
    Advances at the payment's rate; a vendor refund debits the bank and credits the payable; each balances,
    the difference on Exchange Gain or Loss, and a vendor's excess waits on the payable."""
    kinds: Counter[str] = Counter()
    for books in dataset.orgs.values():
        chart = books.records["chartofaccounts"]
        keys = {a["account_id"]: a.get("chart_key") for a in chart.values()}
        payable = _account_of_type(books, "accounts_payable")
        for entity, payments, bank in (
            ("customerpaymentrefunds", "customerpayments", "from_account_id"),
            ("vendorpaymentrefunds", "vendorpayments", "to_account_id"),
        ):
            for refund in books.records[entity].values():
                payment = books.records[payments][refund["payment_id"]]
                rows = postings_for(books, entity, refund)
                assert {r["transaction_type"] for r in rows} == {"refund"}
                assert sum(r["debit_amount"] for r in rows) == sum(r["credit_amount"] for r in rows)
                held = to_base(refund["amount"], payment["exchange_rate"])
                by_account = {r["account_id"]: r for r in rows}
                if entity == "customerpaymentrefunds":
                    assert by_account[refund[bank]]["credit_amount"] == refund["amount_bcy"]
                    advance = next(r for r in rows if keys[r["account_id"]] == "Customer Advances")
                    assert advance["debit_amount"] == held
                else:
                    assert by_account[refund[bank]]["debit_amount"] == refund["amount_bcy"]
                    assert by_account[payable]["credit_amount"] == held
                    excess = payment["balance"] + payment.get("amount_refunded", 0)
                    debits = [r for r in postings_for(books, payments, payment) if r["account_id"] == payable]
                    assert to_base(excess, payment["exchange_rate"]) in {r["debit_amount"] for r in debits}
                kinds[entity] += 1
    assert kinds["customerpaymentrefunds"] >= 3
    assert kinds["vendorpaymentrefunds"] >= 3


def test_written_off_invoices_move_their_balance_to_bad_debt_on_the_write_off_day(dataset: Dataset) -> None:
    """D78: Dr Bad Debt / Cr the receivable for write_off_amount at the invoice's rate, on that day."""
    written_off = 0
    for books in dataset.orgs.values():
        bad_debt = next(
            a["account_id"]
            for a in books.records["chartofaccounts"].values()
            if a.get("chart_key") == "Bad Debt"
        )
        receivable = _account_of_type(books, "accounts_receivable")
        for invoice in books.records["invoices"].values():
            if not invoice.get("write_off_amount"):
                continue
            written_off += 1
            assert invoice["balance"] == 0
            assert invoice["write_off_date"] > invoice["date"]
            rows = [
                r
                for r in postings_for(books, "invoices", invoice)
                if r["transaction_date"] == invoice["write_off_date"]
            ]
            base = (invoice["write_off_amount"] * invoice["exchange_rate"]).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            assert [(r["account_id"], r["debit_amount"], r["credit_amount"]) for r in rows] == [
                (bad_debt, base, Decimal("0.00")),
                (receivable, Decimal("0.00"), base),
            ]
    assert written_off >= 3


def test_rupee_invoices_round_their_totals_and_post_the_round_off(dataset: Dataset) -> None:
    """D79: the Indian organization rounds rupee invoices to whole rupees; the round-off posts on its own."""
    books = dataset.orgs[IN]
    rounding = next(
        a["account_id"]
        for a in books.records["chartofaccounts"].values()
        if a.get("chart_key") == "Rounding Off"
    )
    rounded = 0
    for invoice in books.records["invoices"].values():
        if invoice["currency_code"] != "INR":
            continue
        assert invoice["total"] == invoice["total"].to_integral_value()
        roundoff = invoice["roundoff_value"]
        assert abs(roundoff) <= Decimal("0.50")
        if not roundoff or invoice["status"] in NON_POSTING_STATUSES:
            continue
        rounded += 1
        rows = [r for r in postings_for(books, "invoices", invoice) if r["account_id"] == rounding]
        assert sum(r["credit_amount"] - r["debit_amount"] for r in rows) == roundoff
    assert rounded >= 20


def test_invoices_naming_a_discount_account_post_their_discount_there(dataset: Dataset) -> None:
    """D80: from half-way through its books the US organization names "Sales Discounts" on its invoices."""
    books = dataset.orgs[US]
    default = _account(books, "Discount")
    by_account: Counter[str] = Counter()
    for invoice in books.records["invoices"].values():
        if not invoice["discount_total"] or invoice["status"] in NON_POSTING_STATUSES:
            continue
        named = invoice.get("discount_account_id")
        account = named or default
        rows = [r for r in postings_for(books, "invoices", invoice) if r["account_id"] in (default, named)]
        assert {r["account_id"] for r in rows} == {account}
        assert sum(r["debit_amount"] for r in rows) == invoice["bcy_discount_total"]
        by_account["named" if named else "default"] += 1
    assert by_account["named"] >= 3
    assert by_account["default"] >= 3


def test_tax_withheld_by_customers_is_receivable_and_settles_the_invoice(dataset: Dataset) -> None:
    """D81: Dr the payment's TDS account for the tax withheld; the receivable takes applied + withheld."""
    books = dataset.orgs[IN]
    receivable = _account_of_type(books, "accounts_receivable")
    withheld_payments = 0
    for payment in books.records["customerpayments"].values():
        withheld = payment.get("tax_amount_withheld")
        if not withheld:
            continue
        withheld_payments += 1
        rows = postings_for(books, "customerpayments", payment)
        tds = [r for r in rows if r["account_id"] == payment["tax_account_id"]]
        assert [(r["debit_amount"], r["credit_amount"]) for r in tds] == [(withheld, Decimal("0.00"))]
        settled = sum(r["credit_amount"] for r in rows if r["account_id"] == receivable)
        assert settled == sum(
            row["amount_applied"] + row["tax_amount_withheld"] for row in payment["invoices"]
        )
        assert [row["tax_amount_withheld"] for row in payment["invoices"]] == [withheld]
    assert withheld_payments >= 3


def _chart_key(books: OrgBooks, key: str) -> str:
    return next(
        a["account_id"] for a in books.records["chartofaccounts"].values() if a.get("chart_key") == key
    )


def test_tax_inclusive_documents_post_their_lines_net_of_the_tax_they_hold(dataset: Dataset) -> None:
    """D100: an inclusive line's item_total holds its tax; the line's account is posted the rest, the tax
    its share item_total × p / (100 + p), the control account the total, which is the lines' item_total."""
    books = dataset.orgs[EU]
    taxes = books.records["taxes"]
    inclusive = [
        (entity, document)
        for entity in ("invoices", "creditnotes", "bills", "vendorcredits")
        for document in books.records[entity].values()
        if document.get("is_inclusive_tax") and document["status"] not in NON_POSTING_STATUSES
    ]
    assert {entity for entity, _ in inclusive} >= {"invoices", "bills"}
    for entity, document in inclusive:
        assert document["sub_total"] == sum(line["item_total"] for line in document["line_items"])
        assert (
            document["total"]
            == document["sub_total"]
            + document["shipping_charge"]
            + document["adjustment"]
            - document["discount_total"]
        )
        rows = postings_for(books, entity, document)
        for line in document["line_items"]:
            for tax in line["line_item_taxes"]:
                percentage = taxes[tax["tax_id"]]["tax_percentage"]
                share = line["item_total"] * percentage / (100 + percentage)
                assert tax["tax_amount"] == share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if document["exchange_rate"] == 1 and len(
            {line["account_id"] for line in document["line_items"]}
        ) == len(document["line_items"]):
            for line in document["line_items"]:
                net = line["item_total"] - sum(t["tax_amount"] for t in line["line_item_taxes"])
                posted = [r for r in rows if r["account_id"] == line["account_id"]]
                assert sum(r["debit_amount"] + r["credit_amount"] for r in posted) == net


def test_tax_withheld_from_vendors_is_payable_on_payments_and_on_bills(dataset: Dataset) -> None:
    """D101, D102: a payment's withheld tax and a bill's tds_total are credited to TDS Payable; the payable
    takes the amount applied plus the tax withheld, and a bill's total is what the vendor is owed."""
    books = dataset.orgs[IN]
    tds_payable = _chart_key(books, "TDS Payable")
    payable = _account_of_type(books, "accounts_payable")
    payments = [p for p in books.records["vendorpayments"].values() if p.get("tax_amount_withheld")]
    assert len(payments) >= 2
    for payment in payments:
        rows = postings_for(books, "vendorpayments", payment)
        tds = [(r["debit_amount"], r["credit_amount"]) for r in rows if r["account_id"] == tds_payable]
        assert tds == [(Decimal("0.00"), payment["tax_amount_withheld"])]
        settled = sum(r["debit_amount"] for r in rows if r["account_id"] == payable)
        assert settled == sum(row["amount_applied"] + row["tax_amount_withheld"] for row in payment["bills"])
    bills = [b for b in books.records["bills"].values() if b.get("tds_total")]
    assert len(bills) >= 2
    for bill in bills:
        rows = postings_for(books, "bills", bill)
        tds = [(r["debit_amount"], r["credit_amount"]) for r in rows if r["account_id"] == tds_payable]
        assert tds == [(Decimal("0.00"), bill["tds_total"])]
        assert bill["total"] == bill["sub_total"] + bill["tax_total"] - bill["tds_total"]
        assert [r["credit_amount"] for r in rows if r["account_id"] == payable] == [bill["total"]]


def test_inventory_cost_and_fixed_assets_post_in_zohos_ledger_only(dataset: Dataset) -> None:
    """D103, D104: an invoice of inventory items carries Dr Cost of Goods Sold / Cr Inventory Asset at the
    items' purchase rate; depreciation, the asset's write-off and inventory adjustments are ledger-only
    transactions, balanced each, and kept through a rebuild."""
    for books in dataset.orgs.values():
        cogs, stock = _chart_key(books, "Cost of Goods Sold"), _chart_key(books, "Inventory Asset")
        items = books.records["items"]
        sold = 0
        for invoice in books.records["invoices"].values():
            if invoice["status"] in NON_POSTING_STATUSES:
                continue
            cost = sum(
                (
                    (items[line["item_id"]]["purchase_rate"] * line["quantity"]).quantize(Decimal("0.01"))
                    for line in invoice["line_items"]
                    if line.get("item_id") in items and items[line["item_id"]]["item_type"] == "inventory"
                ),
                Decimal(0),
            )
            rows = postings_for(books, "invoices", invoice)
            assert [r["debit_amount"] for r in rows if r["account_id"] == cogs] == ([cost] if cost else [])
            assert [r["credit_amount"] for r in rows if r["account_id"] == stock] == ([cost] if cost else [])
            sold += bool(cost)
        assert sold >= 10
        kinds = Counter(row["transaction_type"] for row in books.ledger_only_lines)
        assert kinds == {DEPRECIATION_TYPE: 22, WRITE_OFF_TYPE: 3, INVENTORY_ADJUSTMENT_TYPE: 10}
        by_transaction: dict[str, Decimal] = defaultdict(Decimal)
        for row in books.ledger_only_lines:
            by_transaction[row["transaction_id"]] += row["debit_amount"] - row["credit_amount"]
            assert row in books.account_transactions
        assert set(by_transaction.values()) == {Decimal(0)}


def _account_of_type(books: OrgBooks, account_type: str) -> str:
    return next(
        a["account_id"]
        for a in books.records["chartofaccounts"].values()
        if a["account_type"] == account_type
    )


def test_rebuild_reproduces_the_ledger(dataset: Dataset) -> None:
    books = copy.deepcopy(dataset.orgs[US])
    before = list(books.account_transactions)
    balances = {k: a["current_balance"] for k, a in books.records["chartofaccounts"].items()}
    rebuild_account_transactions(books)
    assert books.account_transactions == before
    assert {k: a["current_balance"] for k, a in books.records["chartofaccounts"].items()} == balances


def test_cumulative_rounding_adds_up_to_the_rounded_total() -> None:
    pieces = [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    bases = cumulative_base(pieces, Decimal("1.085555"))
    assert bases == [Decimal("361.85"), Decimal("361.85"), Decimal("361.86")]
    assert sum(bases) == (Decimal("1000.00") * Decimal("1.085555")).quantize(Decimal("0.01"))


def test_worked_example_eur_invoice_paid_at_a_later_rate(dataset: Dataset) -> None:
    """The example of docs/ledger-posting-rules.md, to the cent."""
    books = copy.deepcopy(dataset.orgs[US])
    template = next(i for i in books.records["invoices"].values() if i["currency_code"] == "EUR")
    tax = next(t for t in books.records["taxes"].values() if t["tax_name"] == "CA Sales Tax")
    line = dict(template["line_items"][0], rate=Decimal("400.00"), quantity=Decimal(2), discount=Decimal(0))
    line.update(tax_id=tax["tax_id"], tax_percentage=tax["tax_percentage"])
    invoice: Record = dict(template, status="sent", line_items=[line], exchange_rate=Decimal("1.085230"))
    invoice.update(shipping_charge=Decimal("25.00"), adjustment=Decimal(0), discount_total=Decimal("40.00"))
    recompute_line_document(invoice, books.records["taxes"])
    assert (invoice["sub_total"], invoice["tax_total"], invoice["total"]) == (
        Decimal("800.00"),
        Decimal("58.00"),
        Decimal("843.00"),
    )
    assert (invoice["bcy_sub_total"], invoice["bcy_tax_total"]) == (Decimal("868.18"), Decimal("62.95"))
    assert (invoice["bcy_shipping_charge"], invoice["bcy_discount_total"]) == (
        Decimal("27.13"),
        Decimal("43.41"),
    )
    assert invoice["bcy_total"] == Decimal("914.85")
    books.records["invoices"][invoice["invoice_id"]] = invoice
    rows = postings_for(books, "invoices", invoice)
    assert [(r["debit_or_credit"], r["debit_amount"] + r["credit_amount"]) for r in rows] == [
        ("credit", Decimal("868.18")),
        ("credit", Decimal("62.95")),
        ("credit", Decimal("27.13")),
        ("debit", Decimal("43.41")),
        ("debit", Decimal("914.85")),
    ]
    payment_template = next(iter(books.records["customerpayments"].values()))
    payment: Record = dict(
        payment_template,
        currency_code="EUR",
        exchange_rate=Decimal("1.102400"),
        amount=Decimal("843.00"),
        bank_charges=Decimal("10.00"),
        invoices=[{"invoice_id": invoice["invoice_id"], "amount_applied": Decimal("843.00")}],
    )
    recompute_payment(payment, "invoices")
    assert payment["bcy_amount"] == Decimal("929.32")
    by_account = {
        r["account_id"]: r["debit_amount"] - r["credit_amount"]
        for r in postings_for(books, "customerpayments", payment)
    }
    assert by_account == {
        payment["account_id"]: Decimal("918.30"),
        _account(books, "Bank Fees and Charges"): Decimal("11.02"),
        _account(books, "Accounts Receivable"): Decimal("-914.85"),
        _account(books, "Exchange Gain or Loss"): Decimal("-14.47"),
    }


def _documented_account_types() -> set[str]:
    """The ``account_type`` values chart-of-accounts.yml allows (its create request's description)."""
    spec = zoho_docs.document("chart-of-accounts")["components"]["schemas"]["account_type"]["description"]
    return set(re.findall(r"<code>([a-z_]+)</code>", spec))


def test_charts_use_documented_account_types_and_the_ledger_posts_to_them(dataset: Dataset) -> None:
    documented = _documented_account_types()
    assert len(documented) == 38
    for books in dataset.orgs.values():
        chart = books.records["chartofaccounts"]
        # "stock" (the inventory asset) is a type real charts show that the documents do not list.
        assert {a["account_type"] for a in chart.values()} - documented == {"stock"}
        posted = {chart[row["account_id"]]["account_type"] for row in books.account_transactions}
        assert {
            "other_current_liability",
            "cost_of_goods_sold",
            "finance_expense",
            "depreciation_expense",
            "employee_benefit_expense",
            "lease_expense",
            "tax_expense",
            "other_comprehensive_income",
            "loans_and_borrowing",
            "financial_asset",
            "right_to_use_asset",
            "lease_liability",
            "intangible_asset",
            "contract_liability",
            "employee_benefit_liability",
        } <= posted


def test_default_accounts_have_localized_or_configured_names_and_still_post(dataset: Dataset) -> None:
    """The EUR organization's chart is in German and the Indian one renamed some defaults: the ledger finds
    its system accounts whatever they are called, and a reader must too (by type, by the ids documents
    carry, or from Zoho's ledger)."""
    expected = {
        EU: {"Forderungen aus Lieferungen und Leistungen", "Wechselkursgewinn oder -verlust", "Umsatzsteuer"},
        IN: {"Sundry Debtors", "Forex Gain / Loss", "Output CGST", "Output SGST", "Input CGST"},
        US: {"Accounts Receivable", "Exchange Gain or Loss", "Tax Payable"},
    }
    for org_id, names in expected.items():
        books = dataset.orgs[org_id]
        chart = books.records["chartofaccounts"]
        by_name = {a["account_name"]: a for a in chart.values()}
        assert names <= by_name.keys()
        if org_id != US:
            assert {"Accounts Receivable", "Exchange Gain or Loss", "Tax Payable"}.isdisjoint(by_name)
        posted = {row["account_id"] for row in books.account_transactions}
        for name in names:
            assert by_name[name]["account_id"] in posted, (org_id, name)


def test_documents_in_approval_and_cash_basis_journals_post_nothing(dataset: Dataset) -> None:
    statuses: Counter[str] = Counter()
    for books in dataset.orgs.values():
        posted = {row["transaction_id"] for row in books.account_transactions}
        for entity in ("invoices", "bills"):
            for record in books.records[entity].values():
                if record["status"] in ("pending_approval", "approved"):
                    statuses[f"{entity}:{record['status']}"] += 1
                    assert record[ID_FIELDS[entity]] not in posted
                    assert record["balance"] == record["total"]
        cash = [j for j in books.records["journals"].values() if j["journal_type"] == "cash"]
        assert cash
        assert not {j["journal_id"] for j in cash} & posted
    assert set(statuses) == {
        "invoices:pending_approval",
        "invoices:approved",
        "bills:pending_approval",
        "bills:approved",
    }


def test_a_tax_group_posts_each_component_to_its_own_account(dataset: Dataset) -> None:
    books = dataset.orgs[IN]
    account = {name: _account(books, name) for name in ("Output CGST", "Output SGST")}
    checked = 0
    for invoice in books.records["invoices"].values():
        if invoice["currency_code"] != "INR" or invoice["status"] in NON_POSTING_STATUSES:
            continue
        levied: dict[str, Decimal] = defaultdict(Decimal)
        for line in invoice["line_items"]:
            for tax in line["line_item_taxes"]:
                levied[tax["tax_name"][:4]] += tax["tax_amount"]
        if not levied["CGST"]:
            continue
        rows = postings_for(books, "invoices", invoice)
        for kind in ("CGST", "SGST"):
            credited = sum(r["credit_amount"] for r in rows if r["account_id"] == account[f"Output {kind}"])
            assert credited == levied[kind], (invoice["invoice_number"], kind)
        checked += 1
    assert checked >= 5


def test_bank_transactions_move_money_from_one_account_into_another(dataset: Dataset) -> None:
    """A transfer, deposit, card payment, owner's contribution...: debit to_account, credit from_account, at
    bcy_total; statement lines not categorized post nothing. Every organization has each kind."""
    for books in dataset.orgs.values():
        kinds: Counter[str] = Counter()
        for record in books.records["banktransactions"].values():
            rows = postings_for(books, "banktransactions", record)
            if record["status"] in ("uncategorized", "excluded"):
                assert rows == []
                continue
            kinds[record["transaction_type"]] += 1
            assert [(r["account_id"], r["debit_amount"], r["credit_amount"]) for r in rows] == [
                (record["to_account_id"], record["bcy_total"], Decimal("0.00")),
                (record["from_account_id"], Decimal("0.00"), record["bcy_total"]),
            ]
            assert {r["transaction_type"] for r in rows} == {record["transaction_type"]}
            assert {r["transaction_id"] for r in rows} == {record["transaction_id"]}
        assert {
            "transfer_fund",
            "owner_contribution",
            "owner_drawings",
            "interest_income",
            "card_payment",
        } <= set(kinds)
        assert len(set(kinds)) >= 7


def test_the_opening_balance_posts_each_account_on_its_side(dataset: Dataset) -> None:
    for books in dataset.orgs.values():
        (opening,) = books.records["openingbalances"].values()
        rows = postings_for(books, "openingbalances", opening)
        assert [r["account_id"] for r in rows] == [a["account_id"] for a in opening["accounts"]]
        for row, account in zip(rows, opening["accounts"], strict=True):
            assert row["debit_or_credit"] == account["debit_or_credit"]
            assert row["debit_amount"] + row["credit_amount"] == account["bcy_amount"]
            assert row["transaction_type"] == "opening_balance"
            assert row["transaction_date"] == opening["date"]
        assert (
            sum(r["debit_amount"] for r in rows) == sum(r["credit_amount"] for r in rows) == opening["total"]
        )


def test_base_currency_adjustments_revalue_the_receivable_against_exchange_gain_or_loss(
    dataset: Dataset,
) -> None:
    adjustments = 0
    for books in dataset.orgs.values():
        exchange = next(
            a["account_id"]
            for a in books.records["chartofaccounts"].values()
            if a.get("chart_key") == "Exchange Gain or Loss"
        )
        for record in books.records["basecurrencyadjustments"].values():
            adjustments += 1
            (account,) = record["accounts"]
            assert account["gain_or_loss"] == account["adjusted_balance"] - account["bcy_balance"] != 0
            assert record["gain_or_loss"] == account["gain_or_loss"]
            rows = postings_for(books, "basecurrencyadjustments", record)
            net = {r["account_id"]: r["debit_amount"] - r["credit_amount"] for r in rows}
            assert net == {account["account_id"]: account["gain_or_loss"], exchange: -account["gain_or_loss"]}
            assert {r["transaction_type"] for r in rows} == {"base_currency_adjustment"}
            assert {r["transaction_date"] for r in rows} == {record["adjustment_date"]}
    assert adjustments >= 3


def test_refunds_post_bank_against_the_credits_control_account_and_keep_balances() -> None:
    from ml_connector_fakes.world.generator import generate_dataset
    from ml_connector_fakes.world.refunds import refunds_of

    dataset = generate_dataset(seed=11, invoices_per_org=200)
    # refunds entity -> (its id, the bank member, the control account's type, the bank's side)
    kinds = {
        "creditnoterefunds": ("creditnote_refund_id", "from_account_id", "accounts_receivable", "credit"),
        "vendorcreditrefunds": ("vendor_credit_refund_id", "account_id", "accounts_payable", "debit"),
    }
    seen: set[str] = set()
    for books in dataset.orgs.values():
        types = {a["account_id"]: a["account_type"] for a in books.records["chartofaccounts"].values()}
        for entity, (id_field, bank_field, control_type, bank_side) in kinds.items():
            for refund in books.records[entity].values():
                seen.add(entity)
                rows = [r for r in books.account_transactions if r["transaction_id"] == refund[id_field]]
                assert sum(r["debit_amount"] for r in rows) == sum(r["credit_amount"] for r in rows) > 0
                (bank,) = [r for r in rows if r["account_id"] == refund[bank_field]]
                assert bank["debit_or_credit"] == bank_side
                assert bank["debit_amount"] + bank["credit_amount"] == refund["amount_bcy"]
                assert [types[r["account_id"]] for r in rows].count(control_type) == 1
        for credit_entity, key in (("creditnotes", "invoices_credited"), ("vendorcredits", "bills_credited")):
            for credit in books.records[credit_entity].values():
                refunded = sum((r["amount"] for r in refunds_of(books, credit_entity, credit)), Decimal(0))
                if refunded:
                    applied = sum((r["amount_applied"] for r in credit.get(key) or ()), Decimal(0))
                    assert credit["balance"] == credit["total"] - applied - refunded >= 0
                    assert (credit["status"] == "closed") == (credit["balance"] == 0)
    assert seen == set(kinds)


def test_retainer_payments_post_bank_against_customer_advances_and_settle_their_retainer(
    dataset: Dataset,
) -> None:
    """D92: a paid retainer invoice has one payment, posted Dr its deposit account / Cr Customer Advances at
    the payment's rate on its day; issuing a retainer invoice posts nothing; every organization has each
    status of the mix."""
    for books in dataset.orgs.values():
        chart = books.records["chartofaccounts"]
        retainers = books.records["retainerinvoices"]
        payments = {p["retainerinvoice_id"]: p for p in books.records["retainerpayments"].values()}
        assert {r["status"] for r in retainers.values()} == {"draft", "void", "sent", "paid"}
        assert not [r for r in books.account_transactions if r["transaction_id"] in retainers]
        for retainer_id, retainer in retainers.items():
            payment = payments.get(retainer_id)
            assert (payment is not None) == (retainer["status"] == "paid")
            if payment is None:
                assert retainer["payment_made"] == 0
                continue
            assert retainer["payment_made"] == payment["amount"] == retainer["total"]
            assert retainer["balance"] == 0
            assert retainer["last_payment_date"] == payment["date"] >= retainer["date"]
            rows = [r for r in books.account_transactions if r["transaction_id"] == payment["payment_id"]]
            assert [(r["account_id"], r["debit_amount"], r["credit_amount"]) for r in rows] == [
                (payment["deposit_to_account_id"], payment["bcy_amount"], Decimal(0)),
                (payment["advance_account_id"], Decimal(0), payment["bcy_amount"]),
            ]
            assert chart[payment["advance_account_id"]]["account_type"] == "contract_liability"
            assert chart[payment["deposit_to_account_id"]]["account_type"] in ("bank", "cash")
            assert {(r["transaction_type"], r["transaction_date"]) for r in rows} == {
                ("retainer_payment", payment["date"])
            }
