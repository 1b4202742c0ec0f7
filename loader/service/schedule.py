"""The polling schedule of ``ml-connector serve``: ``[schedule] cron``, evaluated in UTC with croniter.

UTC, not the machine's zone: a server's zone is often UTC anyway, and a nightly run that moves by an hour at
each daylight-saving change, or runs twice or not at all in the repeated/skipped hour, is worse than a fixed
instant. ``0 2 * * *`` is 02:00 UTC.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from croniter import croniter  # type: ignore[import-untyped]  # no stubs installed

log = logging.getLogger(__name__)

# Re-read the clock at least this often while waiting, so a wall-clock jump delays a run by no more.
_MAX_SLEEP_SECONDS = 60.0


class CronError(ValueError):
    """Not a five-field cron expression croniter accepts."""


class CronSchedule:
    def __init__(self, expression: str) -> None:
        if len(expression.split()) != 5 or not croniter.is_valid(expression):
            raise CronError(f"{expression!r} is not a valid five-field cron expression such as '0 2 * * *'")
        self.expression = expression

    def __repr__(self) -> str:
        return f"CronSchedule({self.expression!r})"

    def next_after(self, instant: datetime) -> datetime:
        """The first firing time strictly after ``instant``, in UTC."""
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        result: datetime = croniter(self.expression, instant.astimezone(UTC)).get_next(datetime)
        return result.astimezone(UTC)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    """A thread that calls ``fire`` at every firing time of ``schedule`` until stopped.

    A firing time missed while the process was down is not caught up: the next one comes on schedule (the
    poll is incremental, so one run covers everything since the last).
    """

    def __init__(
        self,
        schedule: CronSchedule,
        fire: Callable[[], None],
        *,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.schedule = schedule
        self._fire = fire
        self._now = now
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.next_run: datetime | None = None
        self.last_run: datetime | None = None

    def start(self) -> None:
        self.next_run = self.schedule.next_after(self._now())
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            next_run = self.next_run
            assert next_run is not None
            remaining = (next_run - self._now()).total_seconds()
            if remaining > 0:
                self._stop.wait(min(remaining, _MAX_SLEEP_SECONDS))
                continue
            log.info("scheduled sync due at %s", next_run.isoformat())
            with self._lock:
                self.last_run = next_run
                self.next_run = self.schedule.next_after(max(self._now(), next_run))
            try:
                self._fire()
            except Exception:
                log.exception("could not start the scheduled sync")
