"""The admin API: stats, config updates and the mutation endpoints."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest

from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxAdminError, SandboxServer

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
    assert stats["faults"] == {"5xx": 0, "slow": 0, "drop": 0, "late": 0}
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


def test_deleting_a_payment_reopens_its_invoices_on_the_sandbox_day() -> None:
    """The admin API's delete stamps reopened invoices with the sandbox's clock, so a sandbox set to another
    day (as incremental-sync tests do) sees them as modified on that day, not on the machine's."""
    dataset = generate_dataset(seed=3, invoices_per_org=15)
    org_id = "10234695"
    books = dataset.orgs[org_id]
    payment_id, payment = next(iter(books.records["customerpayments"].items()))
    paid = [row["invoice_id"] for row in payment["invoices"]]
    with SandboxServer(dataset, SandboxConfig(today=date(2027, 3, 9))) as sandbox:
        sandbox.delete(org_id, "customerpayments", payment_id)
    assert payment_id not in books.records["customerpayments"]
    for invoice_id in paid:
        invoice = books.records["invoices"][invoice_id]
        # The sandbox's clock is on 2027-03-09 in UTC; the stamp is in the organization's time zone, which is
        # still the 8th for part of the UTC day, so the day is compared in UTC.
        stamped = datetime.strptime(invoice["last_modified_time"], "%Y-%m-%dT%H:%M:%S%z")
        assert stamped.astimezone(UTC).date() == date(2027, 3, 9), invoice["last_modified_time"]
        assert invoice["balance"] > 0
    assert not [t for t in books.account_transactions if t["transaction_id"] == payment_id]
