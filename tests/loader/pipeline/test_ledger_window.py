"""The ledger's date window (D61): the months touched since the last read, an overlap either side, the
year's and the months' boundaries, the clock in any time zone; and when the whole ledger is read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from loader.extract.budget import estimate_calls
from loader.extract.ledger_window import (
    WHOLE,
    LedgerWindow,
    first_of_month,
    last_of_month,
    whole_read_due,
    window,
)
from loader.extract.source import OrgSync, SyncOptions
from loader.zoho.client import ZohoBooksClient

WEEK = timedelta(days=7)


def test_the_window_covers_the_months_since_the_last_read_with_one_month_either_side() -> None:
    found = window(
        datetime(2026, 5, 14, 9, tzinfo=UTC), datetime(2026, 5, 20, 2, tzinfo=UTC), overlap_months=1
    )
    assert found == LedgerWindow(date(2026, 4, 1), date(2026, 6, 30))
    assert found.params() == {"date.start": "2026-04-01", "date.end": "2026-06-30"}
    assert found.holds(date(2026, 4, 1))
    assert found.holds(date(2026, 6, 30))
    assert not found.holds(date(2026, 3, 31))
    assert not found.holds(date(2026, 7, 1))
    assert not found.holds(None)  # an undated line is only judged by a whole read


def test_a_last_read_months_ago_widens_the_window_to_every_month_since() -> None:
    found = window(datetime(2026, 1, 20, tzinfo=UTC), datetime(2026, 5, 20, tzinfo=UTC), overlap_months=2)
    assert found == LedgerWindow(date(2025, 11, 1), date(2026, 7, 31))


def test_the_window_crosses_the_year_both_ways() -> None:
    found = window(datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 12, 10, tzinfo=UTC), overlap_months=1)
    assert found == LedgerWindow(date(2025, 12, 1), date(2027, 1, 31))
    assert first_of_month(date(2026, 3, 31), 14) == date(2025, 1, 1)
    assert last_of_month(date(2026, 11, 5), 3) == date(2027, 2, 28)


def test_month_ends_know_february_in_leap_years() -> None:
    assert last_of_month(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert last_of_month(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert last_of_month(date(2026, 12, 1)) == date(2026, 12, 31)


def test_touched_documents_dated_earlier_pull_the_window_back_to_their_month() -> None:
    found = window(
        datetime(2026, 5, 14, tzinfo=UTC),
        datetime(2026, 5, 20, tzinfo=UTC),
        overlap_months=1,
        touched=[None, date(2025, 8, 17), date(2026, 5, 2)],
    )
    assert found == LedgerWindow(date(2025, 7, 1), date(2026, 6, 30))


def test_the_clock_a_utc_instant_near_midnight_is_another_day_in_some_zone() -> None:
    # 2026-04-30 23:30 UTC is already May 1 in Kolkata; 2026-06-01 00:30 UTC still May 31 in Los Angeles.
    # The window reaches one day past each instant, so both local months are inside, overlap or not.
    late = window(datetime(2026, 4, 10, tzinfo=UTC), datetime(2026, 4, 30, 23, 30, tzinfo=UTC), 0)
    assert late.end == date(2026, 5, 31)
    early = window(datetime(2026, 6, 1, 0, 30, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC), 0)
    assert early.start == date(2026, 5, 1)
    inside = window(datetime(2026, 6, 15, tzinfo=UTC), datetime(2026, 6, 16, tzinfo=UTC), 0)
    assert inside == LedgerWindow(date(2026, 6, 1), date(2026, 6, 30))


def test_the_whole_ledger_is_read_first_on_full_refresh_and_on_the_delete_scan_schedule() -> None:
    now = datetime(2026, 5, 20, tzinfo=UTC)
    assert whole_read_due(None, now, False, WEEK)
    assert whole_read_due((now - timedelta(days=1)).isoformat(), now, True, WEEK)
    assert whole_read_due((now - WEEK).isoformat(), now, False, WEEK)
    assert not whole_read_due((now - timedelta(days=6)).isoformat(), now, False, WEEK)
    assert WHOLE.params() == {}
    assert WHOLE.holds(None)
    assert LedgerWindow.from_state(LedgerWindow(date(2026, 1, 1), None).to_state()).params() == {
        "date.start": "2026-01-01"
    }


def _estimate(org_state: dict[str, Any], **options: Any) -> int:
    org = OrgSync(cast(ZohoBooksClient, SimpleNamespace(organization_id="1")))
    sync = SyncOptions(
        synced_at=datetime(2026, 5, 20, tzinfo=UTC),
        entities=frozenset({"account_transactions"}),
        **options,
    )
    return estimate_calls({"organizations": {"1": org_state}}, [org], sync).calls["1"]


def test_the_estimate_is_a_page_per_account_in_a_window_and_every_page_of_a_whole_read() -> None:
    read = datetime(2026, 5, 19, tzinfo=UTC).isoformat()
    state: dict[str, Any] = {
        "account_ids": ["a", "b", "c"],
        "ledger_accounts": ["a", "b"],  # c is new: read whole
        "ledger_lines": {"a": 450, "b": 10, "c": 0},
        "ledger_read_at": read,
        "ledger_scanned_at": read,
    }
    assert _estimate(state) == 1 + 1 + 1
    assert _estimate(state, full_refresh=True) == 3 + 1 + 1
    assert _estimate({**state, "ledger_scanned_at": "2026-05-01T00:00:00+00:00"}) == 3 + 1 + 1
    assert _estimate({}) == 1  # a first sync: the chart of accounts is not known yet
    # A pass the daily cap cut short goes on with the accounts it had left.
    cut = {**state, "ledger_pass": {"whole": True}, "ledger_done": ["a"]}
    assert _estimate(cut) == 1 + 1
