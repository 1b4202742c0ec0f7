"""``--check``: every field's and join's SQL runs against real DuckDB and PostgreSQL marts, and a broken
column is reported by file and line."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest

from lookml.check import check_lookml
from lookml.generate import generate_lookml
from lookml.warehouse import DuckDBRunner, PostgresRunner
from tests.lookml.conftest import count_statements, line_of


def test_every_field_join_and_datagroup_runs_on_duckdb(fixture_build: Any, tmp_path: Path) -> None:
    generate_lookml(fixture_build.manifest, tmp_path, dialect="duckdb")
    with DuckDBRunner(fixture_build.duckdb) as runner:
        result = check_lookml(tmp_path, runner)
    assert [str(f) for f in result.failures] == []
    assert result.checked == count_statements(tmp_path) > 100


def test_a_broken_column_is_reported_by_file_and_line_on_duckdb(fixture_build: Any, tmp_path: Path) -> None:
    with duckdb.connect(str(fixture_build.duckdb)) as con:
        con.execute("checkpoint")  # dbt's in-process connection may hold the tables in the WAL
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(fixture_build.duckdb, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute("alter table zoho_books.fct_general_ledger rename column net_base to net_base_renamed")
        con.execute("alter table zoho_books.dim_contacts rename column contact_id to contact_key")
    out = tmp_path / "lookml"
    generate_lookml(fixture_build.manifest, out, dialect="duckdb")
    with DuckDBRunner(broken) as runner:
        result = check_lookml(out, runner)
    ledger = out / "generated/views/fct_general_ledger.view.lkml"
    failing = {(f.file, f.line, f.what, f.name) for f in result.failures}
    assert (
        "generated/views/fct_general_ledger.view.lkml",
        line_of(ledger, "dimension: net_base {"),
        "dimension",
        "fct_general_ledger.net_base",
    ) in failing
    assert (
        "generated/views/fct_general_ledger.view.lkml",
        line_of(ledger, "measure: total_net_base {"),
        "measure",
        "fct_general_ledger.total_net_base",
    ) in failing
    explore = out / "generated/explores/fct_general_ledger.explore.lkml"
    assert (
        "generated/explores/fct_general_ledger.explore.lkml",
        line_of(explore, "join: dim_contacts {"),
        "join",
        "fct_general_ledger.dim_contacts",
    ) in failing
    assert all("net_base" in f.error or "contact_id" in f.error for f in result.failures)
    net_base = next(f for f in result.failures if f.name == "fct_general_ledger.net_base")
    assert str(net_base).startswith(
        f"generated/views/fct_general_ledger.view.lkml:{net_base.line}: dimension"
    )


def test_an_unknown_field_reference_is_reported(fixture_build: Any, tmp_path: Path) -> None:
    generate_lookml(fixture_build.manifest, tmp_path, dialect="duckdb")
    refinement = tmp_path / "refinements" / "typo.lkml"
    refinement.parent.mkdir()
    refinement.write_text(
        "view: +fct_invoices {\n  measure: typo {\n    type: sum\n    sql: ${total_bse} ;;\n  }\n}\n"
    )
    with DuckDBRunner(fixture_build.duckdb) as runner:
        result = check_lookml(tmp_path, runner)
    (failure,) = result.failures
    assert (failure.file, failure.line, failure.name) == ("refinements/typo.lkml", 2, "fct_invoices.typo")
    assert "unknown field ${fct_invoices.total_bse}" in failure.error


@pytest.mark.postgres
def test_every_field_runs_on_postgres_and_a_broken_column_is_caught(
    postgres_build: Any, tmp_path: Path
) -> None:
    result = generate_lookml(postgres_build.manifest, tmp_path, dialect="postgres")
    assert result.schema == postgres_build.postgres_schema
    with PostgresRunner(postgres_build.postgres_dsn) as runner:
        checked = check_lookml(tmp_path, runner)
    assert [str(f) for f in checked.failures] == []
    assert checked.checked == count_statements(tmp_path) > 100
    con = psycopg2.connect(postgres_build.postgres_dsn)
    con.autocommit = True
    with con.cursor() as cursor:
        cursor.execute(
            f'alter table "{postgres_build.postgres_schema}".fct_invoices '
            "rename column total_base to total_bse"
        )
    con.close()
    with PostgresRunner(postgres_build.postgres_dsn) as runner:
        checked = check_lookml(tmp_path, runner)
    view = tmp_path / "generated/views/fct_invoices.view.lkml"
    assert {(f.line, f.name) for f in checked.failures} == {
        (line_of(view, "dimension: total_base {"), "fct_invoices.total_base"),
        (line_of(view, "measure: sum_total_base {"), "fct_invoices.sum_total_base"),
        (line_of(view, "measure: sum_total_base_unchecked {"), "fct_invoices.sum_total_base_unchecked"),
    }
    assert all("column fct_invoices.total_base does not exist" in f.error for f in checked.failures)
