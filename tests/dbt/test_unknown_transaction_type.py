"""A transaction type no posting rule derives reaches the ledger and the reports, with a warning.

Zoho's ledger holds transaction types the models have no rule for yet (a transfer between accounts, an
opening balance, a type Zoho adds next year). Added to the sandbox's ledger at test time, such a transaction
is taken into ``fct_general_ledger`` from Zoho's own ledger (D60): the build passes, the trial balance carries
it, and the warning test names its type.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import dlt
import duckdb

from loader.dbt_runner import DbtTarget
from tests.dbt.conftest import Built, cli_build
from tests.dbt.raw_loader import load_dataset
from zoho_sandbox.dataset import Record
from zoho_sandbox.generator import generate_dataset

ORG = "10234695"
TRANSFER_ID = "102346958880000001"


def _ledger_row(piece: int, account: Record, debit: Decimal, credit: Decimal) -> Record:
    return {
        "categorized_transaction_id": f"{TRANSFER_ID}{piece:03d}",
        "account_id": account["account_id"],
        "transaction_id": TRANSFER_ID,
        "transaction_type": "transfer_fund",
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


def test_a_transfer_no_rule_derives_is_taken_from_zohos_ledger_with_a_warning(tmp_path: Path) -> None:
    dataset = generate_dataset(seed=23, invoices_per_org=8)
    books = dataset.orgs[ORG]
    banks = [a for a in books.records["chartofaccounts"].values() if a["account_type"] in ("bank", "cash")]
    source, target = banks[0], banks[1]
    amount = Decimal("1234.56")
    books.account_transactions += [
        _ledger_row(1, target, amount, Decimal("0")),
        _ledger_row(2, source, Decimal("0"), amount),
    ]
    database = tmp_path / "warehouse.duckdb"
    load_dataset(dataset, destination=dlt.destinations.duckdb(str(database)), pipelines_dir=tmp_path / "p")

    code, output = cli_build(tmp_path, f'[warehouse]\ndestination = "duckdb"\npath = "{database}"')
    built = Built(dataset, (ORG, ""), code, output, tmp_path, DbtTarget("duckdb", duckdb_path=database))

    assert code == 0, output
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in built.run_results()}
    assert statuses["assert_gl_lines_are_derived"] == "warn"
    assert statuses["assert_gl_reconciles_with_zoho"] == "pass"
    with duckdb.connect(str(database), read_only=True) as con:
        taken = con.execute(
            "select account_id, net_base, source_type, zoho_transaction_type, source_number"
            " from zoho_books.fct_general_ledger where line_source = 'zoho_ledger' order by net_base"
        ).fetchall()
        assert taken == [
            (source["account_id"], Decimal("-1234.56"), "zoho_ledger", "transfer_fund", "TRF-1"),
            (target["account_id"], Decimal("1234.56"), "zoho_ledger", "transfer_fund", "TRF-1"),
        ]
        month = con.execute(
            "select debits_base from zoho_books.rpt_trial_balance"
            f" where organization_id = '{ORG}' and account_id = ? and period_month = date '2026-06-01'",
            [target["account_id"]],
        ).fetchone()
        assert month is not None
        assert month[0] >= amount
