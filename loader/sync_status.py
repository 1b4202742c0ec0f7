"""What the warehouse holds, per organization and entity, for ``ml-connector status``: the rows not deleted
and when a record of the entity was last synced (the latest ``_synced_at``).

Read only: DuckDB is opened ``read_only``, PostgreSQL in a read-only session with the password from the vault.
DuckDB lets no other process open a file that one process is writing (a running sync or ``run``, or
``ml-connector serve``, which keeps its webhook store open): that is reported as ``WarehouseUnavailable`` with
what to do, like an unreachable PostgreSQL server. A warehouse nothing has been loaded into yet reads as
``None``, not as an error.

duckdb and psycopg2 are imported where used: ``status`` imports this module on every invocation of the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol, TypeVar

from loader.raw_contract import (
    IS_DELETED_COLUMN,
    LOADS_TABLE,
    ORGANIZATION_COLUMN,
    RAW_SCHEMA,
    SYNCED_AT_COLUMN,
)
from loader.transform.reconciliation import Reconciliation, read_reconciliation
from loader.vault import VaultError
from loader.warehouse import Warehouse
from loader.zoho.endpoints import ALL_ENDPOINTS

# The raw tables, one per entity, in the order the sync walks them.
ENTITIES: Final = tuple(endpoint.name for endpoint in ALL_ENDPOINTS)

_CONNECT_TIMEOUT_SECONDS: Final = 10


class WarehouseUnavailable(Exception):
    """The warehouse cannot be read now. The message says why and what to do; it never holds a secret."""


@dataclass(frozen=True)
class EntityStatus:
    organization_id: str
    entity: str
    rows: int  # rows not flagged deleted
    last_synced_at: datetime | None  # UTC; the latest _synced_at of the entity's rows, deleted ones included


@dataclass(frozen=True)
class WarehouseStatus:
    where: str  # the file or server, for the reader
    entities: tuple[EntityStatus, ...]
    last_load_at: datetime | None  # UTC; when dlt last completed a load into the raw schema
    reconciliation: Reconciliation | None = None  # the marts' ledger vs Zoho's (None: not built yet)

    def of(self, organization_id: str) -> dict[str, EntityStatus]:
        """The entities of one organization, by name."""
        return {e.entity: e for e in self.entities if e.organization_id == organization_id}

    def organizations(self) -> list[str]:
        return sorted({e.organization_id for e in self.entities})

    def last_synced_at(self, organization_id: str) -> datetime | None:
        times = [e.last_synced_at for e in self.entities if e.organization_id == organization_id]
        known = [t for t in times if t is not None]
        return max(known) if known else None


class _Cursor(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...
    def fetchall(self) -> list[Any]: ...


T = TypeVar("T")
Reader = Callable[[_Cursor, str, str], T]


def read_warehouse_status(warehouse: Warehouse) -> WarehouseStatus | None:
    """Rows and last sync per organization and entity, or None when nothing has been synced yet.

    Raises ``WarehouseUnavailable`` when the warehouse exists but cannot be read now (a PostgreSQL
    password that cannot be read from the vault included).
    """
    return _read_warehouse(warehouse, _read)


def read_warehouse_reconciliation(warehouse: Warehouse) -> Reconciliation | None:
    """The ledger's reconciliation with Zoho's (``loader.transform.reconciliation``), or None
    before the first build.

    Raises ``WarehouseUnavailable`` like ``read_warehouse_status``.
    """
    return _read_warehouse(warehouse, lambda cursor, _placeholder, _where: read_reconciliation(cursor))


def _read_warehouse(warehouse: Warehouse, read: Reader[T | None]) -> T | None:
    if warehouse.is_duckdb:
        return _read_duckdb(warehouse.duckdb_path, read)
    if warehouse.is_postgres:
        return _read_postgres(warehouse, read)
    raise WarehouseUnavailable(
        f"status reads rows from duckdb and postgres warehouses, not {warehouse.destination!r}"
    )


def _read_duckdb(path: Path, read: Reader[T | None]) -> T | None:
    if not path.exists():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise WarehouseUnavailable(
                f"the DuckDB warehouse {path} is in use by another process (a running sync or run, or "
                "`ml-connector serve`, which keeps it open) and DuckDB lets no other process read it "
                "meanwhile: run status again when the sync has finished, or stop serve first"
            ) from None
        raise WarehouseUnavailable(f"cannot open the DuckDB warehouse {path}: {exc}") from None
    try:
        return read(con.cursor(), "?", str(path))
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"cannot read the DuckDB warehouse {path}: {exc}") from None
    finally:
        con.close()


def _read_postgres(warehouse: Warehouse, read: Reader[T | None]) -> T | None:
    import psycopg2

    where = warehouse.describe()
    try:
        arguments = warehouse.postgres_connect_arguments()
    except VaultError as exc:
        raise WarehouseUnavailable(str(exc)) from None
    try:
        con = psycopg2.connect(
            **arguments,
            connect_timeout=_CONNECT_TIMEOUT_SECONDS,
            application_name="ml-connector status",
        )
    except psycopg2.Error as exc:
        hint = (
            "; store the warehouse password with `ml-connector auth warehouse --password -`"
            if arguments["password"] is None
            else ""
        )
        raise WarehouseUnavailable(
            f"cannot connect to the PostgreSQL warehouse {where}: {exc}".strip() + hint
        ) from None
    try:
        con.set_session(readonly=True)
        with con.cursor() as cursor:
            return read(cursor, "%s", where)
    except psycopg2.Error as exc:
        raise WarehouseUnavailable(f"cannot read the PostgreSQL warehouse {where}: {exc}".strip()) from None
    finally:
        con.close()


def _read(cursor: _Cursor, placeholder: str, where: str) -> WarehouseStatus | None:
    cursor.execute(
        "select table_name, column_name from information_schema.columns "  # noqa: S608 (placeholder only)
        f"where table_schema = {placeholder}",
        [RAW_SCHEMA],
    )
    columns: dict[str, set[str]] = {}
    for table, column in cursor.fetchall():
        columns.setdefault(str(table), set()).add(str(column))
    selects = [
        _entity_select(entity, columns[entity])
        for entity in ENTITIES
        if {ORGANIZATION_COLUMN, SYNCED_AT_COLUMN} <= columns.get(entity, set())
    ]
    if not selects:
        return None
    # One statement: one consistent snapshot of every table.
    cursor.execute(" union all ".join(selects))
    entities = tuple(
        EntityStatus(str(organization), str(entity), int(rows or 0), _utc(last))
        for entity, organization, rows, last in cursor.fetchall()
    )
    last_load: datetime | None = None
    if {"inserted_at", "status"} <= columns.get(LOADS_TABLE, set()):
        cursor.execute(f'select max(inserted_at) from "{RAW_SCHEMA}"."{LOADS_TABLE}" where status = 0')  # noqa: S608
        (found,) = cursor.fetchall()[0]
        last_load = _utc(found)
    order = {name: i for i, name in enumerate(ENTITIES)}
    ordered = tuple(sorted(entities, key=lambda e: (e.organization_id, order[e.entity])))
    return WarehouseStatus(where, ordered, last_load, read_reconciliation(cursor))


def _entity_select(entity: str, columns: set[str]) -> str:
    # Entity names come from the endpoint table (lower-case identifiers), never from input.
    live = (
        f'count(*) filter (where not coalesce("{IS_DELETED_COLUMN}", false))'
        if IS_DELETED_COLUMN in columns
        else "count(*)"
    )
    return (
        f"select '{entity}' as entity, \"{ORGANIZATION_COLUMN}\" as organization_id, {live} as live_rows, "  # noqa: S608
        f'max("{SYNCED_AT_COLUMN}") as last_synced_at from "{RAW_SCHEMA}"."{entity}" '
        f'group by "{ORGANIZATION_COLUMN}"'
    )


def _utc(value: object) -> datetime | None:
    """A warehouse timestamp as an aware UTC datetime (naive ones are UTC: that is what the sync writes)."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
