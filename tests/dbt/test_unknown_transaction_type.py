"""A transaction type no posting rule derives, onto an account type nobody documented, reaches the ledger and
the reports with warnings, and no failed build.

Zoho's ledger holds transaction types the models have no rule for yet (a tax refund, a refund of a credit
note, a type Zoho adds next year), and real charts may hold account types the documents do not list. Added
to the sandbox at test time, such a transaction is taken into ``fct_general_ledger`` from Zoho's own ledger
(D60) and the account is ``unclassified`` (D50): the build passes, the trial balance and balance sheet carry
them, and the warning tests name them.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import dlt
import duckdb

from loader.transform.dbt_runner import DbtTarget
from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.world.generator import generate_dataset
from tests.dbt.conftest import Built, cli_build
from tests.dbt.raw_loader import load_dataset

ORG = "10234695"
TRANSFER_ID = "102346958880000001"


def _ledger_row(piece: int, account: Record, debit: Decimal, credit: Decimal) -> Record:
    return {
        "categorized_transaction_id": f"{TRANSFER_ID}{piece:03d}",
        "account_id": account["account_id"],
        "transaction_id": TRANSFER_ID,
        "transaction_type": "tax_refund",
        "transaction_date": "2026-06-15",
        "entry_number": "TRF-1",
        "reference_number": "",
        "customer_id": "",
        "debit_or_credit": "debit" if debit else "credit",
        "debit_amount": debit,
        "credit_amount": credit,
        "currency_id": "",
        "currency_code": "USD",
    }


def test_a_tax_refund_no_rule_derives_is_taken_from_zohos_ledger_with_a_warning(tmp_path: Path) -> None:
    dataset = generate_dataset(seed=23, invoices_per_org=8)
    books = dataset.orgs[ORG]
    banks = [a for a in books.records["chartofaccounts"].values() if a["account_type"] in ("bank", "cash")]
    source = banks[0]
    # A wallet account of a type the documents do not list.
    target = {
        **banks[1],
        "account_id": "102346958880000009",
        "account_name": "Crypto Wallet",
        "account_code": "1099",
        "account_type": "digital_wallet",
        "current_balance": Decimal("1234.56"),
    }
    books.records["chartofaccounts"][target["account_id"]] = target
    amount = Decimal("1234.56")
    books.account_transactions += [
        _ledger_row(1, target, amount, Decimal("0")),
        _ledger_row(2, source, Decimal("0"), amount),
    ]
    # A customer payment whose answers name no bank account: the rules cannot post it whole, so the whole
    # payment is taken from Zoho's ledger (its postings were made when the sandbox generated its books).
    payment = next(p for p in books.records["customerpayments"].values() if p["invoices"])
    del payment["account_id"]
    database = tmp_path / "warehouse.duckdb"
    load_dataset(dataset, destination=dlt.destinations.duckdb(str(database)), pipelines_dir=tmp_path / "p")

    code, output = cli_build(tmp_path, f'[warehouse]\ndestination = "duckdb"\npath = "{database}"')
    built = Built(dataset, (ORG, ""), code, output, tmp_path, DbtTarget("duckdb", duckdb_path=database))

    assert code == 0, output
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in built.run_results()}
    assert statuses["assert_gl_lines_are_derived"] == "warn"
    assert statuses["assert_gl_reconciles_with_zoho"] == "pass"
    assert statuses["assert_balance_sheet_balances"] == "pass"
    class_tests = {
        k: v for k, v in statuses.items() if k.startswith("accepted_values_") and "account_class" in k
    }
    assert class_tests
    assert set(class_tests.values()) <= {"warn", "pass"}  # the P&L leaves unclassified accounts out
    assert [v for k, v in class_tests.items() if "dim_accounts" in k] == ["warn"]
    assert [v for k, v in class_tests.items() if "rpt_trial_balance" in k] == ["warn"]
    with duckdb.connect(str(database), read_only=True) as con:
        taken = con.execute(
            "select account_id, net_base, source_type, zoho_transaction_type, source_number"
            " from zoho_books.fct_general_ledger where line_source = 'zoho_ledger'"
            " and zoho_transaction_type = 'tax_refund' order by net_base"
        ).fetchall()
        payment_lines = con.execute(
            "select line_source, count(*), sum(net_base) from zoho_books.fct_general_ledger"
            " where source_id = ? group by 1",
            [payment["payment_id"]],
        ).fetchall()
        zoho_lines = sum(
            1 for r in books.account_transactions if r["transaction_id"] == payment["payment_id"]
        )
        assert payment_lines == [("zoho_ledger", zoho_lines, Decimal("0.00"))]
        assert taken == [
            (source["account_id"], Decimal("-1234.56"), "zoho_ledger", "tax_refund", "TRF-1"),
            (target["account_id"], Decimal("1234.56"), "zoho_ledger", "tax_refund", "TRF-1"),
        ]
        month = con.execute(
            "select debits_base from zoho_books.rpt_trial_balance"
            f" where organization_id = '{ORG}' and account_id = ? and period_month = date '2026-06-01'",
            [target["account_id"]],
        ).fetchone()
        assert month is not None
        assert month[0] == amount
        (account_class,) = con.execute(
            "select account_class from zoho_books.dim_accounts where account_id = ?", [target["account_id"]]
        ).fetchone() or (None,)
        assert account_class == "unclassified"
