"""Incremental walks: newest-modified first, down to the stored watermark minus an overlap.

dlt's ``incremental`` keeps the newest cursor it has seen; on a newest-first walk that is the first row, so a
walk cut short (the daily cap) would skip everything below it forever. Here the watermark advances only when
a walk reaches it, and the versions loaded by a cut walk are remembered (``recent``) so the next run skips
them instead of paying their detail calls again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from loader.pipeline.hints import parse_zoho_timestamp


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
    """One newest-first pass over a list. ``classify`` each row in order, ``loaded`` each version stored,
    then ``finish`` with whether the pass reached its end."""

    def __init__(self, watermark: Watermark, overlap: timedelta, *, everything: bool = False) -> None:
        self.before = watermark
        self.overlap = overlap
        self.floor = None if everything or watermark.value is None else watermark.value - overlap
        self._newest: datetime | None = None
        self._window: dict[str, str] = {}  # rows at or above the floor, as listed
        self._loaded: dict[str, str] = {}
        # Set when a walk whose list rows carry no cursor met a version it holds (journals): stop there.
        self.stopped = False

    def classify(self, record_id: str, cursor: Any) -> Verdict:
        key = cursor_key(cursor)
        instant = datetime.fromisoformat(key) if key else None
        if instant is not None and (self._newest is None or instant > self._newest):
            self._newest = instant
        if self.floor is not None and instant is not None and instant < self.floor:
            return Verdict.PAST
        self._window[record_id] = key
        if self.before.recent.get(record_id) == key and self.floor is not None:
            return Verdict.UNCHANGED
        return Verdict.CHANGED

    def loaded(self, record_id: str, cursor: Any) -> None:
        self._loaded[record_id] = cursor_key(cursor)

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
