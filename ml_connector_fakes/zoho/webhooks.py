"""Signed webhooks from the sandbox: what Zoho Books' workflow rules send when a document changes.

Off until configured (``POST /_sandbox/webhooks`` or ``SandboxServer.configure_webhooks``) with a URL and a
secret. After each admin mutation of a module Zoho can send webhooks for (invoices, bills, purchase orders,
contacts, customer and vendor payments, expenses) one delivery is queued; a single background thread posts
the queue in order, so the admin request never waits for the receiver. A delivery that fails (connection
error or non-2xx) is retried a few times, like Zoho does, then dropped; both are counted in the stats.

Formats (``body_format`` json | form | alternate, ``response_format`` old | new | alternate; "alternate"
cycles per delivery so a run exercises every combination):

- json + old: ``{"invoice": {...}}``, ``?event_type=invoice_edited&timestamp=<ms>`` in the URL;
- json + new: ``{"event_id", "event_type", "event_time", "organization_id", "data": {"invoice": {...}}}``,
  ``?timestamp=<ms>``;
- form + old: ``invoice=<entity JSON>&event_type=...&timestamp=...``;
- form + new: ``JSONString=<the new-format JSON>&timestamp=...``.

Signature: ``X-Zoho-Webhook-Signature``, hex HMAC-SHA256 over the query and form pairs sorted by key, each
key followed by its value, then the body when it is not a form (Zoho's scheme). This module keeps its own
copy of the scheme on purpose: the sandbox stands in for Zoho and must not import the loader (DECISIONLOG D2).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import logging
import queue
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.zoho import jsonenc, wire
from ml_connector_fakes.zoho.entities import BY_NAME
from ml_connector_fakes.zoho.envelope import json_response

log = logging.getLogger(__name__)

# The sandbox entities whose changes Zoho can announce by webhook (the modules Zoho's workflow rules cover).
WEBHOOK_ENTITIES = (
    "invoices",
    "bills",
    "purchaseorders",
    "contacts",
    "customerpayments",
    "vendorpayments",
    "expenses",
)
_EVENT_WORDS = {"create": "created", "edit": "edited", "void": "edited", "delete": "deleted"}
_BODY_FORMATS = ("json", "form", "alternate")
_RESPONSE_FORMATS = ("old", "new", "alternate")
_QUEUE_LIMIT = 10_000


class WebhookConfigError(ValueError):
    pass


@dataclass
class WebhookConfig:
    url: str | None = None
    secret: str | None = None
    body_format: str = "alternate"
    response_format: str = "alternate"
    max_attempts: int = 3  # per delivery, like Zoho's retries (shortened: real seconds, not hours)
    retry_seconds: float = 0.2
    timeout_seconds: float = 10.0
    entities: tuple[str, ...] = WEBHOOK_ENTITIES

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "secret": None if self.secret is None else "***",
            "body_format": self.body_format,
            "response_format": self.response_format,
            "max_attempts": self.max_attempts,
            "retry_seconds": self.retry_seconds,
            "timeout_seconds": self.timeout_seconds,
            "entities": list(self.entities),
        }


def sign(secret: str, pairs: list[tuple[str, str]], body: bytes) -> str:
    message = "".join(k + v for k, v in sorted(pairs)).encode("utf-8") + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Delivery:
    url: str
    body: bytes
    content_type: str
    signature: str
    event_type: str
    org_id: str
    entity: str
    record_id: str


@dataclass
class _Stats:
    queued: int = 0
    delivered: int = 0
    failed: int = 0  # deliveries given up after max_attempts
    attempts_failed: int = 0  # failed attempts, retried or not
    dropped: int = 0  # not queued: the queue was full
    statuses: Counter[str] = field(default_factory=Counter)


class WebhookSender:
    def __init__(self) -> None:
        self.config = WebhookConfig()
        self._queue: queue.Queue[Delivery] = queue.Queue(_QUEUE_LIMIT)
        self._lock = threading.Lock()
        self._stats = _Stats()
        self._sequence = itertools.count()
        self._thread: threading.Thread | None = None
        self._in_flight = 0

    # --- configuration -------------------------------------------------------------------------------

    def configure(self, partial: dict[str, Any]) -> None:
        """Partial update; validates everything before changing anything."""
        staged = WebhookConfig(**{**self.config.__dict__})
        for key, value in partial.items():
            if key in ("url", "secret"):
                if value is not None and (not isinstance(value, str) or not value):
                    raise WebhookConfigError(f"{key} must be a non-empty string or null")
                if key == "url" and value is not None and urlsplit(value).scheme not in ("http", "https"):
                    raise WebhookConfigError("url must be an http(s) URL")
                setattr(staged, key, value)
            elif key == "body_format" and value in _BODY_FORMATS:
                staged.body_format = value
            elif key == "response_format" and value in _RESPONSE_FORMATS:
                staged.response_format = value
            elif (
                key == "max_attempts" and isinstance(value, int) and not isinstance(value, bool) and value > 0
            ):
                staged.max_attempts = value
            elif (
                key in ("retry_seconds", "timeout_seconds") and isinstance(value, int | float) and value >= 0
            ):
                setattr(staged, key, float(value))
            elif key == "entities" and isinstance(value, list) and all(v in BY_NAME for v in value):
                staged.entities = tuple(value)
            else:
                raise WebhookConfigError(f"bad webhook setting {key!r}: {value!r}")
        with self._lock:
            self.config = staged

    def stats(self) -> dict[str, Any]:
        with self._lock:
            s = self._stats
            return {
                "queued": s.queued,
                "delivered": s.delivered,
                "failed": s.failed,
                "attempts_failed": s.attempts_failed,
                "dropped": s.dropped,
                "pending": self._queue.qsize() + self._in_flight,
                "statuses": dict(s.statuses),
            }

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = _Stats()

    # --- events --------------------------------------------------------------------------------------

    def mutated(
        self, org_id: str, entity_name: str, action: str, record: Record, books: OrgBooks | None = None
    ) -> None:
        """Queue the webhook of one admin mutation (a no-op when webhooks are off or the module has none).
        The payload is the record as ``GET /<entity>/{id}`` answers it; ``books`` (the organization's)
        gives the members derived from other records, such as a currency's symbol."""
        with self._lock:
            config = self.config
        if config.url is None or config.secret is None or entity_name not in config.entities:
            return
        entity = BY_NAME[entity_name]
        record_id = str(record.get(entity.id_field, ""))
        record = wire.detail_record(books or OrgBooks({}, "", 0), entity_name, record)
        event_type = f"{entity.detail_root}_{_EVENT_WORDS[action]}"
        delivery = self._build(config, org_id, entity_name, entity.detail_root, record_id, event_type, record)
        try:
            self._queue.put_nowait(delivery)
        except queue.Full:
            with self._lock:
                self._stats.dropped += 1
            return
        with self._lock:
            self._stats.queued += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
                self._thread.start()

    def _build(
        self,
        config: WebhookConfig,
        org_id: str,
        entity_name: str,
        root: str,
        record_id: str,
        event_type: str,
        record: Record,
    ) -> Delivery:
        number = next(self._sequence)
        body_format = config.body_format
        if body_format == "alternate":
            body_format = ("json", "form")[number % 2]
        response_format = config.response_format
        if response_format == "alternate":
            response_format = ("old", "new")[(number // 2) % 2]
        timestamp = str(int(time.time() * 1000))
        if response_format == "new":
            document: dict[str, Any] = {
                "event_id": uuid.uuid4().hex,
                "event_type": event_type,
                "event_time": timestamp,
                "organization_id": org_id,
                "data": {root: record},
            }
            extra: list[tuple[str, str]] = []
        else:
            document = {root: record}
            extra = [("event_type", event_type)]
        query: list[tuple[str, str]] = [("timestamp", timestamp)]
        if body_format == "json":
            query += extra
            body = jsonenc.dumps_bytes(document)
            content_type = "application/json"
            signed = sign(config.secret or "", query, body)
        else:
            if response_format == "new":
                form = [("JSONString", jsonenc.dumps(document))]
            else:
                form = [(root, jsonenc.dumps(record)), *extra]
            form.append(("timestamp", timestamp))
            query = []
            body = urlencode(form).encode("ascii")
            content_type = "application/x-www-form-urlencoded"
            signed = sign(config.secret or "", form, b"")
        url = config.url or ""
        if query:
            url += ("&" if "?" in url else "?") + urlencode(query)
        return Delivery(url, body, content_type, signed, event_type, org_id, entity_name, record_id)

    # --- delivery ------------------------------------------------------------------------------------

    def _run(self) -> None:
        with httpx.Client() as client:
            while True:
                try:
                    delivery = self._queue.get(timeout=5.0)
                except queue.Empty:
                    with self._lock:
                        if self._queue.empty():
                            self._thread = None
                            return
                    continue
                with self._lock:
                    self._in_flight = 1
                try:
                    self._deliver(client, delivery)
                finally:
                    with self._lock:
                        self._in_flight = 0

    def _deliver(self, client: httpx.Client, delivery: Delivery) -> None:
        with self._lock:
            config = self.config
        headers = {"Content-Type": delivery.content_type, "X-Zoho-Webhook-Signature": delivery.signature}
        for attempt in range(config.max_attempts):
            try:
                response = client.post(
                    delivery.url, content=delivery.body, headers=headers, timeout=config.timeout_seconds
                )
                status = str(response.status_code)
                ok = response.is_success
            except httpx.HTTPError as exc:
                status, ok = type(exc).__name__, False
            with self._lock:
                self._stats.statuses[status] += 1
                if ok:
                    self._stats.delivered += 1
                    return
                self._stats.attempts_failed += 1
            if attempt + 1 < config.max_attempts:
                time.sleep(config.retry_seconds * (2**attempt))
        log.warning(
            "webhook %s of %s %s not delivered", delivery.event_type, delivery.entity, delivery.record_id
        )
        with self._lock:
            self._stats.failed += 1


def webhook_routes(sender: WebhookSender) -> list[Route]:
    async def get(request: Request) -> Response:
        return json_response({"config": sender.config.to_json(), "stats": sender.stats()})

    async def post(request: Request) -> Response:
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise WebhookConfigError("body must be a JSON object")
            sender.configure(body)
        except (ValueError, WebhookConfigError) as exc:
            return json_response({"error": str(exc)}, status=400)
        return json_response({"config": sender.config.to_json(), "stats": sender.stats()})

    return [
        Route("/_sandbox/webhooks", get, methods=["GET"]),
        Route("/_sandbox/webhooks", post, methods=["POST"]),
    ]
