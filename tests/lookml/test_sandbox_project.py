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
from decimal import Decimal
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
MARTS = 23

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


def _dimension(out: Path, view: str, position: int) -> dict[str, Any]:
    parsed = lkml.load((out / f"generated/views/{view}.view.lkml").read_text())
    found: dict[str, Any] = parsed["views"][0]["dimensions"][position]
    return found


def test_the_marts_generate_without_warnings_and_lint_clean(generated: Generated) -> None:
    result, out = generated
    assert result.warnings == ()
    assert len(result.views) == MARTS
    assert [str(f) for f in lint_lookml(out)] == []


def _on(*pairs: tuple[str, str]) -> str:
    """Each join meets the whole key of its "one" side, on its LAMS Primary Key Dimensions ``pk{n}_<column>``
    (``n`` the columns of the key; a date key column by its column name)."""

    def key(right: str) -> str:
        alias, column = right.split(".")
        return f"{alias}.pk{len(pairs)}_{column.removesuffix('_raw')}"

    return " AND ".join(f"${{{left}}} = ${{{key(right)}}}" for left, right in pairs)


def _join(
    name: str, sql_on: str, relationship: str = "many_to_one", view: str | None = None
) -> dict[str, str]:
    join = {"name": name}
    if view is not None:
        join.update({"from": view, "view_label": name.capitalize()})
    join.update(type="left_outer", relationship=relationship, sql_on=sql_on)
    return join


def _organization(base: str) -> dict[str, str]:
    return _join("dim_organizations", _on((f"{base}.organization_id", "dim_organizations.organization_id")))


def _by_org(left: str, right: str, left_id: str, right_id: str) -> str:
    return _on(
        (f"{left}.organization_id", f"{right}.organization_id"), (f"{left}.{left_id}", f"{right}.{right_id}")
    )


def _account(left: str) -> dict[str, str]:
    return _join("dim_accounts", _by_org(left, "dim_accounts", "account_id", "account_id"))


def _item(left: str) -> dict[str, str]:
    return _join("dim_items", _by_org(left, "dim_items", "item_id", "item_id"))


def _contact(left: str, role: str) -> dict[str, str]:
    return _join(role, _by_org(left, role, f"{role}_id", "contact_id"), view="dim_contacts")


# Every explore's joins, in order: the "one" sides met on their whole key, many_to_one; a header's explore
# does not join its lines (D111), the line explore reaches the header and its customer or vendor. Each join
# offers its view's dimensions only (``fields``, checked apart).
EXPECTED_JOINS: dict[str, list[dict[str, str]]] = {
    "fct_general_ledger": [
        _organization("fct_general_ledger"),
        _account("fct_general_ledger"),
        _join("dim_contacts", _by_org("fct_general_ledger", "dim_contacts", "contact_id", "contact_id")),
        _join(
            "fct_exchange_rates_daily",
            _on(
                ("fct_general_ledger.organization_id", "fct_exchange_rates_daily.organization_id"),
                ("fct_general_ledger.transaction_currency", "fct_exchange_rates_daily.currency_code"),
                ("fct_general_ledger.posting_raw", "fct_exchange_rates_daily.rate_date"),
            ),
        ),
    ],
    "fct_invoices": [_organization("fct_invoices"), _contact("fct_invoices", "customer")],
    "fct_invoice_lines": [
        _organization("fct_invoice_lines"),
        _account("fct_invoice_lines"),
        _join("fct_invoices", _by_org("fct_invoice_lines", "fct_invoices", "invoice_id", "invoice_id")),
        _item("fct_invoice_lines"),
        _contact("fct_invoices", "customer"),
    ],
    "fct_bills": [_organization("fct_bills"), _contact("fct_bills", "vendor")],
    "fct_bill_lines": [
        _organization("fct_bill_lines"),
        _account("fct_bill_lines"),
        _join("fct_bills", _by_org("fct_bill_lines", "fct_bills", "bill_id", "bill_id")),
        _item("fct_bill_lines"),
        _contact("fct_bills", "vendor"),
    ],
    "fct_credit_notes": [_organization("fct_credit_notes"), _contact("fct_credit_notes", "customer")],
    "fct_customer_payments": [
        _organization("fct_customer_payments"),
        _contact("fct_customer_payments", "customer"),
    ],
    "fct_vendor_payments": [_organization("fct_vendor_payments"), _contact("fct_vendor_payments", "vendor")],
    "fct_purchase_orders": [_organization("fct_purchase_orders"), _contact("fct_purchase_orders", "vendor")],
    "fct_expenses": [
        _organization("fct_expenses"),
        _account("fct_expenses"),
        _contact("fct_expenses", "customer"),
        _contact("fct_expenses", "vendor"),
    ],
    "fct_exchange_rates_daily": [_organization("fct_exchange_rates_daily")],
    "rpt_ar_aging": [_organization("rpt_ar_aging"), _contact("rpt_ar_aging", "customer")],
    "rpt_ap_aging": [_organization("rpt_ap_aging"), _contact("rpt_ap_aging", "vendor")],
    "rpt_balance_sheet": [_organization("rpt_balance_sheet"), _account("rpt_balance_sheet")],
    "rpt_gl_reconciliation": [_organization("rpt_gl_reconciliation"), _account("rpt_gl_reconciliation")],
    "rpt_gl_reconciliation_differences": [
        _organization("rpt_gl_reconciliation_differences"),
        _account("rpt_gl_reconciliation_differences"),
    ],
    "rpt_profit_and_loss": [_organization("rpt_profit_and_loss"), _account("rpt_profit_and_loss")],
    "rpt_trial_balance": [_organization("rpt_trial_balance"), _account("rpt_trial_balance")],
}
# The "one" sides keyed within an organization (ids, and a rate per currency and day), and their key.
ORGANIZATION_SCOPED_KEYS = {
    "dim_accounts": "organization_id, account_id",
    "dim_contacts": "organization_id, contact_id",
    "dim_items": "organization_id, item_id",
    "fct_invoices": "organization_id, invoice_id",
    "fct_bills": "organization_id, bill_id",
    "fct_exchange_rates_daily": "organization_id, currency_code, rate_date",
}


def test_facts_join_dimensions_on_their_whole_key_many_to_one(generated: Generated) -> None:
    _, out = generated
    explores = sorted(p.name.removesuffix(".explore.lkml") for p in (out / "generated/explores").iterdir())
    assert explores == sorted(EXPECTED_JOINS)
    for name, joins in EXPECTED_JOINS.items():
        written = _explore(out, name)["joins"]
        assert [{k: v for k, v in j.items() if k != "fields"} for j in written] == joins, name
        for join in written:
            view = lkml.load(
                (out / f"generated/views/{join.get('from', join['name'])}.view.lkml").read_text()
            )
            assert not set(join["fields"]) & {m["name"] for m in view["views"][0]["measures"]}, (name, join)
    # The "one" sides' keys: the (organization, Zoho id) pair, and the organization id itself.
    # (LAMS K1/K8: pk2_ dimensions per column first, then the key that concatenates them.)
    accounts_key = _dimension(out, "dim_accounts", 2)
    assert (accounts_key["name"], accounts_key["primary_key"], accounts_key["hidden"]) == (
        "primary_key",
        "yes",
        "yes",
    )
    assert accounts_key["sql"] == (
        "COALESCE(CAST(${pk2_organization_id} AS VARCHAR), '') || '|' || "
        "COALESCE(CAST(${pk2_account_id} AS VARCHAR), '')"
    )
    for view, key in ORGANIZATION_SCOPED_KEYS.items():
        columns = key.split(", ")
        pks = [_dimension(out, view, i) for i in range(len(columns))]
        assert [(d["name"], d["hidden"]) for d in pks] == [(f"pk{len(columns)}_{c}", "yes") for c in columns]
        first = _dimension(out, view, len(columns))
        assert (first["name"], first["primary_key"], first["hidden"]) == ("primary_key", "yes", "yes"), view
        assert first["description"] == f"Key of the row: {key} (the dbt primary key).", view
    organizations_key = _dimension(out, "dim_organizations", 0)
    assert organizations_key["name"] == "pk1_organization_id"
    assert (organizations_key["primary_key"], organizations_key["hidden"]) == ("yes", "yes")


def test_the_whole_key_joins_keep_one_row_per_fact_row_when_ids_repeat_across_organizations(
    sandbox_duckdb_build: BuiltProject, generated: Generated, tmp_path: Path
) -> None:
    """Zoho ids are unique only within an organization, and so are the rates. Copy every row of each "one"
    side keyed within an organization into another organization, under the same ids: each explore's joins,
    run cumulatively in order, keep one row per base row, where the same join without its organization_id
    condition fans out."""
    _, out = generated
    assert sandbox_duckdb_build.duckdb is not None
    with duckdb.connect(str(sandbox_duckdb_build.duckdb)) as con:
        con.execute("checkpoint")
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sandbox_duckdb_build.duckdb, copy)
    project = load_project(out)
    with duckdb.connect(str(copy)) as con:
        # The sandbox's ledger reconciles, so its differences report is empty: give it a row per
        # reconciliation row (ids as there) so its joins are counted too.
        con.execute(
            "insert into zoho_books.rpt_gl_reconciliation_differences (difference_key, organization_id,"
            " zoho_transaction_type, source_id, account_id, period_month) select reconciliation_key,"
            " organization_id, zoho_transaction_type, 'x', account_id, period_month"
            " from zoho_books.rpt_gl_reconciliation"
        )
        for table in ORGANIZATION_SCOPED_KEYS:
            rows = _count(con, f"select count(*) from zoho_books.{table}")
            con.execute(
                f"insert into zoho_books.{table} "
                f"select * replace ('another-organization' as organization_id) from zoho_books.{table}"
            )
            assert _count(con, f"select count(*) from zoho_books.{table}") == 2 * rows > 0, table
        checked = 0
        for explore_name, explore in sorted(project.explores.items()):
            expander = Expander(
                project, {explore_name: explore_name} | {j.name: j.view for j in explore.joins}
            )
            query = f"select count(*) from zoho_books.{explore_name} as {explore_name}"
            rows = _count(con, query)
            assert rows > 0, explore_name
            for join in explore.joins:
                relation = f" left join zoho_books.{join.view} as {join.name} on "
                sql_on = str(join.data["sql_on"])
                joined = _count(con, query + relation + expander.sql(sql_on, join.name))
                assert join.data["relationship"] == "many_to_one"
                assert joined == rows, (explore_name, join.name)
                # The same join on its ids alone (nothing left of a join on the organization itself).
                ids_alone = [c for c in sql_on.split(" AND ") if ".organization_id}" not in c]
                if ids_alone:
                    fanned = _count(con, query + relation + expander.sql(" AND ".join(ids_alone), join.name))
                    assert fanned > joined, (explore_name, join.name)
                query += relation + expander.sql(sql_on, join.name)
                rows = joined
                checked += 1
        assert checked == sum(len(joins) for joins in EXPECTED_JOINS.values()) == 45


def test_every_ledger_row_meets_its_days_rate_and_the_base_currency_is_1(
    sandbox_duckdb_build: BuiltProject, generated: Generated
) -> None:
    """The rate table has rows for the base currency too (rate_source base, rate 1, from the organization's
    first quoted day), so through the generated join every sandbox ledger row finds its day's rate."""
    _, out = generated
    project = load_project(out)
    (join,) = (
        j for j in project.explores["fct_general_ledger"].joins if j.name == "fct_exchange_rates_daily"
    )
    expander = Expander(project, {"fct_general_ledger": "fct_general_ledger", join.name: join.view})
    on = expander.sql(str(join.data["sql_on"]), join.name)
    assert sandbox_duckdb_build.duckdb is not None
    with duckdb.connect(str(sandbox_duckdb_build.duckdb), read_only=True) as con:
        rows = con.execute(
            "select in_base_currency, base_rate, count(*), count(rate), min(rate), max(rate) from ("
            "select fct_general_ledger.transaction_currency = fct_general_ledger.base_currency"
            " as in_base_currency, fct_exchange_rates_daily.rate_source = 'base' as base_rate,"
            " fct_exchange_rates_daily.rate from zoho_books.fct_general_ledger as fct_general_ledger"
            f" left join zoho_books.fct_exchange_rates_daily as fct_exchange_rates_daily on {on}"
            ") group by 1, 2 order by 1, 2"
        ).fetchall()
    (foreign, foreign_is_base, foreign_rows, foreign_rates, _, _), (base, base_is_base, *base_rest) = rows
    assert (foreign, foreign_is_base, base, base_is_base) == (False, False, True, True)
    assert foreign_rows == foreign_rates > 0
    base_rows, base_rates, lowest, highest = base_rest
    assert base_rows == base_rates > 0
    assert lowest == highest == Decimal(1)


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
    assert text.count("sql: ${TABLE}.contact_id ;;") == 2  # the pk2_ key dimension and the plain one
    view.write_text(text.replace("sql: ${TABLE}.contact_id ;;", "sql: ${TABLE}.contact_number ;;"))
    assert sandbox_duckdb_build.duckdb is not None
    with DuckDBRunner(sandbox_duckdb_build.duckdb) as runner:
        result = check_lookml(broken, runner)
    # Every join to dim_contacts (a customer, a vendor, the ledger's contact) fails, by its own line.
    contact_joins = [
        (name, join["name"])
        for name, joins in sorted(EXPECTED_JOINS.items())
        for join in joins
        if "dim_contacts" in (join["name"], join.get("from"))
    ]
    assert len(contact_joins) == 13
    assert [(f.file, f.line, f.what, f.name) for f in result.failures] == [
        *(
            (file, line_of(broken / file, f"join: {join} {{"), "join", f"{name}.{join}")
            for name, join in contact_joins
            for file in [f"generated/explores/{name}.explore.lkml"]
        ),
        ("generated/views/dim_contacts.view.lkml", line_of(view, "dimension: pk2_contact_id {"), "dimension",
         "dim_contacts.pk2_contact_id"),
        ("generated/views/dim_contacts.view.lkml", line_of(view, "dimension: primary_key {"), "dimension",
         "dim_contacts.primary_key"),
        ("generated/views/dim_contacts.view.lkml", line_of(view, "dimension: contact_id {"), "dimension",
         "dim_contacts.contact_id"),
    ]  # fmt: skip
    assert all("contact_number" in f.error for f in result.failures)
    assert str(result.failures[-1]).startswith(
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
        (ledger, line_of(view, "measure: total_net_base_unchecked {"), "measure",
         "fct_general_ledger.total_net_base_unchecked"),
    ]  # fmt: skip
    assert all("column fct_general_ledger.net_bse does not exist" in f.error for f in checked.failures)
