"""The sandbox sends signed webhooks in every format after mutations; the service stores and applies them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from loader.config import Config
from loader.service.webhooks.applier import JournalApplier
from loader.service.webhooks.events import APPLIED
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.server import SandboxServer

from .conftest import SECRET, US_ORG, ServeFactory, open_store

ENTITIES = (
    "invoices",
    "bills",
    "purchaseorders",
    "contacts",
    "customerpayments",
    "vendorpayments",
    "expenses",
)
ID_FIELDS = {
    "invoices": "invoice_id",
    "bills": "bill_id",
    "purchaseorders": "purchaseorder_id",
    "contacts": "contact_id",
    "customerpayments": "payment_id",
    "vendorpayments": "payment_id",
    "expenses": "expense_id",
}
# The sandbox names modules as Zoho's URLs do; the loader names them as its raw tables.
LOADER_NAMES = {
    "purchaseorders": "purchase_orders",
    "customerpayments": "customer_payments",
    "vendorpayments": "vendor_payments",
}


def loader_name(entity: str) -> str:
    return LOADER_NAMES.get(entity, entity)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(generate_dataset(seed=7, invoices_per_org=5)) as server:
        yield server


def wait(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_mutations_arrive_signed_in_all_formats_and_are_applied(
    sandbox: SandboxServer, start_serve: ServeFactory, config: Config, tmp_path: Path
) -> None:
    store = open_store(config)
    journal = JournalApplier(tmp_path / "journal.jsonl")
    serve = start_serve(journal, store=store)
    sandbox.reset_stats()
    sandbox.configure_webhooks(
        url=f"{serve.url}/webhooks/zoho/us",
        secret=SECRET.reveal(),
        body_format="alternate",
        response_format="alternate",
    )
    try:
        doomed = sandbox.create(US_ORG, "invoices")["invoice_id"]
        sandbox.edit(US_ORG, "invoices", doomed)
        sandbox.delete(US_ORG, "invoices", doomed)
        created = {entity: sandbox.create(US_ORG, entity)[ID_FIELDS[entity]] for entity in ENTITIES}
        sandbox.create(US_ORG, "journals")  # not a webhook module: nothing is sent
        wait(lambda: sandbox.webhook_stats()["pending"] == 0 and store.counts()[APPLIED] == 10)
    finally:
        sandbox.configure_webhooks(url=None, secret=None)
    stats = sandbox.webhook_stats()
    assert (stats["queued"], stats["delivered"], stats["failed"], stats["statuses"]) == (
        10,
        10,
        0,
        {"200": 10},
    )
    events = store.history(*_window())
    assert [(e.entity, e.document_id, e.action) for e in events] == [
        ("invoices", doomed, "created"),
        ("invoices", doomed, "edited"),
        ("invoices", doomed, "deleted"),
        *((loader_name(entity), created[entity], "created") for entity in ENTITIES),
    ]
    # All four body/response format combinations were exercised.
    kinds = set()
    for event in events:
        content_type, body = store.body(event.event_id) or ("", b"")
        kinds.add((content_type, b"JSONString" in body or b'"data"' in body))
    assert kinds == {
        ("application/json", False),
        ("application/json", True),
        ("application/x-www-form-urlencoded", False),
        ("application/x-www-form-urlencoded", True),
    }
    # The deleted invoice reaches the applier as a deletion, the created documents as upserts.
    batches = journal.batches()
    deletions = {d for batch in batches for d in batch["deletions"].get("invoices", [])}
    upserts = {(e, d) for batch in batches for e, docs in batch["upserts"].items() for d in docs}
    assert deletions == {doomed}
    assert {(loader_name(entity), created[entity]) for entity in ENTITIES} <= upserts


def test_refused_deliveries_are_retried_then_counted_as_failed(
    sandbox: SandboxServer, start_serve: ServeFactory, config: Config, tmp_path: Path
) -> None:
    store = open_store(config)
    serve = start_serve(JournalApplier(tmp_path / "journal.jsonl"), store=store)
    sandbox.reset_stats()
    sandbox.configure_webhooks(
        url=f"{serve.url}/webhooks/zoho/us", secret="wrongSecret12345", max_attempts=2, retry_seconds=0.01
    )
    try:
        started = time.monotonic()
        sandbox.create(US_ORG, "contacts")
        assert time.monotonic() - started < 2  # the admin request did not wait for the delivery
        wait(lambda: sandbox.webhook_stats()["pending"] == 0)
    finally:
        sandbox.configure_webhooks(url=None, secret=None)
    stats = sandbox.stats()["webhooks"]
    assert (stats["delivered"], stats["failed"], stats["attempts_failed"], stats["statuses"]) == (
        0,
        1,
        2,
        {"401": 2},
    )
    assert store.counts()["deliveries"] == 0


def _window() -> tuple:  # type: ignore[type-arg]
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    return now - timedelta(hours=1), now + timedelta(hours=1)
