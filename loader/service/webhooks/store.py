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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Protocol

from loader.raw_contract import RAW_SCHEMA

SCHEMA: Final = RAW_SCHEMA  # the events sit beside the raw tables they update
TABLE: Final = "webhook_events"
PENDING: Final = "pending"
APPLIED: Final = "applied"
FAILED: Final = "failed"
# ``serve --journal`` (D127): its events start as ``journal`` and end ``journaled``; a real ``serve`` never
# takes them, and the journal never takes a real pending event. ``webhooks replay`` makes one pending.
JOURNAL: Final = "journal"
JOURNALED: Final = "journaled"
# Handed over to Dagster (``serve --dagster``): the webhook sensor moves pending events to ``claimed``,
# naming the claim (the run key of the run that applies them) in ``claim``; the run marks them applied, and a
# claim whose runs all failed goes back to pending (see ``loader.orchestration.webhook_sensor``).
CLAIMED: Final = "claimed"
STATUSES: Final = (PENDING, APPLIED, FAILED, JOURNAL, JOURNALED, CLAIMED)
_MAX_ERROR_CHARS: Final = 2000

# Headers never stored: credentials of any kind. The signature stays (it is not the secret and lets a
# stored body be re-verified).
_SECRET_HEADERS: Final = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_HEADER_WORDS: Final = ("token", "secret", "password", "api-key", "apikey")


class StoreError(Exception):
    """The event store cannot be reached or written. The message names the warehouse, never a secret."""


class WarehousePathError(StoreError):
    """The configured DuckDB path cannot be a warehouse (a directory, not writable, not DuckDB): exit 2."""


@dataclass(frozen=True)
class IncomingEvent:
    dedup_key: str
    connection: str
    entity: str
    document_id: str
    action: str
    received_at: datetime  # UTC
    content_type: str
    headers: Mapping[str, str]
    query_string: str
    body: bytes
    organization_id: str | None = None
    zoho_event_id: str | None = None
    status: str = PENDING  # JOURNAL under ``serve --journal``


@dataclass(frozen=True)
class RecordResult:
    event_id: int
    duplicate: bool
    status: str


@dataclass(frozen=True)
class StoredEvent:
    event_id: int
    connection: str
    organization_id: str | None
    entity: str
    document_id: str
    action: str
    received_at: datetime
    status: str
    attempts: int
    deliveries: int
    last_error: str | None
    applied_at: datetime | None
    next_attempt_at: datetime
    claim: str | None = None  # the latest claim that took it (Dagster hand-over), kept after it settles

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "connection": self.connection,
            "organization_id": self.organization_id,
            "entity": self.entity,
            "document_id": self.document_id,
            "action": self.action,
            "received_at": self.received_at.isoformat(),
            "status": self.status,
            "attempts": self.attempts,
            "deliveries": self.deliveries,
            "last_error": self.last_error,
            "applied_at": self.applied_at.isoformat() if self.applied_at else None,
            "next_attempt_at": self.next_attempt_at.isoformat(),
        }


def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers worth keeping with a delivery, minus anything that could be a credential."""
    kept: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in _SECRET_HEADERS or any(word in lowered for word in _SECRET_HEADER_WORDS):
            continue
        kept[lowered] = value
    return kept


_COLUMNS: Final = (
    "event_id, connection, organization_id, entity, document_id, action, received_at, status, attempts, "
    "deliveries, last_error, applied_at, next_attempt_at, claim"
)


class _Dialect(Protocol):
    name: str
    placeholder: str

    def ddl(self, schema: str) -> list[str]: ...


class _DuckDB:
    name = "duckdb"
    placeholder = "?"

    def ddl(self, schema: str) -> list[str]:
        return [
            f'create schema if not exists "{schema}"',
            f'create sequence if not exists "{schema}".webhook_event_ids',
            _table_ddl(schema, f"default nextval('\"{schema}\".webhook_event_ids')", "blob"),
            f'create index if not exists webhook_events_due on "{schema}".{TABLE} (status, next_attempt_at)',
        ]


class _Postgres:
    name = "postgres"
    placeholder = "%s"

    def ddl(self, schema: str) -> list[str]:
        return [
            f'create schema if not exists "{schema}"',
            _table_ddl(schema, "generated by default as identity", "bytea"),
            f'create index if not exists webhook_events_due on "{schema}".{TABLE} (status, next_attempt_at)',
        ]


# Added after the create, so tables stored by earlier versions gain them when next opened; only when missing,
# because even ``add column if not exists`` locks the table exclusively, and `serve`, the sensor and the runs
# open the store at the same time (two such statements deadlock).
_ADDED_COLUMNS: Final = (("claim", "varchar"), ("claimed_at", "timestamptz"))


def _table_ddl(schema: str, id_default: str, binary: str) -> str:
    return f"""
        create table if not exists "{schema}".{TABLE} (
            event_id bigint {id_default} primary key,
            dedup_key varchar not null unique,     -- sha256 of connection, entity, id, action, version
            connection varchar not null,
            organization_id varchar,
            entity varchar not null,
            document_id varchar not null,
            action varchar not null,               -- created | edited | created_or_edited | deleted
            zoho_event_id varchar,
            received_at timestamptz not null,      -- first delivery
            last_received_at timestamptz not null, -- latest delivery
            deliveries integer not null default 1, -- repeated deliveries recognised by dedup_key
            content_type varchar not null,
            headers varchar not null,              -- JSON, credentials removed
            query_string varchar not null,
            body {binary} not null,                -- the raw bytes as received
            status varchar not null,               -- pending | applied | failed
            attempts integer not null default 0,
            last_error varchar,
            next_attempt_at timestamptz not null,
            applied_at timestamptz
        )"""


class EventStore:
    """The webhook event log on one DB-API connection, every statement serialised by one lock."""

    def __init__(self, connection: Any, dialect: _Dialect, schema: str, where: str) -> None:
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
            for column, kind in _ADDED_COLUMNS:
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
        return cls(con, _DuckDB(), schema, str(path))

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
        return cls(con, _Postgres(), schema, where)

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
            cur.execute(self._sql(f"select {_COLUMNS} from {self._table} {clause}"), params)
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
