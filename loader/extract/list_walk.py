"""Walking one list endpoint for one organization: the pages of changed rows, then how the walk ended.

Asked for newest-modified first, a walk stops at the watermark while the answer bears that order out
(``Walk.check_order``); otherwise it reads the whole list and a row counts as changed when the warehouse
does not hold its version: its ``last_modified_time``, or where list rows have none (journals) the list
members in ``endpoint.list_version``. What a changed row becomes (its detail record) is ``details``'s job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from loader.extract.extraction import Extraction, JsonObject, StoredColumns, entity_state, scan_due
from loader.extract.hints import typed_record
from loader.extract.live_ids import version_of
from loader.extract.watermark import Verdict, Walk, Watermark, cursor_key
from loader.raw_contract import DETAIL_FETCHED_COLUMN
from loader.zoho.client import Page
from loader.zoho.endpoints import Endpoint
from loader.zoho.errors import ZohoApiError, ZohoDailyLimitError, ZohoOrganizationError

log = logging.getLogger(__name__)


class ListWalk:
    """Called, yields ``{"kind": "batch", "rows", "walk"}`` per page with changed rows, then one
    ``{"kind": "end", "walk", "complete", "scan", "ids", "error"}``."""

    def __init__(self, ext: Extraction, endpoint: Endpoint) -> None:
        self.ext, self.endpoint = ext, endpoint
        self.listed: set[str] = set()
        self.past = False

    def __call__(self) -> Iterator[JsonObject]:
        ext, endpoint, options = self.ext, self.endpoint, self.ext.options
        state = entity_state(ext.organization_id, endpoint.name)
        self.incremental = endpoint.cursor is not None
        scan = not self.incremental or scan_due(state, options)
        # Where list rows carry no cursor (journals), the list members compared may not move with every edit
        # (an amount moved between two lines' accounts): the periodic scan re-reads every detail, so no
        # edit stays unseen longer than the scan interval.
        everything = options.full_refresh or not self.incremental or (scan and not endpoint.cursor_in_list)
        self.sorted_walk = self.incremental and endpoint.sorts_by_cursor
        self.version_columns = version_columns(endpoint, ext.stored_columns)
        columns = self.version_columns
        self.walk = Walk(
            Watermark.from_state(state),
            options.overlap,
            everything=everything,
            ordered=self.sorted_walk,
            stored=lambda: ext.live_ids.versions(endpoint.name, columns, ext.organization_id),
        )
        # Documents stored from their list row only that the mode now wants whole (a mode switched from
        # "none" or to more months): the walk reads the whole list to find and load them (D90).
        self.catch_up = without_detail(ext, endpoint)
        self.scan = scan
        self.read_all = scan or bool(self.catch_up)
        if ext.org.stopped:
            yield {"kind": "end", "walk": self.walk, "complete": False, "scan": False, "ids": self.listed}
            return
        complete, error = True, None
        try:
            yield from self._batches()
        except ZohoDailyLimitError as exc:
            ext.org.stop(exc)
            complete = False
        except ZohoOrganizationError:
            raise  # the configuration is wrong for every entity: the sync stops and says so
        except ZohoApiError as exc:
            complete, error = False, exc
            ext.warn_not_read(endpoint, exc)
        end = {"kind": "end", "walk": self.walk, "complete": complete, "scan": self.scan, "ids": self.listed}
        yield {**end, "error": error}

    def _batches(self) -> Iterator[JsonObject]:
        params = dict(self.endpoint.list_params)
        if self.sorted_walk:
            params.update(sort_column=self.endpoint.cursor, sort_order="D")
        for page in pages(self.ext, self.endpoint, params, self.walk):
            if self.sorted_walk and self.walk.ordered:
                self._check_order(page)
            batch = [row for row in page.rows if self._wanted(row)]
            if batch:
                yield {"kind": "batch", "rows": batch, "walk": self.walk}
            if self.past and not self.read_all:
                return
        # Read to its end (an unordered list always is): every id Zoho has is in ``listed``, so the
        # deletions come for free whether or not a scan was due.
        self.scan = True

    def _check_order(self, page: Page) -> None:
        wanted = self.endpoint.cursor or ""
        cursors = [row.get(wanted) for row in page.rows]
        if not self.walk.check_order(page.sort_column, page.sort_order, wanted, cursors):
            log.info(
                "%s: %s; walking the whole list, loading what the warehouse does not hold",
                self.endpoint.name,
                self.walk.unordered_because,
                extra={"entity": self.endpoint.name, "reason": self.walk.unordered_because},
            )

    def _wanted(self, row: JsonObject) -> bool:
        """Whether the row goes on to be loaded; it is counted as listed either way."""
        endpoint, walk = self.endpoint, self.walk
        record_id = str(row.get(endpoint.id_field))
        if record_id in self.listed:
            return False  # Zoho repeats a row across page boundaries
        self.listed.add(record_id)
        if not self.incremental:
            return True
        if record_id in self.catch_up and self.ext.options.wants_detail(row):
            return True
        if self.past and not self.read_all:
            return False
        cursor, version = None, None
        if endpoint.cursor_in_list:
            cursor = row.get(endpoint.cursor or "")
        else:
            version = row_version(endpoint, row, self.version_columns)
        verdict = walk.classify(record_id, cursor, version)
        if verdict is Verdict.PAST:
            self.past = True
            # Read on for the delete scan: below the watermark, what the warehouse does not hold (an edit an
            # earlier walk missed) is loaded too.
            return self.scan and not walk.holds(record_id, cursor_key(cursor))
        return verdict is Verdict.CHANGED


def without_detail(ext: Extraction, endpoint: Endpoint) -> set[str]:
    """The stored documents loaded from their list row only, when the mode may want some of them whole."""
    options = ext.options
    if not endpoint.needs_detail or options.details == "none" or options.full_refresh:
        return set()
    rows = ext.live_ids.stored(endpoint.name, (DETAIL_FETCHED_COLUMN,), ext.organization_id)
    return {str(row[0]) for row in rows if row[1] is False}


def pages(ext: Extraction, endpoint: Endpoint, params: Mapping[str, Any], walk: Walk) -> Iterator[Page]:
    """The list's pages; where Zoho refuses the sort column outright (code 2 on ``sort_column``) instead of
    ignoring it, the list again without it, walked unordered."""
    client = ext.org.client
    first = True
    try:
        for page in client.iter_pages(endpoint.path, endpoint.list_root, params):
            first = False
            yield page
    except ZohoApiError as exc:
        refused_sort = exc.code == 2 and "sort_column" in str(exc) and "sort_column" in params
        if not (first and refused_sort):
            raise
        walk.unorder("Zoho refused sort_column=last_modified_time")
        unsorted = {k: v for k, v in params.items() if k not in ("sort_column", "sort_order")}
        yield from client.iter_pages(endpoint.path, endpoint.list_root, unsorted)


def version_columns(endpoint: Endpoint, stored_columns: StoredColumns) -> tuple[str, ...]:
    """The stored columns an unordered walk compares: the cursor, or the list members that stand for it."""
    if endpoint.cursor_in_list:
        return (endpoint.cursor,) if endpoint.cursor else ()
    stored = stored_columns(endpoint.name)
    return tuple(c for c in endpoint.list_version if c in stored)


def row_version(endpoint: Endpoint, row: JsonObject, columns: Sequence[str]) -> str:
    if not columns:
        return ""  # nothing to compare yet (a first sync): every row is loaded
    typed = typed_record(endpoint, {c: row.get(c) for c in columns}, "", datetime.min)
    return version_of(typed.get(c) for c in columns)
