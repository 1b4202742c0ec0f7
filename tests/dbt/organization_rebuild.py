"""Test and bench support for per-organization builds: change one organization's raw rows as a re-sync does,
and read every table the dbt project builds, row for row, to compare a per-organization build with a full one.

The raw changes are the ones a sync makes: the delete scan flags a deleted document (its ledger rows go with
it, as Zoho's ledger loses them), and a contact renamed in Zoho comes back with its new name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import psycopg2

from loader.transform.dbt_runner import DbtTarget

RAW = "zoho_books_raw"
BUILT_SCHEMAS = ("zoho_books_staging", "zoho_books")  # the tables of the intermediate layer and the marts

Rows = Sequence[tuple[Any, ...]]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Counter[tuple[Any, ...]]

    def of_organizations(self, keep: Callable[[str], bool]) -> Counter[tuple[Any, ...]]:
        at = self.columns.index("organization_id")
        return Counter({row: n for row, n in self.rows.items() if keep(str(row[at]))})


Snapshot = dict[str, Table]  # "schema.table" -> its rows


class Warehouse:
    """SQL on the warehouse a DbtTarget names; a DuckDB file is opened per statement so dbt can open it."""

    def __init__(self, target: DbtTarget) -> None:
        self.target = target

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self.target.name == "duckdb":
            assert self.target.duckdb_path is not None
            with duckdb.connect(str(self.target.duckdb_path)) as con:
                yield con
            return
        con = psycopg2.connect(
            host=self.target.host, port=self.target.port, user=self.target.user, dbname=self.target.database
        )
        con.autocommit = True
        try:
            with con.cursor() as cur:
                yield cur
        finally:
            con.close()

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with self._cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())

    def execute(self, sql: str) -> None:
        with self._cursor() as cur:
            cur.execute(sql)

    def columns(self, schema: str, table: str) -> tuple[str, ...]:
        rows = self.query(
            "select column_name from information_schema.columns "
            f"where table_schema = '{schema}' and table_name = '{table}' order by ordinal_position"
        )
        return tuple(str(name) for (name,) in rows)

    def snapshot(self) -> Snapshot:
        """Every table dbt built (views excluded: they read raw at query time), every row."""
        schemas = ", ".join(f"'{s}'" for s in BUILT_SCHEMAS)
        tables = self.query(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({schemas}) and table_type = 'BASE TABLE' order by 1, 2"
        )
        snapshot: Snapshot = {}
        for schema, table in tables:
            columns = self.columns(schema, table)
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = self.query(f'select {listed} from "{schema}"."{table}"')
            snapshot[f"{schema}.{table}"] = Table(columns, Counter(rows))
        return snapshot

    def organizations(self) -> list[str]:
        return [
            str(o)
            for (o,) in self.query("select organization_id from zoho_books.dim_organizations order by 1")
        ]


def delete_open_invoice(warehouse: Warehouse, organization_id: str) -> str:
    """Flag an open invoice nothing was applied to as deleted in raw, with its ledger rows, as a re-sync after
    a user deleted it in Zoho does; returns its id."""
    (invoice_id,) = warehouse.query(
        "select min(invoice_id) from zoho_books.fct_invoices "
        f"where organization_id = '{organization_id}' and document_type = 'invoice' and is_posting "
        "and balance_transaction = total_transaction and total_transaction > 0"
    )[0]
    assert invoice_id is not None, f"organization {organization_id} has no open invoice to delete"
    mine = f"cast(_zoho_organization_id as varchar) = '{organization_id}'"
    warehouse.execute(
        f"update {RAW}.invoices set _is_deleted = true "
        f"where {mine} and cast(invoice_id as varchar) = '{invoice_id}'"
    )
    warehouse.execute(
        f"update {RAW}.account_transactions set _is_deleted = true "
        f"where {mine} and cast(transaction_id as varchar) = '{invoice_id}'"
    )
    return str(invoice_id)


def rename_contact(warehouse: Warehouse, organization_id: str, suffix: str = " (renamed)") -> str:
    """Rename one contact in raw, as a re-sync of a contact edited in Zoho does; returns its id."""
    mine = f"cast(_zoho_organization_id as varchar) = '{organization_id}'"
    (contact_id,) = warehouse.query(
        f"select min(cast(contact_id as varchar)) from {RAW}.contacts where {mine}"
    )[0]
    warehouse.execute(
        f"update {RAW}.contacts set contact_name = contact_name || '{suffix}' "
        f"where {mine} and cast(contact_id as varchar) = '{contact_id}'"
    )
    return str(contact_id)


def differences(expected: Snapshot, actual: Snapshot, limit: int = 3) -> list[str]:
    """What differs between two snapshots, table by table (a few rows each), for an assertion message."""
    found: list[str] = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual or name not in expected:
            found.append(f"{name}: only in {'expected' if name in expected else 'actual'}")
            continue
        if expected[name].columns != actual[name].columns:
            found.append(f"{name}: columns {expected[name].columns} != {actual[name].columns}")
            continue
        missing = expected[name].rows - actual[name].rows
        extra = actual[name].rows - expected[name].rows
        if missing or extra:
            found.append(
                f"{name}: {sum(missing.values())} rows missing, {sum(extra.values())} extra; "
                f"missing e.g. {list(missing)[:limit]}; extra e.g. {list(extra)[:limit]}"
            )
    return found
