"""Which part of Zoho's own ledger a sync reads (D61).

Most ledger-posting transactions (transfers, deposits, opening balances...) are no document the loader syncs,
so no walk says when they change: every sync reads the ledger, per account, but only a window of dates.

* The window covers the months touched since the last ledger read: from the month of that read (the day
  before it, so a UTC instant is on or after the organization's date in any time zone) and from the month of
  the earliest posting document the walks saw change (its new date, or the date its lines had), to the month
  of this sync (the day after it, for the same reason); widened by ``overlap_months`` whole months on both
  sides, for transactions entered late or dated a little ahead. Zoho's ``date.start`` and ``date.end`` are
  inclusive (chart-of-accounts.yml: "Search account transactions with the given date range").
* The whole ledger is read on the first sync, on a full refresh, on the delete-scan schedule of the
  documents (``delete_scan_interval`` since the last whole read), and for an account never read whole.
* A line the warehouse holds is taken as deleted only when its date lies inside the window read.
* Zoho documents no basis parameter for ``chartofaccounts/transactions``: its ledger is the accrual ledger
  (cash-basis-only journals are not in it), and no parameter is sent for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from loader.zoho.client import MAX_PER_PAGE

DEFAULT_OVERLAP_MONTHS = 1
# A UTC instant is the same day, the day before or the day after in any time zone (UTC-12 to UTC+14).
_CLOCK_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class LedgerWindow:
    """Inclusive dates of a ledger read; both None = the whole ledger."""

    start: date | None = None
    end: date | None = None

    @property
    def whole(self) -> bool:
        return self.start is None and self.end is None

    def params(self) -> dict[str, str]:
        """The query parameters Zoho documents for the range (none for the whole ledger)."""
        out = {}
        if self.start is not None:
            out["date.start"] = self.start.isoformat()
        if self.end is not None:
            out["date.end"] = self.end.isoformat()
        return out

    def holds(self, day: date | None) -> bool:
        """Whether a line dated ``day`` was read by this window (one without a date: by a whole read only)."""
        if self.whole:
            return True
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def to_state(self) -> dict[str, str | None]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> LedgerWindow:
        start, end = state.get("start"), state.get("end")
        return cls(date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None)


WHOLE = LedgerWindow()


def first_of_month(day: date, months_back: int = 0) -> date:
    """The first day of ``day``'s month, ``months_back`` months earlier."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def last_of_month(day: date, months_ahead: int = 0) -> date:
    """The last day of ``day``'s month, ``months_ahead`` months later."""
    return first_of_month(day, -(months_ahead + 1)) - timedelta(days=1)


def window(
    last_read: datetime,
    synced_at: datetime,
    overlap_months: int,
    touched: Iterable[date | None] = (),
) -> LedgerWindow:
    """The months touched since ``last_read`` (and the months of the ``touched`` dates), ``overlap_months``
    wider on both sides."""
    earliest = min([(last_read - _CLOCK_MARGIN).date(), *(d for d in touched if d is not None)])
    latest = (synced_at + _CLOCK_MARGIN).date()
    return LedgerWindow(first_of_month(earliest, overlap_months), last_of_month(latest, overlap_months))


def whole_read_due(
    last_whole_read: str | None, synced_at: datetime, full_refresh: bool, delete_scan_interval: timedelta
) -> bool:
    """Whether this sync reads the whole ledger: first sync, full refresh, or the delete-scan schedule."""
    if full_refresh or not last_whole_read:
        return True
    return synced_at - datetime.fromisoformat(last_whole_read) >= delete_scan_interval


def estimate_calls(
    org_state: Mapping[str, Any], synced_at: datetime, full_refresh: bool, delete_scan_interval: timedelta
) -> int:
    """At least this many ledger calls: one page per account read in a window, every page of the lines
    last read whole for an account read whole (one for an account whose size nobody knows yet)."""
    accounts: list[str] = list(org_state.get("account_ids") or [])
    if not accounts:
        return 1  # the chart of accounts comes first: its size is unknown
    lines: Mapping[str, int] = org_state.get("ledger_lines") or {}
    known = set(org_state.get("ledger_accounts") or [])
    pending = org_state.get("ledger_pass")
    if pending is not None and (pending.get("whole") or not full_refresh):
        whole = bool(pending.get("whole"))
        accounts = [a for a in accounts if a not in set(org_state.get("ledger_done") or [])]
    else:
        scanned = org_state.get("ledger_scanned_at")
        whole = whole_read_due(scanned, synced_at, full_refresh, delete_scan_interval)
    total = 0
    for account in accounts:
        if whole or account not in known:
            total += max(1, math.ceil(int(lines.get(account, 0)) / MAX_PER_PAGE))
        else:
            total += 1
    return max(total, 1)
