"""Zoho's API limits, per organization, on a time-scaled monotonic clock.

Three limits guard every API call of an organization, checked in this order (Zoho documents no order; the
daily cap comes first so a spent day answers 45 even under a burst: the answer a client must stop on):

1. daily cap (``OrgBooks.daily_limit`` or the config's override) per Zoho-day → 429 code 45;
2. ``per_minute_limit`` calls per rolling Zoho-minute → 429 code 44;
3. ``in_flight_limit`` concurrent calls → 429 code 1070.

A rejected call consumes no quota. Every API response of an organization carries

* ``X-Rate-Limit-Limit``: the daily limit;
* ``X-Rate-Limit-Remaining``: daily calls left;
* ``X-Rate-Limit-Reset``: real seconds until the daily quota resets.

Zoho's documentation names these headers without saying which window they describe; we read them as the daily
quota, the one a client plans a whole sync around (the per-minute window is met by backing off).
The reset is given in real seconds, i.e. already divided by the time scale, so a client can sleep on it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from ml_connector_fakes.zoho.config import ZOHO_DAY, ZOHO_MINUTE

CODE_PER_MINUTE = 44
CODE_DAILY = 45
CODE_IN_FLIGHT = 1070


class ZohoClock:
    """Zoho-seconds since the sandbox started: real monotonic time multiplied by the time scale.

    Changing the scale re-anchors the clock so Zoho time never jumps backwards.
    """

    def __init__(self, time_scale: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._scale = time_scale
        self._anchor_real = time.monotonic()
        self._anchor_zoho = 0.0

    @property
    def scale(self) -> float:
        return self._scale

    def now(self) -> float:
        with self._lock:
            return self._anchor_zoho + (time.monotonic() - self._anchor_real) * self._scale

    def set_scale(self, time_scale: float) -> None:
        with self._lock:
            real = time.monotonic()
            self._anchor_zoho += (real - self._anchor_real) * self._scale
            self._anchor_real = real
            self._scale = time_scale

    def to_real(self, zoho_seconds: float) -> float:
        return zoho_seconds / self._scale


@dataclass(frozen=True)
class Admission:
    """The outcome of asking to start a call: admitted, or the Zoho error code that refuses it."""

    refused_code: int | None
    daily_limit: int
    daily_remaining: int
    reset_real_seconds: float

    @property
    def admitted(self) -> bool:
        return self.refused_code is None


@dataclass
class _OrgWindow:
    recent: deque[float] = field(default_factory=deque)  # Zoho times of admitted calls in the last minute
    in_flight: int = 0
    max_in_flight: int = 0
    day_calls: int = 0


class OrgLimiter:
    """Admits or refuses API calls per organization; ``release`` must follow every admitted call."""

    def __init__(self, clock: ZohoClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._orgs: dict[str, _OrgWindow] = {}
        self._day_start = clock.now()

    def _window(self, org_id: str) -> _OrgWindow:
        return self._orgs.setdefault(org_id, _OrgWindow())

    def _roll_day(self, now: float) -> None:
        if now - self._day_start >= ZOHO_DAY:
            # Whole Zoho-days elapsed: keep day boundaries aligned to the sandbox's start.
            self._day_start += ZOHO_DAY * ((now - self._day_start) // ZOHO_DAY)
            for window in self._orgs.values():
                window.day_calls = 0

    def admit(self, org_id: str, daily_limit: int, per_minute: int, in_flight: int) -> Admission:
        with self._lock:
            now = self._clock.now()
            self._roll_day(now)
            window = self._window(org_id)
            while window.recent and window.recent[0] <= now - ZOHO_MINUTE:
                window.recent.popleft()
            if window.day_calls >= daily_limit:
                code: int | None = CODE_DAILY
            elif len(window.recent) >= per_minute:
                code = CODE_PER_MINUTE
            elif window.in_flight >= in_flight:
                code = CODE_IN_FLIGHT
            else:
                code = None
                window.day_calls += 1
                window.recent.append(now)
                window.in_flight += 1
                window.max_in_flight = max(window.max_in_flight, window.in_flight)
            reset = self._clock.to_real(self._day_start + ZOHO_DAY - now)
            return Admission(code, daily_limit, max(daily_limit - window.day_calls, 0), reset)

    def release(self, org_id: str) -> None:
        with self._lock:
            self._window(org_id).in_flight -= 1

    def next_day(self) -> None:
        """Start a new Zoho-day now: daily counters back to zero (the minute windows are left alone)."""
        with self._lock:
            self._day_start = self._clock.now()
            for window in self._orgs.values():
                window.day_calls = 0

    def max_in_flight(self) -> dict[str, int]:
        with self._lock:
            return {org_id: w.max_in_flight for org_id, w in self._orgs.items() if w.max_in_flight}

    def reset_max_in_flight(self) -> None:
        with self._lock:
            for window in self._orgs.values():
                window.max_in_flight = window.in_flight


class TokenLimiter:
    """At most ``limit`` access tokens per refresh token within a rolling window of Zoho-seconds."""

    def __init__(self, clock: ZohoClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._issued: dict[str, deque[float]] = {}

    def try_issue(self, refresh_token: str, limit: int, window_seconds: float) -> bool:
        with self._lock:
            now = self._clock.now()
            issued = self._issued.setdefault(refresh_token, deque())
            while issued and issued[0] <= now - window_seconds:
                issued.popleft()
            if len(issued) >= limit:
                return False
            issued.append(now)
            return True
