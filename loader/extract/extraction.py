"""What one organization's extraction shares: its progress, the sync's options, the warehouse's side and the
source state, in one ``Extraction`` object every reader of the source takes.

The source state is dlt's (``dlt.current.source_state``), kept in the warehouse with the data: per
organization its walks' watermarks, the ledger's pass, and the deletions found but not loaded yet.
"""

from __future__ import annotations

import calendar
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

import dlt

from loader.extract import ledger_window
from loader.extract.hints import typed_record
from loader.extract.live_ids import LiveIds, as_date
from loader.zoho.client import ZohoBooksClient
from loader.zoho.endpoints import Endpoint
from loader.zoho.errors import ZohoApiError, ZohoDailyLimitError, ZohoOrganizationError

log = logging.getLogger(__name__)

LEDGER_TABLE = "account_transactions"

JsonObject = dict[str, Any]


@dataclass
class EntityProgress:
    rows: int = 0
    detail_calls: int = 0
    complete: bool = True
    deletions: int = 0
    # Why Zoho would not serve this entity (a module the connection may not read, a list the plan lacks,
    # failures past the retries): the message says what to do. The other entities go on.
    error: str | None = None

    def fail(self, error: ZohoApiError) -> None:
        self.complete = False
        if self.error is None:
            self.error = str(error)


@dataclass
class OrgSync:
    """One organization's part of a run: its client, whether the daily cap stopped it, what was done."""

    client: ZohoBooksClient
    entities: dict[str, EntityProgress] = field(default_factory=dict)
    stopped: str | None = None  # the daily-cap message, once Zoho said the quota is spent
    lock: threading.Lock = field(default_factory=threading.Lock)
    # A posting document was loaded or found deleted in this run (a targeted sync reads the ledger then).
    postings_changed: bool = False
    # One batch of detail calls at a time: the limiter admits max_in_flight anyway, and more waiting
    # threads only wake each other (and slow the calls' arrivals) on every release.
    fetching: threading.Lock = field(default_factory=threading.Lock)

    @property
    def organization_id(self) -> str:
        return self.client.organization_id

    @property
    def connection(self) -> str:
        return self.client.connection.name

    def progress(self, entity: str) -> EntityProgress:
        with self.lock:
            return self.entities.setdefault(entity, EntityProgress())

    def stop(self, error: ZohoDailyLimitError) -> None:
        with self.lock:
            if self.stopped is None:
                self.stopped = str(error)
                log.warning(
                    "daily API cap reached; this organization stops here and continues on the next run",
                    extra={"organization_id": self.organization_id},
                )


@dataclass(frozen=True)
class SyncOptions:
    synced_at: datetime
    entities: frozenset[str]
    full_refresh: bool = False
    overlap: timedelta = timedelta(minutes=10)
    delete_scan_interval: timedelta = timedelta(days=7)
    ledger_overlap_months: int = ledger_window.DEFAULT_OVERLAP_MONTHS
    # A targeted sync: read the ledger only of organizations whose posting documents changed.
    ledger_on_postings_only: bool = False
    # Which documents' details are fetched (D90): "all", "recent" (dated in the last details_months months)
    # or "none"; the others are loaded from their list rows, flagged, and left to Zoho's ledger.
    details: str = "all"
    details_months: int = 12

    def details_from(self) -> date | None:
        """The earliest document date whose detail is fetched; None: every date."""
        return self._details_since

    @cached_property
    def _details_since(self) -> date | None:
        # Asked for every listed row: computed once per sync. Today's day of the month, details_months back
        # (the month's last day where that month is shorter).
        if self.details != "recent":
            return None
        today = self.synced_at.date()
        start = ledger_window.first_of_month(today, self.details_months)
        return start.replace(day=min(today.day, calendar.monthrange(start.year, start.month)[1]))

    def wants_detail(self, row: JsonObject) -> bool:
        """Whether the mode fetches the detail of the document of this list row (undated: fetched)."""
        if self.details == "all":
            return True
        if self.details == "none":
            return False
        day, since = document_date(row), self._details_since
        return day is None or since is None or day >= since


@dataclass(frozen=True)
class Targets:
    """The documents a targeted sync is about, entity (raw table name) → Zoho ids."""

    upserts: Mapping[str, frozenset[str]] = field(default_factory=dict)  # fetch by id
    deletions: Mapping[str, frozenset[str]] = field(default_factory=dict)  # mark deleted

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(self.upserts) | frozenset(self.deletions)


Reporter = Callable[[OrgSync, str], None]
# raw table -> its stored columns and their dlt data types (empty if none yet)
StoredColumns = Callable[[str], Mapping[str, str]]


def quiet(org: OrgSync, entity: str) -> None:
    return None


def no_columns(table: str) -> Mapping[str, str]:
    return {}


def document_date(record: JsonObject) -> date | None:
    return as_date(record.get("date") or record.get("journal_date"))


# --- the source state -----------------------------------------------------------------------------------


def org_state(organization_id: str) -> dict[str, Any]:
    state = dlt.current.source_state()
    orgs: dict[str, Any] = state.setdefault("organizations", {})
    org: dict[str, Any] = orgs.setdefault(organization_id, {})
    return org


def entity_state(organization_id: str, entity: str) -> dict[str, Any]:
    entities: dict[str, Any] = org_state(organization_id).setdefault("entities", {})
    found: dict[str, Any] = entities.setdefault(entity, {})
    return found


def scan_due(state: dict[str, Any], options: SyncOptions) -> bool:
    if options.full_refresh:
        return True
    last = state.get("scanned_at")
    return last is None or options.synced_at - datetime.fromisoformat(last) >= options.delete_scan_interval


@dataclass
class Touched:
    """The posting documents a walk or a targeted sync loaded or found gone: their ids and earliest date."""

    ids: set[str] = field(default_factory=set)
    earliest: date | None = None

    def add(self, rows: Sequence[JsonObject], records: Sequence[JsonObject | None], id_field: str) -> None:
        for row, record in zip(rows, records, strict=True):
            if record is None or record.get("__missing__"):
                continue
            self.ids.add(str(row.get(id_field)))
            self.date(document_date(record))

    def date(self, day: date | None) -> None:
        if day is not None and (self.earliest is None or day < self.earliest):
            self.earliest = day


# --- the shared values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    """One organization in one phase of the source: what every reader of it shares."""

    org: OrgSync
    options: SyncOptions
    live_ids: LiveIds
    report: Reporter = quiet
    stored_columns: StoredColumns = no_columns

    @property
    def organization_id(self) -> str:
        return self.org.organization_id

    def typed(self, endpoint: Endpoint, record: JsonObject, **hints: Any) -> JsonObject:
        """``record`` as its raw row: typed, with the audit columns of this organization and sync."""
        return typed_record(endpoint, record, self.organization_id, self.options.synced_at, **hints)

    def reported(self, entity: str) -> None:
        """Tell the progress display, under the organization's lock: resources run on dlt's extract threads
        and a report reads ``org.entities`` while another resource may be adding to it."""
        with self.org.lock:
            self.report(self.org, entity)

    def mark_deleted(self, table: str, ids: Iterable[str]) -> int:
        """Queue ``ids`` of ``table`` as deleted (the deletions phase loads them); returns how many."""
        state = dlt.current.source_state()
        pending = state.setdefault("pending_deletions", {}).setdefault(table, {})
        mine = pending.setdefault(self.organization_id, {})
        count = 0
        for record_id in ids:
            mine.setdefault(record_id, self.options.synced_at.isoformat())
            count += 1
        return count

    def touch(self, touched: Touched) -> None:
        """Remember, for the next ledger read, the earliest date the changed posting documents had or have
        now (their ledger lines move with them)."""
        if not touched.ids:
            return
        self.org.postings_changed = True
        before = self.live_ids.earliest(
            LEDGER_TABLE, "transaction_date", "transaction_id", sorted(touched.ids), self.organization_id
        )
        touched.date(before)
        if touched.earliest is None:
            return
        with self.org.lock:
            state = org_state(self.organization_id)
            known = as_date(state.get("ledger_touched"))
            if known is None or touched.earliest < known:
                state["ledger_touched"] = touched.earliest.isoformat()

    def not_read(self, endpoint: Endpoint, error: ZohoApiError) -> None:
        """Zoho would not serve ``endpoint`` to this organization: reported by name, the other entities go
        on. A wrong organization id is everyone's problem, so that one stops the sync."""
        if isinstance(error, ZohoOrganizationError):
            raise error
        self.org.progress(endpoint.name).fail(error)
        self.warn_not_read(endpoint, error)

    def warn_not_read(self, endpoint: Endpoint, error: ZohoApiError) -> None:
        answer = (
            f"HTTP {error.status}, code {error.code}" if error.status else "no usable answer after retries"
        )
        log.warning(
            "zoho entity %s not read for organization %s: %s on %s (the summary says what to do)",
            endpoint.name,
            self.organization_id,
            answer,
            error.path,
            extra={"entity": endpoint.name, "problem": str(error)},
        )
