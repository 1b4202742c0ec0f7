"""Zoho's per-organization limits (44 per minute, 1070 in flight, 45 per day) and the rate-limit headers."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from .conftest import US_ORG, US_ORG_2, Api, SandboxFactory


def test_per_minute_limit_answers_44_and_recovers_after_a_zoho_minute(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    sandbox = start_sandbox(time_scale=60, per_minute_limit=5)  # a Zoho-minute is one real second
    api = Api(http, sandbox)
    assert [api.get("/invoices", per_page=1).status_code for _ in range(5)] == [200] * 5
    refused = api.get("/invoices", per_page=1)
    assert (refused.status_code, refused.json()["code"]) == (429, 44)
    assert api.get("/invoices", per_page=1, org=US_ORG_2).status_code == 200  # per organization
    assert api.get("/organizations", org=None).status_code == 200  # not org-scoped, not limited
    time.sleep(1.05)
    assert api.get("/invoices", per_page=1).status_code == 200
    stats = sandbox.stats()
    assert stats["throttled"]["44"] == 1
    assert stats["calls"][US_ORG]["/invoices"] == 6  # the refused call consumed nothing


def test_concurrent_calls_past_the_in_flight_limit_answer_1070(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    sandbox = start_sandbox(in_flight_limit=2, faults={"slow_rate": 1.0, "slow_seconds": 0.8})
    api = Api(http, sandbox)
    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(lambda _: api.get("/invoices", per_page=1), range(5)))
    codes = sorted(r.json()["code"] for r in responses)
    assert codes == [0, 0, 1070, 1070, 1070]
    assert {r.status_code for r in responses if r.json()["code"] == 1070} == {429}
    stats = sandbox.stats()
    assert stats["max_in_flight"] == {US_ORG: 2}
    assert stats["throttled"]["1070"] == 3
    assert stats["faults"]["slow"] == 2  # refused calls never reach the fault stage


def test_daily_limit_answers_45_until_the_next_zoho_day(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    sandbox = start_sandbox(daily_limits={US_ORG: 3})
    api = Api(http, sandbox)
    remaining = [api.get("/invoices", per_page=1).headers["X-Rate-Limit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    refused = api.get("/invoices", per_page=1)
    assert refused.status_code == 429
    assert refused.json() == {"code": 45, "message": "You have crossed your API call limit for the day"}
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"
    sandbox.next_day()
    again = api.get("/invoices", per_page=1)
    assert (again.status_code, again.headers["X-Rate-Limit-Remaining"]) == (200, "2")


def test_daily_limit_override_at_runtime(http: httpx.Client, start_sandbox: SandboxFactory) -> None:
    sandbox = start_sandbox()
    api = Api(http, sandbox)
    assert api.get("/invoices", per_page=1).headers["X-Rate-Limit-Limit"] == "1000"  # the plan's limit
    sandbox.configure(daily_limits={US_ORG: 1})
    assert api.get("/invoices", per_page=1).json()["code"] == 45  # one call already spent today
    sandbox.configure(daily_limit={US_ORG: 3})  # the singular name with an object: per org too
    assert api.get("/invoices", per_page=1).headers["X-Rate-Limit-Remaining"] == "1"
    assert api.get("/invoices", per_page=1, org=US_ORG_2).headers["X-Rate-Limit-Limit"] == "1000"


def test_rate_limit_headers_describe_the_daily_quota_in_real_seconds(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    sandbox = start_sandbox(time_scale=1440)  # a Zoho-day is one real minute
    api = Api(http, sandbox)
    first, second = api.get("/invoices", per_page=1), api.get("/invoices/1")  # a 404 counts too
    assert first.headers["X-Rate-Limit-Limit"] == "1000"
    assert (first.headers["X-Rate-Limit-Remaining"], second.headers["X-Rate-Limit-Remaining"]) == (
        "999",
        "998",
    )
    assert 55 <= int(first.headers["X-Rate-Limit-Reset"]) <= 60
    assert "X-Rate-Limit-Limit" not in api.get("/organizations", org=None).headers


def test_a_late_call_is_counted_when_it_arrives_not_when_it_was_sent(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    # Five calls spend 0.5 s on the way in, so they fill the Zoho-minute (one real second at ×60) from
    # their arrival: a sixth sent, undelayed, 1.05 s after them (a full minute after the sends) is refused.
    sandbox = start_sandbox(time_scale=60, per_minute_limit=5, faults={"late_rate": 1.0, "late_seconds": 0.5})
    api = Api(http, sandbox)
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=5) as pool:
        first = list(pool.map(lambda _: api.get("/invoices", per_page=1).status_code, range(5)))
    assert first == [200] * 5
    assert time.monotonic() - began >= 0.5
    sandbox.configure(faults={"late_rate": 0.0})
    time.sleep(max(0.0, began + 1.05 - time.monotonic()))
    refused = api.get("/invoices", per_page=1)
    assert (refused.status_code, refused.json()["code"]) == (429, 44)
    time.sleep(0.5)  # a Zoho-minute after the late arrivals
    assert api.get("/invoices", per_page=1).status_code == 200
    stats = sandbox.stats()
    assert stats["faults"]["late"] == 5
    assert stats["throttled"]["44"] == 1
