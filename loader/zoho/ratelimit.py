"""Client-side pacing per Zoho organization: a rolling window of request starts and a cap on requests
in flight.

Zoho allows 100 requests per minute per organization (429, code 44 past it) and 5 or 10 concurrent
calls (429, code 1070). Staying under both costs nothing, while every 429 costs a wasted call and a
back-off, so the limiter is the first line and the retry logic only the safety net.

Zoho counts a call when it *arrives*, somewhere between our send and our receipt of the answer, after a
network delay we cannot see. Counting starts and adding a margin for that delay fails whenever one call
is delayed by more than the margin (seen: 429s on a loaded machine with a 180 ms margin). So a call holds
its place in the window from its start until one window after its answer came back: whatever the delay,
Zoho's window at any arrival then holds fewer calls than ours did when the last of them started (the
argument is in DECISIONLOG D41). The cost is one round trip per window, ~1 % at Zoho's 60 s window.
The remaining margin covers only the two clocks running at slightly different rates.
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
    safety_margin: float = 0.005  # fraction of the window added to it (clock rates, not network delay)

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
        # When each finished call's answer came back, in order (releases read the clock under the lock).
        self._answered: deque[float] = deque()
        self._in_flight = 0
        self._paused_until = 0.0
        self._cond = threading.Condition()
        self.waited_seconds = 0.0

    def _wait_needed(self, now: float) -> float | None:
        """Seconds until the next start is allowed by the window and any pause (0 = now; None = only
        when a call in flight finishes)."""
        while self._answered and self._answered[0] <= now - self._window:
            self._answered.popleft()
        wait = max(0.0, self._paused_until - now)
        if self._in_flight + len(self._answered) >= self.limits.requests_per_window:
            if not self._answered:  # the window is all calls in flight: wait for an answer
                return None
            wait = max(wait, self._answered[0] + self._window - now)
        return wait

    def acquire(self) -> None:
        with self._cond:
            while True:
                if self._in_flight >= self.limits.max_in_flight:
                    self._cond.wait()
                    continue
                wait = self._wait_needed(self._clock())
                if wait is None:
                    self._cond.wait()
                    continue
                if wait <= 0:
                    self._in_flight += 1
                    return
                self.waited_seconds += wait
                # Sleeping outside the condition would let others jump the queue unfairly; waiting on it
                # with a timeout releases the lock and wakes early only when something changes.
                self._cond.wait(timeout=wait)

    def release(self) -> None:
        """The call's answer is in (or it failed): Zoho has counted it by now, if it ever will."""
        with self._cond:
            self._in_flight -= 1
            self._answered.append(self._clock())
            self._cond.notify_all()

    @contextmanager
    def slot(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def adopt(self, limits: RateLimits) -> None:
        """New settings (a changed configuration, another client of the organization); calls in flight
        and in the window keep counting against them."""
        with self._cond:
            self.limits = limits
            self._window = limits.window_seconds * (1 + limits.safety_margin)
            self._cond.notify_all()

    def pause(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` (after a 429: Zoho counted more than we did)."""
        with self._cond:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._cond.notify_all()


_time_scale_lock = threading.Lock()
_time_scale = 1.0


def zoho_time_scale() -> float:
    """How many Zoho seconds pass per real second for the Zoho this process talks to: 1, except inside
    ``on_zoho_clock`` (the demo and tests run the bundled sandbox's limits on a faster clock)."""
    with _time_scale_lock:
        return _time_scale


@contextmanager
def on_zoho_clock(scale: float) -> Iterator[None]:
    """Clients made inside pace and back off on a Zoho clock ``scale`` times faster than real time: Zoho's
    minute window lasts ``60 / scale`` real seconds. Raising ``requests_per_minute`` instead would keep a
    60-second window that admits a whole scaled minute's calls in one burst, which the sandbox refuses."""
    global _time_scale
    if scale <= 0:
        raise ValueError("a Zoho time scale must be positive")
    with _time_scale_lock:
        before, _time_scale = _time_scale, scale
    try:
        yield
    finally:
        with _time_scale_lock:
            _time_scale = before


class LimiterRegistry:
    """One limiter per organization, shared by every client of the process: two connections to the
    same organization share Zoho's budget, so they must share the pacing."""

    def __init__(self) -> None:
        self._limiters: dict[str, OrgRateLimiter] = {}
        self._lock = threading.Lock()

    def for_organization(self, organization_id: str, limits: RateLimits) -> OrgRateLimiter:
        """The organization's limiter, set to ``limits``: the latest client's settings apply to every
        client of the organization (they describe one Zoho plan), and the calls already made still count."""
        with self._lock:
            limiter = self._limiters.get(organization_id)
            if limiter is None:
                limiter = self._limiters[organization_id] = OrgRateLimiter(limits)
            elif limiter.limits != limits:
                limiter.adopt(limits)
            return limiter


DEFAULT_LIMITERS = LimiterRegistry()
