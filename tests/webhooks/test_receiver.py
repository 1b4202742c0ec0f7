"""The receiver over real HTTP on loopback, with the real store (DuckDB) and worker behind it."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from loader.secret import Secret
from loader.service.webhooks.applier import JournalApplier
from loader.service.webhooks.events import APPLIED
from loader.service.webhooks.signature import SIGNATURE_HEADER, sign
from loader.service.webhooks.store import EventStore

from .conftest import (
    EU_ORG,
    RunningServe,
    ServeFactory,
    Signed,
    invoice,
    signed_form,
    signed_json,
)


@pytest.fixture
def journal(tmp_path: Path) -> JournalApplier:
    return JournalApplier(tmp_path / "journal.jsonl")


@pytest.fixture
def serve(start_serve: ServeFactory, journal: JournalApplier, store: EventStore) -> RunningServe:
    return start_serve(journal, store=store, max_body_bytes=4096)


def wait_applied(store: EventStore, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while store.counts()[APPLIED] < count:
        assert time.monotonic() < deadline, f"not applied: {store.counts()}"
        time.sleep(0.02)


def test_json_and_form_deliveries_are_stored_then_applied(
    http: httpx.Client, serve: RunningServe, store: EventStore, journal: JournalApplier
) -> None:
    json_old = signed_json({"invoice": invoice("1")}, query=[("event_type", "invoice_created")])
    json_new = signed_json(
        {
            "event_id": "ev-2",
            "event_type": "bill_deleted",
            "organization_id": "10234695",
            "data": {"bill": {"bill_id": "2"}},
        }
    )
    form_old = signed_form([("contact", json.dumps({"contact_id": "3"})), ("event_type", "contact_edited")])
    form_new = signed_form(
        [
            (
                "JSONString",
                json.dumps({"event_type": "expense_created", "data": {"expense": {"expense_id": "4"}}}),
            )
        ]
    )
    answers = [d.post(http, serve.url) for d in (json_old, json_new, form_old, form_new)]
    assert [(a.status_code, a.json()["duplicate"]) for a in answers] == [(200, False)] * 4
    wait_applied(store, 4)
    events = store.history(*_today())
    assert [(e.entity, e.document_id, e.action, e.organization_id) for e in events] == [
        ("invoices", "1", "created", "10234695"),
        ("bills", "2", "deleted", "10234695"),
        ("contacts", "3", "edited", "10234695"),
        ("expenses", "4", "created", "10234695"),
    ]
    assert store.body(events[1].event_id) == ("application/json", json_new.body)
    applied = {doc for batch in journal.batches() for docs in batch["upserts"].values() for doc in docs}
    deleted = {doc for batch in journal.batches() for docs in batch["deletions"].values() for doc in docs}
    assert (applied, deleted) == ({"1", "3", "4"}, {"2"})


def test_duplicates_are_stored_once_and_applied_once(
    http: httpx.Client, serve: RunningServe, store: EventStore, journal: JournalApplier
) -> None:
    first = signed_json({"invoice": invoice("7")}).post(http, serve.url).json()
    wait_applied(store, 1)
    # Zoho's retry of the same event: a new timestamp, the same document version.
    again = [signed_json({"invoice": invoice("7")}).post(http, serve.url).json() for _ in range(3)]
    assert {a["event_id"] for a in again} == {first["event_id"]}
    assert [a["duplicate"] for a in again] == [True, True, True]
    assert [a["status"] for a in again] == ["applied"] * 3
    time.sleep(0.3)  # longer than the debounce: a wrongly re-queued duplicate would be applied by now
    assert [b["event_ids"] for b in journal.batches()] == [[first["event_id"]]]
    (event,) = store.history(*_today())
    assert (event.deliveries, event.attempts, event.status) == (4, 1, APPLIED)


def _refused(http: httpx.Client, serve: RunningServe, delivery: Signed, connection: str = "us") -> int:
    return delivery.post(http, serve.url, connection).status_code


def test_forged_stale_malformed_and_oversized_requests_store_nothing(
    http: httpx.Client, serve: RunningServe, store: EventStore
) -> None:
    good = signed_json({"invoice": invoice("1")})
    forged = signed_json({"invoice": invoice("1")}, secret=Secret("notTheRightSecret1"))
    tampered = Signed(good.query, good.body.replace(b'"1"', b'"2"'), good.headers)
    unsigned = Signed(good.query, good.body, {"Content-Type": "application/json"})
    stale = signed_json({"invoice": invoice("1")}, timestamp=time.time() - 16 * 60)
    future = signed_json({"invoice": invoice("1")}, timestamp=time.time() + 10 * 60)
    signed_garbage = signed_json({"invoice": invoice("1")})
    cut = signed_garbage.body[:-5]
    truncated_signed = Signed(
        signed_garbage.query,
        cut,
        {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(Secret("s3cretWebhookKey2026"), signed_garbage.query, cut),
        },
    )
    truncated_unsigned = Signed(good.query, good.body[:-5], good.headers)
    unknown_entity = signed_json({"salesorder": {"salesorder_id": "1"}})  # a module not read
    wrong_org = signed_json(
        {"event_type": "invoice_created", "organization_id": EU_ORG, "data": {"invoice": invoice("1")}}
    )
    oversized = signed_json({"invoice": invoice("1", notes="x" * 5000)})
    text = Signed(good.query, good.body, {**good.headers, "Content-Type": "text/plain"})
    statuses = {
        "forged": _refused(http, serve, forged),
        "tampered": _refused(http, serve, tampered),
        "unsigned": _refused(http, serve, unsigned),
        "stale": _refused(http, serve, stale),
        "future": _refused(http, serve, future),
        "truncated, signed": _refused(http, serve, truncated_signed),
        "truncated, unsigned": _refused(http, serve, truncated_unsigned),
        "unknown entity": _refused(http, serve, unknown_entity),
        "wrong organization": _refused(http, serve, wrong_org),
        "oversized": _refused(http, serve, oversized),
        "text/plain": _refused(http, serve, text),
        "unknown connection": _refused(http, serve, good, "nowhere"),
    }
    assert statuses == {
        "forged": 401,
        "tampered": 401,
        "unsigned": 401,
        "stale": 401,
        "future": 401,
        "truncated, signed": 400,
        "truncated, unsigned": 401,
        "unknown entity": 400,
        "wrong organization": 400,
        "oversized": 413,
        "text/plain": 415,
        "unknown connection": 401,  # the same answer as a wrong signature (D125)
    }
    # Oversized without a Content-Length (chunked): cut off while reading.
    chunks = (b"x" * 1024 for _ in range(8))
    chunked = http.post(f"{serve.url}/webhooks/zoho/us", content=chunks, headers=good.headers)
    assert chunked.status_code == 413
    assert store.counts()["deliveries"] == 0
    # The same good delivery is then accepted: the refusals left no trace that blocks it.
    assert good.post(http, serve.url).status_code == 200
    assert store.counts()["deliveries"] == 1


def test_a_body_cut_off_by_the_client_stores_nothing(serve: RunningServe, store: EventStore) -> None:
    good = signed_json({"invoice": invoice("1")})
    address = urlsplit(serve.url)
    head = (
        f"POST /webhooks/zoho/us?timestamp={good.query[-1][1]} HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Content-Type: application/json\r\n{SIGNATURE_HEADER}: {good.headers[SIGNATURE_HEADER]}\r\n"
        f"Content-Length: {len(good.body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(head + good.body[: len(good.body) // 2])
        sock.shutdown(socket.SHUT_WR)  # the sender goes away mid-body
        answer = sock.recv(4096)
    assert not answer.startswith(b"HTTP/1.1 2")
    time.sleep(0.2)
    assert store.counts()["deliveries"] == 0


def test_healthz_and_the_status_page(http: httpx.Client, serve: RunningServe, store: EventStore) -> None:
    signed_json({"invoice": invoice("1")}).post(http, serve.url)
    wait_applied(store, 1)
    assert http.get(f"{serve.url}/healthz").json() == {"status": "ok"}
    status = http.get(f"{serve.url}/status.json", headers=serve.auth).json()
    assert status["events"]["applied"] == 1
    assert status["worker"]["events_applied"] == 1
    assert status["schedule"]["cron"] == "0 2 * * * (UTC)"
    page = http.get(f"{serve.url}/", headers=serve.auth)
    assert page.headers["content-type"].startswith("text/html")
    assert "<th>applied</th><td>1</td>" in page.text
    # The admin API needs the token from serve.json.
    assert (
        http.get(
            f"{serve.url}/admin/events", params={"since": "2000-01-01", "until": "2100-01-01"}
        ).status_code
        == 401
    )


def _today() -> tuple:  # type: ignore[type-arg]
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    return now - timedelta(hours=1), now + timedelta(hours=1)
