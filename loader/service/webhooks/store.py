"""``zoho_books_raw.webhook_events``: the durable, idempotent log of every accepted webhook delivery.

A delivery is committed here before the receiver answers 2xx, so an acknowledged event survives a crash.
``dedup_key`` is unique: a repeated delivery of one event finds its row (``deliveries`` counts them) instead
of adding one, so it is applied once. Rows are never deleted; ``status`` moves pending → applied, or
pending → failed after the retry budget (``webhooks replay`` sets it back to pending).

One writer per DuckDB file: DuckDB lets one process open a file read-write. ``ml-connector serve`` holds one
connection for its lifetime and serialises every statement on it with a lock (the receiver's threads and the
worker share it); syncs triggered by the service run inside the same process. While ``serve`` runs,
``ml-connector webhooks`` commands talk to it over HTTP instead of opening the file (see ``service``).
PostgreSQL has no such limit, and the same code runs there with a connection of its own.
"""

# Every SQL string below interpolates only our own identifiers (the quoted schema, the table name, "?"
# placeholders); values always travel as parameters.
# ruff: noqa: S608

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from loader.service.webhooks.events import (
    APPLIED,
    CLAIMED,
    FAILED,
    JOURNAL,
    JOURNALED,
    PENDING,
    STATUSES,
    IncomingEvent,
    RecordResult,
    StoredEvent,
    safe_headers,
)
from loader.service.webhooks.store_sql import (
    ADDED_COLUMNS,
    SCHEMA,
    STORED_COLUMNS,
    TABLE,
    Dialect,
    DuckDBDialect,
    PostgresDialect,
)

# The event model and the table's SQL live beside (``events``, ``store_sql``); the names importers know from
# here stay importable.
__all__ = [
    "APPLIED",
    "CLAIMED",
    "FAILED",
    "JOURNAL",
    "JOURNALED",
    "PENDING",
    "SCHEMA",
    "STATUSES",
    "TABLE",
    "EventStore",
    "IncomingEvent",
    "RecordResult",
    "StoreError",
    "StoredEvent",
    "WarehousePathError",
    "safe_headers",
]

_MAX_ERROR_CHARS: Final = 2000


class StoreError(Exception):
    """The event store cannot be reached or written. The message names the warehouse, never a secret."""


class WarehousePathError(StoreError):
    """The configured DuckDB path cannot be a warehouse (a directory, not writable, not DuckDB): exit 2."""


class EventStore:
    """The webhook event log on one DB-API connection, every statement serialised by one lock."""

    def __init__(self, connection: Any, dialect: Dialect, schema: str, where: str) -> None:
        self._con = connection
        self._dialect = dialect
        self._schema = schema
        self._table = f'"{schema}".{TABLE}'
        self._where = where
        self._lock = threading.Lock()
        with self._transaction() as cur:
            for statement in dialect.ddl(schema):
                cur.execute(statement)
            cur.execute(
                self._sql(
                    "select column_name from information_schema.columns where table_schema = ? "
                    "and table_name = ?"
                ),
                (schema, TABLE),
            )
            present = {str(row[0]) for row in cur.fetchall()}
            for column, kind in ADDED_COLUMNS:
                if column not in present:
                    cur.execute(f"alter table {self._table} add column {column} {kind}")

    def __repr__(self) -> str:
        return f"EventStore({self._dialect.name}, {self._where!r}, table={self._table})"

    @property
    def dialect(self) -> str:
        """``duckdb`` or ``postgres``."""
        return self._dialect.name

    @property
    def where(self) -> str:
        return f"{self._table} in {self._where}"

    # --- lifecycle -----------------------------------------------------------------------------------

    @classmethod
    def duckdb(cls, path: Path, schema: str = SCHEMA) -> EventStore:
        import duckdb

        from loader.failures import duckdb_open_message
        from loader.private_files import restrict

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehousePathError(
                f"cannot create {path.parent} for the DuckDB warehouse: {exc.strerror}: fix [warehouse] path"
            ) from None
        restrict(path)  # it holds every webhook body and signature
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            # Only a lock conflict is another process; anything else is the path (D129).
            busy, message = duckdb_open_message(path, exc)
            raise (StoreError if busy else WarehousePathError)(message) from None
        con.execute("set TimeZone = 'UTC'")
        return cls(con, DuckDBDialect(), schema, str(path))

    @classmethod
    def postgres(cls, dsn: str, schema: str = SCHEMA, *, password: str | None = None) -> EventStore:
        import psycopg2

        try:
            con = psycopg2.connect(dsn, password=password) if password else psycopg2.connect(dsn)
        except psycopg2.Error as exc:
            # psycopg2's message may quote the DSN, never the password given separately.
            raise StoreError(f"cannot connect to the PostgreSQL warehouse: {exc}".strip()) from None
        con.autocommit = False
        with con.cursor() as cur:
            cur.execute("set time zone 'UTC'")
        con.commit()
        host = con.get_dsn_parameters()
        where = f"postgresql://{host.get('host')}:{host.get('port')}/{host.get('dbname')}"
        return cls(con, PostgresDialect(), schema, where)

    def close(self) -> None:
        with self._lock:
            self._con.close()

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """One transaction under the lock; committed on success, rolled back on any error."""
        with self._lock:
            if self._dialect.name == "duckdb":
                # DuckDB's cursor() is a second connection with its own transactions: use the connection.
                self._con.execute("begin transaction")
                try:
                    yield self._con
                    self._con.commit()
                except BaseException:
                    self._con.rollback()
                    raise
                return
            cur = self._con.cursor()
            try:
                yield cur
                self._con.commit()
            except BaseException:
                self._con.rollback()
                raise
            finally:
                cur.close()

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self._dialect.placeholder)

    # --- writes --------------------------------------------------------------------------------------

    def record(self, event: IncomingEvent) -> RecordResult:
        """Insert the delivery, or count a repeat of one already stored; committed when this returns."""
        headers = json.dumps(safe_headers(event.headers), sort_keys=True)
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    f"""insert into {self._table} (dedup_key, connection, organization_id, entity,
                        document_id, action, zoho_event_id, received_at, last_received_at, content_type,
                        headers, query_string, body, status, next_attempt_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (dedup_key) do update
                        set deliveries = {TABLE}.deliveries + 1, last_received_at = excluded.last_received_at
                    returning event_id, deliveries, status"""
                ),
                (
                    event.dedup_key,
                    event.connection,
                    event.organization_id,
                    event.entity,
                    event.document_id,
                    event.action,
                    event.zoho_event_id,
                    event.received_at,
                    event.received_at,
                    event.content_type,
                    headers,
                    event.query_string,
                    event.body,
                    event.status,
                    event.received_at,
                ),
            )
            event_id, deliveries, status = cur.fetchone()
        return RecordResult(int(event_id), int(deliveries) > 1, str(status))

    def mark_applied(self, event_ids: Sequence[int], now: datetime, status: str = APPLIED) -> None:
        if not event_ids:
            return
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    f"""update {self._table} set status = ?, attempts = attempts + 1, applied_at = ?,
                        last_error = null where event_id in ({", ".join("?" * len(event_ids))})"""
                ),
                (status, now, *event_ids),
            )

    def mark_failed(
        self,
        event_ids: Sequence[int],
        error: str,
        now: datetime,
        retry_at: datetime | None,
        waiting: str = PENDING,
    ) -> None:
        """Count a failed attempt: ``waiting`` again from ``retry_at``, or failed for good when it is None."""
        if not event_ids:
            return
        status = waiting if retry_at is not None else FAILED
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    f"""update {self._table} set status = ?, attempts = attempts + 1, last_error = ?,
                        next_attempt_at = ? where event_id in ({", ".join("?" * len(event_ids))})"""
                ),
                (status, error[:_MAX_ERROR_CHARS], retry_at or now, *event_ids),
            )

    def replay(self, event_id: int, now: datetime, status: str = PENDING) -> StoredEvent | None:
        """Queue an event again (whatever its status) as ``status``; None when there is no such event."""
        with self._transaction() as cur:
            cur.execute(
                self._sql(f"update {self._table} set status = ?, next_attempt_at = ? where event_id = ?"),
                (status, now, event_id),
            )
        return self.get(event_id)

    # --- the hand-over to Dagster (claims) ------------------------------------------------------------

    def claim(self, connection: str, claim: str, now: datetime, limit: int = 1000) -> list[StoredEvent]:
        """Move the due pending events of ``connection`` (oldest first, at most ``limit``) to ``claimed``
        under ``claim``, and return them. One statement: on PostgreSQL a concurrent claimer waits for the
        row and then finds it no longer pending, so no event is claimed twice."""
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    f"""update {self._table} set status = ?, claim = ?, claimed_at = ?
                    where status = ? and event_id in (
                        select event_id from {self._table}
                        where status = ? and connection = ? and next_attempt_at <= ?
                        order by event_id limit ?)
                    returning event_id"""
                ),
                (CLAIMED, claim, now, PENDING, PENDING, connection, now, limit),
            )
            claimed = [int(row[0]) for row in cur.fetchall()]
        return self.claimed(claim) if claimed else []

    def claimed(self, claim: str) -> list[StoredEvent]:
        """The events still held by ``claim`` (claimed, not yet applied or released), oldest first."""
        return self._select("where status = ? and claim = ? order by event_id", (CLAIMED, claim))

    def open_claims(self) -> dict[str, list[StoredEvent]]:
        """Every claim still holding events: claim → its events."""
        claims: dict[str, list[StoredEvent]] = {}
        for event in self._select("where status = ? order by event_id", (CLAIMED,)):
            claims.setdefault(event.claim or "", []).append(event)
        return claims

    def due_connections(self, now: datetime) -> list[str]:
        """The connections with pending events due now."""
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    f"""select distinct connection from {self._table}
                    where status = ? and next_attempt_at <= ? order by connection"""
                ),
                (PENDING, now),
            )
            return [str(row[0]) for row in cur.fetchall()]

    def settle_claim(self, claim: str, now: datetime) -> int:
        """Mark the events ``claim`` still holds applied; how many. Events released meanwhile (back to
        pending, or claimed again under another claim) are left alone."""
        held = [e.event_id for e in self.claimed(claim)]
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    f"""update {self._table} set status = ?, attempts = attempts + 1, applied_at = ?,
                        last_error = null where status = ? and claim = ?"""
                ),
                (APPLIED, now, CLAIMED, claim),
            )
        return len(held)

    # --- reads ---------------------------------------------------------------------------------------

    def due(self, now: datetime, limit: int = 1000, status: str = PENDING) -> list[StoredEvent]:
        """Events waiting in ``status`` (pending, or journal) whose next attempt is due, oldest first."""
        return self._select(
            "where status = ? and next_attempt_at <= ? order by event_id limit ?", (status, now, limit)
        )

    def get(self, event_id: int) -> StoredEvent | None:
        rows = self._select("where event_id = ?", (event_id,))
        return rows[0] if rows else None

    def history(self, since: datetime, until: datetime, connection: str | None = None) -> list[StoredEvent]:
        """Events first received in [since, until), oldest first."""
        clause = "where received_at >= ? and received_at < ?"
        params: tuple[Any, ...] = (since, until)
        if connection is not None:
            clause += " and connection = ?"
            params = (*params, connection)
        return self._select(clause + " order by event_id", params)

    def body(self, event_id: int) -> tuple[str, bytes] | None:
        """The stored content type and raw bytes of an event."""
        with self._transaction() as cur:
            cur.execute(
                self._sql(f"select content_type, body from {self._table} where event_id = ?"), (event_id,)
            )
            row = cur.fetchone()
        return None if row is None else (str(row[0]), bytes(row[1]))

    def counts(self) -> dict[str, int]:
        with self._transaction() as cur:
            cur.execute(f"select status, count(*), sum(deliveries) from {self._table} group by status")
            rows = cur.fetchall()
        # The journal's statuses appear only once a `serve --journal` used them.
        counts = {status: 0 for status in (PENDING, APPLIED, FAILED)}
        deliveries = 0
        for status, count, delivered in rows:
            counts[str(status)] = int(count)
            deliveries += int(delivered or 0)
        counts["deliveries"] = deliveries
        return counts

    def ping(self) -> None:
        with self._transaction() as cur:
            cur.execute("select 1")
            cur.fetchall()

    def _select(self, clause: str, params: tuple[Any, ...]) -> list[StoredEvent]:
        with self._transaction() as cur:
            cur.execute(self._sql(f"select {STORED_COLUMNS} from {self._table} {clause}"), params)
            rows = cur.fetchall()
        return [_event(row) for row in rows]


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise StoreError(f"unexpected timestamp value {value!r}")
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _event(row: Sequence[Any]) -> StoredEvent:
    """The event of a row selected as ``STORED_COLUMNS`` (positions follow that list)."""
    received_at = _aware(row[6])
    next_attempt_at = _aware(row[12])
    assert received_at is not None  # not null column
    assert next_attempt_at is not None  # not null column
    return StoredEvent(
        event_id=int(row[0]),
        connection=str(row[1]),
        organization_id=row[2],
        entity=str(row[3]),
        document_id=str(row[4]),
        action=str(row[5]),
        received_at=received_at,
        status=str(row[7]),
        attempts=int(row[8]),
        deliveries=int(row[9]),
        last_error=row[10],
        applied_at=_aware(row[11]),
        next_attempt_at=next_attempt_at,
        claim=row[13],
    )
