"""Local run state beside the config: API calls per connection, organization and day.

SQLite, because several processes (a scheduled sync, a webhook-triggered one, `ml-connector status`)
read and write it at once, and it survives a killed process without a half-written file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

_SCHEMA = """
create table if not exists api_calls (
    connection text not null,
    organization_id text not null,
    day text not null,                 -- UTC date
    calls integer not null default 0,  -- HTTP requests sent, retries included
    throttled integer not null default 0,
    daily_limit integer,               -- as Zoho last reported it (X-Rate-Limit-Limit)
    remaining integer,                 -- as Zoho last reported it (X-Rate-Limit-Remaining)
    updated_at text not null,
    primary key (connection, organization_id, day)
);
-- Page checkpoints of list walks: no sync writes them any more (a sync resumes from the watermarks in the
-- warehouse), so a store made by an older version loses the empty table.
drop table if exists crawl_checkpoints;
"""


@dataclass(frozen=True)
class DailyUsage:
    connection: str
    organization_id: str
    day: date
    calls: int
    throttled: int
    daily_limit: int | None
    remaining: int | None


def _utcnow() -> datetime:
    return datetime.now(UTC)


class StateStore:
    def __init__(self, path: Path, *, now: Callable[[], datetime] = _utcnow) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._now = now
        self._lock = threading.Lock()
        with self._connect() as con:
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30.0)
        try:
            with con:
                yield con
        finally:
            con.close()

    # --- API calls -------------------------------------------------------------------------

    def record_calls(
        self,
        connection: str,
        organization_id: str,
        *,
        calls: int,
        throttled: int = 0,
        daily_limit: int | None = None,
        remaining: int | None = None,
    ) -> None:
        now = self._now()
        with self._lock, self._connect() as con:
            con.execute(
                """
                insert into api_calls
                    (connection, organization_id, day, calls, throttled, daily_limit, remaining, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (connection, organization_id, day) do update set
                    calls = calls + excluded.calls,
                    throttled = throttled + excluded.throttled,
                    daily_limit = coalesce(excluded.daily_limit, daily_limit),
                    remaining = coalesce(excluded.remaining, remaining),
                    updated_at = excluded.updated_at
                """,
                (
                    connection,
                    organization_id,
                    now.date().isoformat(),
                    calls,
                    throttled,
                    daily_limit,
                    remaining,
                    now.isoformat(),
                ),
            )

    def usage(self, day: date | None = None) -> list[DailyUsage]:
        day = day or self._now().date()
        with self._connect() as con:
            rows = con.execute(
                "select connection, organization_id, day, calls, throttled, daily_limit, remaining "
                "from api_calls where day = ? order by connection, organization_id",
                (day.isoformat(),),
            ).fetchall()
        return [DailyUsage(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5], r[6]) for r in rows]
