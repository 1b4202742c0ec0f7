"""Work before authentication is bounded: pairs, bodies, slow and idle connections, concurrency,
and ``/healthz`` keeps answering meanwhile. Over real sockets against a running receiver."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from loader.service.webhooks.applier import JournalApplier
from loader.service.webhooks.store import EventStore

from .conftest import RunningServe, ServeFactory, invoice, signed_form, signed_json


@pytest.fixture
def serve(start_serve: ServeFactory, tmp_path: Path, store: EventStore) -> RunningServe:
    return start_serve(
        JournalApplier(tmp_path / "journal.jsonl"),
        store=store,
        header_timeout=0.5,
        body_timeout=0.5,
        max_concurrent=2,
    )


def connect(serve: RunningServe) -> socket.socket:
    address = urlsplit(serve.url)
    assert address.hostname is not None
    assert address.port is not None
    return socket.create_connection((address.hostname, address.port), timeout=10)


def request_head(path: str, length: int, content_type: str = "application/json") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_more_pairs_than_the_limit_are_refused_before_decoding(
    http: httpx.Client, serve: RunningServe, store: EventStore
) -> None:
    many = [(f"k{i}", "v") for i in range(100)]
    answer = signed_form([("invoice", json.dumps(invoice("1"))), *many]).post(http, serve.url)
    assert answer.status_code == 413
    query_heavy = signed_json({"invoice": invoice("1")}, query=many)
    assert query_heavy.post(http, serve.url).status_code == 413
    assert store.counts()["deliveries"] == 0


def test_idle_and_slow_header_connections_are_closed(serve: RunningServe) -> None:
    idle = [connect(serve) for _ in range(30)]
    dripping = connect(serve)
    dripping.sendall(b"POST /webhooks/zoho/us HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    for sock in [*idle, dripping]:
        with sock:
            assert sock.recv(1024) == b"", "the server kept a connection that sent no request"


def test_a_body_that_does_not_arrive_is_answered_408(serve: RunningServe, store: EventStore) -> None:
    with connect(serve) as sock:
        sock.sendall(request_head("/webhooks/zoho/us", 100) + b'{"invoice":')
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408")
    assert store.counts()["deliveries"] == 0


def test_deliveries_beyond_the_concurrency_limit_get_503_and_healthz_still_answers(
    http: httpx.Client, serve: RunningServe, store: EventStore
) -> None:
    held = [connect(serve) for _ in range(2)]
    try:
        for sock in held:  # two deliveries in progress, their bodies still coming
            sock.sendall(request_head("/webhooks/zoho/us", 1000) + b"{")
        # Until the server has both in hand a third may still get in; it is answered 503 from then on.
        for _ in range(100):
            busy = signed_json({"invoice": invoice("1")}).post(http, serve.url)
            if busy.status_code == 503:
                break
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "5"
        assert http.get(f"{serve.url}/healthz").json() == {"status": "ok"}
    finally:
        for sock in held:
            sock.close()


def test_healthz_answers_while_unsigned_megabyte_forms_arrive(
    http: httpx.Client, start_serve: ServeFactory, tmp_path: Path, store: EventStore
) -> None:
    serve = start_serve(JournalApplier(tmp_path / "journal.jsonl"), store=store)
    big = urlencode([("invoice", "é" * 170_000)]).encode()  # ~1 MB of %-escapes: the costliest to decode
    assert len(big) < 1024 * 1024
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    statuses: list[int] = []

    def flood() -> None:
        with httpx.Client(timeout=30) as client:
            for _ in range(5):
                statuses.append(
                    client.post(f"{serve.url}/webhooks/zoho/us", content=big, headers=headers).status_code
                )

    threads = [threading.Thread(target=flood) for _ in range(4)]
    for thread in threads:
        thread.start()
    health = [http.get(f"{serve.url}/healthz", timeout=5).status_code for _ in range(10)]
    for thread in threads:
        thread.join(60)
    assert health == [200] * 10
    assert set(statuses) <= {401, 503}
    assert statuses
    assert store.counts()["deliveries"] == 0
