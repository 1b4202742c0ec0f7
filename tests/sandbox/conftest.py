"""A small hand-made data set and a sandbox server over real HTTP on loopback.

The data set is built here rather than by the generator so these tests pin the HTTP behaviour on records
whose every value the tests know: 450 invoices in one org (three pages of 200), timestamps whose offsets
alternate so string order and instant order disagree, journals in and out of the sandbox's current month,
an inactive account, a 600-row ledger and an exchange-rate history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ml_connector_fakes.world.dataset import Dataset, OAuthClient, OrgBooks, Record
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.reads import read, resolve
from ml_connector_fakes.zoho.server import SandboxServer

US_ORG = "60001"
GENERATED_US_ORG = "10234695"  # the "us" organization of generate_dataset
US_ORG_2 = "60002"
EU_ORG = "70001"
CLIENT_ID = "1000.TESTCLIENT"
CLIENT_SECRET = "test-secret"
US_REFRESH = "1000.us-refresh"
EU_REFRESH = "1000.eu-refresh"
TODAY = date(2026, 10, 15)
INVOICE_COUNT = 450
AR_ACCOUNT = "460000000001"
SALES_ACCOUNT = "460000000002"
EUR_ID = "3000000000002"
BIG_TOTAL = Decimal("1234567890123456.78")  # 18 digits: a float would round it


def zoho_timestamp(instant: datetime, offset_hours: float) -> str:
    tz = timezone(timedelta(hours=offset_hours))
    return instant.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S%z")


def _invoices() -> dict[str, Record]:
    base = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    invoices: dict[str, Record] = {}
    for i in range(INVOICE_COUNT):
        created = base + timedelta(hours=13 * i)
        modified = created + timedelta(minutes=37)
        # Alternate +05:30 and -08:00: the local clock of row i+1 reads earlier than row i's.
        offset = 5.5 if i % 2 == 0 else -8.0
        invoice_id = str(900_000 + i)
        invoices[invoice_id] = {
            "invoice_id": invoice_id,
            "invoice_number": f"INV-{i:05d}",
            "customer_id": "1100",
            "date": (created.date()).isoformat(),
            "status": "sent",
            "currency_code": "USD",
            "exchange_rate": Decimal("1.000000"),
            "total": BIG_TOTAL if i == 0 else Decimal(f"{100 + i}.10"),
            "balance": Decimal("0.10"),
            "created_time": zoho_timestamp(created, offset),
            "last_modified_time": zoho_timestamp(modified, offset),
            "line_items": [
                {"line_item_id": f"{invoice_id}01", "rate": Decimal("100.10"), "quantity": Decimal("1")}
            ],
            "sub_total": Decimal(f"{100 + i}.10"),
            "tax_total": Decimal("0.00"),
        }
    return invoices


def _journals() -> dict[str, Record]:
    dates = [date(2026, 10, d) for d in (1, 2, 9, 14, 31)] + [date(2026, m, 5) for m in (3, 4, 5, 6, 7, 8, 9)]
    journals: dict[str, Record] = {}
    for i, day in enumerate(dates):
        journal_id = str(500_000 + i)
        journals[journal_id] = {
            "journal_id": journal_id,
            "entry_number": str(i + 1),
            "journal_date": day.isoformat(),
            "status": "published",
            "total": Decimal("50.00"),
            "created_time": f"{day.isoformat()}T09:00:00-0700",
            "last_modified_time": f"{day.isoformat()}T09:00:00-0700",
            "currency_code": "USD",
            "line_items": [],
        }
    return journals


def _accounts() -> dict[str, Record]:
    rows = [
        (AR_ACCOUNT, "Accounts Receivable", "accounts_receivable", True, Decimal("1500.25")),
        (SALES_ACCOUNT, "Sales", "income", True, Decimal("-9000.00")),
        ("460000000003", "Petty Cash", "cash", True, Decimal("20.00")),
        ("460000000004", "Old Bank", "bank", False, Decimal("0.00")),
    ]
    return {
        account_id: {
            "account_id": account_id,
            "account_name": name,
            "account_type": account_type,
            "is_active": active,
            "current_balance": balance,
            "created_time": "2025-01-01T00:00:00-0700",
            "last_modified_time": "2025-01-01T00:00:00-0700",
        }
        for account_id, name, account_type, active, balance in rows
    }


def _ledger() -> list[Record]:
    rows: list[Record] = []
    for i in range(600):
        rows.append(
            {
                "transaction_id": str(800_000 + i),
                "account_id": AR_ACCOUNT if i % 2 == 0 else SALES_ACCOUNT,
                "transaction_type": "invoice",
                "transaction_date": (date(2026, 1, 1) + timedelta(days=i // 3)).isoformat(),
                "debit_amount": Decimal("10.00") if i % 2 == 0 else Decimal("0"),
                "credit_amount": Decimal("0") if i % 2 == 0 else Decimal("10.00"),
                "currency_code": "USD",
            }
        )
    return rows


def _org(org_id: str, name: str, region: str, currency: str, time_zone: str) -> Record:
    return {"organization_id": org_id, "name": name, "currency_code": currency, "time_zone": time_zone}


def make_dataset() -> Dataset:
    us = OrgBooks(
        organization=_org(US_ORG, "Acme US", "us", "USD", "America/Los_Angeles"),
        region="us",
        daily_limit=1000,
        records={
            "invoices": _invoices(),
            "journals": _journals(),
            "chartofaccounts": _accounts(),
            "currencies": {
                "3000000000001": {
                    "currency_id": "3000000000001",
                    "currency_code": "USD",
                    "is_base_currency": True,
                },
                EUR_ID: {"currency_id": EUR_ID, "currency_code": "EUR", "is_base_currency": False},
            },
        },
        account_transactions=_ledger(),
        exchange_rates={
            EUR_ID: [
                {"exchange_rate_id": "1", "effective_date": "2026-01-01", "rate": Decimal("1.081234")},
                {"exchange_rate_id": "2", "effective_date": "2026-05-01", "rate": Decimal("1.102200")},
                {"exchange_rate_id": "3", "effective_date": "2026-09-01", "rate": Decimal("1.120000")},
            ]
        },
    )
    us2 = OrgBooks(
        organization=_org(US_ORG_2, "Acme India desk", "us", "INR", "Asia/Kolkata"),
        region="us",
        daily_limit=1000,
    )
    eu = OrgBooks(
        organization=_org(EU_ORG, "Acme GmbH", "eu", "EUR", "Europe/Berlin"),
        region="eu",
        daily_limit=1000,
        records={"invoices": dict(list(_invoices().items())[:3])},
    )
    return Dataset(
        orgs={US_ORG: us, US_ORG_2: us2, EU_ORG: eu},
        oauth_clients=[OAuthClient(CLIENT_ID, CLIENT_SECRET)],
        refresh_tokens={US_REFRESH: (CLIENT_ID, "us"), EU_REFRESH: (CLIENT_ID, "eu")},
    )


SandboxFactory = Callable[..., SandboxServer]


def _new_sandbox(**overrides: Any) -> SandboxServer:
    config = SandboxConfig(today=TODAY)
    config.update(overrides)
    return SandboxServer(make_dataset(), config).start()


@pytest.fixture
def start_sandbox() -> Iterator[SandboxFactory]:
    """A private sandbox per call, for tests that change config or state: ``start_sandbox(time_scale=60)``."""
    servers: list[SandboxServer] = []

    def start(**overrides: Any) -> SandboxServer:
        servers.append(_new_sandbox(**overrides))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox per module for tests that only read. A generous token limit keeps the module's tests from
    spending each other's tokens; the limit itself is tested on private sandboxes."""
    server = _new_sandbox(tokens_per_window=1000)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:
        yield client


def request_token(
    http: httpx.Client, sandbox: SandboxServer, region: str = "us", **form: str
) -> httpx.Response:
    data = {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": US_REFRESH if region == "us" else EU_REFRESH,
        **form,
    }
    return http.post(f"{sandbox.accounts_url(region)}/oauth/v2/token", data=data)


def access_token(http: httpx.Client, sandbox: SandboxServer, region: str = "us") -> str:
    return str(request_token(http, sandbox, region).json()["access_token"])


class Api:
    """GETs against one region's Books API with a valid token."""

    def __init__(self, http: httpx.Client, sandbox: SandboxServer, region: str = "us") -> None:
        self.http = http
        self.base = sandbox.api_base_url(region)
        self.token = access_token(http, sandbox, region)

    def get(self, path: str, org: str | None = US_ORG, **params: Any) -> httpx.Response:
        if org is not None:
            params["organization_id"] = org
        headers = {"Authorization": f"Zoho-oauthtoken {self.token}"}
        return self.http.get(f"{self.base}{path}", params=params, headers=headers)


@pytest.fixture(scope="module")
def api(http: httpx.Client, sandbox: SandboxServer) -> Api:
    return Api(http, sandbox)


def read_list(dataset: Dataset, path: str, root: str, **params: str) -> list[dict[str, object]]:
    """The rows a list route of the generated "us" organization answers (up to 200), without HTTP."""
    route = resolve(path)
    assert route is not None
    rows: list[dict[str, object]] = read(
        route, dataset.orgs[GENERATED_US_ORG], {"per_page": "200", **params}, SandboxConfig()
    )[root]
    return rows
