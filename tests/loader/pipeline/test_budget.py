"""The call estimate knows which lists are read whole (Zoho did not sort them by last_modified_time)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

from loader.pipeline.budget import estimate_calls
from loader.pipeline.source import OrgSync, SyncOptions
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
