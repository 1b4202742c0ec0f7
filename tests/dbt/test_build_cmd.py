"""`ml-connector build` outside a full build: configuration errors and dbt failures become exit codes."""

from __future__ import annotations

from pathlib import Path

import dlt

from loader.transform.dbt_runner import DbtTarget, run_dbt
from ml_connector_fakes.world.generator import generate_dataset
from tests.dbt.conftest import cli_build
from tests.dbt.raw_loader import load_dataset


def test_a_warehouse_without_a_dbt_profile_is_a_configuration_error(tmp_path: Path) -> None:
    code, output = cli_build(tmp_path, '[warehouse]\ndestination = "snowflake"')
    assert code == 2
    assert "dbt cannot build on warehouse destination 'snowflake'" in output


def test_a_failing_model_exits_1_and_names_it(tmp_path: Path) -> None:
    # No raw tables at all: the first staging model fails, and the message names it.
    code, output = cli_build(
        tmp_path, f'[warehouse]\ndestination = "duckdb"\npath = "{tmp_path / "empty.duckdb"}"'
    )
    assert code == 1
    assert "model.ml_connector.stg_zoho_books__" in output
    assert "Fix the failing models or tests" in output


def test_run_dbt_selects_and_reports_nodes(tmp_path: Path) -> None:
    dataset = generate_dataset(seed=3, invoices_per_org=2)
    database = tmp_path / "w.duckdb"
    load_dataset(dataset, destination=dlt.destinations.duckdb(str(database)), pipelines_dir=tmp_path / "p")
    result = run_dbt(
        ["build", "--select", "stg_zoho_books__organizations", "dim_organizations"],
        DbtTarget("duckdb", duckdb_path=database),
        dbt_vars={"reporting_currency": "EUR"},
        work_dir=tmp_path,
    )
    assert result.success
    assert {r.unique_id for r in result.results} >= {
        "model.ml_connector.stg_zoho_books__organizations",
        "model.ml_connector.dim_organizations",
    }
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(
            "select organization_id, base_currency_code, reporting_currency from zoho_books.dim_organizations"
            " order by 1"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("10234695", "USD", "EUR"), ("20088321", "EUR", "EUR"), ("60012345", "INR", "EUR")]
