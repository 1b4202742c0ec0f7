"""Zoho's body code decides what an error is, whatever the HTTP status; retry warnings name their cause."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from loader.zoho.auth import MemoryTokenCache
from loader.zoho.errors import ZohoForbiddenError, ZohoUnavailableError
from loader.zoho.ratelimit import RateLimits
from ml_connector_fakes.zoho.server import SandboxServer

from .conftest import US_ORG, ClientFactory


@pytest.fixture(autouse=True)
def _lift_refusals(sandbox: SandboxServer) -> Iterator[None]:
    yield
    sandbox.configure(forbidden={}, unavailable=[], in_flight_status=429)


@pytest.mark.parametrize("status", [401, 400])
def test_code_57_is_a_module_refusal_that_names_the_scope(
    make_client: ClientFactory, sandbox: SandboxServer, status: int
) -> None:
    sandbox.configure(forbidden={"vendorcredits": status})
    client = make_client("us", US_ORG, token_cache=MemoryTokenCache())
    assert client.get("bills")["code"] == 0  # other modules answer
    with pytest.raises(ZohoForbiddenError) as caught:
        client.get("vendorcredits")
    assert caught.value.status == status
    # Vendor credits are "debitnotes" in Zoho's scopes.
    assert caught.value.scope == "ZohoBooks.debitnotes.READ"
    assert "ZohoBooks.debitnotes.READ" in str(caught.value)
    assert "role" in str(caught.value)
    # A second refused module costs no further token: the renewal on the first 401 settled it.
    sandbox.configure(forbidden={"vendorcredits": status, "journals": status})
    with pytest.raises(ZohoForbiddenError, match=r"ZohoBooks\.accountants\.READ"):
        client.get("journals")
    assert client.auth.tokens_minted <= 2


def test_a_list_the_plan_lacks_is_unavailable_not_a_missing_record(
    make_client: ClientFactory, sandbox: SandboxServer
) -> None:
    sandbox.configure(unavailable=["purchaseorders"])
    client = make_client()
    with pytest.raises(ZohoUnavailableError, match="plan") as caught:
        client.get("purchaseorders")
    assert caught.value.status == 404


def test_code_1070_with_another_status_is_retried_and_the_warning_names_it(
    make_client: ClientFactory, sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="loader.zoho.client")
    sandbox.configure(
        in_flight_limit=1, in_flight_status=400, faults={"slow_rate": 1.0, "slow_seconds": 0.05}
    )
    client = make_client(limits=RateLimits(requests_per_window=100, window_seconds=1.0, max_in_flight=4))
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: client.get("settings/taxes"), range(8)))
    assert all(a["code"] == 0 for a in answers)
    assert sandbox.stats()["throttled"].get("1070", 0) >= 1
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert retries
    cause = "HTTP 400 code 1070 (too many calls in flight) on settings/taxes (attempt"
    assert all(cause in m for m in retries)


def test_every_retry_warning_says_status_code_and_path_and_no_secret(
    make_client: ClientFactory, sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="loader.zoho.client")
    sandbox.configure(faults={"error_rate": 0.3, "seed": 4})
    client = make_client()
    for _ in range(10):
        client.get("settings/taxes")
    messages = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert messages
    for message in messages:
        assert "on settings/taxes" in message
        assert any(f"HTTP {s}" in message for s in (500, 502, 503)), message
    assert any("HTTP 500 code 1000" in m for m in messages) or any("no Zoho code" in m for m in messages)
    token = client.auth._token
    assert token is not None
    assert token.value.reveal() not in caplog.text
    assert US_ORG not in "".join(messages)  # the query (organization_id) stays out of the message
