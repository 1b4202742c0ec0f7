from __future__ import annotations

import sqlite3
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


def test_usage_survives_a_new_instance_and_an_old_checkpoint_table_is_dropped(tmp_path: Path) -> None:
    """A store written by a version that kept page checkpoints opens with its usage and without them."""
    path = tmp_path / "s.db"
    StateStore(path).record_calls("us", "1", calls=4)
    with sqlite3.connect(path) as con:
        con.execute("create table crawl_checkpoints (connection text, organization_id text, stream text)")
        con.execute("insert into crawl_checkpoints values ('us', '1', 'invoices')")
    con.close()

    store = StateStore(path)

    assert [(u.connection, u.calls) for u in store.usage()] == [("us", 4)]
    with sqlite3.connect(path) as con:
        tables = {row[0] for row in con.execute("select name from sqlite_master where type = 'table'")}
    con.close()
    assert tables == {"api_calls"}
