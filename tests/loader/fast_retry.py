"""The retry policy of tests against the sandbox: its faults are instant, and tests must run in seconds."""

from loader.zoho.client import RetryPolicy

FAST_RETRY = RetryPolicy(
    max_attempts=8, base_delay=0.02, throttle_delay=0.05, concurrency_delay=0.02, max_delay=0.5
)
