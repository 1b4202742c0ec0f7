"""The admin API: stats, config updates and the mutation endpoints."""

from __future__ import annotations

import httpx
import pytest

from zoho_sandbox.server import SandboxAdminError

from .conftest import EU_ORG, US_ORG, Api, SandboxFactory


def test_stats_count_calls_per_org_and_route_template(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    sandbox = start_sandbox()
    us, eu = Api(http, sandbox, "us"), Api(http, sandbox, "eu")
    us.get("/invoices")
    us.get("/invoices/900001")
    us.get("/invoices/900002")
    us.get("/chartofaccounts/transactions", account_id="1")
    eu.get("/invoices", org=EU_ORG)
    us.get("/invoices", org=None)  # a 400: never reached an organization
    stats = sandbox.stats()
    assert stats["calls"] == {
        US_ORG: {"/invoices": 1, "/invoices/{invoice_id}": 2, "/chartofaccounts/transactions": 1},
        EU_ORG: {"/invoices": 1},
    }
    assert stats["calls_total"] == 5
    assert stats["tokens_issued"] == 2
    assert stats["throttled"] == {"44": 0, "45": 0, "1070": 0}
    assert stats["faults"] == {"5xx": 0, "slow": 0, "drop": 0}
    assert stats["max_in_flight"] == {US_ORG: 1, EU_ORG: 1}
    sandbox.reset_stats()
    assert sandbox.stats()["calls_total"] == 0


def test_configure_returns_the_config_and_refuses_unknown_settings(start_sandbox: SandboxFactory) -> None:
    sandbox = start_sandbox()
    config = sandbox.configure(per_minute_limit=7, faults={"error_rate": 0.5}, daily_limits={US_ORG: 9})
    assert (config["per_minute_limit"], config["faults"]["error_rate"], config["daily_limits"]) == (
        7,
        0.5,
        {US_ORG: 9},
    )
    with pytest.raises(SandboxAdminError) as refused:
        sandbox.configure(per_minute_limits=7)
    assert refused.value.status == 400
    with pytest.raises(SandboxAdminError):
        sandbox.configure(per_minute_limit="many")
    assert sandbox.configure()["per_minute_limit"] == 7  # a refused update changes nothing


def test_grant_code_needs_a_known_region_and_client(start_sandbox: SandboxFactory) -> None:
    sandbox = start_sandbox()
    with pytest.raises(SandboxAdminError, match="unknown region"):
        sandbox.grant_code("mars", "1000.TESTCLIENT")
    with pytest.raises(SandboxAdminError, match="unknown client_id"):
        sandbox.grant_code("us", "someone-else")


def test_mutations_on_unknown_targets_are_404(start_sandbox: SandboxFactory) -> None:
    sandbox = start_sandbox()
    for call in (
        lambda: sandbox.edit("99999", "invoices", "900001"),
        lambda: sandbox.void(US_ORG, "widgets", "900001"),
        lambda: sandbox.delete(US_ORG, "invoices", "123"),
    ):
        with pytest.raises(SandboxAdminError) as refused:
            call()
        assert refused.value.status == 404
