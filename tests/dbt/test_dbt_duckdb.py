"""dbt build on DuckDB over the sandbox data set (path: generator → raw_loader (dlt) → dbt, see conftest)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pytest

from tests.dbt import checks
from tests.dbt.conftest import Built, warehouse_path


@pytest.fixture(scope="module")
def query(duckdb_built: Built) -> Iterator[checks.Query]:
    con = duckdb.connect(str(warehouse_path(duckdb_built)), read_only=True)

    def run(sql: str) -> Sequence[tuple[Any, ...]]:
        return con.execute(sql).fetchall()

    yield run
    con.close()


def test_build_is_green_with_unit_tests(duckdb_built: Built) -> None:
    checks.assert_build_green(duckdb_built)


def test_ledger_reconciles_to_the_cent_per_org_account_and_month(
    duckdb_built: Built, query: checks.Query
) -> None:
    checks.assert_reconciles_to_the_cent(duckdb_built, query)


def test_every_entry_matches_a_zoho_posting(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_entries_match_zoho_rows(duckdb_built, query)


def test_banking_is_derived_not_taken(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_banking_is_derived(duckdb_built, query)


def test_eur_invoice_paid_later_worked_example(query: checks.Query) -> None:
    checks.assert_worked_example(query)


def test_reporting_currency_inverts_the_orgs_own_history(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_reporting_inverts_org_history(duckdb_built, query)


def test_drafts_voids_and_deleted_records_post_nothing(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_drafts_voids_and_deleted_post_nothing(duckdb_built, query)


def test_trial_balance_closes_at_zohos_account_balances(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_trial_balance_matches_zoho_balances(duckdb_built, query)


def test_ar_aging_lists_open_balances(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_ar_aging_matches_open_balances(duckdb_built, query)


def test_every_mart_column_is_documented_with_type(duckdb_built: Built) -> None:
    import json

    manifest = json.loads(
        (duckdb_built.work_dir / ".ml-connector" / "dbt" / "target" / "manifest.json").read_text()
    )
    marts = [
        n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "zoho_books"
    ]
    assert len(marts) == 23
    con = duckdb.connect(str(warehouse_path(duckdb_built)), read_only=True)
    try:
        for node in marts:
            actual = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'zoho_books'"
                    f" and table_name = '{node['name']}' order by ordinal_position"
                ).fetchall()
            ]
            documented = node["columns"]
            assert list(documented) == actual, node["name"]
            assert all(c["description"] and c["data_type"] for c in documented.values()), node["name"]
            if node["name"].startswith(("fct_", "dim_")):
                assert {"_synced_at", "_zoho_organization_id", "_zoho_source_id", "_load_id"} <= set(
                    documented
                )
    finally:
        con.close()
    ledger = next(n for n in marts if n["name"] == "fct_general_ledger")
    assert ledger["columns"]["net_reporting"]["meta"] == {"measure": "sum"}
    assert (
        "meta" not in ledger["columns"]["reporting_rate"] or not ledger["columns"]["reporting_rate"]["meta"]
    )


def test_ap_aging_replays_payments_and_vendor_credits(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_ap_aging_matches_open_balances(duckdb_built, query)


def test_refunds_are_derived_not_taken(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_refunds_are_derived(duckdb_built, query)


def test_taken_lines_are_those_no_rule_derives(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_taken_lines_are_those_no_rule_derives(duckdb_built, query)


def test_debit_notes_are_derived_by_the_invoice_rule(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_debit_notes_are_derived(duckdb_built, query)


def test_line_facts_carry_what_the_ledger_posts(duckdb_built: Built, query: checks.Query) -> None:
    checks.assert_line_net_amounts_equal_the_ledger(duckdb_built, query)
