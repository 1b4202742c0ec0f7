"""From changed list rows to raw records: detail calls (one per document, with the connection's
concurrency), refunds, the walk's end into the state; and the targeted sync's documents fetched by id."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import dlt

from loader.extract import refunds
from loader.extract.extraction import (
    Extraction,
    JsonObject,
    Targets,
    Touched,
    document_date,
    entity_state,
    org_state,
)
from loader.extract.list_walk import ListWalk
from loader.extract.watermark import Walk, cursor_key
from loader.zoho.endpoints import Endpoint
from loader.zoho.errors import ZohoApiError, ZohoDailyLimitError, ZohoNotFoundError, ZohoOrganizationError

Records = list[JsonObject | None]


def walked(ext: Extraction, endpoint: Endpoint) -> Callable[[], Iterator[Any]]:
    """The walk's items through the documents step, in order, in one generator: dlt runs a parallelized
    generator one step at a time, so a page's details are taken before the walk reads on, and the walk's end
    (the state) comes after every page, as with a transformer on one thread."""
    walk = ListWalk(ext, endpoint)
    step = DocumentStep(ext, endpoint)

    def records() -> Iterator[Any]:
        loaded = False
        for item in walk():
            out = step(item)
            if out:
                loaded = True
                yield out
        progress = ext.org.progress(endpoint.name)
        if (progress.error is not None or not loaded) and not ext.stored_columns(endpoint.name):
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


def fetch_details(
    ext: Extraction, endpoint: Endpoint, ids: Sequence[str], rows: Sequence[JsonObject] | None = None
) -> Records:
    """Detail records for ``ids`` (None where the record is gone), fetched with the connection's
    concurrency. Where the daily cap or a refusal stopped the fetches, those that never ran are marked
    ``__missing__`` so the caller does not count them as loaded. ``rows``: the ids' list rows, where the
    detail path names a parent (``Endpoint.detail_path``)."""
    org = ext.org
    paths = [detail_location(endpoint, rows[i] if rows is not None else None) for i in range(len(ids))]
    results: Records = [None] * len(ids)
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
        return [r if r is not None else {"__missing__": True} for r in results]
    return results


def read_refunds(ext: Extraction, endpoint: Endpoint, records: Records) -> None:
    """The refunds of the payments among ``records`` that show one (D135), counted with the details."""
    if endpoint.refunds is None:
        return
    org = ext.org
    with org.fetching:
        reads = refunds.add_refunds(
            org.client, endpoint.refunds, records, org.organization_id, ext.options.synced_at
        )
    progress = org.progress(endpoint.name)
    progress.detail_calls += reads.calls
    if reads.refused is not None:
        progress.fail(reads.refused)
        ext.warn_not_read(endpoint, reads.refused)
    if reads.capped is not None:
        org.stop(reads.capped)


def complete_from_list_rows(rows: Sequence[JsonObject], records: Sequence[JsonObject | None]) -> None:
    """Complete each detail record with the members only its list row carries: Zoho documents a payment's
    ``bcy_amount`` and ``payment_number`` on the list row, not on the detail record (D45)."""
    for row, record in zip(rows, records, strict=True):
        if record is None or record.get("__missing__"):
            continue
        for name, value in row.items():
            record.setdefault(name, value)


@dataclass
class DocumentStep:
    """The documents step of a walk: a page of changed rows → typed (detail) records; the end → state."""

    ext: Extraction
    endpoint: Endpoint
    failed: bool = False  # a record of this walk could not be read: its watermark must not move
    touched: Touched = field(default_factory=Touched)

    def __call__(self, item: JsonObject) -> list[JsonObject] | None:
        ext, endpoint = self.ext, self.endpoint
        walk: Walk = item["walk"]
        if item["kind"] == "end":
            gone = self._finish(walk, item)
            if endpoint.posts:
                self.touched.ids.update(gone)
                ext.touch(self.touched)
            ext.reported(endpoint.name)
            return None
        progress = ext.org.progress(endpoint.name)
        if ext.org.stopped:
            self.failed = True
            return None
        rows: list[JsonObject] = item["rows"]
        out: list[JsonObject] = []
        if not endpoint.needs_detail:
            records: Records = list(rows)
            self._take(walk, rows, records, out)
        else:
            # The documents outside the detail mode are loaded from their list rows, flagged (D90).
            wanted = [ext.options.wants_detail(r) for r in rows]
            whole = [r for r, want in zip(rows, wanted, strict=True) if want]
            listed = [r for r, want in zip(rows, wanted, strict=True) if not want]
            ids = [str(r.get(endpoint.id_field)) for r in whole]
            fetched = fetch_details(ext, endpoint, ids, whole) if whole else []
            complete_from_list_rows(whole, fetched)
            read_refunds(ext, endpoint, fetched)
            self._take(walk, whole, fetched, out)
            self._take(walk, listed, list(listed), out, detail_fetched=False)
            rows, records = whole + listed, [*fetched, *listed]
        if endpoint.posts:
            self.touched.add(rows, records, endpoint.id_field)
        progress.rows += len(out)
        ext.reported(endpoint.name)
        return out

    def _take(
        self,
        walk: Walk,
        rows: list[JsonObject],
        records: Records,
        out: list[JsonObject],
        *,
        detail_fetched: bool = True,
    ) -> None:
        endpoint = self.endpoint
        for row, record in zip(rows, records, strict=True):
            record_id = str(row.get(endpoint.id_field))
            if record is not None and record.get("__missing__"):
                self.failed = True
                continue
            cursor = (record or row).get(endpoint.cursor or "")
            walk.loaded(record_id, cursor)
            if record is not None:
                out.append(self.ext.typed(endpoint, record, detail_fetched=detail_fetched))

    def _finish(self, walk: Walk, end: JsonObject) -> set[str]:
        """Store the walk's end in the state; returns the ids it found deleted."""
        ext, endpoint, options = self.ext, self.endpoint, self.ext.options
        state = entity_state(ext.organization_id, endpoint.name)
        complete = bool(end["complete"]) and not self.failed
        progress = ext.org.progress(endpoint.name)
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
            gone = ext.live_ids.ids(endpoint.name, ext.organization_id) - set(end["ids"])
            progress.deletions = ext.mark_deleted(endpoint.name, gone)
            state["scanned_at"] = options.synced_at.isoformat()
        if endpoint.name == "chart_of_accounts":
            org_state(ext.organization_id)["account_ids"] = sorted(end["ids"])
        return gone


# --- documents by id (webhooks) ------------------------------------------------------------------------


def by_id(ext: Extraction, endpoint: Endpoint, targets: Targets) -> Callable[[], Iterator[list[JsonObject]]]:
    """The named documents fetched by id; those named deleted, or gone when fetched, queued as deletions."""
    org = ext.org

    def rows() -> Iterator[list[JsonObject]]:
        progress = org.progress(endpoint.name)
        ids = sorted(targets.upserts.get(endpoint.name, frozenset()))
        gone = set(targets.deletions.get(endpoint.name, frozenset()))
        out: list[JsonObject] = []
        touched = Touched()
        if ids and org.stopped:
            progress.complete = False
        elif ids:
            out = _fetched_by_id(ext, endpoint, ids, gone, touched)
        progress.deletions += ext.mark_deleted(endpoint.name, sorted(gone))
        if endpoint.posts:
            touched.ids.update(gone)
            ext.touch(touched)
        progress.rows += len(out)
        ext.reported(endpoint.name)
        if out:
            yield out

    return rows


def _fetched_by_id(
    ext: Extraction, endpoint: Endpoint, ids: list[str], gone: set[str], touched: Touched
) -> list[JsonObject]:
    """The typed records of ``ids``; adds those gone since to ``gone``, those loaded to ``touched``."""
    records = fetch_details(ext, endpoint, ids)
    read_refunds(ext, endpoint, records)
    # Where the walk stores list rows, keep the detail's fields the list rows gave the table: a detail-only
    # field (nested contact persons, addresses) would start tables no list fills.
    keep = frozenset() if endpoint.needs_detail else frozenset(ext.stored_columns(endpoint.name))
    # The next incremental walk meets these versions inside its window: remembering them here spares their
    # detail calls then (Walk.classify says UNCHANGED).
    recent: dict[str, str] = entity_state(ext.organization_id, endpoint.name).setdefault("recent", {})
    out: list[JsonObject] = []
    for record_id, record in zip(ids, records, strict=True):
        if record is None:
            gone.add(record_id)  # deleted again before we fetched it
        elif record.get("__missing__"):
            ext.org.progress(endpoint.name).complete = False  # the daily cap stopped the fetches
        else:
            if keep:
                record = {k: v for k, v in record.items() if k in keep}
            if endpoint.cursor:
                recent[record_id] = cursor_key(record.get(endpoint.cursor))
            touched.ids.add(record_id)
            touched.date(document_date(record))
            out.append(ext.typed(endpoint, record))
    return out
