"""Client-side pacing per Zoho organization: a rolling window of request starts and a cap on requests
in flight.

Zoho allows 100 requests per minute per organization (429, code 44 past it) and 5 or 10 concurrent
calls (429, code 1070). Staying under both costs nothing, while every 429 costs a wasted call and a
back-off, so the limiter is the first line and the retry logic only the safety net.

Request *starts* are counted here; Zoho counts *arrivals*, which trail starts by a variable network
delay. A small safety margin on the window keeps that jitter from tipping a full window over.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimits:
    requests_per_window: int = 100
    window_seconds: float = 60.0
    max_in_flight: int = 5
    safety_margin: float = 0.03  # fraction of the window added to it

    def __post_init__(self) -> None:
        if self.requests_per_window < 1 or self.max_in_flight < 1 or self.window_seconds <= 0:
            raise ValueError("rate limits must be positive")


class OrgRateLimiter:
    """Blocks callers until a request may start without breaking either limit. Thread-safe."""

    def __init__(
        self,
        limits: RateLimits,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._window = limits.window_seconds * (1 + limits.safety_margin)
        self._starts: deque[float] = deque()
        self._in_flight = 0
        self._paused_until = 0.0
        self._cond = threading.Condition()
        self.waited_seconds = 0.0

    def _wait_needed(self, now: float) -> float:
        """Seconds until the next start is allowed by the window and any pause (0 = now)."""
        while self._starts and self._starts[0] <= now - self._window:
            self._starts.popleft()
        wait = max(0.0, self._paused_until - now)
        if len(self._starts) >= self.limits.requests_per_window:
            wait = max(wait, self._starts[0] + self._window - now)
        return wait

    def acquire(self) -> None:
        with self._cond:
            while True:
                if self._in_flight >= self.limits.max_in_flight:
                    self._cond.wait()
                    continue
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._starts.append(now)
                    self._in_flight += 1
                    return
                self.waited_seconds += wait
                # Sleeping outside the condition would let others jump the queue unfairly; waiting on it
                # with a timeout releases the lock and wakes early only when something changes.
                self._cond.wait(timeout=wait)

    def release(self) -> None:
        with self._cond:
            self._in_flight -= 1
            self._cond.notify_all()

    @contextmanager
    def slot(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def pause(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` (after a 429: Zoho counted more than we did)."""
        with self._cond:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._cond.notify_all()


class LimiterRegistry:
    """One limiter per organization, shared by every client of the process: two connections to the
    same organization share Zoho's budget, so they must share the pacing."""

    def __init__(self) -> None:
        self._limiters: dict[str, OrgRateLimiter] = {}
        self._lock = threading.Lock()

    def for_organization(self, organization_id: str, limits: RateLimits) -> OrgRateLimiter:
        with self._lock:
            limiter = self._limiters.get(organization_id)
            if limiter is None:
                limiter = self._limiters[organization_id] = OrgRateLimiter(limits)
            return limiter


DEFAULT_LIMITERS = LimiterRegistry()
