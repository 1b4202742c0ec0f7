"""The one thread that applies events: debounced, coalesced, retried, and never losing an event.

A burst of deliveries is applied together: after a delivery the worker waits until ``debounce`` seconds pass
without another (or ``max_delay`` since the burst began, so a steady stream still flows), then takes every
due pending event from the store, coalesces them per connection and hands each batch to the applier. Success
marks the batch's events applied; a failure counts an attempt and schedules the next one with exponential
back-off, and after ``max_attempts`` the events are marked failed (kept, visible in ``webhooks history``,
replayable; the scheduled poll also picks the change up). Events live in the store, not in memory, so a
restart resumes whatever was pending. Scheduled syncs run on this same thread: one writer at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from loader.service.webhooks.applier import EventApplier, coalesce
from loader.service.webhooks.events import APPLIED, PENDING
from loader.service.webhooks.store import EventStore, StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 2.0
    cap_seconds: float = 300.0
    max_attempts: int = 10

    def next_attempt(self, attempts_so_far: int, now: datetime) -> datetime | None:
        """When to try again after the attempt numbered ``attempts_so_far + 1`` failed; None: give up."""
        if attempts_so_far + 1 >= self.max_attempts:
            return None
        delay = min(self.cap_seconds, self.base_seconds * 2**attempts_so_far)
        return now + timedelta(seconds=delay)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class EventWorker:
    def __init__(
        self,
        store: EventStore,
        applier: EventApplier,
        *,
        debounce: float = 2.0,
        max_delay: float = 30.0,
        batch_limit: int = 1000,
        retry: RetryPolicy | None = None,
        idle_poll: float = 1.0,
        now: Callable[[], datetime] = _utcnow,
        statuses: tuple[str, str] = (PENDING, APPLIED),
    ) -> None:
        self._store = store
        # The status events wait in and the one they end in: (pending, applied), or under ``serve
        # --journal`` (journal, journaled), so neither kind of worker settles the other's events.
        self._waiting, self._done = statuses
        self._applier = applier
        self._debounce = debounce
        self._max_delay = max_delay
        self._batch_limit = batch_limit
        self._retry = retry or RetryPolicy()
        self._idle_poll = idle_poll
        self._now = now
        self._wake = threading.Condition()
        self._stopping = False
        self._last_notify: float | None = None
        self._burst_start: float | None = None
        self._sync_requested = False
        self._thread: threading.Thread | None = None
        self._stats: dict[str, Any] = {
            "batches_applied": 0,
            "batches_failed": 0,
            "events_applied": 0,
            "last_apply_at": None,
            "last_error": None,
            "scheduled_syncs": 0,
            "last_scheduled_sync_at": None,
            "last_scheduled_sync_error": None,
        }

    # --- signals from the receiver and the scheduler -------------------------------------------------

    def notify(self) -> None:
        """A new event is in the store: apply it after the debounce."""
        with self._wake:
            now = time.monotonic()
            self._last_notify = now
            if self._burst_start is None:
                self._burst_start = now
            self._wake.notify()

    def request_scheduled_sync(self) -> None:
        with self._wake:
            self._sync_requested = True
            self._wake.notify()

    # --- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the worker is already running")
        # Whatever was pending before a restart is due now, without waiting for a new delivery.
        self.notify()
        self._thread = threading.Thread(target=self._run, name="webhook-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> bool:
        """Finish the batch in progress (if any) and stop; pending events stay in the store. True if
        the thread ended within ``timeout``."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def status(self) -> dict[str, Any]:
        with self._wake:
            return {**self._stats, "running": self._thread is not None and self._thread.is_alive()}

    # --- the loop ------------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._wake:
                wait = self._wait_seconds()
                if wait > 0 and not self._stopping and not self._sync_requested:
                    self._wake.wait(wait)
                if self._stopping:
                    return
                sync = self._sync_requested
                self._sync_requested = False
                quiet = self._quiet()
                if quiet:
                    self._last_notify = self._burst_start = None
            if sync:
                self._scheduled_sync()
            if quiet or self._wait_seconds() <= 0:
                try:
                    self.apply_due()
                except StoreError as exc:
                    log.error("webhook worker: the event store failed: %s", exc)
                except Exception:
                    log.exception("webhook worker: unexpected error; retrying after a pause")
                    with self._wake:
                        self._wake.wait(self._idle_poll)

    def _quiet(self) -> bool:
        """The current burst (if any) is over: debounce elapsed since its last event, or max_delay since
        its first."""
        if self._last_notify is None or self._burst_start is None:
            return True
        now = time.monotonic()
        return now - self._last_notify >= self._debounce or now - self._burst_start >= self._max_delay

    def _wait_seconds(self) -> float:
        if self._last_notify is None or self._burst_start is None:
            return self._idle_poll
        now = time.monotonic()
        return max(
            0.0,
            min(self._debounce - (now - self._last_notify), self._max_delay - (now - self._burst_start)),
        )

    def apply_due(self) -> int:
        """Apply every due pending event now, in batches; the number of events settled (applied or
        failed an attempt)."""
        settled = 0
        while not self._stopping:
            events = self._store.due(self._now(), self._batch_limit, self._waiting)
            if not events:
                break
            attempts = {e.event_id: e.attempts for e in events}
            for batch in coalesce(events):
                try:
                    self._applier.apply(batch)
                except Exception as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    log.warning(
                        "applying %d webhook event(s) of connection %r failed: %s",
                        len(batch.event_ids),
                        batch.connection,
                        error,
                    )
                    self._fail(batch.event_ids, attempts, error)
                    with self._wake:
                        self._stats["batches_failed"] += 1
                        self._stats["last_error"] = error
                else:
                    self._store.mark_applied(batch.event_ids, self._now(), self._done)
                    with self._wake:
                        self._stats["batches_applied"] += 1
                        self._stats["events_applied"] += len(batch.event_ids)
                        self._stats["last_apply_at"] = self._now().isoformat()
                settled += len(batch.event_ids)
            if len(events) < self._batch_limit:
                break
        return settled

    def _fail(self, event_ids: tuple[int, ...], attempts: dict[int, int], error: str) -> None:
        now = self._now()
        by_retry: dict[datetime | None, list[int]] = {}
        for event_id in event_ids:
            by_retry.setdefault(self._retry.next_attempt(attempts[event_id], now), []).append(event_id)
        for retry_at, ids in by_retry.items():
            self._store.mark_failed(ids, error, now, retry_at, self._waiting)

    def _scheduled_sync(self) -> None:
        started = self._now()
        error: str | None = None
        try:
            self._applier.scheduled_sync()
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.error("the scheduled sync failed: %s", error)
        with self._wake:
            self._stats["scheduled_syncs"] += 1
            self._stats["last_scheduled_sync_at"] = started.isoformat()
            self._stats["last_scheduled_sync_error"] = error
