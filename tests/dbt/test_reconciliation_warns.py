"""A difference between the general ledger and Zoho's own ledger is a warning, not a failed build, unless
``[reporting] strict_reconciliation = true`` (D65); the differences report names the transaction behind it.

One line of Zoho's ledger is altered in the raw data (1.00 more on an invoice's receivable debit and on one of
its credits, so Zoho's ledger still balances): the rules still derive the invoice as its document says, the
build passes with the reconciliation test at ``warn``, ``rpt_gl_reconciliation_differences`` lists the invoice
on both accounts, and the same test run with the strict setting fails. DuckDB and PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import duckdb
import psycopg2
import pytest
from rich.console import Console

from loader.config import load_config
from loader.sync_status import read_warehouse_reconciliation
from loader.transform.dbt_runner import DbtTarget, run_dbt, vars_from_config
from loader.transform.reconciliation import print_reconciliation
from loader.warehouse import Warehouse
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from tests.dbt.checks import INVENTORY_COST_ACCOUNTS
from tests.dbt.conftest import Built, cli_build
from tests.dbt.raw_loader import load_dataset
from tests.scratch_database import scratch_database

ORG = "10234695"
Query = Callable[[str], Sequence[tuple[Any, ...]]]


def _altered_dataset() -> tuple[Dataset, str, tuple[str, str]]:
    """The data set, the altered invoice's number, and its (receivable, credited) accounts."""
    dataset = generate_dataset(seed=23, invoices_per_org=8)
    rows = dataset.orgs[ORG].account_transactions
    invoice_ids = {row["transaction_id"] for row in rows if row["transaction_type"] == "invoice"}
    for invoice_id in sorted(invoice_ids):
        lines = [row for row in rows if row["transaction_id"] == invoice_id]
        debit = next((row for row in lines if row["debit_amount"] > 0), None)
        if debit is None:
            continue
        others = [row for row in lines if row["account_id"] != debit["account_id"]]
        credit = next((row for row in others if row["credit_amount"] > 0), None)
        if credit is not None:
            debit["debit_amount"] += Decimal("1.00")
            credit["credit_amount"] += Decimal("1.00")
            return dataset, str(debit["entry_number"]), (debit["account_id"], credit["account_id"])
    raise AssertionError("the generated data set has no invoice with a debit and a credit on two accounts")


def _invoice_share_derived(dataset: Dataset) -> Decimal:
    """The invoices' share derived: all but the cost of inventory items sold Zoho adds to them (D104), which
    is taken; the derived side is the documents', without the 2.00 added to Zoho's lines."""
    derived, taken = Decimal("-2.00"), Decimal(0)
    for books in dataset.orgs.values():
        chart = books.records["chartofaccounts"].values()
        inventory = {a["account_id"] for a in chart if a.get("chart_key") in INVENTORY_COST_ACCOUNTS}
        for row in books.account_transactions:
            if row["transaction_type"] == "invoice":
                amount = row["debit_amount"] + row["credit_amount"]
                if row["account_id"] in inventory:
                    taken += amount
                else:
                    derived += amount
    assert taken > 0
    return (derived / (derived + taken)).quantize(Decimal("0.0001"))


def _assert_warns_then_fails_when_strict(
    built: Built, query: Query, number: str, accounts: tuple[str, str], work: Path
) -> None:
    assert built.exit_code == 0, built.output
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in built.run_results()}
    assert statuses["assert_gl_reconciles_with_zoho"] == "warn"
    assert statuses["assert_gl_documents_balance"] == "pass"
    assert statuses["assert_gl_debits_equal_credits_per_org_and_day"] == "pass"
    differences = query(
        "select zoho_transaction_type, source_type, source_number, account_id, net_difference_base"
        " from zoho_books.rpt_gl_reconciliation_differences order by net_difference_base"
    )
    receivable, credited = accounts
    assert [(*row[:4], Decimal(row[4])) for row in differences] == [
        ("invoice", "invoice", number, receivable, Decimal("-1.00")),
        ("invoice", "invoice", number, credited, Decimal("1.00")),
    ]
    unreconciled = query(
        "select zoho_transaction_type, account_id, net_difference_base, share_derived"
        " from zoho_books.rpt_gl_reconciliation where not is_reconciled order by net_difference_base"
    )
    assert [(t, a, Decimal(n), Decimal(s)) for t, a, n, s in unreconciled] == [
        ("invoice", receivable, Decimal("-1.00"), Decimal("1.0000")),
        ("invoice", credited, Decimal("1.00"), Decimal("1.0000")),
    ]
    # The same test with the strict setting from the config file is a failure.
    config_file = work / "ml-connector.toml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace(
            "[reporting]\n", "[reporting]\nstrict_reconciliation = true\n"
        ),
        encoding="utf-8",
    )
    config = load_config(config_file)
    assert vars_from_config(config)["strict_reconciliation"] is True
    # What `run` and `status` print: every type, the two differences, the invoice named.
    reconciliation = read_warehouse_reconciliation(Warehouse.of(config))
    assert reconciliation is not None
    shares = {t.transaction_type: t.share_derived for t in reconciliation.types}
    assert shares["invoice"] == _invoice_share_derived(built.dataset)
    assert (reconciliation.unreconciled_rows, reconciliation.differences) == (2, 2)
    assert sorted((d.source_number, d.difference_base) for d in reconciliation.worst) == [
        (number, Decimal("-1.00")),
        (number, Decimal("1.00")),
    ]
    printed = io.StringIO()
    print_reconciliation(reconciliation, Console(file=printed, width=200))
    text = printed.getvalue()
    assert "2 type × account × month rows differ from Zoho's ledger (2 transaction lines" in text
    assert number in text
    strict = run_dbt(
        ["test", "--select", "assert_gl_reconciles_with_zoho"],
        built.target,
        dbt_vars=vars_from_config(config),
        work_dir=work / "strict",
        raise_on_failure=False,
    )
    assert not strict.success
    assert [(r.unique_id.split(".")[2], r.status) for r in strict.results] == [
        ("assert_gl_reconciles_with_zoho", "fail")
    ]


def test_a_difference_warns_on_duckdb_and_fails_when_strict(tmp_path: Path) -> None:
    dataset, number, accounts = _altered_dataset()
    database = tmp_path / "warehouse.duckdb"
    load_dataset(dataset, destination=dlt.destinations.duckdb(str(database)), pipelines_dir=tmp_path / "p")
    code, output = cli_build(tmp_path, f'[warehouse]\ndestination = "duckdb"\npath = "{database}"')
    built = Built(dataset, (ORG, ""), code, output, tmp_path, DbtTarget("duckdb", duckdb_path=database))

    def query(sql: str) -> Sequence[tuple[Any, ...]]:
        with duckdb.connect(str(database), read_only=True) as con:
            return con.execute(sql).fetchall()

    _assert_warns_then_fails_when_strict(built, query, number, accounts, tmp_path)


@pytest.fixture
def postgres_database(postgres_server: str) -> Iterator[str]:
    with scratch_database(postgres_server, "ml_connector_recon") as name:
        yield name


def test_a_difference_warns_on_postgres_and_fails_when_strict(tmp_path: Path, postgres_database: str) -> None:
    dataset, number, accounts = _altered_dataset()
    load_dataset(
        dataset,
        destination=dlt.destinations.postgres(f"postgresql://postgres:@127.0.0.1:5432/{postgres_database}"),
        pipelines_dir=tmp_path / "p",
    )
    code, output = cli_build(
        tmp_path,
        f'[warehouse]\ndestination = "postgres"\nhost = "127.0.0.1"\nport = 5432\n'
        f'database = "{postgres_database}"\nuser = "postgres"',
    )
    built = Built(
        dataset, (ORG, ""), code, output, tmp_path, DbtTarget("postgres", database=postgres_database)
    )

    def query(sql: str) -> Sequence[tuple[Any, ...]]:
        con = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=postgres_database)
        try:
            with con.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        finally:
            con.close()

    _assert_warns_then_fails_when_strict(built, query, number, accounts, tmp_path)
