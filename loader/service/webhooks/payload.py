"""What a Zoho Books webhook delivery says: which document of which entity was created, edited or deleted.

Two body formats (as Zoho's webhook settings offer them), detected by Content-Type:

- JSON: the "default payload", a JSON object.
- ``application/x-www-form-urlencoded``: pairs; the entity JSON arrives inside one field, named either by the
  entity's root key (``invoice={...}``) or anything else whose value is a JSON payload (``JSONString={...}``).

And two response formats (the webhook's ``is_new_response_format``), in either body format:

- old (``false``): the entity under its root key, ``{"invoice": {...}}``;
- new (``true``): an event envelope, ``{"event_id", "event_type": "invoice_created", "event_time",
  "data": {"invoice": {...}}}``.

Zoho's documentation does not pin the new format down; the envelope above is the shape of Zoho's sibling
products' events, and what the sandbox sends (DECISIONLOG D36). The event type comes from the
envelope, else from an ``event_type`` (or ``event``) query/form pair that the webhook's URL or parameters
can carry; without one the event is ``created_or_edited``, which is applied like an edit (fetch the document
by id, and a 404 then means it was deleted).

Everything here is pure: bytes and pairs in, a ``Delivery`` or ``MalformedPayload`` out.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Final

from loader.zoho.endpoints import ENDPOINTS


class MalformedPayload(ValueError):
    """The body is not a webhook payload we understand (answered 400, nothing stored)."""


class Action(enum.StrEnum):
    CREATED = "created"
    EDITED = "edited"
    CREATED_OR_EDITED = "created_or_edited"
    DELETED = "deleted"


@dataclass(frozen=True)
class WebhookEntity:
    name: str  # the loader's entity name (raw table name)
    root_keys: tuple[str, ...]  # the first is Zoho's detail root key; the others are module-name aliases
    id_field: str


# The modules whose webhooks trigger targeted syncs: the endpoint table says which (webhook_aliases), so a
# module added there is received here with the same name, root key and id field.
WEBHOOK_ENTITIES: Final = tuple(
    WebhookEntity(endpoint.name, (endpoint.detail_root, *endpoint.webhook_aliases), endpoint.id_field)
    for endpoint in ENDPOINTS
    if endpoint.webhook_aliases is not None
)
BY_ROOT_KEY: Final = {key: entity for entity in WEBHOOK_ENTITIES for key in entity.root_keys}
BY_NAME: Final = {entity.name: entity for entity in WEBHOOK_ENTITIES}

FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"
EVENT_TYPE_KEYS: Final = ("event_type", "event")
TIMESTAMP_KEY: Final = "timestamp"

_DOCUMENT_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ACTION_SUFFIX: Final = re.compile(r"(created_or_edited|created|edited|updated|modified|deleted)$")
# Zoho's Books event names are lowercase words joined by "_" ending in the action (``invoice_updated``,
# ``customer_payment_created``); nothing else is read as one, so a value with a pair glued to it is refused.
_EVENT_NAME: Final = re.compile(r"[a-z]+(?:_[a-z]+)*")


@dataclass(frozen=True)
class Delivery:
    """One parsed webhook delivery: one event on one document."""

    entity: str  # WebhookEntity.name
    document_id: str
    action: Action
    body_format: str  # "json" | "form"
    new_response_format: bool
    zoho_event_id: str | None = None
    organization_id: str | None = None
    last_modified_time: str | None = None
    payload_key: str | None = None  # the form field the entity JSON came in (None for a JSON body)
    content_hash: str = ""  # sha256 of the record's canonical JSON (sorted keys, no spaces)

    def dedup_key(self, connection: str) -> str:
        """Equal for repeated deliveries of one event, different for two changes of one document.

        Zoho's event id when it sends one; else the document's ``last_modified_time`` (a new edit has a new
        one); else the record's decoded, canonical content, so a form re-encoded (``%20`` for ``+``, keys in
        another order) is the same event (D124). Query pairs such as ``timestamp`` are left out on purpose: a
        retried delivery carries a new timestamp but is the same event.
        """
        if self.zoho_event_id:
            version = f"event:{self.zoho_event_id}"
        elif self.last_modified_time:
            version = f"modified:{self.last_modified_time}"
        else:
            version = "content:" + self.content_hash
        key = "\n".join((connection, self.entity, self.document_id, self.action.value, version))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()


def is_form(content_type: str | None) -> bool:
    return _media_type(content_type) == FORM_CONTENT_TYPE


def is_json(content_type: str | None) -> bool:
    media = _media_type(content_type)
    return media in ("application/json", "text/json") or media.endswith("+json")


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def form_pairs(body: bytes, max_pairs: int | None = None) -> list[tuple[str, str]]:
    """The decoded pairs of a form body; malformed encoding, or more than ``max_pairs`` pairs (counted
    before anything is decoded), is a ``MalformedPayload``."""
    from urllib.parse import parse_qsl

    if max_pairs is not None and body.count(b"&") + body.count(b";") >= max_pairs:
        raise MalformedPayload(f"more than {max_pairs} pairs")
    try:
        text = body.decode("utf-8")
        return parse_qsl(
            text, keep_blank_values=True, strict_parsing=bool(text), errors="strict", max_num_fields=max_pairs
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedPayload(f"the form body is not valid URL encoding: {exc}") from None


def parse_delivery(body: bytes, content_type: str | None, pairs: Sequence[tuple[str, str]] = ()) -> Delivery:
    """The event in a delivery. ``pairs`` are the query pairs, plus the form pairs for a form body."""
    params = dict(pairs)
    if is_json(content_type):
        document = _json_object(body, "the JSON body")
        return _from_document(document, params, "json")
    if is_form(content_type):
        return _from_form(pairs, params)
    raise MalformedPayload(f"unsupported Content-Type {content_type!r}: send JSON or form-encoded pairs")


def _from_form(pairs: Sequence[tuple[str, str]], params: Mapping[str, str]) -> Delivery:
    candidates: list[Delivery] = []
    for key, value in pairs:
        if key in BY_ROOT_KEY:
            entity_json = _json_object(value.encode("utf-8"), f"form field {key!r}")
            candidates.append(replace(_from_document({key: entity_json}, params, "form"), payload_key=key))
        elif value.lstrip().startswith("{"):
            try:
                document = _json_object(value.encode("utf-8"), f"form field {key!r}")
                candidates.append(replace(_from_document(document, params, "form"), payload_key=key))
            except MalformedPayload:
                continue  # a JSON-looking custom parameter that is not a payload
    if len(candidates) != 1:
        found = "no field" if not candidates else f"{len(candidates)} fields"
        raise MalformedPayload(f"expected one form field holding the entity JSON, found {found}")
    return candidates[0]


def _from_document(document: Mapping[str, Any], params: Mapping[str, str], body_format: str) -> Delivery:
    new_format = isinstance(document.get("data"), dict) and "event_type" in document
    if new_format:
        data: Mapping[str, Any] = document["data"]
        event_type: str | None = _string(document.get("event_type"), "event_type")
        zoho_event_id = _optional_string(document.get("event_id"), "event_id")
        organization_id = _optional_string(document.get("organization_id"), "organization_id")
    else:
        data = document
        event_type = next((params[k] for k in EVENT_TYPE_KEYS if k in params), None)
        zoho_event_id = None
        organization_id = None
    roots = [key for key in data if key in BY_ROOT_KEY]
    if len(roots) != 1:
        known = ", ".join(sorted(BY_ROOT_KEY))
        problem = "none" if not roots else ", ".join(roots)
        raise MalformedPayload(f"expected exactly one entity root key ({known}); found {problem}")
    entity = BY_ROOT_KEY[roots[0]]
    record = data[roots[0]]
    if not isinstance(record, dict):
        raise MalformedPayload(f"{roots[0]!r} must be a JSON object")
    raw_id = record.get(entity.id_field)
    document_id = str(raw_id) if isinstance(raw_id, int) and not isinstance(raw_id, bool) else raw_id
    if not isinstance(document_id, str) or not _DOCUMENT_ID.fullmatch(document_id):
        raise MalformedPayload(f"{roots[0]}.{entity.id_field} is missing or not a Zoho id")
    record_org = _optional_string(record.get("organization_id"), "organization_id")
    last_modified = record.get("last_modified_time")
    return Delivery(
        entity=entity.name,
        document_id=document_id,
        action=_action(event_type),
        body_format=body_format,
        new_response_format=new_format,
        zoho_event_id=zoho_event_id,
        organization_id=organization_id or record_org,
        last_modified_time=last_modified if isinstance(last_modified, str) and last_modified else None,
        content_hash=canonical_hash(record),
    )


def canonical_hash(record: Mapping[str, Any]) -> str:
    """The same for every encoding of the same decoded record."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _action(event_type: str | None) -> Action:
    if event_type is None:
        return Action.CREATED_OR_EDITED
    match = _ACTION_SUFFIX.search(event_type) if _EVENT_NAME.fullmatch(event_type) else None
    if match is None:
        raise MalformedPayload(f"unknown event type {event_type!r}: expected created, edited or deleted")
    word = match.group(1)
    if word in ("updated", "modified"):
        return Action.EDITED
    return Action(word)


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MalformedPayload(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise MalformedPayload(f"{what} must be a JSON object")
    return value


def _string(value: object, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedPayload(f"{key} must be a non-empty string")
    return value


def _optional_string(value: object, key: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _string(value, key)


def delivery_time(params: Mapping[str, str]) -> datetime | None:
    """The signed ``timestamp`` pair as a UTC instant: epoch seconds, epoch milliseconds or ISO 8601.

    None when the delivery has none. A value that is none of those is a ``MalformedPayload``.
    """
    raw = params.get(TIMESTAMP_KEY)
    if raw is None:
        return None
    text = raw
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        if number != number or number in (float("inf"), float("-inf")):
            raise MalformedPayload("timestamp is not a finite number")
        seconds = number / 1000 if abs(number) >= 1e11 else number
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise MalformedPayload("timestamp is out of range") from None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedPayload("timestamp must be epoch seconds, epoch milliseconds or ISO 8601") from None
    if parsed.tzinfo is None:
        raise MalformedPayload("an ISO 8601 timestamp needs a UTC offset")
    return parsed.astimezone(UTC)
