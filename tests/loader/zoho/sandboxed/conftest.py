"""Fixtures for the Zoho client tests: a real sandbox over HTTP on loopback and clients pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from loader.config import ZohoConnectionConfig
from loader.secret import Secret
from loader.zoho.auth import MemoryTokenCache, TokenCache, ZohoCredentials
from loader.zoho.client import RetryPolicy, ZohoBooksClient
from loader.zoho.ratelimit import LimiterRegistry, RateLimits
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer
from tests.loader.fast_retry import FAST_RETRY

US_ORG = "10234695"
EU_ORG = "20088321"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    # 450 invoices in an org: lists cross two 200-row page boundaries.
    return generate_dataset(seed=11, invoices_per_org=450)


@pytest.fixture(scope="module")
def sandbox(dataset: Dataset) -> Iterator[SandboxServer]:
    with SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as server:
        yield server


def credentials_for(dataset: Dataset, region: str) -> ZohoCredentials:
    refresh = next(tok for tok, (_, reg) in dataset.refresh_tokens.items() if reg == region)
    client_id = dataset.refresh_tokens[refresh][0]
    client = next(c for c in dataset.oauth_clients if c.client_id == client_id)
    return ZohoCredentials(client.client_id, Secret(client.client_secret), Secret(refresh))


ClientFactory = Callable[..., ZohoBooksClient]


@pytest.fixture(scope="module")
def token_caches() -> dict[str, TokenCache]:
    # One token per region for the whole module, shared like the vault shares it between runs: Zoho
    # (and the sandbox) mint only ten tokens per refresh token in ten minutes.
    return {}


@pytest.fixture
def make_client(
    sandbox: SandboxServer, dataset: Dataset, token_caches: dict[str, TokenCache]
) -> Iterator[ClientFactory]:
    clients: list[ZohoBooksClient] = []
    caches = token_caches

    def factory(
        region: str = "us",
        organization_id: str = US_ORG,
        *,
        limits: RateLimits | None = None,
        retry: RetryPolicy = FAST_RETRY,
        credentials: ZohoCredentials | None = None,
        api_base_url: str | None = None,
        token_cache: TokenCache | None = None,
        **kwargs: object,
    ) -> ZohoBooksClient:
        conn = ZohoConnectionConfig(
            name=f"test-{region}",
            region=region,
            organization_id=organization_id,
            accounts_url=sandbox.accounts_url(region),
            api_base_url=api_base_url,
        )
        client = ZohoBooksClient(
            conn,
            credentials or credentials_for(dataset, region),
            # A fresh registry per client: tests must not share pacing state.
            limiters=LimiterRegistry(),
            limits=limits or RateLimits(requests_per_window=100, window_seconds=1.0, max_in_flight=5),
            retry=retry,
            token_cache=token_cache or caches.setdefault(region, MemoryTokenCache()),
            seed=1,
            **kwargs,  # type: ignore[arg-type]
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture(autouse=True)
def _fresh_sandbox_limits(sandbox: SandboxServer) -> Iterator[None]:
    """Every test starts from the sandbox's default limits, no faults, a new Zoho-day and zero stats."""
    yield
    sandbox.configure(
        per_minute_limit=100,
        in_flight_limit=10,
        tokens_per_window=10,
        token_window_seconds=600.0,
        token_limit_status=400,
        token_limit_localized=False,
        faults={
            "error_rate": 0.0,
            "slow_rate": 0.0,
            "slow_seconds": 0.0,
            "drop_rate": 0.0,
            "late_rate": 0.0,
            "late_seconds": 0.0,
        },
        daily_limits={US_ORG: 10_000, EU_ORG: 10_000},
    )
    sandbox.next_day()
    sandbox.reset_stats()
