"""The Zoho Books dlt source: resources generated from the endpoint table, per organization.

A sync is three extractions of this one source (so they share its state, which dlt keeps in the warehouse):

* ``documents``: organizations, currencies (a snapshot, appended) with their rate history, and every list
  endpoint. A list is walked by a resource; a transformer turns each page of changed rows into detail
  records (one call per changed document) and, when the walk ends, advances the watermark in the state.
* ``ledger``: Zoho's account transactions, read per account on every sync: the months touched since the
  last read, with an overlap, and the whole ledger on the delete-scan schedule (``ledger_window``, D61).
* ``deletions``: the ids the walks found gone, into ``zoho_deletions``; the runner then marks the rows.

A targeted sync (what webhooks trigger) runs a ``by_id`` phase instead of ``documents``: the named documents
are fetched by id, and those named deleted (or gone when fetched) are queued as deletions; the ledger is
read only for organizations whose posting documents changed.

A daily cap stops one organization's calls; what was read before it is loaded with state that says so.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from loader.pipeline import ledger_window, refunds
from loader.pipeline.arrow_batches import arrow_batch
from loader.pipeline.hints import (
    nested_hints,
    primary_key,
    table_columns,
    typed_record,
)
from loader.pipeline.watermark import Verdict, Walk, Watermark, cursor_key
from loader.raw_contract import DETAIL_FETCHED_COLUMN
from loader.zoho.client import Page, ZohoBooksClient
from loader.zoho.endpoints import ALL_ENDPOINTS, Endpoint
from loader.zoho.errors import (
    ZohoApiError,
    ZohoDailyLimitError,
    ZohoNotFoundError,
    ZohoOrganizationError,
)

log = logging.getLogger(__name__)

SOURCE_NAME = "zoho_books"
DELETIONS_TABLE = "zoho_deletions"
LEDGER_TABLE = "account_transactions"
PHASES = ("documents", "by_id", "ledger", "deletions")

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
        day, since = _document_date(row), self._details_since
        return day is None or since is None or day >= since


# (table, date column, key column, keys, organization id) -> the earliest date of the live rows with a key
EarliestQuery = Callable[[str, str, str, Sequence[str], str], date | None]


def _no_earliest(table: str, date_column: str, key_column: str, keys: Sequence[str], org: str) -> None:
    return None


class LiveIds:
    """What the warehouse holds (not deleted) per table and organization: the other side of a delete scan."""

    def __init__(
        self,
        query: Callable[[str, Sequence[str], str], list[tuple[Any, ...]]],
        earliest: EarliestQuery = _no_earliest,
    ) -> None:
        self._query = query  # (table, extra columns, organization id) -> (id, *columns) rows
        self._earliest = earliest
        self._lock = threading.Lock()  # asked from dlt's extract threads: one query at a time

    def _rows(self, table: str, columns: Sequence[str], organization_id: str) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._query(table, columns, organization_id)

    def stored(self, table: str, columns: Sequence[str], organization_id: str) -> list[tuple[Any, ...]]:
        """(id, *columns) of the live rows; none where the table or a column does not exist yet."""
        return self._rows(table, columns, organization_id)

    def ids(self, table: str, organization_id: str) -> set[str]:
        return {str(row[0]) for row in self._rows(table, (), organization_id)}

    def ids_by(self, table: str, column: str, organization_id: str) -> dict[str, set[str]]:
        grouped: dict[str, set[str]] = {}
        for record_id, key in self._rows(table, (column,), organization_id):
            grouped.setdefault(str(key), set()).add(str(record_id))
        return grouped

    def dated_by(
        self, table: str, column: str, date_column: str, organization_id: str
    ) -> dict[str, dict[str, date | None]]:
        """``column`` value → id → the row's ``date_column`` (what a windowed ledger read compares)."""
        grouped: dict[str, dict[str, date | None]] = {}
        for record_id, key, day in self._rows(table, (column, date_column), organization_id):
            grouped.setdefault(str(key), {})[str(record_id)] = _as_date(day)
        return grouped

    def earliest(
        self, table: str, date_column: str, key_column: str, keys: Sequence[str], organization_id: str
    ) -> date | None:
        """The earliest ``date_column`` of the live rows whose ``key_column`` is one of ``keys``."""
        if not keys:
            return None
        with self._lock:
            return self._earliest(table, date_column, key_column, keys, organization_id)

    def versions(self, table: str, columns: Sequence[str], organization_id: str) -> dict[str, str]:
        """id → ``version_of`` the stored values of ``columns``: what an unordered walk compares rows with."""
        return {
            str(row[0]): version_of(row[1:]) for row in self._rows(table, tuple(columns), organization_id)
        }


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def version_of(values: Iterable[Any]) -> str:
    """One text for a record's version, the same from a list row's typed values and from the warehouse's:
    instants in UTC, numbers without their scale (2.5 = 2.5000000000), empty = missing."""
    parts = []
    for value in values:
        if value is None or value == "":
            parts.append("")
        elif isinstance(value, datetime):
            parts.append(cursor_key(value))
        elif isinstance(value, date):
            parts.append(value.isoformat())
        elif isinstance(value, bool):
            parts.append(str(value).lower())
        elif isinstance(value, int | float | Decimal):
            parts.append(format(Decimal(str(value)).normalize(), "f"))
        else:
            parts.append(str(value))
    return "\x1f".join(parts)


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


def _quiet(org: OrgSync, entity: str) -> None:
    return None


def _no_columns(table: str) -> Mapping[str, str]:
    return {}


def _serialized(report: Reporter) -> Reporter:
    """``report`` under the organization's lock: its resources run on dlt's extract threads, and a report
    reads ``org.entities`` while another of the organization's resources may be adding to it."""

    def locked(org: OrgSync, entity: str) -> None:
        with org.lock:
            report(org, entity)

    return locked


# --- state ----------------------------------------------------------------------------------------------


def _org_state(organization_id: str) -> dict[str, Any]:
    state = dlt.current.source_state()
    orgs: dict[str, Any] = state.setdefault("organizations", {})
    org: dict[str, Any] = orgs.setdefault(organization_id, {})
    return org


def _entity_state(organization_id: str, entity: str) -> dict[str, Any]:
    entities: dict[str, Any] = _org_state(organization_id).setdefault("entities", {})
    found: dict[str, Any] = entities.setdefault(entity, {})
    return found


def _add_pending_deletions(table: str, organization_id: str, ids: Iterable[str], seen_at: datetime) -> int:
    state = dlt.current.source_state()
    pending = state.setdefault("pending_deletions", {}).setdefault(table, {}).setdefault(organization_id, {})
    count = 0
    for record_id in ids:
        pending.setdefault(record_id, seen_at.isoformat())
        count += 1
    return count


def _scan_due(state: dict[str, Any], options: SyncOptions) -> bool:
    if options.full_refresh:
        return True
    last = state.get("scanned_at")
    return last is None or options.synced_at - datetime.fromisoformat(last) >= options.delete_scan_interval


# --- the source -----------------------------------------------------------------------------------------


@dlt.source(name=SOURCE_NAME, max_table_nesting=3)
def zoho_books(
    orgs: Sequence[OrgSync],
    options: SyncOptions,
    live_ids: LiveIds,
    phase: str = "documents",
    report: Reporter = _quiet,
    targets: Targets | None = None,
    stored_columns: StoredColumns = _no_columns,
) -> Iterator[DltResource]:
    """The resources of one phase (``documents``, ``by_id``, ``ledger`` or ``deletions``) for ``orgs``.

    Rate limits are per organization, so the resources that call Zoho page by page (list walks with their
    details, ledgers) are ``parallelized``: dlt advances each of them on its extract threads, one step at a
    time per resource, so one organization's paced calls do not hold the others up. dlt's context (and so
    the source state) is available on those threads; each resource writes only its own organization's
    state, and what several resources share (pending deletions, reports) is only added to or locked."""
    report = _serialized(report)
    if phase == "by_id":
        named = targets or Targets()
        for endpoint in ALL_ENDPOINTS:
            if endpoint.name in named.entities:
                for org in orgs:
                    yield _resource(
                        endpoint, org, _by_id(org, endpoint, named, options, live_ids, stored_columns, report)
                    )
        return
    if phase == "deletions":
        yield dlt.resource(
            _pending_deletions(options.synced_at),
            name="zoho_deletions",
            table_name=DELETIONS_TABLE,
            write_disposition="merge",
            primary_key=["entity", "organization_id", "record_id"],
            columns={
                "entity": {"data_type": "text", "nullable": False},
                "organization_id": {"data_type": "text", "nullable": False},
                "record_id": {"data_type": "text", "nullable": False},
                "deleted_at": {"data_type": "timestamp", "timezone": True, "nullable": False},
            },
        )
        return
    for endpoint in ALL_ENDPOINTS:
        if endpoint.name not in options.entities:
            continue
        for org in orgs:
            if phase == "ledger" and endpoint.kind == "per_account":
                rows = _ledger(org, endpoint, options, live_ids, stored_columns, report)
                yield _resource(endpoint, org, rows, parallelized=True)
            elif phase == "documents":
                yield from _document_resources(endpoint, org, options, live_ids, report, stored_columns)


def endpoint_resource(endpoint: Endpoint, data: Any, name: str, *, parallelized: bool = False) -> DltResource:
    """A resource of ``endpoint``'s raw table with its write disposition, key and column hints (the bench
    loads through it too, so it measures what the sync loads)."""
    snapshot = endpoint.kind == "snapshot"
    resource: DltResource = dlt.resource(  # type: ignore[call-overload]
        data,
        name=name,
        parallelized=parallelized,
        table_name=endpoint.name,
        write_disposition="append" if snapshot else "merge",
        primary_key=None if snapshot else primary_key(endpoint),
        columns=table_columns(endpoint),
        nested_hints=nested_hints(endpoint),
    )
    return resource


def _resource(endpoint: Endpoint, org: OrgSync, data: Any, *, parallelized: bool = False) -> DltResource:
    name = f"{endpoint.name}_{org.organization_id}"
    return endpoint_resource(endpoint, data, name, parallelized=parallelized)


def _document_resources(
    endpoint: Endpoint,
    org: OrgSync,
    options: SyncOptions,
    live_ids: LiveIds,
    report: Reporter,
    stored_columns: StoredColumns,
) -> Iterator[DltResource]:
    if endpoint.kind == "organization":
        yield _resource(endpoint, org, _organization(org, endpoint, options, report))
    elif endpoint.kind == "snapshot":
        currencies = _resource(endpoint, org, _currencies(org, endpoint, options, report))
        yield currencies
        rates = next((e for e in ALL_ENDPOINTS if e.kind == "per_currency"), None)
        if rates is not None and rates.name in options.entities:
            yield dlt.transformer(
                _exchange_rates(org, rates, options, report),
                data_from=currencies,
                name=f"{rates.name}_{org.organization_id}",
                table_name=rates.name,
                write_disposition="merge",
                primary_key=primary_key(rates),
                columns=table_columns(rates),
            )
    elif endpoint.kind == "single":
        yield _resource(endpoint, org, _single(org, endpoint, options, live_ids, report))
    elif endpoint.kind == "list":
        walked = _walked(org, endpoint, options, live_ids, report, stored_columns)
        yield _resource(endpoint, org, walked, parallelized=True)


# --- organizations, currencies, rates -------------------------------------------------------------------


def _not_read(org: OrgSync, endpoint: Endpoint, error: ZohoApiError) -> None:
    """Zoho would not serve ``endpoint`` to this organization: reported by name, the other entities go on. A
    wrong organization id is everyone's problem, so that one stops the sync."""
    if isinstance(error, ZohoOrganizationError):
        raise error
    org.progress(endpoint.name).fail(error)
    _warn_not_read(org, endpoint, error)


def _warn_not_read(org: OrgSync, endpoint: Endpoint, error: ZohoApiError) -> None:
    answer = f"HTTP {error.status}, code {error.code}" if error.status else "no usable answer after retries"
    log.warning(
        "zoho entity %s not read for organization %s: %s on %s (the summary says what to do)",
        endpoint.name,
        org.organization_id,
        answer,
        error.path,
        extra={"entity": endpoint.name, "problem": str(error)},
    )


def _organization(
    org: OrgSync, endpoint: Endpoint, options: SyncOptions, report: Reporter
) -> Callable[[], Iterator[list[JsonObject]]]:
    def rows() -> Iterator[list[JsonObject]]:
        if org.stopped:
            org.progress(endpoint.name).complete = False
            return
        try:
            listed = org.client.list_organizations()
        except ZohoDailyLimitError as exc:
            org.stop(exc)
            org.progress(endpoint.name).complete = False
            return
        except ZohoApiError as exc:
            _not_read(org, endpoint, exc)
            return
        mine = [r for r in listed if str(r.get("organization_id")) == org.organization_id]
        progress = org.progress(endpoint.name)
        progress.rows += len(mine)
        report(org, endpoint.name)
        yield [typed_record(endpoint, r, org.organization_id, options.synced_at) for r in mine]

    return rows


def _single(
    org: OrgSync, endpoint: Endpoint, options: SyncOptions, live_ids: LiveIds, report: Reporter
) -> Callable[[], Iterator[list[JsonObject]]]:
    """One object per organization (the opening balance), read whole every sync: one call, loaded (and the
    ledger's next window reaching back to its date) only when the answer differs from the last one. An
    organization without one (Zoho answers not found, or no object under the root) has none; a stored one is
    then marked deleted, as is a stored one under another id."""

    def rows() -> Iterator[list[JsonObject]]:
        progress = org.progress(endpoint.name)
        if org.stopped:
            progress.complete = False
            return
        try:
            body = org.client.get(endpoint.path)
        except ZohoDailyLimitError as exc:
            org.stop(exc)
            progress.complete = False
            return
        except ZohoNotFoundError:
            body = {}
        except ZohoApiError as exc:
            _not_read(org, endpoint, exc)
            return
        found = body.get(endpoint.detail_root)
        record = found if isinstance(found, dict) and found.get(endpoint.id_field) else None
        current = {str(record[endpoint.id_field])} if record else set()
        held = live_ids.ids(endpoint.name, org.organization_id)
        gone = held - current
        progress.deletions += _add_pending_deletions(
            endpoint.name, org.organization_id, sorted(gone), options.synced_at
        )
        # The object carries no change time: its whole answer is its version, kept in state.
        state = _entity_state(org.organization_id, endpoint.name)
        version = hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()
        changed = bool(current) and (
            options.full_refresh or state.get("version") != version or not current <= held
        )
        state["version"] = version
        if changed:
            progress.rows += len(current)
        if endpoint.posts and (changed or gone):
            # Its ledger lines move with it: the next ledger read reaches back to its date (D61).
            touched = _Touched(ids=(current if changed else set()) | gone)
            touched.date(_document_date(record) if record else None)
            _touch(org, live_ids, touched)
        report(org, endpoint.name)
        if record and changed:
            yield [typed_record(endpoint, record, org.organization_id, options.synced_at)]
        elif not record:
            # None to load: the raw table still gets its declared columns, so the models over it build.
            yield dlt.mark.materialize_table_schema()

    return rows


def _currencies(
    org: OrgSync, endpoint: Endpoint, options: SyncOptions, report: Reporter
) -> Callable[[], Iterator[list[JsonObject]]]:
    def rows() -> Iterator[list[JsonObject]]:
        progress = org.progress(endpoint.name)
        if org.stopped:
            progress.complete = False
            return
        try:
            listed = list(org.client.iter_records(endpoint.path, endpoint.list_root, endpoint.id_field))
        except ZohoDailyLimitError as exc:
            org.stop(exc)
            progress.complete = False
            return
        except ZohoApiError as exc:
            _not_read(org, endpoint, exc)
            return
        progress.rows += len(listed)
        report(org, endpoint.name)
        yield [typed_record(endpoint, r, org.organization_id, options.synced_at) for r in listed]

    return rows


def _exchange_rates(
    org: OrgSync, endpoint: Endpoint, options: SyncOptions, report: Reporter
) -> Callable[[list[JsonObject]], list[JsonObject]]:
    def rates(currencies: list[JsonObject]) -> list[JsonObject]:
        progress = org.progress(endpoint.name)
        since: dict[str, str] = _org_state(org.organization_id).setdefault("rates_from", {})
        out: list[JsonObject] = []
        for currency in currencies:
            currency_id = str(currency.get("currency_id"))
            if currency.get("is_base_currency") or org.stopped:
                progress.complete = progress.complete and not org.stopped
                continue
            params = (
                {} if options.full_refresh or currency_id not in since else {"from_date": since[currency_id]}
            )
            path = endpoint.path.format(currency_id=currency_id)
            try:
                listed = list(org.client.iter_records(path, endpoint.list_root, endpoint.id_field, params))
            except ZohoDailyLimitError as exc:
                org.stop(exc)
                progress.complete = False
                continue
            except ZohoNotFoundError:
                continue
            except ZohoApiError as exc:
                _not_read(org, endpoint, exc)
                break
            typed = [typed_record(endpoint, r, org.organization_id, options.synced_at) for r in listed]
            days = [r["effective_date"] for r in typed if isinstance(r.get("effective_date"), date)]
            if days:
                # Inclusive next time: a rate added later on the same day is still picked up (merge dedups).
                since[currency_id] = max(
                    [*days, date.fromisoformat(since.get(currency_id, "0001-01-01"))]
                ).isoformat()
            out.extend(typed)
        progress.rows += len(out)
        report(org, endpoint.name)
        return out

    return rates


# --- list walks and details -----------------------------------------------------------------------------


def _walk(
    org: OrgSync, endpoint: Endpoint, options: SyncOptions, live_ids: LiveIds, stored_columns: StoredColumns
) -> Callable[[], Iterator[JsonObject]]:
    """Pages of changed rows, then one ``end`` item with how the walk ended.

    Asked for newest-modified first, a walk stops at the watermark while the answer bears that order out
    (``Walk.check_order``); otherwise it reads the whole list and a row counts as changed when the warehouse
    does not hold its version: its ``last_modified_time``, or where list rows have none (journals) the list
    members in ``endpoint.list_version``."""

    def items() -> Iterator[JsonObject]:
        state = _entity_state(org.organization_id, endpoint.name)
        incremental = endpoint.cursor is not None
        scan = not incremental or _scan_due(state, options)
        # Where list rows carry no cursor (journals), the list members compared may not move with every edit
        # (an amount moved between two lines' accounts): the periodic scan re-reads every detail, so no
        # edit stays unseen longer than the scan interval.
        everything = options.full_refresh or not incremental or (scan and not endpoint.cursor_in_list)
        sorted_walk = incremental and endpoint.sorts_by_cursor
        version_columns = _version_columns(endpoint, stored_columns)
        walk = Walk(
            Watermark.from_state(state),
            options.overlap,
            everything=everything,
            ordered=sorted_walk,
            stored=lambda: live_ids.versions(endpoint.name, version_columns, org.organization_id),
        )
        params = dict(endpoint.list_params)
        if sorted_walk:
            params.update(sort_column=endpoint.cursor, sort_order="D")
        listed: set[str] = set()
        complete = True
        error: ZohoApiError | None = None
        past = False
        # Documents stored from their list row only that the mode now wants whole (a mode switched from
        # "none" or to more months): the walk reads the whole list to find and load them (D90).
        catch_up = _without_detail(org, endpoint, options, live_ids)
        read_all = scan or bool(catch_up)
        if org.stopped:
            yield {"kind": "end", "walk": walk, "complete": False, "scan": False, "ids": listed}
            return
        try:
            for page in _pages(org, endpoint, params, walk):
                if sorted_walk and walk.ordered:
                    wanted = endpoint.cursor or ""
                    cursors = [row.get(wanted) for row in page.rows]
                    if not walk.check_order(page.sort_column, page.sort_order, wanted, cursors):
                        log.info(
                            "%s: %s; walking the whole list, loading what the warehouse does not hold",
                            endpoint.name,
                            walk.unordered_because,
                            extra={"entity": endpoint.name, "reason": walk.unordered_because},
                        )
                batch: list[JsonObject] = []
                for row in page.rows:
                    record_id = str(row.get(endpoint.id_field))
                    if record_id in listed:
                        continue  # Zoho repeats a row across page boundaries
                    listed.add(record_id)
                    if not incremental:
                        batch.append(row)
                        continue
                    if record_id in catch_up and options.wants_detail(row):
                        batch.append(row)
                        continue
                    if past and not read_all:
                        continue
                    cursor, version = None, None
                    if endpoint.cursor_in_list:
                        cursor = row.get(endpoint.cursor or "")
                    else:
                        version = _row_version(endpoint, row, version_columns)
                    verdict = walk.classify(record_id, cursor, version)
                    if verdict is Verdict.PAST:
                        past = True
                        # Read on for the delete scan: below the watermark, what the warehouse does not hold
                        # (an edit an earlier walk missed) is loaded too.
                        if scan and not walk.holds(record_id, cursor_key(cursor)):
                            batch.append(row)
                    elif verdict is Verdict.CHANGED:
                        batch.append(row)
                if batch:
                    yield {"kind": "batch", "rows": batch, "walk": walk}
                if past and not read_all:
                    break
            else:
                # Read to its end (an unordered list always is): every id Zoho has is in ``listed``, so the
                # deletions come for free whether or not a scan was due.
                scan = True
        except ZohoDailyLimitError as exc:
            org.stop(exc)
            complete = False
        except ZohoOrganizationError:
            raise  # the configuration is wrong for every entity: the sync stops and says so
        except ZohoApiError as exc:
            complete, error = False, exc
            _warn_not_read(org, endpoint, exc)
        yield {"kind": "end", "walk": walk, "complete": complete, "scan": scan, "ids": listed, "error": error}

    return items


def _without_detail(org: OrgSync, endpoint: Endpoint, options: SyncOptions, live_ids: LiveIds) -> set[str]:
    """The stored documents loaded from their list row only, when the mode may want some of them whole."""
    if not endpoint.needs_detail or options.details == "none" or options.full_refresh:
        return set()
    rows = live_ids.stored(endpoint.name, (DETAIL_FETCHED_COLUMN,), org.organization_id)
    return {str(row[0]) for row in rows if row[1] is False}


def _pages(org: OrgSync, endpoint: Endpoint, params: Mapping[str, Any], walk: Walk) -> Iterator[Page]:
    """The list's pages; where Zoho refuses the sort column outright (code 2 on ``sort_column``) instead of
    ignoring it, the list again without it, walked unordered."""
    first = True
    try:
        for page in org.client.iter_pages(endpoint.path, endpoint.list_root, params):
            first = False
            yield page
    except ZohoApiError as exc:
        refused_sort = exc.code == 2 and "sort_column" in str(exc) and "sort_column" in params
        if not (first and refused_sort):
            raise
        walk.unorder("Zoho refused sort_column=last_modified_time")
        unsorted = {k: v for k, v in params.items() if k not in ("sort_column", "sort_order")}
        yield from org.client.iter_pages(endpoint.path, endpoint.list_root, unsorted)


def _version_columns(endpoint: Endpoint, stored_columns: StoredColumns) -> tuple[str, ...]:
    """The stored columns an unordered walk compares: the cursor, or the list members that stand for it."""
    if endpoint.cursor_in_list:
        return (endpoint.cursor,) if endpoint.cursor else ()
    stored = stored_columns(endpoint.name)
    return tuple(c for c in endpoint.list_version if c in stored)


def _row_version(endpoint: Endpoint, row: JsonObject, columns: Sequence[str]) -> str:
    if not columns:
        return ""  # nothing to compare yet (a first sync): every row is loaded
    typed = typed_record(endpoint, {c: row.get(c) for c in columns}, "", datetime.min)
    return version_of(typed.get(c) for c in columns)


def _walked(
    org: OrgSync,
    endpoint: Endpoint,
    options: SyncOptions,
    live_ids: LiveIds,
    report: Reporter,
    stored_columns: StoredColumns,
) -> Callable[[], Iterator[Any]]:
    """The walk's items through the documents step, in order, in one generator: dlt runs a parallelized
    generator one step at a time, so a page's details are taken before the walk reads on, and the walk's end
    (the state) comes after every page, as with a transformer on one thread."""
    walk = _walk(org, endpoint, options, live_ids, stored_columns)
    step = _documents(org, endpoint, options, live_ids, report)

    def records() -> Iterator[Any]:
        loaded = False
        for item in walk():
            out = step(item)
            if out:
                loaded = True
                yield out
        progress = org.progress(endpoint.name)
        if (progress.error is not None or not loaded) and not stored_columns(endpoint.name):
            # Never loaded, and not readable now or with nothing to load (an organization that never
            # refunded a credit note): create the raw table anyway, empty, with every column the endpoint
            # table declares, so the models over it build (on no rows) instead of failing the build.
            yield dlt.mark.materialize_table_schema()

    return records


def detail_location(endpoint: Endpoint, row: JsonObject | None) -> str:
    """The path a record's detail is read under: ``endpoint.path``, or for records Zoho details only under
    their parent document (refunds), ``endpoint.detail_path`` with the parent's id from the list row."""
    if endpoint.detail_path is None or row is None:
        return endpoint.path
    return endpoint.detail_path.format_map({k: str(v) for k, v in row.items()})


def _fetch_details(
    org: OrgSync, endpoint: Endpoint, ids: Sequence[str], rows: Sequence[JsonObject] | None = None
) -> list[JsonObject | None]:
    """Detail records for ``ids`` (None where the record is gone), fetched with the connection's
    concurrency; raises ZohoDailyLimitError after the fetches that did succeed were kept by the caller.
    ``rows``: the ids' list rows, where the detail path names a parent (``Endpoint.detail_path``)."""
    paths = [detail_location(endpoint, rows[i] if rows is not None else None) for i in range(len(ids))]
    results: list[JsonObject | None] = [None] * len(ids)
    capped: list[ZohoDailyLimitError] = []
    refused: list[ZohoApiError] = []

    def one(index: int) -> None:
        if capped or refused:
            return
        try:
            results[index] = org.client.get_record(paths[index], ids[index], endpoint.detail_root)
        except ZohoNotFoundError:
            results[index] = None  # deleted since it was listed: the delete scan marks it
        except ZohoDailyLimitError as exc:
            capped.append(exc)
        except ZohoOrganizationError:
            raise
        except ZohoApiError as exc:
            # Not this record's absence: a refusal or failures past the retries. Mark it missing; the walk
            # stays incomplete (its watermark does not move) and the entity is reported.
            refused.append(exc)
            results[index] = {"__missing__": True}

    workers = max(1, min(len(ids), org.client.connection.max_in_flight))
    with (
        org.fetching,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"zoho-{endpoint.name}") as pool,
    ):
        list(pool.map(one, range(len(ids))))
    progress = org.progress(endpoint.name)
    progress.detail_calls += len(ids)
    if refused:
        progress.fail(refused[0])
    if capped:
        org.stop(capped[0])
    if capped or refused:
        # Mark the fetches that never ran: the caller must not count them as loaded.
        return [r if r is not None else {"__missing__": True} for r in results]
    return results


def _read_refunds(
    org: OrgSync, endpoint: Endpoint, options: SyncOptions, records: list[JsonObject | None]
) -> None:
    """The refunds of the payments among ``records`` that show one (D135), counted with the details."""
    if endpoint.refunds is None:
        return
    with org.fetching:
        reads = refunds.add_refunds(
            org.client, endpoint.refunds, records, org.organization_id, options.synced_at
        )
    progress = org.progress(endpoint.name)
    progress.detail_calls += reads.calls
    if reads.refused is not None:
        progress.fail(reads.refused)
        _warn_not_read(org, endpoint, reads.refused)
    if reads.capped is not None:
        org.stop(reads.capped)


def _documents(
    org: OrgSync, endpoint: Endpoint, options: SyncOptions, live_ids: LiveIds, report: Reporter
) -> Callable[[JsonObject], list[JsonObject] | None]:
    """The transformer: a page of changed rows → typed (detail) records; the walk's end → state."""
    failed = {"any": False}
    touched = _Touched()

    def step(item: JsonObject) -> list[JsonObject] | None:
        walk: Walk = item["walk"]
        if item["kind"] == "end":
            gone = _finish_walk(org, endpoint, options, live_ids, walk, item, failed["any"])
            if endpoint.posts:
                touched.ids.update(gone)
                _touch(org, live_ids, touched)
            report(org, endpoint.name)
            return None
        rows: list[JsonObject] = item["rows"]
        progress = org.progress(endpoint.name)
        if org.stopped:
            failed["any"] = True
            return None
        out: list[JsonObject] = []
        if not endpoint.needs_detail:
            records: list[JsonObject | None] = list(rows)
            _take(org, endpoint, options, walk, rows, records, out, failed)
        else:
            # The documents outside the detail mode are loaded from their list rows, flagged (D90).
            wanted = [options.wants_detail(r) for r in rows]
            whole = [r for r, want in zip(rows, wanted, strict=True) if want]
            listed = [r for r, want in zip(rows, wanted, strict=True) if not want]
            ids = [str(r.get(endpoint.id_field)) for r in whole]
            fetched = _fetch_details(org, endpoint, ids, whole) if whole else []
            complete_from_list_rows(whole, fetched)
            _read_refunds(org, endpoint, options, fetched)
            _take(org, endpoint, options, walk, whole, fetched, out, failed)
            _take(org, endpoint, options, walk, listed, list(listed), out, failed, detail_fetched=False)
            rows, records = whole + listed, [*fetched, *listed]
        if endpoint.posts:
            touched.add(rows, records, endpoint.id_field)
        progress.rows += len(out)
        report(org, endpoint.name)
        return out

    return step


@dataclass
class _Touched:
    """The posting documents a walk or a targeted sync loaded or found gone: their ids and earliest date."""

    ids: set[str] = field(default_factory=set)
    earliest: date | None = None

    def add(self, rows: Sequence[JsonObject], records: Sequence[JsonObject | None], id_field: str) -> None:
        for row, record in zip(rows, records, strict=True):
            if record is None or record.get("__missing__"):
                continue
            self.ids.add(str(row.get(id_field)))
            self.date(_document_date(record))

    def date(self, day: date | None) -> None:
        if day is not None and (self.earliest is None or day < self.earliest):
            self.earliest = day


def _document_date(record: JsonObject) -> date | None:
    return _as_date(record.get("date") or record.get("journal_date"))


def _touch(org: OrgSync, live_ids: LiveIds, touched: _Touched) -> None:
    """Remember, for the next ledger read, the earliest date the changed posting documents had or have now
    (their ledger lines move with them)."""
    if not touched.ids:
        return
    org.postings_changed = True
    before = live_ids.earliest(
        LEDGER_TABLE, "transaction_date", "transaction_id", sorted(touched.ids), org.organization_id
    )
    touched.date(before)
    if touched.earliest is None:
        return
    with org.lock:
        state = _org_state(org.organization_id)
        known = _as_date(state.get("ledger_touched"))
        if known is None or touched.earliest < known:
            state["ledger_touched"] = touched.earliest.isoformat()


def complete_from_list_rows(rows: Sequence[JsonObject], records: Sequence[JsonObject | None]) -> None:
    """Complete each detail record with the members only its list row carries: Zoho documents a payment's
    ``bcy_amount`` and ``payment_number`` on the list row, not on the detail record (D45)."""
    for row, record in zip(rows, records, strict=True):
        if record is None or record.get("__missing__"):
            continue
        for name, value in row.items():
            record.setdefault(name, value)


def _take(
    org: OrgSync,
    endpoint: Endpoint,
    options: SyncOptions,
    walk: Walk,
    rows: list[JsonObject],
    records: list[JsonObject | None],
    out: list[JsonObject],
    failed: dict[str, bool],
    *,
    detail_fetched: bool = True,
) -> None:
    for row, record in zip(rows, records, strict=True):
        record_id = str(row.get(endpoint.id_field))
        if record is not None and record.get("__missing__"):
            failed["any"] = True
            continue
        cursor = (record or row).get(endpoint.cursor or "")
        walk.loaded(record_id, cursor)
        if record is not None:
            out.append(
                typed_record(
                    endpoint, record, org.organization_id, options.synced_at, detail_fetched=detail_fetched
                )
            )


def _finish_walk(
    org: OrgSync,
    endpoint: Endpoint,
    options: SyncOptions,
    live_ids: LiveIds,
    walk: Walk,
    end: JsonObject,
    details_failed: bool,
) -> set[str]:
    """Store the walk's end in the state; returns the ids it found deleted."""
    state = _entity_state(org.organization_id, endpoint.name)
    complete = bool(end["complete"]) and not details_failed
    progress = org.progress(endpoint.name)
    progress.complete = complete
    if end.get("error") is not None:
        progress.fail(end["error"])
    walk.finish(complete).to_state(state)
    # For the next estimate: an unordered list is read whole every time.
    state["ordered"] = walk.ordered
    state["listed"] = len(end["ids"])
    if not complete:
        state["incomplete_since"] = state.get("incomplete_since") or options.synced_at.isoformat()
        return set()
    state.pop("incomplete_since", None)
    gone: set[str] = set()
    if end["scan"]:
        gone = live_ids.ids(endpoint.name, org.organization_id) - set(end["ids"])
        progress.deletions = _add_pending_deletions(
            endpoint.name, org.organization_id, gone, options.synced_at
        )
        state["scanned_at"] = options.synced_at.isoformat()
    if endpoint.name == "chart_of_accounts":
        _org_state(org.organization_id)["account_ids"] = sorted(end["ids"])
    return gone


# --- documents by id (webhooks) ------------------------------------------------------------------------


def _by_id(
    org: OrgSync,
    endpoint: Endpoint,
    targets: Targets,
    options: SyncOptions,
    live_ids: LiveIds,
    stored_columns: StoredColumns,
    report: Reporter,
) -> Callable[[], Iterator[list[JsonObject]]]:
    def rows() -> Iterator[list[JsonObject]]:
        progress = org.progress(endpoint.name)
        ids = sorted(targets.upserts.get(endpoint.name, frozenset()))
        gone = set(targets.deletions.get(endpoint.name, frozenset()))
        out: list[JsonObject] = []
        touched = _Touched()
        if ids and org.stopped:
            progress.complete = False
        elif ids:
            records = _fetch_details(org, endpoint, ids)
            _read_refunds(org, endpoint, options, records)
            # Where the walk stores list rows, keep the detail's fields the list rows gave the table:
            # a detail-only field (nested contact persons, addresses) would start tables no list fills.
            keep = frozenset() if endpoint.needs_detail else frozenset(stored_columns(endpoint.name))
            # The next incremental walk meets these versions inside its window: remembering them here
            # spares their detail calls then (Walk.classify says UNCHANGED).
            recent: dict[str, str] = _entity_state(org.organization_id, endpoint.name).setdefault(
                "recent", {}
            )
            for record_id, record in zip(ids, records, strict=True):
                if record is None:
                    gone.add(record_id)  # deleted again before we fetched it
                elif record.get("__missing__"):
                    progress.complete = False  # the daily cap stopped the fetches
                else:
                    if keep:
                        record = {k: v for k, v in record.items() if k in keep}
                    if endpoint.cursor:
                        recent[record_id] = cursor_key(record.get(endpoint.cursor))
                    touched.ids.add(record_id)
                    touched.date(_document_date(record))
                    out.append(typed_record(endpoint, record, org.organization_id, options.synced_at))
        progress.deletions += _add_pending_deletions(
            endpoint.name, org.organization_id, sorted(gone), options.synced_at
        )
        if endpoint.posts:
            touched.ids.update(gone)
            _touch(org, live_ids, touched)
        progress.rows += len(out)
        report(org, endpoint.name)
        if out:
            yield out

    return rows


# --- the ledger -----------------------------------------------------------------------------------------


def ledger_row_id(row: JsonObject) -> str:
    """Zoho's id of the posting line, or (when Zoho leaves it out) a hash of what identifies the line."""
    found = row.get("categorized_transaction_id")
    if found:
        return str(found)
    parts = (
        "account_id",
        "transaction_id",
        "transaction_type",
        "transaction_date",
        "entry_number",
        "debit_amount",
        "credit_amount",
        "fcy_debit_amount",
        "fcy_credit_amount",
    )
    digest = hashlib.sha256("|".join(str(row.get(p, "")) for p in parts).encode()).hexdigest()[:24]
    return f"h{digest}"


def _ledger(
    org: OrgSync,
    endpoint: Endpoint,
    options: SyncOptions,
    live_ids: LiveIds,
    stored_columns: StoredColumns,
    report: Reporter,
) -> Callable[[], Iterator[list[JsonObject] | pa.Table]]:
    """Each account's postings in the pass's window (D61), as one Arrow table where they fit exactly (D43),
    else as records. A pass the daily cap cut short goes on, with the same window, on the next run."""

    def rows() -> Iterator[list[JsonObject] | pa.Table]:
        state = _org_state(org.organization_id)
        state.pop("ledger_dirty", None)  # the flag of an older version: every sync reads the ledger now
        progress = org.progress(endpoint.name)
        if options.ledger_on_postings_only and not org.postings_changed:
            return
        if org.stopped:
            progress.complete = False
            return
        current = _ledger_pass(state, options)
        window = ledger_window.LedgerWindow.from_state(current)
        done: set[str] = set(state.get("ledger_done") or [])
        known: set[str] = set(state.get("ledger_accounts") or [])
        lines: dict[str, int] = state.setdefault("ledger_lines", {})
        columns, warehouse_types = table_columns(endpoint), stored_columns(endpoint.name)
        stored: dict[str, dict[str, date | None]] | None = None
        accounts: list[str] = list(state.get("account_ids") or [])
        for account_id in accounts:
            if account_id in done:
                continue
            # An account never read whole (new, or the ledger's first pass) is read whole.
            read = window if account_id in known else ledger_window.WHOLE
            try:
                listed = list(
                    org.client.iter_records(
                        endpoint.path,
                        endpoint.list_root,
                        "categorized_transaction_id",
                        {"account_id": account_id, **read.params()},
                    )
                )
            except ZohoDailyLimitError as exc:
                org.stop(exc)
                progress.complete = False
                return
            except ZohoApiError as exc:
                _not_read(org, endpoint, exc)  # the pass stays open: the next run goes on with it
                return
            typed = _ledger_records(org, endpoint, options, listed)
            if stored is None:
                stored = live_ids.dated_by(
                    endpoint.name, "account_id", "transaction_date", org.organization_id
                )
            # Only what the window covers can be missing because it was deleted.
            held = {i for i, day in stored.get(account_id, {}).items() if read.holds(day)}
            gone = held - {r["categorized_transaction_id"] for r in typed}
            progress.deletions += _add_pending_deletions(
                endpoint.name, org.organization_id, gone, options.synced_at
            )
            if read.whole:
                known.add(account_id)
                lines[account_id] = len(typed)
                state["ledger_accounts"] = sorted(known)
            done.add(account_id)
            state["ledger_done"] = sorted(done)
            progress.rows += len(typed)
            report(org, endpoint.name)
            if typed:
                batch = arrow_batch(typed, columns, warehouse_types)
                yield batch if batch is not None else typed
        state["ledger_read_at"] = current["started"]
        if current.get("whole"):
            state["ledger_scanned_at"] = current["started"]
        kept = set(accounts)
        state["ledger_accounts"] = sorted(known & kept)
        state["ledger_lines"] = {a: n for a, n in lines.items() if a in kept}
        state.pop("ledger_pass", None)
        state["ledger_done"] = []

    return rows


def _ledger_pass(state: dict[str, Any], options: SyncOptions) -> dict[str, Any]:
    """The open pass over the ledger (one a run cut short), or a new one: when it started, its window, and
    whether it reads everything. A new pass takes the dates the walks touched since the last one."""
    current: dict[str, Any] | None = state.get("ledger_pass")
    if current is not None and (current.get("whole") or not options.full_refresh):
        return current
    whole = ledger_window.whole_read_due(
        state.get("ledger_scanned_at"),
        options.synced_at,
        options.full_refresh,
        options.delete_scan_interval,
    )
    last_read = state.get("ledger_read_at")
    if whole or not last_read:
        window, whole = ledger_window.WHOLE, True
    else:
        window = ledger_window.window(
            datetime.fromisoformat(last_read),
            options.synced_at,
            options.ledger_overlap_months,
            [_as_date(state.get("ledger_touched"))],
        )
    current = {"started": options.synced_at.isoformat(), "whole": whole, **window.to_state()}
    state["ledger_pass"] = current
    state["ledger_done"] = []
    state.pop("ledger_touched", None)  # taken into this pass; later touches are the next pass's
    return current


def _ledger_records(
    org: OrgSync, endpoint: Endpoint, options: SyncOptions, listed: Sequence[JsonObject]
) -> list[JsonObject]:
    typed: list[JsonObject] = []
    seen_keys: dict[str, int] = {}
    for row in listed:
        key = ledger_row_id(row)
        # Two identical lines without Zoho's id would share a hash: number them.
        seen_keys[key] = seen_keys.get(key, 0) + 1
        if seen_keys[key] > 1:
            key = f"{key}-{seen_keys[key]}"
        record = dict(row, categorized_transaction_id=key)
        typed.append(typed_record(endpoint, record, org.organization_id, options.synced_at, source_id=key))
    return typed


# --- deletions ------------------------------------------------------------------------------------------


def _pending_deletions(synced_at: datetime) -> Callable[[], Iterator[list[JsonObject]]]:
    def rows() -> Iterator[list[JsonObject]]:
        state = dlt.current.source_state()
        pending: dict[str, dict[str, dict[str, str]]] = state.get("pending_deletions") or {}
        out = [
            {
                "entity": table,
                "organization_id": organization_id,
                "record_id": record_id,
                "deleted_at": datetime.fromisoformat(seen_at),
            }
            for table, by_org in sorted(pending.items())
            for organization_id, ids in sorted(by_org.items())
            for record_id, seen_at in sorted(ids.items())
        ]
        state["pending_deletions"] = {}
        if out:
            yield out

    return rows
