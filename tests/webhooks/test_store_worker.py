"""The event store on real DuckDB and PostgreSQL, and the worker's debounce, coalescing and retries."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loader.service.webhooks.applier import ChangeBatch, JournalApplier, coalesce
from loader.service.webhooks.events import APPLIED, FAILED, PENDING, IncomingEvent
from loader.service.webhooks.store import EventStore
from loader.service.webhooks.worker import EventWorker, RetryPolicy

from .conftest import FlakyApplier

T0 = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)


def incoming(
    key: str, document_id: str = "1", action: str = "edited", *, at: datetime = T0, connection: str = "us"
) -> IncomingEvent:
    return IncomingEvent(
        dedup_key=key,
        connection=connection,
        entity="invoices",
        document_id=document_id,
        action=action,
        received_at=at,
        content_type="application/json",
        headers={
            "Authorization": "Bearer abc",
            "X-Api-Token": "t",
            "X-Zoho-Webhook-Signature": "ff",
            "User-Agent": "Zoho",
        },
        query_string="timestamp=1",
        body=b'{"invoice": {"invoice_id": "1"}}\x00\xff',
        organization_id="10234695",
    )


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventStore]:
    if request.param == "duckdb":
        opened = EventStore.duckdb(tmp_path / "w.duckdb")
    else:
        dsn, schema = request.getfixturevalue("postgres_schema")
        opened = EventStore.postgres(dsn, schema)
    yield opened
    opened.close()


def test_a_repeated_delivery_is_recognised_and_keeps_one_row(store: EventStore) -> None:
    first = store.record(incoming("k1"))
    again = store.record(incoming("k1", at=T0 + timedelta(seconds=5)))
    other = store.record(incoming("k2", document_id="2"))
    assert (first.duplicate, again.duplicate, other.duplicate) == (False, True, False)
    assert again.event_id == first.event_id != other.event_id
    events = store.history(T0 - timedelta(1), T0 + timedelta(1))
    assert [(e.event_id, e.deliveries, e.status) for e in events] == [
        (first.event_id, 2, PENDING),
        (other.event_id, 1, PENDING),
    ]
    assert store.counts() == {PENDING: 2, APPLIED: 0, FAILED: 0, "deliveries": 3}


def test_raw_bytes_are_kept_and_credential_headers_are_not(store: EventStore, tmp_path: Path) -> None:
    result = store.record(incoming("k1"))
    assert store.body(result.event_id) == ("application/json", b'{"invoice": {"invoice_id": "1"}}\x00\xff')
    # Read the stored headers with plain SQL: nothing secret-looking was written.
    with store._transaction() as cur:  # a read of the row as stored, not a patch
        cur.execute(f"select headers from {store._table}")
        (headers,) = cur.fetchone()
    assert "Bearer" not in headers
    assert "x-api-token" not in headers
    assert '"user-agent": "Zoho"' in headers
    assert '"x-zoho-webhook-signature": "ff"' in headers


def test_status_moves_through_failed_attempts_applied_and_replay(store: EventStore) -> None:
    event_id = store.record(incoming("k1")).event_id
    store.mark_failed([event_id], "boom", T0, T0 + timedelta(seconds=30))
    assert store.due(T0 + timedelta(seconds=29)) == []
    (due,) = store.due(T0 + timedelta(seconds=30))
    assert (due.status, due.attempts, due.last_error) == (PENDING, 1, "boom")
    store.mark_failed([event_id], "boom again", T0, None)
    gone = store.get(event_id)
    assert gone is not None
    assert (gone.status, gone.attempts) == (FAILED, 2)
    assert store.due(T0 + timedelta(days=1)) == []
    replayed = store.replay(event_id, T0)
    assert replayed is not None
    assert replayed.status == PENDING
    store.mark_applied([event_id], T0)
    done = store.get(event_id)
    assert done is not None
    assert (done.status, done.attempts, done.last_error, done.applied_at) == (APPLIED, 3, None, T0)
    # A late duplicate of an applied event is recognised and not queued again.
    late = store.record(incoming("k1"))
    assert (late.duplicate, late.status) == (True, APPLIED)
    assert store.replay(999, T0) is None


def test_history_filters_by_range_and_connection(store: EventStore) -> None:
    store.record(incoming("a", at=T0))
    store.record(incoming("b", at=T0 + timedelta(days=1)))
    store.record(incoming("c", at=T0 + timedelta(days=1), connection="eu"))
    day2 = store.history(T0 + timedelta(hours=12), T0 + timedelta(days=2))
    assert [e.connection for e in day2] == ["us", "eu"]
    assert [e.received_at for e in store.history(T0, T0 + timedelta(hours=1), "us")] == [T0]
    assert store.history(T0, T0 + timedelta(days=2), "eu")[0].received_at == T0 + timedelta(days=1)


def test_coalescing_keeps_the_latest_action_per_document() -> None:
    store_events = [
        _stored(1, "us", "invoices", "1", "edited"),
        _stored(2, "us", "invoices", "1", "deleted"),
        _stored(3, "us", "invoices", "2", "deleted"),
        _stored(4, "us", "invoices", "2", "created"),
        _stored(5, "eu", "bills", "9", "edited"),
    ]
    eu, us = coalesce(store_events)
    assert eu == ChangeBatch("eu", {"bills": frozenset({"9"})}, {}, (5,))
    assert us == ChangeBatch(
        "us", {"invoices": frozenset({"2"})}, {"invoices": frozenset({"1"})}, (1, 2, 3, 4)
    )


def _stored(event_id: int, connection: str, entity: str, document_id: str, action: str):  # type: ignore[no-untyped-def]
    from loader.service.webhooks.events import StoredEvent

    return StoredEvent(
        event_id, connection, None, entity, document_id, action, T0, PENDING, 0, 1, None, None, T0
    )


def wait_for(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_a_burst_is_debounced_into_one_batch(tmp_path: Path) -> None:
    store = EventStore.duckdb(tmp_path / "w.duckdb")
    journal = JournalApplier(tmp_path / "journal.jsonl")
    worker = EventWorker(store, journal, debounce=0.3, idle_poll=0.05)
    worker.start()
    try:
        for i in range(20):
            store.record(incoming(f"k{i}", document_id=str(i % 5), at=datetime.now(UTC)))
            worker.notify()
            time.sleep(0.005)
        wait_for(lambda: store.counts()[APPLIED] == 20)
    finally:
        assert worker.stop(10)
        store.close()
    batches = journal.batches()
    assert len(batches) == 1
    assert batches[0]["upserts"] == {"invoices": ["0", "1", "2", "3", "4"]}
    assert sorted(batches[0]["event_ids"]) == list(range(1, 21))


def test_a_failing_apply_is_retried_and_the_event_is_never_lost(tmp_path: Path) -> None:
    store = EventStore.duckdb(tmp_path / "w.duckdb")
    flaky = FlakyApplier(JournalApplier(tmp_path / "journal.jsonl"), failures=2)
    worker = EventWorker(
        store, flaky, debounce=0.0, idle_poll=0.05, retry=RetryPolicy(base_seconds=0.1, max_attempts=5)
    )
    event_id = store.record(incoming("k1", at=datetime.now(UTC))).event_id
    worker.start()
    try:
        wait_for(lambda: store.counts()[APPLIED] == 1)
    finally:
        assert worker.stop(10)
    event = store.get(event_id)
    store.close()
    assert event is not None
    assert (event.status, event.attempts, flaky.calls) == (APPLIED, 3, 3)
    assert [b["event_ids"] for b in flaky.journal.batches()] == [[event_id]]
    assert worker.status()["batches_failed"] == 2


def test_past_the_retry_budget_the_event_is_failed_and_kept(tmp_path: Path) -> None:
    store = EventStore.duckdb(tmp_path / "w.duckdb")
    flaky = FlakyApplier(JournalApplier(tmp_path / "journal.jsonl"), failures=100)
    worker = EventWorker(
        store, flaky, debounce=0.0, idle_poll=0.05, retry=RetryPolicy(base_seconds=0.01, max_attempts=3)
    )
    event_id = store.record(incoming("k1", at=datetime.now(UTC))).event_id
    worker.start()
    try:
        wait_for(lambda: store.counts()[FAILED] == 1)
    finally:
        assert worker.stop(10)
    event = store.get(event_id)
    store.close()
    assert event is not None
    assert (event.status, event.attempts, event.last_error) == (
        FAILED,
        3,
        "RuntimeError: warehouse unavailable (call 3)",
    )
    assert flaky.calls == 3


def test_a_scheduled_sync_runs_on_the_worker_thread(tmp_path: Path) -> None:
    store = EventStore.duckdb(tmp_path / "w.duckdb")
    journal = JournalApplier(tmp_path / "journal.jsonl")
    worker = EventWorker(store, journal, idle_poll=0.05)
    worker.start()
    try:
        worker.request_scheduled_sync()
        wait_for(lambda: worker.status()["scheduled_syncs"] == 1)
    finally:
        assert worker.stop(10)
        store.close()
    assert journal.batches() == [{"scheduled_sync": True}]
