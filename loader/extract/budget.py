"""The call budget of a sync, estimated before it starts from what the state knows.

Lists cost a page per 200 rows; detail calls cost one per changed document, which no one knows before the
lists are read, so the estimate is a floor and says so. It is compared with what is left of the day's quota.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loader.extract import ledger_window
from loader.zoho.client import MAX_PER_PAGE
from loader.zoho.endpoints import ALL_ENDPOINTS

if TYPE_CHECKING:
    from loader.extract.source import OrgSync, SyncOptions

# Unknown sizes on a first sync: what one list page and three foreign currencies cost.
_FIRST_SYNC_RATES = 3


@dataclass(frozen=True)
class BudgetEstimate:
    calls: dict[str, int] = field(default_factory=dict)  # organization id -> at least this many calls
    first_sync: dict[str, bool] = field(default_factory=dict)  # details of every document still to come
    details: str = "all"  # the sync's detail mode (D90): which documents cost a detail call
    details_from: str | None = None  # with "recent": the earliest document date whose detail is fetched

    def describe(self, orgs: Sequence[OrgSync]) -> list[str]:
        lines = []
        for org in orgs:
            floor = self.calls.get(org.organization_id, 0)
            details = self.detail_calls(self.first_sync.get(org.organization_id, False))
            cap = org.client.daily_cap
            limit = cap.limit if cap is not None else None
            left = org.client.daily_remaining
            quota = (
                f"; {left} calls left today"
                if left is not None
                else (f"; daily limit {limit}" if limit else "")
            )
            lines.append(
                f"{org.connection} ({org.organization_id}): at least {floor} API calls, {details}{quota}"
            )
        return lines

    def detail_calls(self, first: bool) -> str:
        """What the detail calls add to the floor, in the sync's detail mode."""
        if self.details == "none":
            return "no detail calls (details = none: line items are not fetched)"
        which = "document" if first else "changed document"
        if self.details == "recent":
            return f"plus one per {which} dated from {self.details_from} (details = recent)"
        return f"plus one per {which}" + (" (first sync)" if first else "")


def estimate_calls(state: Mapping[str, Any], orgs: Sequence[OrgSync], options: SyncOptions) -> BudgetEstimate:
    calls: dict[str, int] = {}
    first: dict[str, bool] = {}
    known = state.get("organizations", {})
    for org in orgs:
        org_state: Mapping[str, Any] = known.get(org.organization_id, {})
        entities: Mapping[str, Any] = org_state.get("entities", {})
        total = 0
        fresh = not entities or options.full_refresh
        for endpoint in ALL_ENDPOINTS:
            if endpoint.name not in options.entities:
                continue
            if endpoint.kind in ("organization", "snapshot", "single"):
                total += 1
            elif endpoint.kind == "per_currency":
                total += len(org_state.get("rates_from", {})) or _FIRST_SYNC_RATES
            elif endpoint.kind == "per_account":
                # Every sync reads the ledger: a page per account in a window, all pages of a whole read.
                total += ledger_window.estimate_calls(
                    org_state, options.synced_at, options.full_refresh, options.delete_scan_interval
                )
            else:
                known_entity: Mapping[str, Any] = entities.get(endpoint.name, {})
                # A list Zoho did not give in last_modified_time order is read whole; else down to the
                # watermark (about the rows changed near it).
                unordered = known_entity.get("ordered") is False
                rows = known_entity.get("listed", 0) if unordered else len(known_entity.get("recent", {}))
                total += max(1, math.ceil(rows / MAX_PER_PAGE))
        calls[org.organization_id] = total
        first[org.organization_id] = fresh
    since = options.details_from()
    return BudgetEstimate(calls, first, options.details, since.isoformat() if since is not None else None)
