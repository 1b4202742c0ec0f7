"""``serve --journal`` journals what it received and nothing else: real pending events, left by a
``serve`` that applies for real, stay pending and are applied by the next real ``serve``."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from loader.config import Config
from loader.service.webhooks.applier import JournalApplier
from loader.service.webhooks.events import APPLIED, JOURNAL, JOURNALED, PENDING, IncomingEvent
from loader.service.webhooks.store import EventStore

from .conftest import ServeFactory, invoice, open_store, signed_json


def real_pending(store: EventStore, document_id: str) -> int:
    """An event as a real ``serve`` stores it: pending, waiting to be applied."""
    event = IncomingEvent(
        dedup_key=f"real-{document_id}",
        connection="us",
        entity="invoices",
        document_id=document_id,
        action="edited",
        received_at=datetime.now(UTC),
        content_type="application/json",
        headers={},
        query_string="",
        body=b"{}",
    )
    return store.record(event).event_id


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 20
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_journal_mode_leaves_real_pending_events_alone(
    start_serve: ServeFactory, config: Config, tmp_path: Path
) -> None:
    store = open_store(config)
    real = [real_pending(store, "501"), real_pending(store, "502")]
    journal = JournalApplier(tmp_path / "journal.jsonl")
    serve = start_serve(journal, store=store, journal=True)
    with httpx.Client(timeout=10) as http:
        answer = signed_json({"invoice": invoice("601")}).post(http, serve.url)
    assert answer.json()["status"] == JOURNAL
    received = answer.json()["event_id"]
    wait_for(lambda: store.counts().get(JOURNALED) == 1, "the received event was not journaled")
    serve.stop()

    journaled = [i for batch in journal.batches() for i in batch.get("event_ids", [])]
    assert journaled == [received]  # on main: the two real pending events too, marked "applied"
    store = open_store(config)
    try:
        assert [store.get(i).status for i in real] == [PENDING, PENDING]  # type: ignore[union-attr]
        assert store.counts()[APPLIED] == 0
    finally:
        store.close()

    # The next real serve applies the real events, and not the journaled one.
    applied = JournalApplier(tmp_path / "applied.jsonl")
    store = open_store(config)
    start_serve(applied, store=store)
    wait_for(lambda: store.counts()[APPLIED] == 2, "the real pending events were not applied")
    assert [i for batch in applied.batches() for i in batch.get("event_ids", [])] == real
    assert store.get(received).status == JOURNALED  # type: ignore[union-attr]
