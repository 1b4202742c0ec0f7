"""The LookML of the connector's own marts: ``dbt_project/`` built from sandbox data, then generated.

Path: sandbox data set → dlt (tests/dbt/raw_loader.py) → ``ml-connector build`` on DuckDB and on PostgreSQL
(see conftest) → ``generate_lookml`` on the build's manifest → golden files, lint, and the SQL check
against the marts the build wrote.

Golden files live in tests/lookml/golden/sandbox/. They follow the marts' dbt YAML: after an intended
change of the marts or of the generator, regenerate them with
``LOOKML_UPDATE_GOLDEN=1 .venv/bin/pytest tests/lookml/test_sandbox_project.py -k golden`` and review the
diff (tests/lookml/golden/README.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import lkml
import pytest

from lookml.check import Expander, check_lookml
from lookml.generate import GenerationResult, generate_lookml
from lookml.lint import lint_lookml
from lookml.project import load_project
from lookml.warehouse import DuckDBRunner, PostgresRunner
from tests.lookml.conftest import (
    GOLDEN_ROOT,
    BuiltProject,
    assert_matches_golden,
    count_statements,
    line_of,
)

GOLDEN = GOLDEN_ROOT / "sandbox"
MARTS = 22

Generated = tuple[GenerationResult, Path]


@pytest.fixture(scope="module")
def generated(sandbox_duckdb_build: BuiltProject, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("sandbox_lookml")
    return generate_lookml(sandbox_duckdb_build.manifest, out, dialect="duckdb"), out


def _explore(out: Path, name: str) -> dict[str, Any]:
    explore: dict[str, Any] = lkml.load((out / f"generated/explores/{name}.explore.lkml").read_text())[
        "explores"
    ][0]
    return explore


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def _first_dimension(out: Path, view: str) -> dict[str, Any]:
    parsed = lkml.load((out / f"generated/views/{view}.view.lkml").read_text())
    first: dict[str, Any] = parsed["views"][0]["dimensions"][0]
    return first


def test_the_marts_generate_without_warnings_and_lint_clean(generated: Generated) -> None:
    result, out = generated
    assert result.warnings == ()
    assert len(result.views) == MARTS
    assert [str(f) for f in lint_lookml(out)] == []


def test_facts_join_dimensions_on_their_whole_key_many_to_one(generated: Generated) -> None:
    _, out = generated
    assert _explore(out, "fct_general_ledger")["joins"] == [
        {
            "name": "dim_accounts",
            "type": "left_outer",
            "relationship": "many_to_one",
            "sql_on": "${fct_general_ledger.organization_id} = ${dim_accounts.organization_id} AND "
            "${fct_general_ledger.account_id} = ${dim_accounts.account_id}",
        }
    ]
    assert _explore(out, "fct_invoices")["joins"] == [
        {
            "name": "customer",
            "from": "dim_contacts",
            "view_label": "Customer",
            "type": "left_outer",
            "relationship": "many_to_one",
            "sql_on": "${fct_invoices.organization_id} = ${customer.organization_id} AND "
            "${fct_invoices.customer_id} = ${customer.contact_id}",
        }
    ]
    # The "one" sides' keys: the (organization, Zoho id) pair, and the organization id itself.
    accounts_key = _first_dimension(out, "dim_accounts")
    assert (accounts_key["name"], accounts_key["primary_key"], accounts_key["hidden"]) == (
        "primary_key",
        "yes",
        "yes",
    )
    assert accounts_key["sql"] == (
        "COALESCE(CAST(${TABLE}.organization_id AS VARCHAR), '') || '|' || "
        "COALESCE(CAST(${TABLE}.account_id AS VARCHAR), '')"
    )
    organizations_key = _first_dimension(out, "dim_organizations")
    assert organizations_key["name"] == "organization_id"
    assert (organizations_key["primary_key"], organizations_key["hidden"]) == ("yes", "yes")


def test_the_whole_key_join_keeps_one_row_per_fact_row_when_ids_repeat_across_organizations(
    sandbox_duckdb_build: BuiltProject, generated: Generated, tmp_path: Path
) -> None:
    """Zoho ids are unique only within an organization. Give another organization an account and a contact
    with the same ids as existing ones: the generated joins still meet one row, a join on the id alone
    would not."""
    _, out = generated
    assert sandbox_duckdb_build.duckdb is not None
    with duckdb.connect(str(sandbox_duckdb_build.duckdb)) as con:
        con.execute("checkpoint")
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sandbox_duckdb_build.duckdb, copy)
    project = load_project(out)
    with duckdb.connect(str(copy)) as con:
        for dim, key, fact, fact_column in (
            ("dim_accounts", "account_id", "fct_general_ledger", "account_id"),
            ("dim_contacts", "contact_id", "fct_invoices", "customer_id"),
        ):
            con.execute(
                f"create temp table twins as select * from zoho_books.{dim} where {key} in "
                f"(select {fact_column} from zoho_books.{fact})"
            )
            con.execute("update twins set organization_id = 'another-organization'")
            assert _count(con, "select count(*) from twins") > 0
            con.execute(f"insert into zoho_books.{dim} select * from twins")
            con.execute("drop table twins")
        for explore_name in ("fct_general_ledger", "fct_invoices"):
            explore = project.explores[explore_name]
            (join,) = explore.joins
            expander = Expander(project, {explore_name: explore_name, join.name: join.view})
            on = expander.sql(str(join.data["sql_on"]), join.name)
            facts = _count(con, f"select count(*) from zoho_books.{explore_name}")
            joined = _count(
                con,
                f"select count(*) from zoho_books.{explore_name} as {explore_name} "
                f"left join zoho_books.{join.view} as {join.name} on {on}",
            )
            assert joined == facts > 0, explore_name
        # What the join on account_id alone (the relationships test's column) would have done.
        fanned = _count(
            con,
            "select count(*) from zoho_books.fct_general_ledger as l "
            "left join zoho_books.dim_accounts as a on l.account_id = a.account_id",
        )
        assert fanned > _count(con, "select count(*) from zoho_books.fct_general_ledger")


def test_generated_files_match_the_golden_files_byte_for_byte(generated: Generated) -> None:
    _, out = generated
    assert_matches_golden(out, GOLDEN)


def test_two_generations_give_the_same_bytes(
    sandbox_duckdb_build: BuiltProject, generated: Generated, tmp_path: Path
) -> None:
    first, out = generated
    again = generate_lookml(sandbox_duckdb_build.manifest, tmp_path, dialect="duckdb")
    assert again.files == first.files
    assert len(again.files) == 2 + MARTS + len(again.explores) + len(again.dashboards)
    for relative in again.files:
        assert (tmp_path / relative).read_bytes() == (out / relative).read_bytes(), relative
    rewritten = generate_lookml(sandbox_duckdb_build.manifest, tmp_path, dialect="duckdb")
    assert rewritten.write is not None
    assert rewritten.write.written == ()


def test_check_runs_every_field_join_and_datagroup_on_duckdb(
    sandbox_duckdb_build: BuiltProject, generated: Generated
) -> None:
    _, out = generated
    assert sandbox_duckdb_build.duckdb is not None
    with DuckDBRunner(sandbox_duckdb_build.duckdb) as runner:
        result = check_lookml(out, runner)
    assert [str(f) for f in result.failures] == []
    assert result.checked == count_statements(out) > 600


def test_check_names_the_file_and_line_of_a_broken_column_on_duckdb(
    sandbox_duckdb_build: BuiltProject, generated: Generated, tmp_path: Path
) -> None:
    _, out = generated
    broken = tmp_path / "lookml"
    shutil.copytree(out, broken)
    view = broken / "generated/views/dim_contacts.view.lkml"
    text = view.read_text()
    assert text.count("sql: ${TABLE}.contact_id ;;") == 1
    view.write_text(text.replace("sql: ${TABLE}.contact_id ;;", "sql: ${TABLE}.contact_number ;;"))
    assert sandbox_duckdb_build.duckdb is not None
    with DuckDBRunner(sandbox_duckdb_build.duckdb) as runner:
        result = check_lookml(broken, runner)
    explore = broken / "generated/explores/fct_invoices.explore.lkml"
    assert [(f.file, f.line, f.what, f.name) for f in result.failures] == [
        ("generated/explores/fct_invoices.explore.lkml", line_of(explore, "join: customer {"), "join",
         "fct_invoices.customer"),
        ("generated/views/dim_contacts.view.lkml", line_of(view, "dimension: contact_id {"), "dimension",
         "dim_contacts.contact_id"),
    ]  # fmt: skip
    assert all("contact_number" in f.error for f in result.failures)
    assert str(result.failures[1]).startswith(
        f"generated/views/dim_contacts.view.lkml:{line_of(view, 'dimension: contact_id {')}: dimension "
    )


@pytest.mark.postgres
def test_postgres_marts_check_clean_and_a_broken_column_is_caught(
    sandbox_postgres_build: BuiltProject, tmp_path: Path
) -> None:
    assert sandbox_postgres_build.postgres_dsn is not None
    out = tmp_path / "lookml"
    result = generate_lookml(sandbox_postgres_build.manifest, out, dialect="postgres")
    assert result.warnings == ()
    assert result.schema == "zoho_books"
    assert [str(f) for f in lint_lookml(out)] == []
    with PostgresRunner(sandbox_postgres_build.postgres_dsn) as runner:
        checked = check_lookml(out, runner)
    assert [str(f) for f in checked.failures] == []
    assert checked.checked == count_statements(out) > 600

    # Another dbt run, on another warehouse, gives the same manifest content and so the same bytes.
    again = tmp_path / "again"
    generate_lookml(sandbox_postgres_build.manifest, again, dialect="duckdb")
    assert_matches_golden(again, GOLDEN, may_update=False)

    ledger = "generated/views/fct_general_ledger.view.lkml"
    view = out / ledger
    text = view.read_text()
    assert text.count("sql: ${TABLE}.net_base ;;") == 1
    view.write_text(text.replace("sql: ${TABLE}.net_base ;;", "sql: ${TABLE}.net_bse ;;"))
    with PostgresRunner(sandbox_postgres_build.postgres_dsn) as runner:
        checked = check_lookml(out, runner)
    assert [(f.file, f.line, f.what, f.name) for f in checked.failures] == [
        (ledger, line_of(view, "dimension: net_base {"), "dimension", "fct_general_ledger.net_base"),
        (ledger, line_of(view, "measure: total_net_base {"), "measure", "fct_general_ledger.total_net_base"),
    ]
    assert all("column fct_general_ledger.net_bse does not exist" in f.error for f in checked.failures)
