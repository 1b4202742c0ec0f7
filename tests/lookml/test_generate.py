"""Generated LookML from the fixture dbt project: golden files, determinism, and the rules each file meets.

Golden files live in tests/lookml/golden/fixture/. After an intended change of the output, regenerate them
with ``LOOKML_UPDATE_GOLDEN=1 .venv/bin/pytest tests/lookml/test_generate.py`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lkml
import pytest
import yaml

from lookml.dialects import UnsupportedDialect, dialect_for
from lookml.generate import generate_lookml
from tests.lookml.conftest import GOLDEN_ROOT, assert_matches_golden

GOLDEN = GOLDEN_ROOT / "fixture"


def _generate(manifest: Path, out: Path, **options: Any) -> Any:
    return generate_lookml(manifest, out, dialect=options.pop("dialect", "duckdb"), **options)


def _load(out: Path, relative: str) -> dict[str, Any]:
    parsed: dict[str, Any] = lkml.load((out / relative).read_text(encoding="utf-8"))
    return parsed


def _view(out: Path, name: str) -> dict[str, Any]:
    view: dict[str, Any] = _load(out, f"generated/views/{name}.view.lkml")["views"][0]
    return view


def _fields(view: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in view.get(kind, [])}


@pytest.fixture(scope="module")
def generated(fixture_build: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lookml_out")
    _generate(fixture_build.manifest, out)
    return out


def test_generated_files_match_the_golden_files_byte_for_byte(generated: Path) -> None:
    assert_matches_golden(generated, GOLDEN)


def test_same_manifest_gives_the_same_bytes_even_from_another_dbt_run(
    fixture_build: Any, generated: Path, tmp_path: Path
) -> None:
    manifest = json.loads(fixture_build.manifest.read_text())
    manifest["metadata"]["invocation_id"] = "another-run"
    manifest["metadata"]["generated_at"] = "2030-01-01T00:00:00Z"
    rerun = tmp_path / "manifest.json"
    rerun.write_text(json.dumps(manifest, indent=1))
    again = tmp_path / "out"
    result = _generate(rerun, again)
    assert result.files
    for relative in result.files:
        assert (again / relative).read_bytes() == (generated / relative).read_bytes(), relative
    # Writing the same output over itself changes nothing on disk.
    second = _generate(rerun, again)
    assert second.write is not None
    assert second.write.written == ()
    assert set(second.write.unchanged) == set(result.files)


def test_every_written_file_parses_back(generated: Path) -> None:
    lkml_files = sorted(generated.rglob("*.lkml"))
    assert len(lkml_files) == 15  # 8 views, 5 explores, model, manifest
    for path in lkml_files:
        assert lkml.load(path.read_text()), path
    dashboards = sorted(generated.rglob("*.dashboard.lookml"))
    assert [p.name for p in dashboards] == ["month_end_close.dashboard.lookml"]
    document = yaml.safe_load(dashboards[0].read_text())
    assert document[0]["dashboard"] == "month_end_close"


def test_view_has_typed_fields_a_hidden_first_primary_key_and_an_audit_group(generated: Path) -> None:
    view = _view(generated, "fct_general_ledger")
    assert view["sql_table_name"] == "@{schema}.fct_general_ledger"
    dimensions = _fields(view, "dimensions")
    first = view["dimensions"][0]
    # LAMS K1/K3/K4: the Primary Key Dimension pk1_<column>, first and hidden; the column keeps its name too.
    assert (first["name"], first["primary_key"], first["hidden"]) == ("pk1_gl_entry_id", "yes", "yes")
    assert first["sql"] == "${TABLE}.gl_entry_id"
    assert (dimensions["gl_entry_id"]["hidden"], "primary_key" in dimensions["gl_entry_id"]) == ("yes", False)
    # LAMS F3: the count is filtered on the key, not null.
    assert _fields(view, "measures")["count"]["filters__all"] == [[{"pk1_gl_entry_id": "-NULL"}]]
    assert all("type" in d for d in view["dimensions"] + view["dimension_groups"] + view["measures"])
    assert dimensions["source_type"]["type"] == "string"
    assert dimensions["exchange_rate"]["type"] == "number"
    assert "hidden" not in dimensions["exchange_rate"]  # a rate is not money
    groups = _fields(view, "dimension_groups")
    assert groups["posting"]["datatype"] == "date"
    assert groups["posting"]["convert_tz"] == "no"
    assert groups["posting"]["sql"] == "${TABLE}.posting_date"
    assert groups["synced"]["datatype"] == "timestamp"
    assert groups["synced"]["group_label"] == "Audit"
    for audit in ("zoho_organization_id", "zoho_source_id", "load_id"):
        assert dimensions[audit]["group_label"] == "Audit"
    assert dimensions["load_id"]["sql"] == "${TABLE}._load_id"
    assert dimensions["account_id"]["description"] == "Account posted to."


def test_money_is_hidden_behind_measures_by_currency_base_and_transaction_checked(generated: Path) -> None:
    """Reporting amounts are plain sums; base and transaction amounts are empty when the result mixes
    currencies (their currency column counted), behind a hidden unchecked sum (D109)."""
    view = _view(generated, "fct_general_ledger")
    dimensions, measures = _fields(view, "dimensions"), _fields(view, "measures")
    for column in ("debit_base", "credit_base", "net_base", "net_transaction", "net_reporting"):
        assert dimensions[column]["hidden"] == "yes"
    assert measures["total_net_reporting"]["type"] == "sum"
    assert measures["total_net_reporting"]["sql"] == "${net_reporting}"
    assert measures["total_net_reporting"]["value_format_name"] == "usd"
    assert measures["total_net_reporting"]["label"] == "Total Net Reporting (USD)"
    for column, counted in (("net_base", "organization_id"), ("net_transaction", "transaction_currency")):
        checked, unchecked = measures[f"total_{column}"], measures[f"total_{column}_unchecked"]
        assert checked["type"] == "number"
        assert checked["sql"] == (
            f"CASE WHEN ${{{counted}_count}} > 1 THEN NULL ELSE ${{total_{column}_unchecked}} END"
        )
        assert (unchecked["type"], unchecked["hidden"], unchecked["sql"]) == ("sum", "yes", f"${{{column}}}")
        assert measures[f"{counted}_count"]["type"] == "count_distinct"
    assert measures["total_net_base"]["value_format_name"] == "decimal_2"
    assert measures["total_net_base"]["label"] == "Total Net Base (base currency)"
    assert measures["total_net_base"]["group_label"] == "Base currency"
    assert measures["total_net_transaction"]["label"] == "Total Net Transaction (transaction currency)"
    assert measures["count"]["type"] == "count"
    # meta: {measure: count_distinct} in the dbt YAML
    assert measures["count_distinct_source_id"]["type"] == "count_distinct"
    assert measures["hours_since_synced"]["group_label"] == "Audit"
    lines = _fields(_view(generated, "fct_invoice_lines"), "measures")
    assert lines["total_quantity"]["type"] == "sum"  # meta measure on a non-money column
    assert "value_format_name" not in lines["total_quantity"]
    # The trial balance's movements add up; the fixture declares no balance.
    trial_balance = _fields(_view(generated, "rpt_trial_balance"), "measures")
    assert trial_balance["total_balance_reporting"]["type"] == "sum"


def test_reporting_currency_without_a_builtin_format_is_labelled(fixture_build: Any, tmp_path: Path) -> None:
    _generate(fixture_build.manifest, tmp_path, reporting_currency="JPY")
    measures = _fields(_view(tmp_path, "fct_general_ledger"), "measures")
    assert measures["total_net_reporting"]["value_format_name"] == "decimal_2"
    assert measures["total_net_reporting"]["label"] == "Total Net Reporting (JPY)"
    _generate(fixture_build.manifest, tmp_path, reporting_currency="EUR")
    assert (
        _fields(_view(tmp_path, "fct_general_ledger"), "measures")["total_net_reporting"]["value_format_name"]
        == "eur"
    )


def test_compound_key_becomes_one_hidden_key_dimension(generated: Path) -> None:
    view = _view(generated, "fct_exchange_rates_daily")
    columns = ("organization_id", "currency_code", "rate_date")
    # LAMS K1/K3/K8: one pk3_ dimension per key column first, then the key that concatenates all three.
    assert [(d["name"], d["hidden"], d["sql"]) for d in view["dimensions"][:3]] == [
        (f"pk3_{c}", "yes", f"${{TABLE}}.{c}") for c in columns
    ]
    key = view["dimensions"][3]
    assert (key["name"], key["primary_key"], key["hidden"]) == ("primary_key", "yes", "yes")
    for column in columns:
        assert f"${{pk3_{column}}}" in key["sql"]
    assert not any("primary_key" in d for d in view["dimensions"][:3])
    assert _fields(view, "measures")["average_rate_to_base"]["type"] == "average"


def _explore(out: Path, name: str) -> dict[str, Any]:
    explore: dict[str, Any] = _load(out, f"generated/explores/{name}.explore.lkml")["explores"][0]
    return explore


def test_ledger_explore_joins_accounts_contacts_organizations_and_rates(generated: Path) -> None:
    explore = _explore(generated, "fct_general_ledger")
    joins = {j["name"]: j for j in explore["joins"]}
    assert sorted(joins) == ["dim_accounts", "dim_contacts", "dim_organizations", "fct_exchange_rates_daily"]
    for join in joins.values():
        assert (join["type"], join["relationship"]) == ("left_outer", "many_to_one")
    assert (
        joins["dim_accounts"]["sql_on"] == "${fct_general_ledger.account_id} = ${dim_accounts.pk1_account_id}"
    )
    assert joins["fct_exchange_rates_daily"]["sql_on"] == (
        "${fct_general_ledger.organization_id} = ${fct_exchange_rates_daily.pk3_organization_id} AND "
        "${fct_general_ledger.transaction_currency} = ${fct_exchange_rates_daily.pk3_currency_code} AND "
        "${fct_general_ledger.posting_raw} = ${fct_exchange_rates_daily.pk3_rate_date}"
    )


def test_invoice_explore_joins_the_customer_not_its_lines(generated: Path) -> None:
    """Grouped by a line's account, an invoice total would count once per account of its lines (D111)."""
    explore = _explore(generated, "fct_invoices")
    joins = {j["name"]: j for j in explore["joins"]}
    assert sorted(joins) == ["customer", "dim_organizations"]
    assert joins["customer"]["from"] == "dim_contacts"
    assert joins["customer"]["sql_on"] == "${fct_invoices.customer_id} = ${customer.pk1_contact_id}"
    assert "count" not in joins["customer"]["fields"]  # joins offer dimensions only
    assert explore["access_filters"] == [
        {"field": "fct_invoices.organization_id", "user_attribute": "zoho_books_organization_id"}
    ]
    # The lines' explore reaches its header and, through the lines, their account; the fixture's lines have
    # no organization id, so the access filter uses the joined one.
    lines = _explore(generated, "fct_invoice_lines")
    joined = {j["name"]: j for j in lines["joins"]}
    assert joined["fct_invoices"]["relationship"] == "many_to_one"
    assert (
        joined["dim_accounts"]["sql_on"] == "${fct_invoice_lines.account_id} = ${dim_accounts.pk1_account_id}"
    )
    assert lines["access_filters"][0]["field"] == "dim_organizations.organization_id"
    explores = sorted(p.name for p in (generated / "generated/explores").iterdir())
    assert "rpt_trial_balance.explore.lkml" in explores  # reports are explores of their own
    assert "dim_accounts.explore.lkml" not in explores


def test_model_has_connection_includes_datagroup_and_persist_with(generated: Path) -> None:
    model = _load(generated, "zoho_books.model.lkml")
    assert model["connection"] == "@{connection}"
    assert model["includes"] == [
        "/generated/views/*.view.lkml",
        "/generated/explores/*.explore.lkml",
        "/generated/dashboards/*.dashboard",
    ]
    (datagroup,) = model["datagroups"]
    assert datagroup["name"] == "zoho_books_sync"
    assert datagroup["sql_trigger"] == "SELECT MAX(_synced_at) FROM @{schema}.fct_general_ledger"
    assert datagroup["max_cache_age"] == "24 hours"
    assert model["persist_with"] == "zoho_books_sync"
    constants = {c["name"]: c["value"] for c in _load(generated, "manifest.lkml")["constants"]}
    assert constants == {"connection": "warehouse", "schema": "zoho_books"}


def test_dashboard_tiles_reference_only_generated_fields(generated: Path) -> None:
    (dashboard,) = yaml.safe_load(
        (generated / "generated/dashboards/month_end_close.dashboard.lookml").read_text()
    )
    titles = [e["title"] for e in dashboard["elements"]]
    assert titles == ["Trial balance", "Hours since the last sync", "Last sync landed"]
    explores = {name: _explore(generated, name) for name in {e["explore"] for e in dashboard["elements"]}}
    for element in dashboard["elements"]:
        aliases = {j["name"]: j.get("from", j["name"]) for j in explores[element["explore"]]["joins"]}
        for reference in [*element["fields"], *element["listen"].values()]:
            alias, name = reference.split(".")
            text = (generated / f"generated/views/{aliases.get(alias, alias)}.view.lkml").read_text()
            assert f": {name} {{" in text or f": {name.rsplit('_', 1)[0]} {{" in text, reference


def test_user_refinements_are_never_touched_and_are_included(fixture_build: Any, tmp_path: Path) -> None:
    refinement = tmp_path / "refinements" / "ledger.lkml"
    refinement.parent.mkdir(parents=True)
    text = (
        "view: +fct_general_ledger {\n  dimension: is_debit {\n    type: yesno\n"
        "    sql: ${debit_base} > 0 ;;\n  }\n}\n"
    )
    refinement.write_text(text)
    stale = tmp_path / "generated" / "views" / "dropped_mart.view.lkml"
    stale.parent.mkdir(parents=True)
    stale.write_text("view: dropped_mart {}\n")
    result = _generate(fixture_build.manifest, tmp_path)
    assert refinement.read_text() == text
    assert not stale.exists()
    assert result.write is not None
    assert "generated/views/dropped_mart.view.lkml" in result.write.removed
    model = _load(tmp_path, "zoho_books.model.lkml")
    assert model["includes"][-1] == "/refinements/**/*.lkml"


def test_dialects_come_from_the_warehouse_destination(fixture_build: Any, tmp_path: Path) -> None:
    assert dialect_for("duckdb").name == "duckdb"
    assert dialect_for("motherduck").name == "postgres"
    with pytest.raises(UnsupportedDialect, match="mssql"):
        dialect_for("mssql")
    _generate(fixture_build.manifest, tmp_path / "bq", dialect="bigquery")
    _generate(fixture_build.manifest, tmp_path / "sf", dialect="snowflake")
    bq_view = _view(tmp_path / "bq", "fct_exchange_rates_daily")
    sf_view = _view(tmp_path / "sf", "fct_exchange_rates_daily")
    assert "CAST(${pk3_organization_id} AS STRING)" in bq_view["dimensions"][3]["sql"]
    assert "CAST(${pk3_organization_id} AS VARCHAR)" in sf_view["dimensions"][3]["sql"]
    bq_hours = _fields(_view(tmp_path / "bq", "fct_general_ledger"), "measures")["hours_since_synced"]
    sf_hours = _fields(_view(tmp_path / "sf", "fct_general_ledger"), "measures")["hours_since_synced"]
    assert bq_hours["sql"].startswith("TIMESTAMP_DIFF(CURRENT_TIMESTAMP()")
    assert sf_hours["sql"].startswith("DATEDIFF('second'")


def test_type_mapping() -> None:
    from lookml.dialects import Kind

    postgres, bigquery = dialect_for("postgres"), dialect_for("bigquery")
    assert postgres.kind("character varying(32)") is Kind.STRING
    assert postgres.kind("numeric(18,2)") is Kind.NUMBER
    assert postgres.kind("timestamp with time zone") is Kind.TIMESTAMP
    assert postgres.kind("DATE") is Kind.DATE
    assert postgres.kind("boolean") is Kind.YESNO
    assert bigquery.kind("DATETIME") is Kind.DATETIME
    assert postgres.kind("datetime") is Kind.TIMESTAMP
    assert postgres.kind("geometry") is None
    assert postgres.is_decimal("decimal(18,2)")
    assert not postgres.is_decimal("double")
    assert dialect_for("snowflake").is_decimal("NUMBER(38,2)")
    assert not dialect_for("snowflake").is_decimal("NUMBER(38,0)")
