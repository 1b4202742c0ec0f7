"""The client's pacing against the sandbox's real limit: no 429 at full speed.

A time-scaled sandbox shrinks Zoho's minute, and with it the client's 3 % safety margin: at ×60 that margin
is 30 ms, less than a loaded two-core machine's scheduling jitter, so the test would measure the machine.
This module's sandbox runs at ×15 (a Zoho-minute is 4 s, the margin 120 ms), the other tests' at ×60.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from loader.zoho.ratelimit import RateLimits
from zoho_sandbox.config import SandboxConfig
from zoho_sandbox.dataset import Dataset
from zoho_sandbox.generator import generate_dataset
from zoho_sandbox.server import SandboxServer

from .conftest import US_ORG, ClientFactory

TIME_SCALE = 15.0


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(seed=11, invoices_per_org=160)


@pytest.fixture(scope="module")
def sandbox(dataset: Dataset) -> Iterator[SandboxServer]:
    with SandboxServer(dataset, SandboxConfig(time_scale=TIME_SCALE)) as server:
        yield server


def test_300_calls_under_the_real_limits_draw_no_429(
    make_client: ClientFactory, sandbox: SandboxServer, dataset: Dataset
) -> None:
    # 100 calls per Zoho-minute (60 / TIME_SCALE real seconds), 5 in flight, 8 threads asking at once.
    window = 60.0 / TIME_SCALE
    client = make_client(limits=RateLimits(requests_per_window=100, window_seconds=window, max_in_flight=5))
    client.get("settings/taxes")  # the token first, outside the burst
    sandbox.reset_stats()
    ids = list(dataset.orgs[US_ORG].records["invoices"])[:150] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        details = list(pool.map(lambda i: client.get_record("invoices", i, "invoice"), ids))
    stats = sandbox.stats()
    assert len(details) == 300
    assert stats["throttled"] == {"44": 0, "45": 0, "1070": 0}
    assert sum(stats["calls"][US_ORG].values()) == 300
    assert client.throttled == 0
