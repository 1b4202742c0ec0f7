"""Staging reads only what the raw schema declares.

An organization that never used a feature sends no member for it, and dlt makes no column for a member no
record had. The endpoint table (``loader/zoho/endpoints.py``) declares every member the models read, so the
pipeline creates those columns anyway (as NULL). This test loads a raw schema in which each table has ONE
record carrying nothing but its id (and the audit columns): only the declared columns exist. Every staging
model must still build over it; a model reading an undeclared member fails here with the member's name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import duckdb

from loader.extract.hints import nested_hints, table_columns, typed_record
from loader.transform.dbt_runner import DbtTarget, run_dbt
from loader.zoho.endpoints import ALL_ENDPOINTS, Endpoint, Fields

ORG = "4000001"


def _placeholder(fields: Fields) -> dict[str, Any]:
    """One child row: dlt makes no table for an empty list and drops NULL-only members: one value."""
    if fields.texts:
        return {fields.texts[0]: "x"}
    if fields.decimals:
        return {fields.decimals[0]: Decimal(0)}
    return {"placeholder": "x"}


def _bare_record(endpoint: Endpoint) -> dict[str, Any]:
    record: dict[str, Any] = {endpoint.id_field: "1"}
    for path, fields in endpoint.children.items():
        head, *rest = path.split(".")
        node: dict[str, Any] = record
        for step in [head, *rest][:-1]:
            node = node.setdefault(step, [{}])[0]
        node[path.split(".")[-1]] = [_placeholder(fields)]
    return record


def _load_bare_raw_schema(database: Path, pipelines: Path) -> None:
    synced_at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    pipeline = dlt.pipeline(
        pipeline_name="bare_raw",
        destination=dlt.destinations.duckdb(str(database)),
        dataset_name="zoho_books_raw",
        pipelines_dir=str(pipelines),
    )
    resources = [
        dlt.resource(
            [typed_record(endpoint, _bare_record(endpoint), ORG, synced_at)],
            name=endpoint.name,
            columns=table_columns(endpoint),
            nested_hints=nested_hints(endpoint),
        )
        for endpoint in ALL_ENDPOINTS
    ]
    pipeline.run(resources, loader_file_format="parquet").raise_on_failed_jobs()


def test_every_staging_model_builds_on_the_declared_columns_alone(tmp_path: Path) -> None:
    database = tmp_path / "bare.duckdb"
    _load_bare_raw_schema(database, tmp_path / "pipelines")
    with duckdb.connect(str(database)) as con:
        invoice_columns = {
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'zoho_books_raw' and table_name = 'invoices'"
            ).fetchall()
        }
    # The fixture is what it claims: declared members exist although no record carried them.
    assert {"bcy_total", "discount_account_id", "currency_code"} <= invoice_columns

    result = run_dbt(
        ["run", "--select", "staging"],
        DbtTarget("duckdb", duckdb_path=database),
        work_dir=tmp_path,
        raise_on_failure=False,
    )
    failures = [f"{r.unique_id}: {r.message}" for r in result.failed]
    assert result.success, "staging reads members the endpoint table does not declare:\n" + "\n".join(
        failures
    )
    built = [r for r in result.results if r.unique_id.startswith("model.ml_connector.stg_")]
    assert len(built) >= 30
