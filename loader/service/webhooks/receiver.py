"""The HTTP side of ``ml-connector serve``: the webhook receiver, ``/healthz``, a status page, and the
loopback admin API that ``ml-connector webhooks`` uses while the service holds the warehouse.

``POST /webhooks/zoho/{connection}``: the work done for a sender not yet authenticated is bounded and the same
for every connection name (D125, D126), each refusal storing nothing:

1. more deliveries in progress than ``max_concurrent`` → 503 (Zoho delivers again later);
2. unsupported Content-Type → 415; a body larger than ``max_body_bytes`` (by Content-Length or as read) →
   413; a body not received within ``body_timeout`` → 408; cut short → 400;
3. more than ``max_pairs`` query and form pairs (counted in the raw bytes, before decoding) → 413;
   undecodable pairs → 400;
4. then one answer, 401 ``{"error": "refused"}``, whatever the reason: an unknown connection, one without a
   secret, a key given twice, a missing or wrong signature (``signature.verify_delivery``, the connection's
   scheme), signed pairs that can be re-split (``signature.ambiguity``), a signed time older than
   ``max_age`` or more than ``max_skew`` ahead; the reason goes to the log only;
5. authenticated: a payload we cannot read (``payload.parse_delivery``) or of another organization → 400
   with the reason; else the event is committed to the store (a repeat is recognised) → 200
   ``{"event_id", "duplicate"}``; a store failure → 503, so Zoho delivers again later.

The status page and ``/status.json`` answer the bearer of the admin token (``serve.json``), and with
``status_access = "loopback"`` any loopback client; everyone else gets the same 401. ``/healthz`` is open
and says only ok or unhealthy.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import ipaddress
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from loader.secret import Secret
from loader.service.webhooks import signature
from loader.service.webhooks.events import PENDING, IncomingEvent
from loader.service.webhooks.payload import (
    Delivery,
    MalformedPayload,
    delivery_time,
    form_pairs,
    is_form,
    is_json,
    parse_delivery,
)
from loader.service.webhooks.signature import DEFAULT_SCHEME, Scheme
from loader.service.webhooks.store import EventStore

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024
DEFAULT_MAX_PAIRS: Final = 64
DEFAULT_BODY_TIMEOUT: Final = 10.0
DEFAULT_MAX_CONCURRENT: Final = 32
DEFAULT_MAX_AGE: Final = timedelta(minutes=15)
DEFAULT_MAX_SKEW: Final = timedelta(minutes=5)
STATUS_ACCESS: Final = ("token", "loopback")

SecretSource = Callable[[str], Secret | None]


@dataclass(frozen=True)
class ConnectionSettings:
    organization_id: str
    scheme: Scheme = DEFAULT_SCHEME


@dataclass(frozen=True)
class ReceiverSettings:
    connections: Mapping[str, ConnectionSettings]
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_pairs: int = DEFAULT_MAX_PAIRS
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    max_age: timedelta = DEFAULT_MAX_AGE
    max_skew: timedelta = DEFAULT_MAX_SKEW
    admin_token: Secret | None = None  # enables /admin/... for the CLI and opens the status page
    status_access: str = "token"  # "token": the admin token only; "loopback": also any loopback client
    initial_status: str = PENDING  # what an accepted event starts as (``serve --journal``: journal)


class _Refused(Exception):
    """A refusal; ``reason`` is logged, ``public`` is what the sender is told."""

    def __init__(self, status: int, public: str, reason: str | None = None) -> None:
        super().__init__(public)
        self.status = status
        self.public = public
        self.reason = reason or public


REFUSED: Final = "refused"


def _unauthenticated(reason: str) -> _Refused:
    return _Refused(401, REFUSED, reason)


def create_receiver_app(
    settings: ReceiverSettings,
    secrets: SecretSource,
    store: EventStore,
    on_event: Callable[[], None],
    status: Callable[[], dict[str, Any]],
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Starlette:
    """The Starlette app of ``serve``: ``on_event`` is called for each new (not repeated) event and each
    replay; ``status`` adds the worker's and the schedule's sections to the status page."""
    receiver = _Receiver(settings, secrets, store, on_event, status, now)
    routes = [
        Route("/webhooks/zoho/{connection}", receiver.receive, methods=["POST"]),
        Route("/healthz", receiver.healthz, methods=["GET"]),
        Route("/", receiver.status_page, methods=["GET"]),
        Route("/status.json", receiver.status_json, methods=["GET"]),
        Route("/admin/events", receiver.admin_history, methods=["GET"]),
        Route("/admin/events/{event_id:int}/replay", receiver.admin_replay, methods=["POST"]),
    ]
    return Starlette(routes=routes)


@dataclass(frozen=True)
class _Unverified:
    """A delivery after the bounded work (steps 1-3 above), before anything says who sent it."""

    content_type: str
    form: bool
    received_at: datetime
    body: bytes
    pairs: list[tuple[str, str]]


class _Receiver:
    """The endpoints of one app, sharing its settings, store and count of deliveries in progress."""

    def __init__(
        self,
        settings: ReceiverSettings,
        secrets: SecretSource,
        store: EventStore,
        on_event: Callable[[], None],
        status: Callable[[], dict[str, Any]],
        now: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._secrets = secrets
        self._store = store
        self._on_event = on_event
        self._status = status
        self._now = now
        self._in_flight = 0  # only the event loop's thread changes it

    # --- POST /webhooks/zoho/{connection} ------------------------------------------------------------

    async def receive(self, request: Request) -> Response:
        connection = request.path_params["connection"]
        if self._in_flight >= self._settings.max_concurrent:
            return JSONResponse(
                {"error": "busy; deliver again later"}, status_code=503, headers={"Retry-After": "5"}
            )
        self._in_flight += 1
        try:
            return await self._receive(request, connection)
        finally:
            self._in_flight -= 1

    async def _receive(self, request: Request, connection: str) -> Response:
        try:
            event = await self._accept(request, connection)
        except _Refused as refused:
            if refused.status in (401, 408, 413):
                log.warning("webhook for %r refused (%d): %s", connection, refused.status, refused.reason)
            return JSONResponse({"error": refused.public}, status_code=refused.status)
        try:
            result = await run_in_threadpool(self._store.record, event)
        except Exception as exc:
            log.error("could not store a webhook event of %r: %s: %s", connection, type(exc).__name__, exc)
            return JSONResponse(
                {"error": "the event could not be stored; deliver it again later"},
                status_code=503,
                headers={"Retry-After": "30"},
            )
        if not result.duplicate:
            self._on_event()
        return JSONResponse(
            {"event_id": result.event_id, "duplicate": result.duplicate, "status": result.status}
        )

    async def _accept(self, request: Request, connection: str) -> IncomingEvent:
        """The event of an authenticated, readable delivery; raises ``_Refused`` at the first refusal."""
        unverified = await self._bounded_read(request)
        chosen, verified = await self._authenticate(request, connection, unverified)
        delivery = self._parse_verified(connection, chosen, unverified, verified)
        return IncomingEvent(
            dedup_key=delivery.dedup_key(connection),
            connection=connection,
            entity=delivery.entity,
            document_id=delivery.document_id,
            action=delivery.action.value,
            received_at=unverified.received_at,
            content_type=unverified.content_type,
            headers=dict(request.headers),
            query_string=request.url.query,
            body=unverified.body,
            organization_id=chosen.organization_id,
            zoho_event_id=delivery.zoho_event_id,
            status=self._settings.initial_status,
        )

    async def _bounded_read(self, request: Request) -> _Unverified:
        """Content type, body and pairs, within the limits. Bounded work first, identical for every
        connection name: nothing here reveals which exist."""
        settings = self._settings
        content_type = request.headers.get("content-type", "")
        form = is_form(content_type)
        if not form and not is_json(content_type):
            raise _Refused(415, f"unsupported Content-Type {content_type!r}: send JSON or a form")
        received_at = self._now()
        body = await _read_body(request, settings.max_body_bytes, settings.body_timeout)
        query = request.url.query
        raw_pairs = (query.count("&") + 1 if query else 0) + (body.count(b"&") + 1 if form and body else 0)
        if raw_pairs > settings.max_pairs:
            raise _Refused(413, f"more than {settings.max_pairs} query and form pairs")
        try:
            # Decoding a megabyte of %-escapes takes a while: in a worker thread, so the event loop (and
            # /healthz) keeps answering meanwhile.
            decoded = await run_in_threadpool(form_pairs, body, settings.max_pairs) if form else []
            pairs = list(request.query_params.multi_items()) + decoded
        except MalformedPayload as exc:
            raise _Refused(400, str(exc)) from None
        return _Unverified(content_type, form, received_at, body, pairs)

    async def _authenticate(
        self, request: Request, connection: str, unverified: _Unverified
    ) -> tuple[ConnectionSettings, signature.Verified]:
        """The connection and its verified signature; every failure here is the same 401."""
        chosen = self._settings.connections.get(connection)
        if chosen is None:
            raise _unauthenticated("no such connection")
        secret = await run_in_threadpool(self._secrets, connection)
        if secret is None:
            raise _unauthenticated("no webhook secret stored for this connection")
        pairs = unverified.pairs
        repeated = signature.duplicate_key(pairs)
        if repeated is not None:
            raise _unauthenticated(f"the key {repeated!r} is given twice")
        header = request.headers.get(signature.SIGNATURE_HEADER)
        verified = await run_in_threadpool(
            signature.verify_delivery, chosen.scheme, secret, header, pairs, unverified.body, unverified.form
        )
        if verified is None:
            raise _unauthenticated(f"missing or wrong {signature.SIGNATURE_HEADER} ({chosen.scheme})")
        return chosen, verified

    def _parse_verified(
        self,
        connection: str,
        chosen: ConnectionSettings,
        unverified: _Unverified,
        verified: signature.Verified,
    ) -> Delivery:
        """The delivery a signed payload describes, refused when it can be re-split, is stale, or belongs to
        another organization."""
        settings = self._settings
        pairs = unverified.pairs
        try:
            delivery = parse_delivery(unverified.body, unverified.content_type, pairs)
            signed_at = verified.signed_at or delivery_time(dict(pairs))
        except MalformedPayload as exc:
            # Re-split signed bytes often do not parse either: they get the one 401, not the reason.
            ambiguous = signature.ambiguity(pairs)
            if ambiguous is not None:
                raise _unauthenticated(f"signed pairs that can be re-split: {ambiguous}") from None
            raise _Refused(400, str(exc)) from None
        ambiguous = signature.ambiguity(pairs, delivery.payload_key)
        if ambiguous is not None:
            raise _unauthenticated(f"signed pairs that can be re-split: {ambiguous}")
        if signed_at is not None:
            if signed_at < unverified.received_at - settings.max_age:
                raise _unauthenticated("stale delivery: its signed time is too old")
            if signed_at > unverified.received_at + settings.max_skew:
                raise _unauthenticated("stale delivery: its signed time is in the future")
        if delivery.organization_id and delivery.organization_id != chosen.organization_id:
            raise _Refused(
                400,
                f"organization {delivery.organization_id} is not connection {connection!r}'s "
                f"({chosen.organization_id}): check the webhook's URL in Zoho",
            )
        return delivery

    # --- /healthz, the status page -------------------------------------------------------------------

    async def healthz(self, request: Request) -> Response:
        try:
            await run_in_threadpool(self._store.ping)
        except Exception as exc:
            log.error("healthz: the event store failed: %s: %s", type(exc).__name__, exc)
            return JSONResponse({"status": "unhealthy"}, status_code=503)
        return JSONResponse({"status": "ok"})

    def _may_see_status(self, request: Request) -> bool:
        if self._authorised(request):
            return True
        return self._settings.status_access == "loopback" and _is_loopback(request)

    async def status_json(self, request: Request) -> Response:
        if not self._may_see_status(request):
            return JSONResponse({"error": REFUSED}, status_code=401)
        return JSONResponse(await run_in_threadpool(self._full_status))

    async def status_page(self, request: Request) -> Response:
        if not self._may_see_status(request):
            return JSONResponse({"error": REFUSED}, status_code=401)
        data = await run_in_threadpool(self._full_status)
        rows = "".join(
            f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
            for section in ("events", "worker", "schedule")
            for k, v in data.get(section, {}).items()
        )
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>ml-connector serve</title></head>"
            f"<body><h1>ml-connector serve</h1><table>{rows}</table>"
            "<p><a href='/status.json'>status.json</a> · <a href='/healthz'>healthz</a></p></body></html>"
        )
        return HTMLResponse(page)

    def _full_status(self) -> dict[str, Any]:
        return {"events": self._store.counts(), **self._status()}

    # --- the loopback admin API ----------------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        token = self._settings.admin_token
        if token is None:
            return False
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.reveal().encode()
        )

    async def admin_history(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        try:
            since = _instant(request.query_params["since"])
            until = _instant(request.query_params["until"])
        except (KeyError, ValueError):
            return JSONResponse({"error": "since and until must be ISO 8601 instants"}, status_code=400)
        connection = request.query_params.get("connection")
        events = await run_in_threadpool(self._store.history, since, until, connection)
        return JSONResponse({"events": [e.to_json() for e in events]})

    async def admin_replay(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        event_id = int(request.path_params["event_id"])
        # Queued for this service's worker: pending, or journal under ``serve --journal``.
        queued_as = self._settings.initial_status
        event = await run_in_threadpool(self._store.replay, event_id, self._now(), queued_as)
        if event is None:
            return JSONResponse({"error": f"no webhook event {event_id}"}, status_code=404)
        self._on_event()
        return JSONResponse({"event": event.to_json()})


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client is not None else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def _read_body(request: Request, limit: int, timeout: float) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise _Refused(400, "Content-Length is not a number")
        if int(declared) > limit:
            raise _Refused(413, f"body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise _Refused(413, f"body larger than {limit} bytes")
                chunks.append(chunk)
    except ClientDisconnect:
        raise _Refused(400, "the body was cut short") from None
    except TimeoutError:
        raise _Refused(408, f"the body did not arrive within {timeout:g} s") from None
    if declared is not None and size != int(declared):
        raise _Refused(400, "the body is shorter than its Content-Length")
    return b"".join(chunks)


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
