"""Assertions shared by the DuckDB and PostgreSQL builds: each takes a ``query`` function (SQL -> rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.dbt.conftest import Built
from tests.dbt.worked_example import INVOICE_ID, PAYMENT_ID, US_ORG

Query = Callable[[str], Sequence[tuple[Any, ...]]]
CENT = Decimal("0.01")


def assert_build_green(built: Built) -> None:
    """`ml-connector build` exits 0, every node passed, and the 40 unit tests ran. The one warning is the
    taken-lines warning (D60): the sandbox's sales receipts name no deposit account, as Zoho documents them,
    so their lines are taken from Zoho's ledger (D73)."""
    assert built.exit_code == 0, built.output
    assert "dbt build passed" in built.output
    results = built.run_results()
    failed = [
        f"{r['unique_id']}: {r['message']}"
        for r in results
        if r["status"] not in ("success", "pass")
        and not (r["unique_id"].split(".")[2] == "assert_gl_lines_are_derived" and r["status"] == "warn")
    ]
    assert failed == []
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) == 40
    data_tests = [r for r in results if r["unique_id"].startswith("test.")]
    assert len(data_tests) > 150


def assert_reconciles_to_the_cent(built: Built, query: Query) -> None:
    """Per organization, account and month, the derived ledger equals the sandbox's own ledger exactly."""
    deleted_org, deleted_id = built.deleted_invoice
    expected: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for org_id, books in built.dataset.orgs.items():
        for row in books.account_transactions:
            if (org_id, row["transaction_id"]) == (deleted_org, deleted_id):
                continue
            totals = expected[(org_id, row["account_id"], row["transaction_date"][:7])]
            totals[0] += row["debit_amount"]
            totals[1] += row["credit_amount"]
    derived = {
        (org, account, str(month)[:7]): [Decimal(debit), Decimal(credit)]
        for org, account, month, debit, credit in query(
            "select organization_id, account_id, cast(date_trunc('month', posting_date) as date),"
            " sum(debit_base), sum(credit_base) from zoho_books.fct_general_ledger group by 1, 2, 3"
        )
    }
    assert len(expected) > 300
    assert derived == dict(expected)
    rows = query(
        "select count(distinct organization_id || '-' || account_id || '-' || cast(period_month as varchar)),"
        " max(abs(net_difference_base)), count(*) filter (where not is_reconciled)"
        " from zoho_books.rpt_gl_reconciliation"
    )
    assert rows[0][0] == len(expected)
    assert Decimal(rows[0][1]) == 0
    assert rows[0][2] == 0
    assert query("select count(*) from zoho_books.rpt_gl_reconciliation_differences") == [(0,)]


# Transaction types no rule derives on the sandbox: taken from Zoho's ledger (D60, D73, D92, D103, D104).
TAKEN_TYPES = frozenset(
    {"sales_receipt", "retainer_payment", "depreciation", "fixed_asset_write_off", "inventory_adjustment"}
)
# The accounts of the lines Zoho adds to an invoice of inventory items, its cost (D104): taken too.
INVENTORY_COST_ACCOUNTS = ("Cost of Goods Sold", "Inventory Asset")


def _piece(row: dict[str, Any], taken_index: dict[str, int]) -> str:
    """A derived line's piece is Zoho's (categorized_transaction_id's last digits); a taken line's is its
    place among its transaction's lines in categorized_transaction_id order (int_gl_entries__zoho_ledger)."""
    if row["transaction_type"] in TAKEN_TYPES:
        return f"{taken_index[row['categorized_transaction_id']]:03d}"
    return str(row["categorized_transaction_id"])[-3:]


def assert_entries_match_zoho_rows(built: Built, query: Query) -> None:
    """Row by row: gl_entry_id is org-document-piece, the same pieces as Zoho's categorized_transaction_id."""
    taken_index: dict[str, int] = {}
    for books in built.dataset.orgs.values():
        by_document: dict[str, list[str]] = defaultdict(list)
        for row in books.account_transactions:
            if row["transaction_type"] in TAKEN_TYPES:
                by_document[row["transaction_id"]].append(row["categorized_transaction_id"])
        for ids in by_document.values():
            taken_index.update({line: index for index, line in enumerate(sorted(ids))})
    expected = {
        f"{org_id}-{row['transaction_id']}-{_piece(row, taken_index)}": (
            row["account_id"],
            row["debit_amount"],
            row["credit_amount"],
        )
        for org_id, books in built.dataset.orgs.items()
        for row in books.account_transactions
        if (org_id, row["transaction_id"]) != built.deleted_invoice
    }
    derived = {
        entry_id: (account, Decimal(debit), Decimal(credit))
        for entry_id, account, debit, credit in query(
            "select gl_entry_id, account_id, debit_base, credit_base from zoho_books.fct_general_ledger"
        )
    }
    assert derived == expected


def assert_worked_example(query: Query) -> None:
    """docs/ledger-posting-rules.md: EUR invoice at 1.085230, paid at 1.102400 with €10 charges, USD org."""
    rows = query(
        "select source_number, account_name, debit_base, credit_base, net_transaction, reporting_rate,"
        f" net_reporting from zoho_books.fct_general_ledger where organization_id = '{US_ORG}'"
        f" and source_id in ('{INVOICE_ID}', '{PAYMENT_ID}') order by gl_entry_id"
    )
    got = [
        (r[0], r[1], Decimal(r[2]), Decimal(r[3]), Decimal(r[4]), Decimal(r[5]), Decimal(r[6])) for r in rows
    ]
    d = Decimal
    one = d("1")
    assert got == [
        ("INV-WORKED", "Sales", d("0.00"), d("868.18"), d("-800.00"), one, d("-868.18")),
        ("INV-WORKED", "Tax Payable", d("0.00"), d("62.95"), d("-58.00"), one, d("-62.95")),
        ("INV-WORKED", "Shipping Charge", d("0.00"), d("27.13"), d("-25.00"), one, d("-27.13")),
        ("INV-WORKED", "Discount", d("43.41"), d("0.00"), d("40.00"), one, d("43.41")),
        ("INV-WORKED", "Accounts Receivable", d("914.85"), d("0.00"), d("843.00"), one, d("914.85")),
        ("PMT-WORKED", "Business Checking", d("918.30"), d("0.00"), d("833.00"), one, d("918.30")),
        ("PMT-WORKED", "Bank Fees and Charges", d("11.02"), d("0.00"), d("10.00"), one, d("11.02")),
        ("PMT-WORKED", "Accounts Receivable", d("0.00"), d("914.85"), d("-843.00"), one, d("-914.85")),
        ("PMT-WORKED", "Exchange Gain or Loss", d("0.00"), d("14.47"), d("0.00"), one, d("-14.47")),
    ]
    # The receivable is cleared exactly; the realized gain is 929.32 - 914.85.
    ar = query(
        "select sum(net_base) from zoho_books.fct_general_ledger where account_name = 'Accounts Receivable'"
        f" and source_id in ('{INVOICE_ID}', '{PAYMENT_ID}')"
    )
    assert Decimal(ar[0][0]) == 0
    invoice = query(
        "select total_transaction, total_base, total_reporting from zoho_books.fct_invoices"
        f" where invoice_id = '{INVOICE_ID}'"
    )
    assert [tuple(Decimal(v) for v in invoice[0])] == [(d("843.00"), d("914.85"), d("914.85"))]


def assert_reporting_inverts_org_history(built: Built, query: Query) -> None:
    """EUR and INR organizations report in USD: base × (1 / the org's USD quote on the posting date)."""
    checked = 0
    for org_id in ("20088321", "60012345"):
        books = built.dataset.orgs[org_id]
        history = sorted(
            (r["effective_date"], r["rate"])
            for rows in books.exchange_rates.values()
            for r in rows
            if r["currency_code"] == "USD"
        )
        for posting_date, net_base, reporting_rate, net_reporting in query(
            "select posting_date, net_base, reporting_rate, net_reporting from zoho_books.fct_general_ledger"
            f" where organization_id = '{org_id}'"
        ):
            quote = [rate for effective, rate in history if effective <= str(posting_date)][-1]
            rate = (Decimal(1) / quote).quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP)
            assert Decimal(reporting_rate) == rate
            assert Decimal(net_reporting) == (Decimal(net_base) * rate).quantize(CENT, rounding=ROUND_HALF_UP)
            checked += 1
    assert checked > 500


def assert_drafts_voids_and_deleted_post_nothing(built: Built, query: Query) -> None:
    silent = {
        (org_id, document_id)
        for org_id, books in built.dataset.orgs.items()
        for entity in ("invoices", "bills", "journals", "creditnotes", "vendorcredits", "expenses")
        for document_id, record in books.records.get(entity, {}).items()
        if record.get("status") in ("draft", "void")
    }
    assert len(silent) >= 5
    posted = set(query("select distinct organization_id, source_id from zoho_books.fct_general_ledger"))
    assert not silent & posted
    assert built.deleted_invoice not in posted
    invoice_id = built.deleted_invoice[1]
    assert query(f"select count(*) from zoho_books.fct_invoices where invoice_id = '{invoice_id}'")[0][0] == 0
    drafts = query("select count(*) from zoho_books.fct_invoices where not is_posting")
    assert drafts[0][0] >= 1


def assert_trial_balance_matches_zoho_balances(built: Built, query: Query) -> None:
    """Each account's last closing balance equals Zoho's current_balance (sign by account type)."""
    # Debit-normal: the documented asset and expense types (tests/reference/zoho-real-shapes.md) and the
    # asset types real charts add (stock, payment_clearing, input_tax).
    debit_normal = {
        "bank", "cash", "accounts_receivable", "other_current_asset", "fixed_asset", "stock", "other_asset",
        "payment_clearing", "input_tax", "intangible_asset", "right_to_use_asset", "financial_asset",
        "contingent_asset", "contract_asset",
        "expense", "cost_of_goods_sold", "other_expense", "manufacturing_expense", "impairment_expense",
        "depreciation_expense", "employee_benefit_expense", "lease_expense", "finance_expense", "tax_expense",
    }  # fmt: skip
    closing = {
        (org, account): Decimal(balance)
        for org, account, balance in query(
            "select tb.organization_id, tb.account_id, tb.closing_base from zoho_books.rpt_trial_balance tb"
            " where tb.period_month = (select max(period_month) from zoho_books.rpt_trial_balance"
            " where organization_id = tb.organization_id)"
        )
    }
    deleted_org, deleted_id = built.deleted_invoice
    compared = 0
    for org_id, books in built.dataset.orgs.items():
        for account in books.records["chartofaccounts"].values():
            expected = account["current_balance"]
            if org_id == deleted_org:  # the sandbox still counts the invoice loaded as deleted
                for row in books.account_transactions:
                    if row["transaction_id"] == deleted_id and row["account_id"] == account["account_id"]:
                        net = row["debit_amount"] - row["credit_amount"]
                        expected -= net if account["account_type"] in debit_normal else -net
            signed = expected if account["account_type"] in debit_normal else -expected
            assert closing.get((org_id, account["account_id"]), Decimal(0)) == signed, account["account_name"]
            compared += 1
    assert compared == sum(len(b.records["chartofaccounts"]) for b in built.dataset.orgs.values()) > 100


def _assert_aging_is_zohos_balances(
    query: Query, report: str, id_column: str, expected: dict[tuple[str, str], Decimal]
) -> None:
    """As of today every settlement in the data set has happened: outstanding = Zoho's document balance."""
    aging = {
        (org, document_id): Decimal(outstanding)
        for org, document_id, outstanding in query(
            f"select organization_id, {id_column}, outstanding_transaction from zoho_books.{report}"
        )
    }
    assert len(expected) > 10
    assert aging == expected


def _open_balances(
    built: Built, entity: str, left_out: tuple[str, str] | None = None
) -> dict[tuple[str, str], Decimal]:
    return {
        (org_id, document_id): document["balance"]
        for org_id, books in built.dataset.orgs.items()
        for document_id, document in books.records[entity].items()
        if document["status"] not in ("draft", "void", "pending_approval", "approved")  # not posted (D46)
        and document["balance"] != 0
        and (org_id, document_id) != left_out
    }


def assert_ap_aging_matches_open_balances(built: Built, query: Query) -> None:
    """Vendor payments and vendor credits applied to bills: outstanding = Zoho's bill balance as of today."""
    credited = [
        credit
        for books in built.dataset.orgs.values()
        for credit in books.records["vendorcredits"].values()
        if credit.get("bills_credited")
    ]
    assert credited  # the data set applies vendor credits, or this check proves nothing about them
    _assert_aging_is_zohos_balances(query, "rpt_ap_aging", "bill_id", _open_balances(built, "bills"))


def assert_ar_aging_matches_open_balances(built: Built, query: Query) -> None:
    """Customer payments and credit notes applied to invoices (the deleted invoice left out); customer debit
    notes are open receivables too (D95)."""
    expected = _open_balances(built, "invoices", built.deleted_invoice)
    debit_notes = _open_balances(built, "debitnotes")
    assert {org for org, _ in debit_notes} == set(built.dataset.orgs)
    expected |= debit_notes
    # Unapplied customer payments are credit lines of their unused amount (D77), less what was refunded
    # (D135): a payment refunded in full is no credit any more, one refunded in part a credit of the rest.
    unused = {
        (org_id, payment_id): -payment["unused_amount"]
        for org_id, books in built.dataset.orgs.items()
        for payment_id, payment in books.records["customerpayments"].items()
        if payment["unused_amount"]
    }
    refunded = {
        (org_id, payment_id)
        for org_id, books in built.dataset.orgs.items()
        for payment_id, payment in books.records["customerpayments"].items()
        if payment.get("amount_refunded")
    }
    assert len(unused) >= 3
    assert refunded & set(unused)  # refunded in part: still a credit
    assert refunded - set(unused)  # refunded in full: no credit
    _assert_aging_is_zohos_balances(query, "rpt_ar_aging", "document_id", expected | unused)
    buckets = {b for (b,) in query("select distinct aging_bucket from zoho_books.rpt_ar_aging")}
    assert buckets <= {"current", "1-30", "31-60", "61-90", "over_90"}
    assert "over_90" in buckets


BANKING_TYPES = frozenset(
    {
        "transfer_fund",
        "owner_contribution",
        "owner_drawings",
        "interest_income",
        "card_payment",
        "opening_balance",
        "base_currency_adjustment",
    }
)


def assert_banking_is_derived(built: Built, query: Query) -> None:
    """Bank transactions, opening balances and base currency adjustments are derived by their rules (D68-D70),
    none taken from Zoho's ledger, in every organization; each Zoho type the sandbox posted is there."""
    posted = {
        (org_id, row["transaction_type"])
        for org_id, books in built.dataset.orgs.items()
        for row in books.account_transactions
    }
    rows = query(
        "select organization_id, zoho_transaction_type, line_source, count(*)"
        " from zoho_books.fct_general_ledger group by 1, 2, 3"
    )
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for org, kind, source, _count in rows:
        sources[(org, kind)].add(source)
    banking = {key for key in posted if key[1] in BANKING_TYPES or key[1] in {"deposit", "other_income"}}
    assert {kind for _org, kind in banking} >= BANKING_TYPES
    assert {key: sources[key] for key in banking} == {key: {"derived"} for key in banking}


def assert_refunds_are_derived(built: Built, query: Query) -> None:
    """Credit note and vendor credit refunds (D72) and refunds of customer and vendor payments (``refund``,
    D135) are derived by their rules, none taken from Zoho's ledger, line for line as many as the sandbox's
    ledger holds, in every organization that has them."""
    types = ("creditnote_refund", "vendor_credit_refund", "refund")
    expected: dict[tuple[str, str], int] = defaultdict(int)
    for org_id, books in built.dataset.orgs.items():
        for row in books.account_transactions:
            if row["transaction_type"] in types:
                expected[(org_id, row["transaction_type"])] += 1
    assert {kind for _, kind in expected} == set(types)
    rows = query(
        "select organization_id, zoho_transaction_type, line_source, count(*)"
        " from zoho_books.fct_general_ledger"
        " where zoho_transaction_type in ('creditnote_refund', 'vendor_credit_refund', 'refund')"
        " group by 1, 2, 3"
    )
    assert {(org, kind, source) for org, kind, source, _ in rows} == {
        (org, kind, "derived") for org, kind in expected
    }
    assert {(org, kind): count for org, kind, _, count in rows} == dict(expected)


def assert_taken_lines_are_those_no_rule_derives(built: Built, query: Query) -> None:
    """The lines taken from Zoho's ledger are exactly those no rule derives, in every organization: sales
    receipts (D73), retainer payments (D92), fixed assets' depreciation and write-off (D103), inventory
    adjustments (D104), and the cost of inventory items sold that Zoho adds to an invoice (D104); so the
    fallback is exercised on the sandbox and the ledger still ties."""
    expected: dict[tuple[str, str], int] = defaultdict(int)
    for org_id, books in built.dataset.orgs.items():
        chart = books.records["chartofaccounts"]
        inventory = {a["account_id"] for a in chart.values() if a.get("chart_key") in INVENTORY_COST_ACCOUNTS}
        for row in books.account_transactions:
            if (org_id, row["transaction_id"]) == built.deleted_invoice:
                continue
            kind = row["transaction_type"]
            if kind in TAKEN_TYPES or (kind == "invoice" and row["account_id"] in inventory):
                expected[(org_id, kind)] += 1
    assert {kind for _org, kind in expected} == {*TAKEN_TYPES, "invoice"}
    assert {org for org, _kind in expected} == set(built.dataset.orgs)
    rows = query(
        "select organization_id, zoho_transaction_type, count(*) from zoho_books.fct_general_ledger"
        " where line_source = 'zoho_ledger' group by 1, 2"
    )
    assert {(org, kind): count for org, kind, count in rows} == dict(expected)


def assert_debit_notes_are_derived(built: Built, query: Query) -> None:
    """Customer debit notes (D95) post through the invoice rule: every line of each, in every organization, is
    derived (none taken), each is staged as an invoice of document type debit_note, and the reconciliation
    files them under Zoho's type for them, reconciled."""
    expected: dict[str, int] = defaultdict(int)
    for org_id, books in built.dataset.orgs.items():
        for row in books.account_transactions:
            if row["transaction_type"] == "debit_note":
                expected[org_id] += 1
    assert set(expected) == set(built.dataset.orgs)
    rows = query(
        "select ledger.organization_id, ledger.line_source, count(*)"
        " from zoho_books.fct_general_ledger as ledger"
        " inner join zoho_books_staging.stg_zoho_books__invoices as invoices"
        " on ledger.organization_id = invoices.organization_id and ledger.source_id = invoices.invoice_id"
        " where invoices.document_type = 'debit_note' group by 1, 2"
    )
    assert {(org, source): count for org, source, count in rows} == {
        (org, "derived"): count for org, count in expected.items()
    }
    staged = query(
        "select organization_id, count(*) from zoho_books_staging.stg_zoho_books__invoices"
        " where document_type = 'debit_note' group by 1"
    )
    notes = {org: len(books.records["debitnotes"]) for org, books in built.dataset.orgs.items()}
    assert dict(staged) == notes
    reconciled = query(
        "select organization_id, sum(derived_entry_count), bool_and(is_reconciled)"
        " from zoho_books.rpt_gl_reconciliation where zoho_transaction_type = 'debit_note' group by 1"
    )
    assert {org: (count, True) for org, count in expected.items()} == {
        org: (count, ok) for org, count, ok in reconciled
    }


def assert_line_net_amounts_equal_the_ledger(built: Built, query: Query) -> None:
    """A derived invoice's or bill's line facts carry what the line's account is posted (D100): each line's
    net_amount_base equals its piece of the general ledger to the cent (income a credit, expense a debit), and
    on a tax-inclusive document the net amount is the item total less the tax it holds."""
    for lines, document_id, source_type, sign in (
        ("fct_invoice_lines", "invoice_id", "invoice", -1),
        ("fct_bill_lines", "bill_id", "bill", 1),
    ):
        ((matched, differing),) = query(
            f"select count(*), count(*) filter (where lines.net_amount_base <> {sign} * ledger.net_base)"
            f" from zoho_books.{lines} as lines"
            " inner join zoho_books_staging.int_gl_entries_unioned as ledger"  # the derived lines, by piece
            f" on lines.organization_id = ledger.organization_id and lines.{document_id} = ledger.source_id"
            " and lines.line_index = ledger.piece_index"
            f" where ledger.source_type = '{source_type}' and ledger.line_source = 'derived'"
        )
        assert matched > 0, lines
        assert differing == 0, (lines, differing)
    ((inclusive, net_below_gross),) = query(
        "select count(*), count(*) filter (where lines.net_amount_transaction < lines.item_total_transaction)"
        " from zoho_books.fct_invoice_lines as lines"
        " inner join zoho_books_staging.stg_zoho_books__invoices as invoices"
        " on lines.organization_id = invoices.organization_id and lines.invoice_id = invoices.invoice_id"
        " where invoices.is_inclusive_tax and lines.tax_percentage > 0"
    )
    assert inclusive > 0
    assert net_below_gross == inclusive
