"""The HTTP side of ``ml-connector serve``: the webhook receiver, ``/healthz``, a status page, and the
loopback admin API that ``ml-connector webhooks`` uses while the service holds the warehouse.

``POST /webhooks/zoho/{connection}``, in this order, each refusal storing nothing:

1. unknown connection → 404; a connection without a webhook secret in the vault → 401;
2. body larger than ``max_body_bytes`` (by Content-Length or as read) → 413; a body cut short → 400;
3. undecodable form pairs → 400; signature missing or wrong → 401 (``signature.verify``);
4. a signed ``timestamp`` pair older than ``max_age`` or more than ``max_skew`` ahead → 401 (stale);
5. a payload we cannot read (``payload.parse_delivery``) → 400; unsupported Content-Type → 415;
6. the event is committed to the store (a repeat is recognised) → 200 ``{"event_id", "duplicate"}``;
   a store failure → 503, so Zoho delivers again later.
"""

from __future__ import annotations

import hmac
import html
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
from loader.webhooks import signature
from loader.webhooks.payload import (
    MalformedPayload,
    delivery_time,
    form_pairs,
    is_form,
    is_json,
    parse_delivery,
)
from loader.webhooks.store import EventStore, IncomingEvent

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024
DEFAULT_MAX_AGE: Final = timedelta(minutes=15)
DEFAULT_MAX_SKEW: Final = timedelta(minutes=5)

SecretSource = Callable[[str], Secret | None]


@dataclass(frozen=True)
class ReceiverSettings:
    connections: Mapping[str, str]  # connection name → its organization id
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_age: timedelta = DEFAULT_MAX_AGE
    max_skew: timedelta = DEFAULT_MAX_SKEW
    admin_token: Secret | None = None  # enables /admin/... for the CLI; None: no admin API


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_receiver_app(
    settings: ReceiverSettings,
    secrets: SecretSource,
    store: EventStore,
    on_event: Callable[[], None],
    status: Callable[[], dict[str, Any]],
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Starlette:
    async def receive(request: Request) -> Response:
        connection = request.path_params["connection"]
        try:
            event = await _accept(request, connection)
        except _Refused as refused:
            if refused.status in (401, 413):
                log.warning("webhook for %r refused (%d): %s", connection, refused.status, refused.message)
            return JSONResponse({"error": refused.message}, status_code=refused.status)
        try:
            result = await run_in_threadpool(store.record, event)
        except Exception as exc:
            log.error("could not store a webhook event of %r: %s: %s", connection, type(exc).__name__, exc)
            return JSONResponse(
                {"error": "the event could not be stored; deliver it again later"},
                status_code=503,
                headers={"Retry-After": "30"},
            )
        if not result.duplicate:
            on_event()
        return JSONResponse(
            {"event_id": result.event_id, "duplicate": result.duplicate, "status": result.status}
        )

    async def _accept(request: Request, connection: str) -> IncomingEvent:
        organization_id = settings.connections.get(connection)
        if organization_id is None:
            raise _Refused(404, f"no connection named {connection!r}")
        secret = await run_in_threadpool(secrets, connection)
        if secret is None:
            raise _Refused(401, f"no webhook secret stored for connection {connection!r}")
        received_at = now()
        body = await _read_body(request, settings.max_body_bytes)
        content_type = request.headers.get("content-type", "")
        form = is_form(content_type)
        if not form and not is_json(content_type):
            raise _Refused(415, f"unsupported Content-Type {content_type!r}: send JSON or a form")
        try:
            pairs = list(request.query_params.multi_items()) + (form_pairs(body) if form else [])
        except MalformedPayload as exc:
            raise _Refused(400, str(exc)) from None
        header = request.headers.get(signature.SIGNATURE_HEADER)
        if not signature.verify(secret, header, pairs, b"" if form else body):
            raise _Refused(401, f"missing or wrong {signature.SIGNATURE_HEADER}")
        try:
            signed_at = delivery_time(dict(pairs))
            delivery = parse_delivery(body, content_type, pairs)
        except MalformedPayload as exc:
            raise _Refused(400, str(exc)) from None
        if signed_at is not None:
            if signed_at < received_at - settings.max_age:
                raise _Refused(401, "stale delivery: its signed timestamp is too old")
            if signed_at > received_at + settings.max_skew:
                raise _Refused(401, "stale delivery: its signed timestamp is in the future")
        if delivery.organization_id and delivery.organization_id != organization_id:
            raise _Refused(
                400,
                f"organization {delivery.organization_id} is not connection {connection!r}'s "
                f"({organization_id}): check the webhook's URL in Zoho",
            )
        return IncomingEvent(
            dedup_key=delivery.dedup_key(connection, body),
            connection=connection,
            entity=delivery.entity,
            document_id=delivery.document_id,
            action=delivery.action.value,
            received_at=received_at,
            content_type=content_type,
            headers=dict(request.headers),
            query_string=request.url.query,
            body=body,
            organization_id=organization_id,
            zoho_event_id=delivery.zoho_event_id,
        )

    async def healthz(request: Request) -> Response:
        try:
            await run_in_threadpool(store.ping)
        except Exception as exc:
            return JSONResponse({"status": "unhealthy", "store": type(exc).__name__}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def status_json(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(_full_status))

    async def status_page(request: Request) -> Response:
        data = await run_in_threadpool(_full_status)
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

    def _full_status() -> dict[str, Any]:
        return {"events": store.counts(), **status()}

    def _authorised(request: Request) -> bool:
        token = settings.admin_token
        if token is None:
            return False
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.reveal().encode()
        )

    async def admin_history(request: Request) -> Response:
        if not _authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        try:
            since = _instant(request.query_params["since"])
            until = _instant(request.query_params["until"])
        except (KeyError, ValueError):
            return JSONResponse({"error": "since and until must be ISO 8601 instants"}, status_code=400)
        connection = request.query_params.get("connection")
        events = await run_in_threadpool(store.history, since, until, connection)
        return JSONResponse({"events": [e.to_json() for e in events]})

    async def admin_replay(request: Request) -> Response:
        if not _authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        event_id = int(request.path_params["event_id"])
        event = await run_in_threadpool(store.replay, event_id, now())
        if event is None:
            return JSONResponse({"error": f"no webhook event {event_id}"}, status_code=404)
        on_event()
        return JSONResponse({"event": event.to_json()})

    routes = [
        Route("/webhooks/zoho/{connection}", receive, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/", status_page, methods=["GET"]),
        Route("/status.json", status_json, methods=["GET"]),
        Route("/admin/events", admin_history, methods=["GET"]),
        Route("/admin/events/{event_id:int}/replay", admin_replay, methods=["POST"]),
    ]
    return Starlette(routes=routes)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise _Refused(400, "Content-Length is not a number")
        if int(declared) > limit:
            raise _Refused(413, f"body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _Refused(413, f"body larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise _Refused(400, "the body was cut short") from None
    if declared is not None and size != int(declared):
        raise _Refused(400, "the body is shorter than its Content-Length")
    return b"".join(chunks)


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
