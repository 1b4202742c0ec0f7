"""Attacks on webhook signatures, each over real HTTP against a running receiver.

A signed delivery is captured (the attacker has the bytes and the header, not the secret) and re-sent in a
form that signs alike; each must be refused with the one 401 and store nothing, or be recognised as the
event already stored. The ``eu`` connection is configured for Zoho Payments' scheme, ``us`` for Billing's.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest

from loader.config import Config, load_config
from loader.secret import Secret
from loader.service.webhooks.applier import JournalApplier
from loader.service.webhooks.signature import (
    SIGNATURE_HEADER,
    Scheme,
    ambiguity,
    sign,
    verify_delivery,
)
from loader.service.webhooks.store import EventStore
from loader.vault import Vault

from .conftest import EU_ORG, SECRET, US_ORG, RunningServe, ServeFactory, Signed, invoice

HOUR_AGO = time.time() - 3600


@pytest.fixture
def config(tmp_path: Path, env: dict[str, str]) -> Config:
    path = tmp_path / "ml-connector.toml"
    path.write_text(
        f'[warehouse]\npath = "{tmp_path / "warehouse.duckdb"}"\n'
        f'[[zoho.connections]]\nname = "us"\nregion = "us"\norganization_id = "{US_ORG}"\n'
        f'[[zoho.connections]]\nname = "eu"\nregion = "eu"\norganization_id = "{EU_ORG}"\n'
        'webhook_signature = "payments"\n',
        encoding="utf-8",
    )
    vault = Vault.beside(path, env=env)
    vault.put("webhook/us", {"secret": SECRET})
    vault.put("webhook/eu", {"secret": SECRET})
    return load_config(path)


@pytest.fixture
def serve(start_serve: ServeFactory, tmp_path: Path, store: EventStore) -> RunningServe:
    return start_serve(JournalApplier(tmp_path / "journal.jsonl"), store=store)


def billing(query: list[tuple[str, str]], body: bytes, *, form: bool = False) -> Signed:
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    from urllib.parse import parse_qsl

    pairs = query + (parse_qsl(body.decode(), keep_blank_values=True) if form else [])
    header = sign(SECRET, pairs, b"" if form else body)
    return Signed(query, body, {"Content-Type": content_type, SIGNATURE_HEADER: header})


def post_raw(
    http: httpx.Client, serve: RunningServe, query: str, delivery: Signed, connection: str = "us"
) -> httpx.Response:
    url = f"{serve.url}/webhooks/zoho/{connection}" + (f"?{query}" if query else "")
    return http.post(url, content=delivery.body, headers=delivery.headers)


def refused(response: httpx.Response) -> bool:
    return response.status_code == 401 and response.json() == {"error": "refused"}


def test_a_timestamp_folded_into_its_key_does_not_skip_the_freshness_check(
    http: httpx.Client, serve: RunningServe, store: EventStore
) -> None:
    stamp = str(int(HOUR_AGO * 1000))
    body = json.dumps({"invoice": invoice("1")}).encode()
    captured = billing([("timestamp", stamp)], body)
    assert refused(captured.post(http, serve.url))  # an hour old: stale
    # `timestamp1796…=` signs like `timestamp=1796…`; on main it verified, had no timestamp and was applied.
    assert refused(post_raw(http, serve, f"timestamp{stamp}=", captured))
    assert store.counts()["deliveries"] == 0


def test_an_event_type_folded_into_its_key_is_not_a_new_event(
    http: httpx.Client, serve: RunningServe, store: EventStore
) -> None:
    body = json.dumps({"invoice": {"invoice_id": "7"}}).encode()
    stamp = str(int(time.time() * 1000))
    captured = billing([("event_type", "invoice_deleted"), ("timestamp", stamp)], body)
    first = captured.post(http, serve.url)
    assert first.status_code == 200
    # Same signature, no event type: on main a "created_or_edited" event with a new dedup key.
    again = post_raw(http, serve, f"event_typeinvoice_deleted=&timestamp={stamp}", captured)
    assert refused(again)
    assert store.counts()["deliveries"] == 1


def test_a_pair_split_across_a_value_and_the_next_key_is_refused(
    http: httpx.Client, serve: RunningServe, store: EventStore
) -> None:
    stamp = str(int(HOUR_AGO * 1000))
    body = json.dumps({"invoice": invoice("1")}).encode()
    captured = billing([("a", "x"), ("timestamp", stamp)], body)
    # "a"+"x"+"timestamp"+stamp re-read as "a"="xt", "imestamp"=stamp: the same bytes, no timestamp pair.
    assert billing([("a", "xt"), ("imestamp", stamp)], body).headers == captured.headers
    assert refused(post_raw(http, serve, f"a=xt&imestamp={stamp}", captured))
    assert ambiguity([("a", "xt"), ("imestamp", stamp)]) is not None
    # A re-split that leaves an unreadable event type gets the same 401, not the parser's reason.
    typed = billing([("event_type", "invoice_deleted"), ("timestamp", stamp)], body)
    assert refused(post_raw(http, serve, f"event_type=invoice_deletedt&imestamp={stamp}", typed))
    assert ambiguity([("a", "x"), ("timestamp", stamp)]) is None
    assert store.counts()["deliveries"] == 0


def test_a_key_given_twice_is_refused(http: httpx.Client, serve: RunningServe, store: EventStore) -> None:
    fresh, stale = str(int(time.time() * 1000)), str(int(HOUR_AGO * 1000))
    body = json.dumps({"invoice": invoice("1")}).encode()
    twice = billing([("timestamp", stale), ("timestamp", fresh)], body)
    assert refused(twice.post(http, serve.url))
    assert store.counts()["deliveries"] == 0


def test_a_re_encoded_form_is_the_same_event(
    http: httpx.Client, serve: RunningServe, store: EventStore
) -> None:
    stamp = str(int(time.time() * 1000))
    record = json.dumps({"contact_id": "3", "contact_name": "Acme Trading Co"})  # no last_modified_time
    pairs = [("contact", record), ("event_type", "customer_created"), ("timestamp", stamp)]
    plus = billing([], urlencode(pairs).encode(), form=True)
    percent = Signed(
        [],
        "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in reversed(pairs)).encode(),
        plus.headers,
    )
    assert plus.body != percent.body  # "+" against "%20", another order: the same decoded pairs
    first, second = plus.post(http, serve.url), percent.post(http, serve.url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["duplicate"] is True
    assert second.json()["event_id"] == first.json()["event_id"]


@pytest.mark.parametrize(
    ("event_type", "root", "record"),
    [
        ("invoice_updated", "invoice", {"invoice_id": "11"}),
        ("customer_created", "contact", {"contact_id": "12"}),
        ("customer_payment_created", "payment", {"payment_id": "13"}),
        ("credit_note_created", "creditnote", {"creditnote_id": "14"}),
        ("vendor_payment_created", "vendorpayment", {"payment_id": "15"}),
        ("purchase_order_created", "purchaseorder", {"purchaseorder_id": "16"}),
    ],
)
def test_zohos_books_event_names_and_roots_are_accepted(
    http: httpx.Client,
    serve: RunningServe,
    event_type: str,
    root: str,
    record: dict[str, str],
) -> None:
    stamp = str(int(time.time() * 1000))
    form = urlencode(
        [("JSONString", json.dumps({root: record})), ("event_type", event_type), ("timestamp", stamp)]
    )
    answer = billing([], form.encode(), form=True).post(http, serve.url)
    assert answer.status_code == 200, answer.text
    assert answer.json()["duplicate"] is False


def payments(body: bytes, at: float, secret: Secret = SECRET) -> Signed:
    header = sign(secret, [], body, Scheme.PAYMENTS, at_ms=int(at * 1000))
    return Signed([], body, {"Content-Type": "application/json", SIGNATURE_HEADER: header})


def test_the_payments_scheme_per_connection_with_its_own_freshness(
    http: httpx.Client, serve: RunningServe, store: EventStore
) -> None:
    body = json.dumps({"event_type": "invoice_created", "data": {"invoice": {"invoice_id": "21"}}}).encode()
    assert payments(body, time.time()).post(http, serve.url, "eu").status_code == 200
    # The time in t= is signed: an hour-old delivery is stale, a changed t does not verify.
    old = payments(body, HOUR_AGO)
    assert refused(old.post(http, serve.url, "eu"))
    moved = dict(old.headers)
    moved[SIGNATURE_HEADER] = moved[SIGNATURE_HEADER].replace(
        f"t={int(HOUR_AGO * 1000)}", f"t={int(time.time() * 1000)}"
    )
    assert refused(Signed([], body, moved).post(http, serve.url, "eu"))
    # A Billing signature is not accepted where Payments' is configured, nor the reverse.
    billing_signed = billing([("timestamp", str(int(time.time() * 1000)))], body)
    assert refused(billing_signed.post(http, serve.url, "eu"))
    assert refused(payments(body, time.time()).post(http, serve.url, "us"))
    assert store.counts()["deliveries"] == 1


def test_billing_base64_and_hex_digests() -> None:
    pairs = [("timestamp", "1700000000000")]
    body = b'{"invoice": {"invoice_id": "1"}}'
    hex_header = sign(SECRET, pairs, body)
    b64_header = sign(SECRET, pairs, body, Scheme.BILLING_BASE64)
    assert verify_delivery(Scheme.BILLING_HEX, SECRET, hex_header, pairs, body, form=False) is not None
    assert verify_delivery(Scheme.BILLING_BASE64, SECRET, b64_header, pairs, body, form=False) is not None
    assert verify_delivery(Scheme.BILLING_BASE64, SECRET, hex_header, pairs, body, form=False) is None
    assert verify_delivery(Scheme.BILLING_HEX, SECRET, b64_header, pairs, body, form=False) is None
    # The payload field's own JSON may say "timestamp" or "event": it is the document's text.
    record = json.dumps({"invoice_id": "1", "notes": "event at timestamp 9"})
    assert ambiguity([("invoice", record), ("timestamp", "1")], payload_key="invoice") is None
    assert ambiguity([("invoice", record), ("timestamp", "1")]) is not None
