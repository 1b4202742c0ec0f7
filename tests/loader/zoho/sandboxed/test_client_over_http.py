"""ZohoBooksClient against the sandbox over real HTTP on loopback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from loader.config import ZohoConnectionConfig
from loader.connections import daily_cap
from loader.secret import Secret
from loader.state import StateStore
from loader.zoho.auth import MemoryTokenCache, ZohoCredentials
from loader.zoho.client import RetryPolicy
from loader.zoho.errors import (
    ZohoAuthError,
    ZohoDailyLimitError,
    ZohoNotFoundError,
    ZohoOrganizationError,
    ZohoTokenLimitError,
)
from loader.zoho.ratelimit import RateLimits
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.zoho.server import SandboxServer

from .conftest import EU_ORG, US_ORG, ClientFactory, credentials_for


def total_calls(stats: dict[str, object], org: str) -> int:
    calls = stats["calls"]
    assert isinstance(calls, dict)
    return sum(calls.get(org, {}).values())


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- routing -------------------------------------------------------------------------------


def test_api_host_comes_from_the_tokens_api_domain(
    make_client: ClientFactory, sandbox: SandboxServer
) -> None:
    client = make_client("eu", EU_ORG)  # only accounts_url is overridden
    assert client.base_url == sandbox.api_base_url("eu")
    orgs = client.list_organizations()
    assert [o["organization_id"] for o in orgs] == [EU_ORG]
    assert orgs[0]["currency_code"] == "EUR"


def test_api_base_url_override_wins(make_client: ClientFactory, sandbox: SandboxServer) -> None:
    client = make_client("us", US_ORG, api_base_url=sandbox.api_base_url("us") + "/")
    assert client.base_url == sandbox.api_base_url("us")
    assert client.get("settings/currencies")["code"] == 0


def test_organization_id_goes_on_every_call_and_a_wrong_one_is_explained(make_client: ClientFactory) -> None:
    client = make_client("us", "99999999")
    with pytest.raises(ZohoOrganizationError, match=r"organization_id and region in ml-connector\.toml"):
        client.get("invoices")
    eu_org_on_us = make_client("us", EU_ORG)
    with pytest.raises(ZohoOrganizationError):
        eu_org_on_us.get("invoices")


def test_missing_record_is_a_not_found_error(make_client: ClientFactory) -> None:
    with pytest.raises(ZohoNotFoundError):
        make_client().get_record("invoices", "404404404", "invoice")


# --- tokens --------------------------------------------------------------------------------


def test_token_is_renewed_five_minutes_before_expiry_not_per_request(
    make_client: ClientFactory, sandbox: SandboxServer
) -> None:
    clock = Clock(1_000_000.0)
    client = make_client("us", US_ORG, clock=clock, token_cache=MemoryTokenCache())
    issued_before = sandbox.stats()["tokens_issued"]
    for _ in range(3):
        client.get("settings/taxes")
    assert client.auth.tokens_minted == 1
    clock.now += 3600 - 301
    client.get("settings/taxes")
    assert client.auth.tokens_minted == 1
    clock.now += 2
    client.get("settings/taxes")
    assert client.auth.tokens_minted == 2
    assert sandbox.stats()["tokens_issued"] - issued_before == 2


def test_a_dead_token_is_renewed_once_and_the_call_succeeds(
    make_client: ClientFactory, sandbox: SandboxServer
) -> None:
    client = make_client("us", US_ORG, token_cache=MemoryTokenCache())
    client.get("settings/taxes")
    sandbox.expire_tokens()
    calls_before = client.calls_made
    assert client.get("settings/taxes")["code"] == 0
    assert client.auth.tokens_minted == 2
    assert client.calls_made - calls_before == 2  # the 401 and the retry


def test_revoked_refresh_token_says_what_to_do(make_client: ClientFactory, dataset: Dataset) -> None:
    good = credentials_for(dataset, "us")
    bad = ZohoCredentials(good.client_id, good.client_secret, Secret("1000.revoked-refresh-token"))
    client = make_client("us", US_ORG, credentials=bad, token_cache=MemoryTokenCache())
    with pytest.raises(ZohoAuthError, match="ml-connector auth zoho") as caught:
        client.get("invoices")
    assert "revoked-refresh-token" not in str(caught.value)


def test_refresh_token_of_another_region_is_rejected(make_client: ClientFactory, dataset: Dataset) -> None:
    client = make_client(
        "eu", EU_ORG, credentials=credentials_for(dataset, "us"), token_cache=MemoryTokenCache()
    )
    with pytest.raises(ZohoAuthError):
        client.get("invoices")


def test_token_limit_answered_with_http_200_is_a_clear_error(
    make_client: ClientFactory, sandbox: SandboxServer
) -> None:
    sandbox.configure(tokens_per_window=0)
    client = make_client("us", US_ORG, token_cache=MemoryTokenCache(), token_limit_waits=(0.01, 0.01))
    with pytest.raises(ZohoTokenLimitError, match=r"too many were requested .*tried 3 times"):
        client.get("invoices")
    assert sandbox.stats()["calls_total"] == 0


def test_a_localized_http_400_token_limit_is_waited_out(
    make_client: ClientFactory, sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    # Recorded: HTTP 400 {"error": "拒绝访问", ..., "status": "failure"}. One token per Zoho-minute (one real
    # second at 60x): the second client's token request is refused, waits, and gets one.
    sandbox.configure(
        tokens_per_window=1, token_window_seconds=60.0, token_limit_status=400, token_limit_localized=True
    )
    first = make_client("us", US_ORG, token_cache=MemoryTokenCache())
    assert first.get("settings/taxes")["code"] == 0
    second = make_client("us", US_ORG, token_cache=MemoryTokenCache(), token_limit_waits=(1.2, 1.2))
    assert second.get("settings/taxes")["code"] == 0
    assert second.auth.tokens_minted == 1
    assert "too many tokens requested, waiting 1.2 s" in caplog.text


# --- paging --------------------------------------------------------------------------------


def test_paging_crosses_200_row_boundaries_and_drops_repeated_rows(
    make_client: ClientFactory, dataset: Dataset
) -> None:
    client = make_client()
    expected = set(dataset.orgs[US_ORG].records["invoices"])
    assert len(expected) > 400
    pages = list(client.iter_pages("invoices", "invoices"))
    assert [p.number for p in pages] == [1, 2, 3]
    assert [len(p.rows) for p in pages[:2]] == [200, 200]
    raw_ids = [row["invoice_id"] for p in pages for row in p.rows]
    assert len(raw_ids) > len(set(raw_ids))  # the sandbox repeats rows, like Zoho
    ids = [row["invoice_id"] for row in client.iter_records("invoices", "invoices", "invoice_id")]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected


def test_money_arrives_as_decimal(make_client: ClientFactory, dataset: Dataset) -> None:
    client = make_client()
    invoice_id, record = next(iter(dataset.orgs[US_ORG].records["invoices"].items()))
    detail = client.get_record("invoices", invoice_id, "invoice")
    assert detail["total"] == record["total"]
    assert type(detail["line_items"][0]["item_total"]).__name__ in ("Decimal", "int")


# --- limits --------------------------------------------------------------------------------


def test_without_the_limiter_the_sandbox_does_throttle(
    make_client: ClientFactory, sandbox: SandboxServer
) -> None:
    """The control for the test above: the sandbox's limit is real, so pacing is what avoids the 429s."""
    sandbox.configure(per_minute_limit=20)
    client = make_client(limits=RateLimits(requests_per_window=1000, window_seconds=1.0, max_in_flight=5))
    for _ in range(40):
        client.get("settings/taxes")
    assert sandbox.stats()["throttled"]["44"] > 0
    assert client.throttled > 0  # and the client retried through them


def test_daily_call_limit_stops_before_the_cap_counting_earlier_runs(
    make_client: ClientFactory, sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A cap of 5 with 2 calls recorded earlier today: 3 requests reach Zoho, the 4th is not sent."""
    state = StateStore(tmp_path / "state.db")
    state.record_calls("test-us", US_ORG, calls=2)
    connection = ZohoConnectionConfig("test-us", "us", US_ORG, daily_call_limit=5)
    client = make_client(daily_cap=daily_cap(connection, state), usage=state)
    client.get("settings/taxes")  # the token first, so the sandbox's count below is API calls only
    before = total_calls(sandbox.stats(), US_ORG)

    client.get("settings/taxes")
    client.get("settings/taxes")
    with pytest.raises(ZohoDailyLimitError) as caught:
        client.get("settings/taxes")

    assert total_calls(sandbox.stats(), US_ORG) == before + 2  # nothing sent past the cap
    assert (caught.value.calls_today, caught.value.daily_limit) == (5, 5)
    assert "daily_call_limit of 5" in str(caught.value)
    assert "continues where this one stopped" in str(caught.value)
    client.flush_usage()
    assert [u.calls for u in state.usage()] == [5]
    # A later run the same day gets no call at all.
    assert daily_cap(connection, state) is not None
    later = make_client(daily_cap=daily_cap(connection, state))
    with pytest.raises(ZohoDailyLimitError):
        later.get("settings/taxes")
    assert total_calls(sandbox.stats(), US_ORG) == before + 2


def test_without_a_daily_call_limit_there_is_no_cap(tmp_path: Path) -> None:
    connection = ZohoConnectionConfig("test-us", "us", US_ORG)
    assert daily_cap(connection, StateStore(tmp_path / "state.db")) is None


def test_daily_cap_error_carries_what_is_left(make_client: ClientFactory, sandbox: SandboxServer) -> None:
    client = make_client()
    client.get("settings/taxes")
    sandbox.configure(daily_limits={US_ORG: 0})
    with pytest.raises(ZohoDailyLimitError) as caught:
        client.get("invoices")
    assert caught.value.organization_id == US_ORG
    assert caught.value.calls_today == client.calls_made
    assert caught.value.resets_in_seconds is not None  # from X-Rate-Limit-Reset
    assert "daily API limit" in str(caught.value)


# --- faults --------------------------------------------------------------------------------


def test_retries_survive_five_percent_injected_faults(
    make_client: ClientFactory, sandbox: SandboxServer, dataset: Dataset
) -> None:
    sandbox.configure(
        faults={"error_rate": 0.03, "drop_rate": 0.01, "slow_rate": 0.01, "slow_seconds": 0.5, "seed": 5}
    )
    client = make_client(timeout=0.25)  # a slow reply outlasts the timeout and is retried
    books = dataset.orgs[US_ORG]
    ids = list(books.records["invoices"])[:150]
    fetched = [client.get_record("invoices", i, "invoice")["invoice_id"] for i in ids]
    listed = {r["bill_id"] for r in client.iter_records("bills", "bills", "bill_id")}
    faults = sandbox.stats()["faults"]
    assert fetched == ids
    assert listed == set(books.records["bills"])
    assert faults["5xx"] > 0
    assert faults["drop"] + faults["slow"] > 0


def test_faults_past_the_retry_budget_fail_clearly(
    make_client: ClientFactory, sandbox: SandboxServer
) -> None:
    sandbox.configure(faults={"error_rate": 1.0})
    client = make_client(retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02))
    with pytest.raises(Exception, match="after 3 attempts") as caught:
        client.get("invoices")
    assert "run the sync again later" in str(caught.value)


# --- counting and secrets ------------------------------------------------------------------


def test_calls_are_counted_per_organization_and_day(
    make_client: ClientFactory, sandbox: SandboxServer, tmp_path: Path
) -> None:
    state = StateStore(tmp_path / "state.db")
    client = make_client(usage=state)
    client.get("settings/taxes")
    sandbox.reset_stats()
    for _ in range(30):
        client.get("settings/currencies")
    client.flush_usage()
    [usage] = state.usage()
    assert usage.organization_id == US_ORG
    assert usage.calls == client.calls_made
    assert total_calls(sandbox.stats(), US_ORG) == 30
    assert usage.daily_limit is not None
    assert usage.remaining is not None
    assert usage.remaining < usage.daily_limit


def test_no_secret_reaches_the_logs(
    make_client: ClientFactory, sandbox: SandboxServer, dataset: Dataset, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    creds = credentials_for(dataset, "us")
    client = make_client(token_cache=MemoryTokenCache())
    sandbox.configure(faults={"error_rate": 0.2, "seed": 9})
    list(client.iter_records("invoices", "invoices", "invoice_id"))
    sandbox.expire_tokens()
    client.get("settings/taxes")
    token = client.auth._token
    assert token is not None
    text = caplog.text + repr(client) + repr(client.auth)
    assert "retrying" in caplog.text  # the faults were logged...
    for secret in (creds.client_secret.reveal(), creds.refresh_token.reveal(), token.value.reveal()):
        assert secret not in text  # ...without a secret
