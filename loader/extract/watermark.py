"""Incremental walks: newest-modified first down to the stored watermark minus an overlap, when Zoho really
answers in that order; else the whole list, loading what the warehouse does not hold.

dlt's ``incremental`` keeps the newest cursor it has seen; on a newest-first walk that is the first row, so a
walk cut short (the daily cap) would skip everything below it forever. Here the watermark advances only when
a walk reaches it, and the versions loaded by a cut walk are remembered (``recent``) so the next run skips
them instead of paying their detail calls again.

Stopping at the watermark is only safe on a list sorted by ``last_modified_time``, which Zoho documents for
few lists and may silently ignore elsewhere (it answers in its default order and says so in
``page_context.sort_column``). So a walk stops early only while every page says it is sorted by the cursor,
descending, and its rows bear that out; from the first page that does not, it reads on to the end and a row
counts as changed when the warehouse does not hold its version (``holds``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from loader.zoho.timestamps import parse_zoho_timestamp


class Verdict(Enum):
    CHANGED = "changed"  # new, or modified since the version we hold: load it
    UNCHANGED = "unchanged"  # inside the overlap, and we hold exactly this version
    PAST = "past"  # older than watermark minus overlap: the walk can stop


def cursor_key(value: Any) -> str:
    """A cursor as stored in state: the UTC instant in ISO form ('' when Zoho sent none)."""
    parsed = parse_zoho_timestamp(value)
    return parsed.isoformat() if parsed else ""


@dataclass
class Watermark:
    value: datetime | None = None  # every version modified at or before this is loaded
    recent: dict[str, str] = field(default_factory=dict)  # id -> cursor_key of versions loaded near/after it

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Watermark:
        raw = state.get("watermark")
        return cls(datetime.fromisoformat(raw) if raw else None, dict(state.get("recent") or {}))

    def to_state(self, state: dict[str, Any]) -> None:
        state["watermark"] = self.value.isoformat() if self.value else None
        state["recent"] = dict(self.recent)


class Walk:
    """One pass over a list. ``check_order`` each page, ``classify`` each row in order, ``loaded`` each
    version stored, then ``finish`` with whether the pass reached its end."""

    def __init__(
        self,
        watermark: Watermark,
        overlap: timedelta,
        *,
        everything: bool = False,
        ordered: bool = True,
        stored: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        self.before = watermark
        self.overlap = overlap
        self.everything = everything
        self.floor = None if everything or watermark.value is None else watermark.value - overlap
        # Whether rows arrive newest-modified first (asked for, and so far borne out by every page).
        self.ordered = ordered
        self.unordered_because: str | None = None
        self._stored_source = stored
        self._stored: Mapping[str, str] | None = None
        self._previous: datetime | None = None  # the last row's cursor, across pages
        self._newest: datetime | None = None
        self._window: dict[str, str] = {}  # rows at or above the floor, as listed
        self._loaded: dict[str, str] = {}

    def check_order(
        self, sort_column: str | None, sort_order: str | None, wanted: str, cursors: Sequence[Any]
    ) -> bool:
        """Before a page's rows are classified: may they be read as newest-modified first? Only if Zoho says
        it sorted by ``wanted``, descending, and every cursor is no newer than the one before it (this
        page's and the previous pages'). Once not, the rest of the walk is unordered."""
        if not self.ordered:
            return False
        reason = None
        if sort_column != wanted:
            reason = f"Zoho sorted the list by {sort_column or 'an unnamed column'}, not {wanted}"
        elif sort_order not in (None, "D"):
            reason = f"Zoho sorted the list in order {sort_order}, not D"
        else:
            for cursor in cursors:
                instant = _instant(cursor)
                if instant is None:
                    reason = f"a row without {wanted}"
                    break
                if self._previous is not None and instant > self._previous:
                    reason = f"rows out of {wanted} order"
                    break
                self._previous = instant
        if reason is not None:
            self.unorder(reason)
        return self.ordered

    def unorder(self, reason: str) -> None:
        """From now on rows are not newest-modified first (``reason`` says why)."""
        self.ordered = False
        self.unordered_because = reason

    def classify(self, record_id: str, cursor: Any, version: str | None = None) -> Verdict:
        """``cursor`` is the row's last_modified_time (None where the list has none); ``version`` what
        identifies the row's version in the warehouse, by default the cursor."""
        key = cursor_key(cursor)
        instant = datetime.fromisoformat(key) if key else None
        self._note_newest(instant)
        if self.floor is None:
            self._window[record_id] = key
            # No watermark: where neither list nor detail carries a cursor (bank transactions), the list
            # members are the only version there is; a version the warehouse holds is not read again.
            if version is not None and not self.everything and self.holds(record_id, version):
                return Verdict.UNCHANGED
            return Verdict.CHANGED
        if self.ordered and instant is not None and instant < self.floor:
            return Verdict.PAST
        if instant is None or instant >= self.floor:
            self._window[record_id] = key
        if key and self.before.recent.get(record_id) == key:
            return Verdict.UNCHANGED
        if not self.ordered and self.holds(record_id, key if version is None else version):
            return Verdict.UNCHANGED
        return Verdict.CHANGED

    def holds(self, record_id: str, version: str) -> bool:
        """Whether the warehouse holds this version of the record (read once per walk, when first asked)."""
        if not version or self._stored_source is None:
            return False
        if self._stored is None:
            self._stored = self._stored_source()
        return self._stored.get(record_id) == version

    def loaded(self, record_id: str, cursor: Any) -> None:
        key = cursor_key(cursor)
        self._loaded[record_id] = key
        self._note_newest(datetime.fromisoformat(key) if key else None)

    def _note_newest(self, instant: datetime | None) -> None:
        if instant is not None and (self._newest is None or instant > self._newest):
            self._newest = instant

    def finish(self, complete: bool) -> Watermark:
        if not complete:
            # The watermark stays; what this pass stored is remembered so the next one skips it.
            return Watermark(self.before.value, {**self.before.recent, **self._loaded})
        newest = max(filter(None, (self.before.value, self._newest)), default=None)
        if newest is None:
            return Watermark(None, {})
        floor = newest - self.overlap
        window = {**self._window, **self._loaded}
        recent = {i: k for i, k in window.items() if k and datetime.fromisoformat(k) >= floor}
        return Watermark(newest, recent)


def _instant(cursor: Any) -> datetime | None:
    try:
        return parse_zoho_timestamp(cursor)
    except ValueError:
        return None
