"""The signature check and the payload parser, on fixed examples and as hypothesis properties."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from loader.secret import Secret
from loader.service.webhooks.payload import (
    WEBHOOK_ENTITIES,
    Action,
    MalformedPayload,
    delivery_time,
    form_pairs,
    parse_delivery,
)
from loader.service.webhooks.signature import sign, signing_message, verify
from ml_connector_fakes.zoho.webhooks import sign as sandbox_sign

SECRET = Secret("abcdefghijkl12")
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"

# --- signature --------------------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_over_sorted_pairs_then_the_body() -> None:
    pairs = [("timestamp", "1700000000000"), ("event_type", "invoice_created")]
    body = b'{"invoice": {"invoice_id": "1"}}'
    expected = hmac.new(
        b"abcdefghijkl12", b"event_typeinvoice_createdtimestamp1700000000000" + body, hashlib.sha256
    ).hexdigest()
    assert signing_message(pairs, body) == b"event_typeinvoice_createdtimestamp1700000000000" + body
    assert sign(SECRET, pairs, body) == expected
    assert verify(SECRET, expected.upper(), pairs, body)  # hex case does not matter
    assert sandbox_sign("abcdefghijkl12", pairs, body) == expected  # the sandbox signs the same way


@pytest.mark.parametrize("header", [None, "", "zz", "é" * 64, "0" * 64])
def test_missing_or_malformed_signatures_fail(header: str | None) -> None:
    assert not verify(SECRET, header, [("a", "b")], b"{}")


pair = st.tuples(st.text(max_size=8), st.text(max_size=8))
secret_text = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=12, max_size=50
)


@given(secret=secret_text, pairs=st.lists(pair, max_size=6), body=st.binary(max_size=64), data=st.data())
def test_a_signature_verifies_whatever_the_pair_order(
    secret: str, pairs: list[tuple[str, str]], body: bytes, data: st.DataObject
) -> None:
    signature = sign(Secret(secret), pairs, body)
    shuffled = data.draw(st.permutations(pairs))
    assert verify(Secret(secret), signature, shuffled, body)


@given(
    secret=secret_text,
    other=secret_text,
    pairs=st.lists(pair, max_size=6),
    body=st.binary(max_size=64),
    extra=st.binary(min_size=1, max_size=4),
)
def test_any_change_to_secret_body_or_pairs_breaks_the_signature(
    secret: str, other: str, pairs: list[tuple[str, str]], body: bytes, extra: bytes
) -> None:
    signature = sign(Secret(secret), pairs, body)
    if other != secret:
        assert not verify(Secret(other), signature, pairs, body)
    assert not verify(Secret(secret), signature, pairs, body + extra)
    assert not verify(Secret(secret), signature, [*pairs, ("x", "1")], body)


# --- payload ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entity", WEBHOOK_ENTITIES, ids=lambda e: e.name)
@pytest.mark.parametrize("body_format", ["json", "form"])
@pytest.mark.parametrize("new_format", [False, True])
@pytest.mark.parametrize("event_word", ["created", "edited", "deleted"])
def test_every_entity_in_both_body_and_response_formats(
    entity: object, body_format: str, new_format: bool, event_word: str
) -> None:
    from loader.service.webhooks.payload import WebhookEntity

    assert isinstance(entity, WebhookEntity)
    root = entity.root_keys[0]
    record = {entity.id_field: "460000000012345", "last_modified_time": "2026-10-15T10:00:00+0530"}
    event_type = f"{root}_{event_word}"
    pairs: list[tuple[str, str]]
    if new_format:
        document = {
            "event_id": "e-1",
            "event_type": event_type,
            "organization_id": "10234695",
            "data": {root: record},
        }
        query: list[tuple[str, str]] = []
    else:
        document = {root: record}
        query = [("event_type", event_type)]
    if body_format == "json":
        body, content_type, pairs = json.dumps(document).encode(), JSON, query
    else:
        form = [("JSONString", json.dumps(document))] if new_format else [(root, json.dumps(record)), *query]
        body, content_type = urlencode(form).encode(), FORM
        pairs = form_pairs(body)
    delivery = parse_delivery(body, content_type, pairs)
    assert (delivery.entity, delivery.document_id, delivery.action) == (
        entity.name,
        "460000000012345",
        Action(event_word),
    )
    assert (delivery.body_format, delivery.new_response_format) == (body_format, new_format)
    assert delivery.zoho_event_id == ("e-1" if new_format else None)
    assert delivery.organization_id == ("10234695" if new_format else None)


def test_without_an_event_type_the_action_is_created_or_edited_and_aliases_work() -> None:
    body = json.dumps({"customerpayment": {"payment_id": 77, "amount": 1.5}}).encode()
    delivery = parse_delivery(body, "application/json; charset=utf-8")
    assert (delivery.entity, delivery.document_id, delivery.action) == (
        "customer_payments",
        "77",
        Action.CREATED_OR_EDITED,
    )
    updated = parse_delivery(body, JSON, [("event", "customer_payment_updated")])  # Zoho's Books name
    assert updated.action is Action.EDITED
    # Only Zoho's lowercase snake_case names: anything else could be a value with a pair glued to it.
    with pytest.raises(MalformedPayload):
        parse_delivery(body, JSON, [("event", "Customer Payment Updated")])


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b'{"invoice": {"invoice_id": "1"', JSON, "not valid JSON"),  # truncated
        (b"[1, 2]", JSON, "must be a JSON object"),
        (b'{"salesorder": {"salesorder_id": "1"}}', JSON, "exactly one entity root key"),
        (b'{"invoice": {"invoice_id": "1"}, "bill": {"bill_id": "2"}}', JSON, "exactly one entity root key"),
        (b'{"invoice": {"invoice_number": "INV-1"}}', JSON, "not a Zoho id"),
        (b'{"invoice": {"invoice_id": "1 OR 1=1"}}', JSON, "not a Zoho id"),
        (b'{"invoice": "1"}', JSON, "must be a JSON object"),
        (
            b'{"event_type": "invoice_exploded", "data": {"invoice": {"invoice_id": "1"}}}',
            JSON,
            "unknown event",
        ),
        (b"invoice=%7B%22invoice_id", FORM, "not valid JSON"),
        (b"a=1&b=2", FORM, "no field"),
        (b"\xff\xfe", JSON, "not valid JSON"),
        (b"{}", "text/plain", "unsupported Content-Type"),
    ],
)
def test_malformed_payloads_say_what_is_wrong(body: bytes, content_type: str, message: str) -> None:
    pairs = form_pairs(body) if content_type == FORM else []
    with pytest.raises(MalformedPayload, match=message):
        parse_delivery(body, content_type, pairs)


def test_undecodable_form_encoding_is_malformed() -> None:
    with pytest.raises(MalformedPayload, match="URL encoding"):
        form_pairs(b"invoice=%ff%fe")


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@given(body=st.binary(max_size=200), content_type=st.sampled_from([JSON, FORM, "text/plain"]))
@example(body=b"[" * 5000, content_type=JSON)
def test_the_parser_never_fails_with_anything_but_malformed_payload(body: bytes, content_type: str) -> None:
    try:
        pairs = form_pairs(body) if content_type == FORM else []
        delivery = parse_delivery(body, content_type, pairs)
    except MalformedPayload:
        return
    assert delivery.entity in {e.name for e in WEBHOOK_ENTITIES}


@given(
    entity=st.sampled_from(WEBHOOK_ENTITIES),
    document_id=st.from_regex(r"[0-9]{1,19}", fullmatch=True),
    extra=st.dictionaries(
        st.text(min_size=1, max_size=8).filter(lambda k: not k.endswith("_id")), json_value, max_size=4
    ),
    new_format=st.booleans(),
    as_form=st.booleans(),
    action=st.sampled_from(["created", "edited", "deleted"]),
)
def test_generated_payloads_parse_back_to_their_document(
    entity: object, document_id: str, extra: dict[str, object], new_format: bool, as_form: bool, action: str
) -> None:
    from loader.service.webhooks.payload import WebhookEntity

    assert isinstance(entity, WebhookEntity)
    root = entity.root_keys[0]
    record = {**extra, entity.id_field: document_id}
    document = {"event_type": f"{root}_{action}", "data": {root: record}} if new_format else {root: record}
    query = [] if new_format else [("event_type", action)]
    if as_form:
        body = urlencode([("JSONString", json.dumps(document)), *query]).encode()
        delivery = parse_delivery(body, FORM, form_pairs(body))
    else:
        delivery = parse_delivery(json.dumps(document).encode(), JSON, query)
    assert (delivery.entity, delivery.document_id, delivery.action) == (
        entity.name,
        document_id,
        Action(action),
    )
    # The dedup key ignores everything but the event's identity and version.
    twice = delivery.dedup_key("us") == delivery.dedup_key("us")
    assert twice
    assert delivery.dedup_key("us") != delivery.dedup_key("eu")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("1700000000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("2023-11-15T03:43:20+05:30", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ],
)
def test_delivery_time_reads_seconds_milliseconds_and_iso(raw: str, expected: datetime) -> None:
    assert delivery_time({"timestamp": raw}) == expected


@pytest.mark.parametrize("raw", ["yesterday", "nan", "2023-11-15T03:43:20", "1e400"])
def test_an_unreadable_timestamp_is_malformed(raw: str) -> None:
    with pytest.raises(MalformedPayload):
        delivery_time({"timestamp": raw})
