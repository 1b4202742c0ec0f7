"""Injected faults: 5xx (JSON 500, HTML 502/503), slow answers and dropped connections, by seed."""

from __future__ import annotations

import time

import httpx

from .conftest import Api, SandboxFactory


def _outcomes(api: Api, calls: int) -> list[str]:
    outcomes = []
    for _ in range(calls):
        try:
            response = api.get("/invoices", per_page=5)
        except httpx.RemoteProtocolError:
            outcomes.append("drop")
            continue
        if response.status_code == 500:
            assert response.json() == {"code": 1000, "message": "Internal Error"}
        elif response.status_code in (502, 503):
            assert response.headers["content-type"].startswith("text/html")
            assert str(response.status_code) in response.text
        else:
            assert response.json()["code"] == 0
        outcomes.append(str(response.status_code))
    return outcomes


def test_faults_come_at_the_set_rates_in_every_kind_and_repeat_by_seed(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    faults = {"error_rate": 0.3, "drop_rate": 0.15, "seed": 7}
    sandbox = start_sandbox(faults=faults)
    outcomes = _outcomes(Api(http, sandbox), 80)
    assert {"200", "500", "502", "503", "drop"} == set(outcomes)
    errors = sum(o in ("500", "502", "503") for o in outcomes)
    assert 12 <= errors <= 36  # 24 expected
    assert 4 <= outcomes.count("drop") <= 22  # 12 expected
    stats = sandbox.stats()["faults"]
    assert (stats["5xx"], stats["drop"], stats["slow"]) == (errors, outcomes.count("drop"), 0)
    assert _outcomes(Api(http, start_sandbox(faults=faults)), 80) == outcomes


def test_slow_answers_wait_the_configured_real_seconds(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    sandbox = start_sandbox(time_scale=60, faults={"slow_rate": 1.0, "slow_seconds": 0.3})
    api = Api(http, sandbox)
    started = time.monotonic()
    assert api.get("/invoices", per_page=1).status_code == 200
    assert time.monotonic() - started >= 0.3
    assert api.get("/organizations", org=None).status_code == 200  # not org-scoped: no faults
    assert sandbox.stats()["faults"]["slow"] == 1


def test_faults_spare_the_token_endpoint(http: httpx.Client, start_sandbox: SandboxFactory) -> None:
    sandbox = start_sandbox(faults={"error_rate": 1.0})
    api = Api(http, sandbox)  # the token was granted despite error_rate 1
    assert api.get("/invoices").status_code in (500, 502, 503)
