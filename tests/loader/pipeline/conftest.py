"""Fixtures for pipeline tests: a small sandbox over loopback HTTP, clients for two organizations in two
regions, and dlt pipelines on a real DuckDB file or a real PostgreSQL schema."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import psycopg2
import pytest
from dlt.pipeline.pipeline import Pipeline

from loader.config import ZohoConnectionConfig
from loader.demo import sandbox_credentials as credentials_for
from loader.extract.pipelines import make_pipeline
from loader.zoho.auth import MemoryTokenCache, TokenCache
from loader.zoho.client import ZohoBooksClient
from loader.zoho.ratelimit import LimiterRegistry, RateLimits
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer
from tests.loader.fast_retry import FAST_RETRY

US_ORG = "10234695"
EU_ORG = "20088321"
ORGS = {US_ORG: "us", EU_ORG: "eu"}
LEDGER_ROUTE = "/chartofaccounts/transactions"

# sandbox entity name -> raw table
TABLES = {
    "contacts": "contacts",
    "items": "items",
    "chartofaccounts": "chart_of_accounts",
    "taxes": "taxes",
    "invoices": "invoices",
    "creditnotes": "credit_notes",
    "customerpayments": "customer_payments",
    "bills": "bills",
    "vendorcredits": "vendor_credits",
    "vendorpayments": "vendor_payments",
    "purchaseorders": "purchase_orders",
    "expenses": "expenses",
    "journals": "journals",
    "banktransactions": "bank_transactions",
    "basecurrencyadjustments": "base_currency_adjustments",
    "openingbalances": "opening_balances",
    "creditnoterefunds": "credit_note_refunds",
    "vendorcreditrefunds": "vendor_credit_refunds",
    "salesreceipts": "sales_receipts",
    "retainerinvoices": "retainer_invoices",
    "debitnotes": "debit_notes",
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(seed=5, invoices_per_org=12)


@pytest.fixture(scope="module")
def sandbox(dataset: Dataset) -> Iterator[SandboxServer]:
    with SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as server:
        yield server


@pytest.fixture(scope="module")
def token_caches() -> dict[str, TokenCache]:
    return {}


ClientsFactory = Callable[[], list[ZohoBooksClient]]


@pytest.fixture
def make_clients(
    sandbox: SandboxServer, dataset: Dataset, token_caches: dict[str, TokenCache]
) -> Iterator[ClientsFactory]:
    made: list[ZohoBooksClient] = []

    def factory() -> list[ZohoBooksClient]:
        clients = []
        for org, region in ORGS.items():
            accounts = sandbox.accounts_url(region)
            conn = ZohoConnectionConfig(f"test-{region}", region, org, accounts_url=accounts)
            clients.append(
                ZohoBooksClient(
                    conn,
                    credentials_for(dataset, region),
                    limiters=LimiterRegistry(),
                    limits=RateLimits(requests_per_window=100, window_seconds=1.0, max_in_flight=5),
                    retry=FAST_RETRY,
                    token_cache=token_caches.setdefault(region, MemoryTokenCache()),
                    seed=1,
                )
            )
        made.extend(clients)
        return clients

    yield factory
    for client in made:
        client.close()


@pytest.fixture(autouse=True)
def _fresh_sandbox(sandbox: SandboxServer) -> Iterator[None]:
    sandbox.reset_stats()
    yield
    sandbox.configure(daily_limits={US_ORG: 10_000, EU_ORG: 10_000})
    sandbox.next_day()
    sandbox.reset_stats()


def duckdb_pipeline(directory: Path, name: str = "db") -> Pipeline:
    return make_pipeline(
        dlt.destinations.duckdb(str(directory / f"{name}.duckdb")), directory / f"{name}-dlt"
    )


@pytest.fixture
def postgres_pipeline(postgres_server: str, tmp_path: Path) -> Iterator[Pipeline]:
    schema = f"zb_{uuid.uuid4().hex[:10]}"
    params = dict(item.split("=", 1) for item in postgres_server.split())
    url = (
        f"postgresql://{params.get('user', 'postgres')}:{params.get('password', '')}@"
        f"{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}/{params.get('dbname', 'test')}"
    )
    pipeline = make_pipeline(dlt.destinations.postgres(url), tmp_path / "pg-dlt", dataset_name=schema)
    yield pipeline
    con = psycopg2.connect(postgres_server)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'drop schema if exists "{schema}" cascade')
        cur.execute(f'drop schema if exists "{schema}_staging" cascade')
    con.close()


def query(pipeline: Pipeline, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with pipeline.sql_client() as client:
        sql = sql.replace("{ds}", client.fully_qualified_dataset_name())
        return [tuple(r) for r in client.execute_sql(sql, *args) or []]


def expected_counts(dataset: Dataset) -> dict[tuple[str, str], int]:
    out = {}
    for org in ORGS:
        books = dataset.orgs[org]
        for entity, table in TABLES.items():
            out[(table, org)] = len(books.records.get(entity, {}))
        out[("account_transactions", org)] = len(books.account_transactions)
        out[("exchange_rates", org)] = sum(len(h) for h in books.exchange_rates.values())
    return out


def expected_money(dataset: Dataset, org: str, entity: str, field: str) -> Decimal:
    return sum(
        (
            Decimal(str(r[field]))
            for r in dataset.orgs[org].records[entity].values()
            if r.get(field) is not None
        ),
        Decimal(0),
    )
