"""The call estimate knows which lists are read whole (Zoho did not sort them by last_modified_time)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

from loader.extract.budget import estimate_calls
from loader.extract.source import OrgSync, SyncOptions
from loader.zoho.client import ZohoBooksClient


def test_an_unordered_list_is_estimated_at_all_its_pages_an_ordered_one_at_its_recent_rows() -> None:
    org = OrgSync(cast(ZohoBooksClient, SimpleNamespace(organization_id="1")))
    state: dict[str, Any] = {
        "organizations": {
            "1": {
                "entities": {
                    "bills": {"ordered": False, "listed": 450, "recent": {}},
                    "invoices": {"ordered": True, "listed": 450, "recent": {"a": "x"}},
                }
            }
        }
    }
    options = SyncOptions(
        synced_at=datetime(2026, 1, 1, tzinfo=UTC), entities=frozenset({"bills", "invoices"})
    )
    assert estimate_calls(state, [org], options).calls == {"1": 3 + 1}


def test_the_estimate_follows_the_detail_mode() -> None:
    org = OrgSync(cast(ZohoBooksClient, SimpleNamespace(organization_id="1")))
    synced_at = datetime(2026, 5, 31, tzinfo=UTC)
    entities = frozenset({"invoices"})
    none = estimate_calls({}, [org], SyncOptions(synced_at=synced_at, entities=entities, details="none"))
    recent = estimate_calls(
        {}, [org], SyncOptions(synced_at=synced_at, entities=entities, details="recent", details_months=3)
    )
    every = estimate_calls({}, [org], SyncOptions(synced_at=synced_at, entities=entities))
    assert none.detail_calls(first=True) == "no detail calls (details = none: line items are not fetched)"
    # Three months before 31 May is 28 February (the month's last day).
    assert recent.details_from == "2026-02-28"
    assert recent.detail_calls(first=True) == "plus one per document dated from 2026-02-28 (details = recent)"
    assert every.detail_calls(first=True) == "plus one per document (first sync)"
    assert every.detail_calls(first=False) == "plus one per changed document"
