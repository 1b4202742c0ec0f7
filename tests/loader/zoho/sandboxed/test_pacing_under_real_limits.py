"""The client's pacing against the sandbox's real limit: no 429 at full speed, even when calls arrive late.

This module's sandbox runs at ×15 (a Zoho-minute is 4 s), the other tests' at ×60, so that the calls of a
window are spread over enough time for the pacing, not the machine's scheduling, to decide the outcome.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from loader.zoho.client import ZohoBooksClient
from loader.zoho.ratelimit import RateLimits
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer

from .conftest import US_ORG, ClientFactory

TIME_SCALE = 15.0


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(seed=11, invoices_per_org=160)


@pytest.fixture(scope="module")
def sandbox(dataset: Dataset) -> Iterator[SandboxServer]:
    with SandboxServer(dataset, SandboxConfig(time_scale=TIME_SCALE)) as server:
        yield server


WINDOW = 60.0 / TIME_SCALE  # a Zoho-minute in real seconds


def paced_client(make_client: ClientFactory) -> ZohoBooksClient:
    """100 calls per Zoho-minute, 5 in flight, with its token already (outside the burst)."""
    client = make_client(limits=RateLimits(requests_per_window=100, window_seconds=WINDOW, max_in_flight=5))
    client.get("settings/taxes")
    return client


def three_hundred_details(client: ZohoBooksClient, dataset: Dataset) -> int:
    """300 invoice detail calls from 8 threads asking at once; returns how many answered."""
    ids = list(dataset.orgs[US_ORG].records["invoices"])[:150] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        return len(list(pool.map(lambda i: client.get_record("invoices", i, "invoice"), ids)))


def test_300_calls_under_the_real_limits_draw_no_429(
    make_client: ClientFactory, sandbox: SandboxServer, dataset: Dataset
) -> None:
    client = paced_client(make_client)
    sandbox.reset_stats()
    answered = three_hundred_details(client, dataset)
    stats = sandbox.stats()
    assert answered == 300
    assert stats["throttled"] == {"44": 0, "45": 0, "1070": 0}
    assert sum(stats["calls"][US_ORG].values()) == 300
    assert client.throttled == 0


def test_calls_that_arrive_late_draw_no_429(
    make_client: ClientFactory, sandbox: SandboxServer, dataset: Dataset
) -> None:
    # One call in five spends 0.6 s on the network before Zoho counts it: 15 % of a Zoho-minute here,
    # far more than any margin on the window could cover. A limiter that counted starts would see the
    # late calls land in the next window on top of its full quota.
    client = paced_client(make_client)
    sandbox.configure(faults={"late_rate": 0.2, "late_seconds": 0.6, "seed": 4})
    time.sleep(WINDOW)  # the module's other calls leave Zoho's window: this client knows nothing of them
    sandbox.reset_stats()
    answered = three_hundred_details(client, dataset)
    stats = sandbox.stats()
    assert answered == 300
    assert stats["faults"]["late"] > 30
    assert stats["throttled"] == {"44": 0, "45": 0, "1070": 0}
    assert client.throttled == 0
