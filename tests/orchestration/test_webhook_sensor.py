"""Webhooks handed over to Dagster: `serve --dagster` stores, a sensor claims, an organization's run applies.

Everything real on loopback: the Zoho sandbox (two organizations) delivers a signed webhook for an edited
invoice to ``serve``'s receiver, the event lands in the PostgreSQL warehouse (a database of this test's own),
the Dagster instance keeps its runs and events in another PostgreSQL database, the sensor is evaluated as the
daemon evaluates it, and its run request is executed as the run launcher would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg2
import pytest

from loader.config import Config, load_config
from loader.demo import sandbox_credentials
from loader.orchestration.dagster_defs import ORGANIZATION_TAG, SYNC_ASSET, SYNC_JOB, build_definitions
from loader.orchestration.webhook_sensor import CLAIM_TAG, DOCUMENTS_TAG, WEBHOOK_SENSOR
from loader.secret import Secret
from loader.service.webhooks.applier import JournalApplier
from loader.service.webhooks.events import APPLIED, CLAIMED, PENDING, StoredEvent
from loader.service.webhooks.service import ServeOptions, WebhookService
from loader.service.webhooks.store import EventStore
from loader.service.webhooks.worker import RetryPolicy
from loader.vault import Vault
from loader.zoho.ratelimit import on_zoho_clock
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer
from tests.scratch_database import scratch_database
from tests.serve_thread import serving_in_thread

WEBHOOK_SECRET = "sensorWebhookSecret2026"  # Zoho's shape: 12 to 50 letters and digits
VAULT_KEY_ENV = {"ML_CONNECTOR_KEY": "aDE2Yy1kYWdzdGVyLXdlYmhvb2stc2Vuc29yLWtleSE="}
TIMEOUT = 60.0
# The sensor's runs execute the sync step only: its warehouse holds the few raw rows the test loads, too few
# tables for the dbt build the sync job runs after it (the marts: tests/orchestration/test_dagster_defs.py).
SYNC_ONLY = [dg.AssetKey(SYNC_ASSET)]

pytestmark = pytest.mark.slow  # a targeted sync into PostgreSQL and a Dagster run (~30 s here)


def write_config(directory: Path, sandbox: SandboxServer, dataset: Dataset, warehouse: str) -> Path:
    connections = "".join(
        f'[[zoho.connections]]\nname = "{books.region}"\nregion = "{books.region}"\n'
        f'organization_id = "{org_id}"\naccounts_url = "{sandbox.accounts_url(books.region)}"\n'
        f'api_base_url = "{sandbox.api_base_url(books.region)}"\nrequests_per_minute = 100\n'
        for org_id, books in sorted(dataset.orgs.items())
    )
    path = directory / "ml-connector.toml"
    path.write_text(
        f'[warehouse]\ndestination = "postgres"\nhost = "127.0.0.1"\nport = 5432\ndatabase = "{warehouse}"\n'
        'user = "postgres"\n\n[reporting]\ncurrency = "USD"\n\n[schedule]\ncron = "0 2 * * *"\n\n'
        + connections,
        encoding="utf-8",
    )
    return path


def fill_vault(vault: Vault, dataset: Dataset) -> None:
    for books in dataset.orgs.values():
        credentials = sandbox_credentials(dataset, books.region)
        vault.put(
            f"zoho/{books.region}",
            {
                "client_id": credentials.client_id,
                "client_secret": credentials.client_secret.reveal(),
                "refresh_token": credentials.refresh_token.reveal(),
            },
        )
        vault.put(f"webhook/{books.region}", {"secret": Secret(WEBHOOK_SECRET)})


@contextmanager
def serving_for_dagster(config: Config, vault: Vault, journal: JournalApplier) -> Iterator[str]:
    """``serve --dagster`` in a thread (as its own process would run it); yields its URL. ``journal`` is the
    applier it is given and must never call."""
    service = WebhookService(config, vault, journal, ServeOptions(port=0, dagster=True, debounce=0.0))
    with serving_in_thread(service, stop_timeout=30) as url:
        yield url


def wait_for(probe: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while not (found := probe()):
        assert time.monotonic() < deadline, f"{what}: not within {TIMEOUT:.0f} s"
        time.sleep(0.1)
    return found


@dataclass
class World:
    config: Config
    vault: Vault
    dataset: Dataset
    sandbox: SandboxServer
    warehouse_dsn: str
    dagster_db: str

    def store(self) -> EventStore:
        return EventStore.postgres(self.warehouse_dsn)

    def events(self) -> list[StoredEvent]:
        store = self.store()
        try:
            return store.history(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
        finally:
            store.close()

    @contextmanager
    def instance(self) -> Iterator[dg.DagsterInstance]:
        """A Dagster instance with its run, event log and schedule storage on PostgreSQL."""
        storage = {"postgres": {"postgres_db": {"hostname": "127.0.0.1", "port": 5432, "username": "postgres",
                                                "password": "", "db_name": self.dagster_db,
                                                "scheme": "postgresql+psycopg2"}}}  # fmt: skip
        with dg.instance_for_test(overrides={"storage": storage}) as instance:
            yield instance


@pytest.fixture
def world(tmp_path: Path, postgres_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    for name, value in VAULT_KEY_ENV.items():
        monkeypatch.setenv(name, value)
    dataset = generate_dataset(seed=11, invoices_per_org=4)
    assert len(dataset.orgs) >= 2  # the point: one organization's event must leave the others alone
    with (
        scratch_database(postgres_server, "h16c_warehouse") as warehouse,
        scratch_database(postgres_server, "h16c_dagster") as dagster_db,
        on_zoho_clock(60.0),
        SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as sandbox,
    ):
        config = load_config(write_config(tmp_path, sandbox, dataset, warehouse))
        vault = Vault.beside(config.path)
        fill_vault(vault, dataset)
        dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={warehouse}"
        yield World(config, vault, dataset, sandbox, dsn, dagster_db)


def edited_invoice(dataset: Dataset, org_id: str) -> str:
    invoices = dataset.orgs[org_id].records["invoices"]
    return next(i for i, r in invoices.items() if r["status"] not in ("draft", "void"))


def tick(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[dg.RunRequest]:
    """One evaluation of the webhook sensor, as the daemon's tick makes it."""
    context = dg.build_sensor_context(instance=instance, definitions=defs)
    return list(defs.resolve_sensor_def(WEBHOOK_SENSOR).evaluate_tick(context).run_requests or [])


def query(dsn: str, sql: str) -> list[tuple[Any, ...]]:
    con = psycopg2.connect(dsn)
    try:
        with con.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())
    finally:
        con.close()


def deliver_an_edit(world: World, journal: JournalApplier) -> tuple[str, str, str, StoredEvent]:
    """Edit an invoice of the "us" organization in the sandbox, which signs and delivers the webhook to
    ``serve --dagster``; (organization id, connection, invoice id, the stored event)."""
    org_id, books = next((o, b) for o, b in sorted(world.dataset.orgs.items()) if b.region == "us")
    connection = books.region
    invoice_id = edited_invoice(world.dataset, org_id)
    with serving_for_dagster(world.config, world.vault, journal) as url:
        world.sandbox.configure_webhooks(url=f"{url}/webhooks/zoho/{connection}", secret=WEBHOOK_SECRET)
        world.sandbox.edit(org_id, "invoices", invoice_id)
        (event,) = wait_for(world.events, "the signed delivery is stored")
        time.sleep(1.0)  # serve's own worker would have applied it by now (debounce 0 s)
    return org_id, connection, invoice_id, event


def test_a_webhook_event_for_one_organization_materializes_that_organizations_partition_only(
    world: World, tmp_path: Path
) -> None:
    journal = JournalApplier(tmp_path / "journal.jsonl")
    org_id, connection, invoice_id, event = deliver_an_edit(world, journal)
    others = {o for o in world.dataset.orgs if o != org_id}
    defs = build_definitions(world.config)
    assert (event.connection, event.entity, event.document_id, event.status) == (
        connection,
        "invoices",
        invoice_id,
        PENDING,
    )
    assert journal.batches() == []  # serve applied nothing: the event waits for Dagster

    world.sandbox.reset_stats()
    with world.instance() as instance:
        (request,) = tick(defs, instance)
        assert request.partition_key == connection
        assert request.tags[ORGANIZATION_TAG] == connection
        assert request.tags[DOCUMENTS_TAG] == "invoices 1"
        claim = request.tags[CLAIM_TAG]
        assert request.run_key == claim
        (claimed,) = world.events()
        assert (claimed.status, claimed.claim) == (CLAIMED, claim)
        # Evaluated again before the run started: the same claim asked for again (Dagster launches one run
        # per run key), not a second claim of the event.
        (again,) = tick(defs, instance)
        assert again.run_key == claim

        # The sync step only: the sensor hands the claim to it (the marts downstream are dbt's, tested apart).
        result = defs.resolve_job_def(SYNC_JOB).execute_in_process(
            instance=instance,
            partition_key=request.partition_key,
            tags=request.tags,
            asset_selection=SYNC_ONLY,
        )
        assert result.success
        (materialization,) = result.asset_materializations_for_node(SYNC_ASSET)
        assert materialization.partition == connection
        assert materialization.metadata["documents"].value == 1
        assert instance.get_materialized_partitions(dg.AssetKey(SYNC_ASSET)) == {connection}

        # Settled: nothing left to claim or ask for.
        assert tick(defs, instance) == []
    (applied,) = world.events()
    assert (applied.status, applied.claim, applied.attempts) == (APPLIED, claim, 1)

    # Only that organization was asked, and only for that document: one invoice fetched by id.
    calls = world.sandbox.requests()
    assert [(str(call["organization_id"]), call["route"]) for call in calls] == [
        (org_id, "/invoices/{invoice_id}")
    ]
    invoices = query(
        world.warehouse_dsn, "select invoice_id, _zoho_organization_id from zoho_books_raw.invoices"
    )
    assert invoices == [(invoice_id, org_id)]
    assert not others & {row[1] for row in invoices}


def test_a_run_that_fails_gives_its_events_back_and_a_later_claim_applies_them(
    world: World, tmp_path: Path
) -> None:
    _org_id, connection, invoice_id, _event = deliver_an_edit(world, JournalApplier(tmp_path / "j.jsonl"))
    defs = build_definitions(world.config)
    job = defs.resolve_job_def(SYNC_JOB)
    credentials = world.vault.get(f"zoho/{connection}")
    assert credentials is not None
    with world.instance() as instance:
        (first,) = tick(defs, instance)
        world.vault.delete(f"zoho/{connection}")  # Zoho's credentials revoked: the run cannot sync
        failed = job.execute_in_process(
            instance=instance,
            partition_key=first.partition_key,
            tags=first.tags,
            raise_on_error=False,
            asset_selection=SYNC_ONLY,
        )
        assert not failed.success
        (released,) = world.events()
        assert (released.status, released.attempts) == (PENDING, 1)  # given back by the failing run itself
        assert released.last_error

        world.vault.put(f"zoho/{connection}", credentials)
        time.sleep(RetryPolicy().base_seconds + 0.5)  # the back-off after a first failed attempt
        (second,) = tick(defs, instance)
        assert second.partition_key == connection
        assert second.run_key != first.run_key
        assert job.execute_in_process(
            instance=instance, partition_key=connection, tags=second.tags, asset_selection=SYNC_ONLY
        ).success
    (applied,) = world.events()
    assert (applied.status, applied.claim, applied.attempts) == (APPLIED, second.tags[CLAIM_TAG], 2)
    assert query(world.warehouse_dsn, "select invoice_id from zoho_books_raw.invoices") == [(invoice_id,)]
