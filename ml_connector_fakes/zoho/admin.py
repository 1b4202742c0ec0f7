"""The admin API under ``/_sandbox``: not Zoho, no auth; how tests and the demo steer the sandbox.

    GET  /_sandbox/stats                     counters (see stats.SandboxStats)
    POST /_sandbox/stats/reset
    GET  /_sandbox/config                    the current SandboxConfig as JSON
    POST /_sandbox/config                    partial update (SandboxConfig.update)
    POST /_sandbox/clock/next-day            a new Zoho-day: daily counters reset
    POST /_sandbox/tokens/expire             every access token expires now
    POST /_sandbox/oauth/grant-code          {"region", "client_id"} → {"code"} (single use, 2 Zoho-minutes)
    POST   /_sandbox/orgs/{org_id}/{entity}/{id}/edit    → the record
    POST   /_sandbox/orgs/{org_id}/{entity}/{id}/void    → the record
    DELETE /_sandbox/orgs/{org_id}/{entity}/{id}         → the deleted record
    POST   /_sandbox/orgs/{org_id}/{entity}              → the created record
    GET    /_sandbox/requests[?route=...]                the logged API calls with their query parameters
    POST   /_sandbox/orgs/{org_id}/ledger-transactions   a ledger-only transaction → its lines
    DELETE /_sandbox/orgs/{org_id}/ledger-transactions/{transaction_id}  → the removed lines

``entity`` is the entity's name in ``entities.ENTITIES`` (``invoices``, ``vendorcredits``...). Errors answer
``{"error": "..."}`` with 400 (bad body), 404 (unknown org, entity or record) or 409 (a ``MutationError``).
"""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.zoho.config import ConfigError
from ml_connector_fakes.zoho.entities import BY_NAME
from ml_connector_fakes.zoho.envelope import json_response

if TYPE_CHECKING:
    from ml_connector_fakes.zoho.app import Sandbox

Endpoint = Callable[[Request], Awaitable[Response]]
REGIONS = ("us", "eu", "in", "au", "jp", "ca", "cn", "sa")


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _guarded(handler: Callable[[Request], Awaitable[Any]]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            return json_response(await handler(request))
        except AdminError as error:
            return json_response({"error": error.message}, status=error.status)

    return endpoint


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise AdminError(400, "body is not JSON") from None
    if not isinstance(body, dict):
        raise AdminError(400, "body must be a JSON object")
    return body


def admin_routes(sandbox: Sandbox) -> list[Route]:
    """The admin API: the calls made, Zoho-only ledger lines, mutations of records, and the controls."""

    def mutation(action: str) -> Callable[[Request], Awaitable[Record]]:
        async def run(request: Request) -> Record:
            p = request.path_params
            return await run_in_threadpool(
                _mutate, sandbox, action, p["org_id"], p["entity"], p.get("record_id")
            )

        return run

    async def requests(request: Request) -> dict[str, Any]:
        return {"requests": sandbox.stats.requests(request.query_params.get("route"))}

    async def post_ledger(request: Request) -> dict[str, Any]:
        body = await _json_body(request)
        org_id = request.path_params["org_id"]
        return {"lines": await run_in_threadpool(_ledger_only, sandbox, org_id, body, None)}

    async def delete_ledger(request: Request) -> dict[str, Any]:
        p = request.path_params
        return {"lines": await run_in_threadpool(_ledger_only, sandbox, p["org_id"], {}, p["transaction_id"])}

    prefix = "/_sandbox"
    record = prefix + "/orgs/{org_id}/{entity}/{record_id}"
    ledger = prefix + "/orgs/{org_id}/ledger-transactions"
    return [
        Route(prefix + "/requests", _guarded(requests), methods=["GET"]),
        Route(ledger, _guarded(post_ledger), methods=["POST"]),
        Route(ledger + "/{transaction_id}", _guarded(delete_ledger), methods=["DELETE"]),
        *_control_routes(sandbox, prefix),
        Route(record + "/edit", _guarded(mutation("edit")), methods=["POST"]),
        Route(record + "/void", _guarded(mutation("void")), methods=["POST"]),
        Route(record, _guarded(mutation("delete")), methods=["DELETE"]),
        Route(prefix + "/orgs/{org_id}/{entity}", _guarded(mutation("create")), methods=["POST"]),
    ]


def _control_routes(sandbox: Sandbox, prefix: str) -> list[Route]:
    """Statistics, settings, the clock, tokens and grant codes: what tests steer the sandbox with."""

    async def stats(request: Request) -> dict[str, Any]:
        return {
            **sandbox.stats.snapshot(sandbox.limiter.max_in_flight()),
            "webhooks": sandbox.webhooks.stats(),
        }

    async def reset_stats(request: Request) -> dict[str, Any]:
        sandbox.stats.reset()
        sandbox.limiter.reset_max_in_flight()
        sandbox.webhooks.reset_stats()
        return {"ok": True}

    async def get_config(request: Request) -> dict[str, Any]:
        return sandbox.config.to_json()

    async def configure(request: Request) -> dict[str, Any]:
        try:
            sandbox.apply_config(await _json_body(request))
        except ConfigError as error:
            raise AdminError(400, str(error)) from None
        return sandbox.config.to_json()

    async def next_day(request: Request) -> dict[str, Any]:
        sandbox.limiter.next_day()
        return {"ok": True}

    async def expire_tokens(request: Request) -> dict[str, Any]:
        return {"expired": sandbox.tokens.expire_all()}

    async def grant_code(request: Request) -> dict[str, Any]:
        body = await _json_body(request)
        region, client_id = str(body.get("region", "")), str(body.get("client_id", ""))
        if region not in REGIONS:
            raise AdminError(400, f"unknown region {region!r}")
        with sandbox.dataset.lock:
            if not any(c.client_id == client_id for c in sandbox.dataset.oauth_clients):
                raise AdminError(400, f"unknown client_id {client_id!r}")
        lifetime = sandbox.config.grant_code_lifetime_seconds
        return {"code": sandbox.tokens.new_code(client_id, region, lifetime)}

    return [
        Route(prefix + "/stats", _guarded(stats), methods=["GET"]),
        Route(prefix + "/stats/reset", _guarded(reset_stats), methods=["POST"]),
        Route(prefix + "/config", _guarded(get_config), methods=["GET"]),
        Route(prefix + "/config", _guarded(configure), methods=["POST"]),
        Route(prefix + "/clock/next-day", _guarded(next_day), methods=["POST"]),
        Route(prefix + "/tokens/expire", _guarded(expire_tokens), methods=["POST"]),
        Route(prefix + "/oauth/grant-code", _guarded(grant_code), methods=["POST"]),
    ]


def _ledger_only(
    sandbox: Sandbox, org_id: str, body: dict[str, Any], transaction_id: str | None
) -> list[Record]:
    ledger_only = importlib.import_module("ml_connector_fakes.world.ledger_only")
    with sandbox.dataset.lock:
        books = sandbox.dataset.orgs.get(org_id)
        if books is None:
            raise AdminError(404, f"unknown organization {org_id!r}")
        try:
            if transaction_id is None:
                lines: list[Record] = ledger_only.post_ledger_only(books, body)
            else:
                lines = ledger_only.delete_ledger_only(books, transaction_id)
        except ledger_only.LedgerOnlyError as error:
            raise AdminError(400, str(error)) from None
        if transaction_id is not None and not lines:
            raise AdminError(404, f"no ledger-only transaction {transaction_id!r} in organization {org_id}")
        return copy.deepcopy(lines)


def _mutate(sandbox: Sandbox, action: str, org_id: str, entity_name: str, record_id: str | None) -> Record:
    entity = BY_NAME.get(entity_name)
    if entity is None:
        raise AdminError(404, f"unknown entity {entity_name!r}")
    now = sandbox.now()
    with sandbox.dataset.lock:
        books = sandbox.dataset.orgs.get(org_id)
        if books is None:
            raise AdminError(404, f"unknown organization {org_id!r}")
        if record_id is not None and record_id not in books.records.get(entity.name, {}):
            raise AdminError(404, f"no {entity.name} record {record_id!r} in organization {org_id}")
        # Imported when first used: mutations.py belongs to the data side (with its ledger code), which a
        # read-only sandbox does not need.
        mutations = importlib.import_module("ml_connector_fakes.zoho.mutations")
        try:
            result: Record
            if action == "edit":
                result = mutations.edit_document(books, entity, record_id, now, sandbox.rng)
            elif action == "void":
                result = mutations.void_document(books, entity, record_id, now)
            elif action == "delete":
                result = mutations.delete_record(books, entity, record_id, now)
            else:
                result = mutations.create_document(books, entity, now, sandbox.rng)
        except mutations.MutationError as error:
            raise AdminError(409, str(error)) from None
        # Queued under the lock so deliveries keep the order of the mutations; the sending is elsewhere.
        sandbox.webhooks.mutated(org_id, entity.name, action, result, books=books)
        return copy.deepcopy(result)  # encoded after the lock is released
