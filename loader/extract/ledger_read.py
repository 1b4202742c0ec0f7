"""The ledger phase: Zoho's account transactions, read per account on every sync.

A pass reads the months touched since the last one, with an overlap, and the whole ledger on the
delete-scan schedule (``ledger_window``, D61). A pass the daily cap cut short goes on, with the same window,
on the next run: the accounts done are kept in the state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeAlias

import pyarrow as pa

from loader.extract import ledger_window
from loader.extract.arrow_batches import arrow_batch
from loader.extract.extraction import Extraction, JsonObject, SyncOptions, org_state
from loader.extract.hints import table_columns
from loader.extract.live_ids import as_date
from loader.zoho.endpoints import Endpoint
from loader.zoho.errors import ZohoApiError, ZohoDailyLimitError

Batch: TypeAlias = list[JsonObject] | pa.Table


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


def ledger(ext: Extraction, endpoint: Endpoint) -> Callable[[], Iterator[Batch]]:
    """The ledger resource's generator function (dlt takes functions, not bound methods)."""
    reader = LedgerRead(ext, endpoint)

    def rows() -> Iterator[Batch]:
        yield from reader.rows()

    return rows


class LedgerRead:
    """``rows`` yields each account's postings in the pass's window, as one Arrow table where they fit
    exactly (D43), else as records."""

    def __init__(self, ext: Extraction, endpoint: Endpoint) -> None:
        self.ext, self.endpoint = ext, endpoint
        self._stored: dict[str, dict[str, date | None]] | None = None

    def rows(self) -> Iterator[Batch]:
        ext, endpoint = self.ext, self.endpoint
        state = org_state(ext.organization_id)
        state.pop("ledger_dirty", None)  # the flag of an older version: every sync reads the ledger now
        progress = ext.org.progress(endpoint.name)
        if ext.options.ledger_on_postings_only and not ext.org.postings_changed:
            return
        if ext.org.stopped:
            progress.complete = False
            return
        current = ledger_pass(state, ext.options)
        state.setdefault("ledger_lines", {})
        window = ledger_window.LedgerWindow.from_state(current)
        accounts: list[str] = list(state.get("account_ids") or [])
        for account_id in accounts:
            if account_id in set(state.get("ledger_done") or []):
                continue
            try:
                batch = self._account(state, account_id, window)
            except ZohoDailyLimitError as exc:
                ext.org.stop(exc)
                progress.complete = False
                return
            except ZohoApiError as exc:
                ext.not_read(endpoint, exc)  # the pass stays open: the next run goes on with it
                return
            if batch is not None:
                yield batch
        _close_pass(state, current, accounts)

    def _account(
        self, state: dict[str, Any], account_id: str, window: ledger_window.LedgerWindow
    ) -> Batch | None:
        """One account's postings; marks the account done in the pass and queues the lines gone."""
        ext, endpoint = self.ext, self.endpoint
        known: set[str] = set(state.get("ledger_accounts") or [])
        # An account never read whole (new, or the ledger's first pass) is read whole.
        read = window if account_id in known else ledger_window.WHOLE
        listed = list(
            ext.org.client.iter_records(
                endpoint.path,
                endpoint.list_root,
                "categorized_transaction_id",
                {"account_id": account_id, **read.params()},
            )
        )
        typed = self._records(listed)
        if self._stored is None:
            self._stored = ext.live_ids.dated_by(
                endpoint.name, "account_id", "transaction_date", ext.organization_id
            )
        # Only what the window covers can be missing because it was deleted.
        held = {i for i, day in self._stored.get(account_id, {}).items() if read.holds(day)}
        gone = held - {r["categorized_transaction_id"] for r in typed}
        progress = ext.org.progress(endpoint.name)
        progress.deletions += ext.mark_deleted(endpoint.name, gone)
        if read.whole:
            known.add(account_id)
            state.setdefault("ledger_lines", {})[account_id] = len(typed)
            state["ledger_accounts"] = sorted(known)
        state["ledger_done"] = sorted({*(state.get("ledger_done") or []), account_id})
        progress.rows += len(typed)
        ext.reported(endpoint.name)
        if not typed:
            return None
        batch = arrow_batch(typed, table_columns(endpoint), ext.stored_columns(endpoint.name))
        return batch if batch is not None else typed

    def _records(self, listed: Sequence[JsonObject]) -> list[JsonObject]:
        typed: list[JsonObject] = []
        seen_keys: dict[str, int] = {}
        for row in listed:
            key = ledger_row_id(row)
            # Two identical lines without Zoho's id would share a hash: number them.
            seen_keys[key] = seen_keys.get(key, 0) + 1
            if seen_keys[key] > 1:
                key = f"{key}-{seen_keys[key]}"
            record = dict(row, categorized_transaction_id=key)
            typed.append(self.ext.typed(self.endpoint, record, source_id=key))
        return typed


def _close_pass(state: dict[str, Any], current: dict[str, Any], accounts: list[str]) -> None:
    """Every account read: the pass ends, and what is kept per account is narrowed to today's accounts."""
    state["ledger_read_at"] = current["started"]
    if current.get("whole"):
        state["ledger_scanned_at"] = current["started"]
    kept = set(accounts)
    state["ledger_accounts"] = sorted(set(state.get("ledger_accounts") or []) & kept)
    lines: dict[str, int] = state.get("ledger_lines") or {}
    state["ledger_lines"] = {a: n for a, n in lines.items() if a in kept}
    state.pop("ledger_pass", None)
    state["ledger_done"] = []


def ledger_pass(state: dict[str, Any], options: SyncOptions) -> dict[str, Any]:
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
            [as_date(state.get("ledger_touched"))],
        )
    current = {"started": options.synced_at.isoformat(), "whole": whole, **window.to_state()}
    state["ledger_pass"] = current
    state["ledger_done"] = []
    state.pop("ledger_touched", None)  # taken into this pass; later touches are the next pass's
    return current
