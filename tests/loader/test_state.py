from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from loader.state import StateStore


def test_calls_add_up_per_connection_organization_and_day(tmp_path: Path) -> None:
    now = datetime(2026, 11, 24, 10, tzinfo=UTC)
    store = StateStore(tmp_path / "state.db", now=lambda: now)
    store.record_calls("us", "1", calls=25, daily_limit=10000, remaining=9975)
    store.record_calls("us", "1", calls=7, throttled=2)
    store.record_calls("eu", "2", calls=3)
    usage = {(u.connection, u.organization_id): u for u in store.usage(date(2026, 11, 24))}
    assert usage[("us", "1")].calls == 32
    assert usage[("us", "1")].throttled == 2
    assert usage[("us", "1")].daily_limit == 10000
    assert usage[("us", "1")].remaining == 9975  # kept when a later flush had no header
    assert usage[("eu", "2")].calls == 3
    assert store.usage(date(2026, 11, 25)) == []


def test_checkpoints_are_saved_read_and_cleared_across_instances(tmp_path: Path) -> None:
    StateStore(tmp_path / "s.db").save_checkpoint("us", "1", "invoices", 4)
    store = StateStore(tmp_path / "s.db")
    assert store.checkpoint("us", "1", "invoices") == 4
    assert store.checkpoint("us", "1", "bills") is None
    store.save_checkpoint("us", "1", "invoices", 5)
    assert store.checkpoints() == [("us", "1", "invoices", 5)]
    store.clear_checkpoint("us", "1", "invoices")
    assert store.checkpoint("us", "1", "invoices") is None
