from __future__ import annotations

import threading
import time

from loader.zoho.ratelimit import LimiterRegistry, OrgRateLimiter, RateLimits


def test_a_window_of_calls_all_in_flight_waits_for_an_answer() -> None:
    limiter = OrgRateLimiter(RateLimits(requests_per_window=2, window_seconds=0.05, max_in_flight=5))
    limiter.acquire()
    limiter.acquire()
    started = threading.Event()

    def third() -> None:
        with limiter.slot():
            started.set()

    thread = threading.Thread(target=third)
    thread.start()
    assert not started.wait(0.2)  # four windows pass: both places are still held by calls in flight
    limiter.release()
    assert started.wait(1.0)  # one window after that answer
    thread.join()
    limiter.release()


def test_no_window_ever_holds_more_starts_than_the_limit() -> None:
    limiter = OrgRateLimiter(RateLimits(requests_per_window=5, window_seconds=0.2, max_in_flight=3))
    starts: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            with limiter.slot(), lock:
                starts.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts.sort()
    assert len(starts) == 20
    for i in range(len(starts) - 5):
        # the 6th start after any start comes at least one window later
        assert starts[i + 5] - starts[i] >= 0.2
    # 20 starts at 5 per 0.2 s need at least three full windows
    assert starts[-1] - starts[0] >= 0.6


def test_a_call_holds_its_place_until_a_window_after_its_answer() -> None:
    # Zoho may count a call at any moment until its answer is back: a place frees one window after the
    # answer, not after the start, so a slow call keeps the window full for longer.
    limiter = OrgRateLimiter(RateLimits(requests_per_window=2, window_seconds=0.2, max_in_flight=2))
    began = time.monotonic()
    with limiter.slot():
        time.sleep(0.15)  # a slow call: answered 0.15 s after it started
    first_answered = time.monotonic()
    with limiter.slot():
        pass
    with limiter.slot():
        third_started = time.monotonic()
    assert third_started - first_answered >= 0.2
    assert third_started - began >= 0.35  # counting starts would have let it go at 0.2


def test_in_flight_cap_holds() -> None:
    limiter = OrgRateLimiter(RateLimits(requests_per_window=1000, window_seconds=1, max_in_flight=2))
    active = 0
    peak = 0
    lock = threading.Lock()

    def worker() -> None:
        nonlocal active, peak
        with limiter.slot():
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.02)
            with lock:
                active -= 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2


def test_pause_holds_the_next_start() -> None:
    limiter = OrgRateLimiter(RateLimits(requests_per_window=100, window_seconds=1, max_in_flight=2))
    limiter.pause(0.15)
    began = time.monotonic()
    with limiter.slot():
        pass
    assert time.monotonic() - began >= 0.14


def test_registry_shares_one_limiter_per_organization() -> None:
    registry = LimiterRegistry()
    limits = RateLimits()
    assert registry.for_organization("1", limits) is registry.for_organization("1", limits)
    assert registry.for_organization("1", limits) is not registry.for_organization("2", limits)


def test_the_latest_settings_for_an_organization_apply_to_its_shared_limiter() -> None:
    registry = LimiterRegistry()
    slow = registry.for_organization("1", RateLimits(requests_per_window=1, window_seconds=30))
    with slow.slot():
        pass  # the window is full for 30 s under the first settings
    fast = registry.for_organization("1", RateLimits(requests_per_window=1, window_seconds=0.05))
    assert fast is slow
    began = time.monotonic()
    with fast.slot():
        pass
    assert time.monotonic() - began < 5  # paced by the new 0.05 s window, not the old 30 s one
    assert fast.limits.window_seconds == 0.05
