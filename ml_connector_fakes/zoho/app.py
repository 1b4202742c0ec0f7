"""The sandbox's HTTP app: Zoho's accounts server and Books API per region, plus an admin API.

Layout on one server (regions are path prefixes, standing in for Zoho's data-center hosts)::

    POST {base}/{region}/oauth/v2/token            accounts server
    GET  {base}/{region}/books/v3/...              Books API (api_domain = {base}/{region})
         {base}/_sandbox/...                       admin API for tests and the demo (not Zoho, no auth)

Order of checks on an API call, each answering as Zoho does (the order itself is our choice):
unknown path → 404 code 5; method other than GET → 405 code 37; ``Authorization`` header not of the form
``Zoho-oauthtoken <token>`` → 401 code 14 "Invalid OAuth token"; token missing, unknown, expired or from
another region → 401 code 57; missing or unknown ``organization_id`` → 400 code 2; organization of another
region → 400 code 6041; then the limits (429 codes 45, 44, 1070, see ``limits``), then injected faults, then
the answer.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ml_connector_fakes.world.dataset import Dataset, OrgBooks
from ml_connector_fakes.zoho import jsonenc, reads
from ml_connector_fakes.zoho.admin import admin_routes
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.envelope import ApiError, error_body, invalid_url, invalid_value, json_response
from ml_connector_fakes.zoho.faults import DroppedResponse, FaultKind, FaultPlan, error_response
from ml_connector_fakes.zoho.limits import OrgLimiter, TokenLimiter, ZohoClock
from ml_connector_fakes.zoho.reads import ORGANIZATIONS, get_organization, list_organizations, read, resolve
from ml_connector_fakes.zoho.stats import SandboxStats
from ml_connector_fakes.zoho.tokens import AccessGrant, TokenStore
from ml_connector_fakes.zoho.webhooks import WebhookSender, webhook_routes

REGIONS = ("us", "eu", "in", "au", "jp", "ca", "cn", "sa")
AUTH_SCHEME = "Zoho-oauthtoken"
Endpoint = Callable[[Request], Awaitable[Response]]

_TOKEN_LIMIT_ERROR = {
    "error": "Access Denied",
    "error_description": "You have made too many requests continuously. Please try again after some time.",
    "status": "failure",
}
_TOKEN_LIMIT_ERROR_LOCALIZED = {
    "error": "拒绝访问",
    "error_description": "您连续发出了太多请求。请稍后再试。",
    "status": "failure",
}


class Sandbox:
    """Everything a running sandbox holds: the books, the config, the clock, the limiters and the counters."""

    def __init__(self, dataset: Dataset, config: SandboxConfig | None = None) -> None:
        self.dataset = dataset
        self.config = config or SandboxConfig()
        self.clock = ZohoClock(self.config.time_scale)
        self.limiter = OrgLimiter(self.clock)
        self.token_limiter = TokenLimiter(self.clock)
        self.tokens = TokenStore(self.clock)
        self.faults = FaultPlan()
        self.stats = SandboxStats()
        self.rng = random.Random(self.config.faults.seed)  # drives the data side's edits and creations
        self.webhooks = WebhookSender()  # signed webhooks after admin mutations, off until configured

    def now(self) -> datetime:
        """The sandbox's wall clock: the real time of day, on ``config.today`` when that is set."""
        real = datetime.now(UTC)
        return datetime.combine(self.config.today, real.timetz()) if self.config.today else real

    def apply_config(self, partial: dict[str, Any]) -> None:
        self.config.update(partial)
        if self.clock.scale != self.config.time_scale:
            self.clock.set_scale(self.config.time_scale)

    def org(self, org_id: str) -> OrgBooks | None:
        with self.dataset.lock:
            return self.dataset.orgs.get(org_id)

    def region_orgs(self, region: str) -> list[OrgBooks]:
        with self.dataset.lock:
            return [books for books in self.dataset.orgs.values() if books.region == region]


def create_app(dataset: Dataset, config: SandboxConfig | None = None) -> Starlette:
    sandbox = Sandbox(dataset, config)
    api_methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    routes = [
        *admin_routes(sandbox),
        *webhook_routes(sandbox.webhooks),
        Route("/{region}/oauth/v2/token", _token_endpoint(sandbox), methods=["POST"]),
        Route("/{region}/books/v3/{rest:path}", _api_endpoint(sandbox), methods=api_methods),
        Route("/{rest:path}", _unknown_path, methods=api_methods),
    ]
    app = Starlette(routes=routes)
    app.state.sandbox = sandbox
    return app


async def _unknown_path(request: Request) -> Response:
    return _error(invalid_url())


def _error(error: ApiError, headers: dict[str, str] | None = None) -> Response:
    return json_response(error_body(error), status=error.status, headers=headers)


# --- accounts server ------------------------------------------------------------------------------------


def _token_endpoint(sandbox: Sandbox) -> Endpoint:
    async def token(request: Request) -> Response:
        region = request.path_params["region"]
        if region not in REGIONS:
            return _error(invalid_url())
        # Zoho's own examples send the fields as query parameters; clients send a form body. Take both.
        form = dict(request.query_params)
        form.update({k: v for k, v in (await request.form()).items() if isinstance(v, str)})
        api_domain = f"{str(request.base_url).rstrip('/')}/{region}"
        body = _grant(sandbox, region, form, api_domain)
        limited = body.get("status") == "failure"
        return json_response(body, status=sandbox.config.token_limit_status if limited else 200)

    return token


def _grant(sandbox: Sandbox, region: str, form: dict[str, str], api_domain: str) -> dict[str, Any]:
    """Zoho answers token errors with HTTP 200 and an ``error`` field, so every outcome here is a body."""
    client_id = form.get("client_id", "")
    with sandbox.dataset.lock:
        client = next((c for c in sandbox.dataset.oauth_clients if c.client_id == client_id), None)
    if client is None or not secrets.compare_digest(client.client_secret, form.get("client_secret", "")):
        return {"error": "invalid_client"}
    grant_type = form.get("grant_type")
    config = sandbox.config
    if grant_type == "refresh_token":
        refresh_token = form.get("refresh_token", "")
        with sandbox.dataset.lock:
            bound = sandbox.dataset.refresh_tokens.get(refresh_token)
        # A refresh token of another data center is unknown here: the same answer as a wrong one.
        if bound != (client_id, region):
            return {"error": "invalid_code"}
        new_refresh_token = None
    elif grant_type == "authorization_code":
        redirect_uri = form.get("redirect_uri")
        # Lenient where Zoho is strict: a missing redirect_uri is accepted, a wrong one is not.
        if redirect_uri is not None and redirect_uri != client.redirect_uri:
            return {"error": "invalid_redirect_uri"}
        if not sandbox.tokens.redeem_code(form.get("code", ""), client_id, region):
            return {"error": "invalid_code"}
        refresh_token = new_refresh_token = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        with sandbox.dataset.lock:
            sandbox.dataset.refresh_tokens[refresh_token] = (client_id, region)
    else:
        return {"error": "unsupported_grant_type"}
    if not sandbox.token_limiter.try_issue(
        refresh_token, config.tokens_per_window, config.token_window_seconds
    ):
        return dict(_TOKEN_LIMIT_ERROR_LOCALIZED if config.token_limit_localized else _TOKEN_LIMIT_ERROR)
    access_token = sandbox.tokens.issue(client_id, region, refresh_token, config.token_lifetime_seconds)
    sandbox.stats.token_issued()
    body: dict[str, Any] = {
        "access_token": access_token,
        "api_domain": api_domain,
        "token_type": "Bearer",
        "expires_in": int(config.token_lifetime_seconds),
    }
    if new_refresh_token:
        body["refresh_token"] = new_refresh_token
    return body


# --- Books API ------------------------------------------------------------------------------------------


def _authenticate(sandbox: Sandbox, request: Request, region: str) -> AccessGrant:
    header = request.headers.get("authorization")
    if header is None:
        raise ApiError(401, 57, "You are not authorized to perform this operation")
    scheme, _, token = header.partition(" ")
    if scheme != AUTH_SCHEME or not token.strip():
        raise ApiError(401, 14, "Invalid OAuth token")
    grant = sandbox.tokens.lookup(token.strip(), region)
    if grant is None:
        raise ApiError(401, 57, "You are not authorized to perform this operation")
    return grant


def _organization(sandbox: Sandbox, org_id: str | None, region: str) -> OrgBooks:
    books = sandbox.org(org_id) if org_id else None
    if books is None:
        raise invalid_value("organization_id")
    if books.region != region:
        raise ApiError(
            400, 6041, "This user is not associated with the organization. Please contact the admin."
        )
    return books


def _api_endpoint(sandbox: Sandbox) -> Endpoint:
    async def api(request: Request) -> Response:
        region = request.path_params["region"]
        route = resolve(request.path_params["rest"]) if region in REGIONS else None
        try:
            if route is None:
                raise invalid_url()
            if request.method != "GET":
                raise ApiError(
                    405, 37, f"The HTTP method {request.method} is not allowed for the requested resource"
                )
            _authenticate(sandbox, request, region)
            if not route.needs_org:
                return _organizations_answer(sandbox, route.template, route.record_id, region)
            books = _organization(sandbox, request.query_params.get("organization_id"), region)
            _refuse_module(sandbox.config, request.path_params["rest"].strip("/"))
        except ApiError as error:
            return _error(error)
        return await _org_call(sandbox, request, books, route)

    return api


def _refuse_module(config: SandboxConfig, rest: str) -> None:
    """The configured refusals: a module the token's scopes or the user's role do not cover (code 57, with
    401 or 400), or a list the organization's plan lacks (404)."""
    for path, status in config.forbidden.items():
        if rest == path or rest.startswith(path + "/"):
            raise ApiError(status, 57, "You are not authorized to perform this operation")
    for path in config.unavailable:
        if rest == path or rest.startswith(path + "/"):
            raise invalid_url()


def _organizations_answer(sandbox: Sandbox, template: str, org_id: str | None, region: str) -> Response:
    if template == ORGANIZATIONS:
        return json_response(list_organizations(sandbox.region_orgs(region)))
    books = _organization(sandbox, org_id, region)
    return json_response(get_organization(books))


async def _org_call(sandbox: Sandbox, request: Request, books: OrgBooks, route: reads.Route) -> Response:
    """An org-scoped call: limits, faults, the answer, and the rate-limit headers on all of them."""
    config = sandbox.config
    org_id = books.organization_id
    if sandbox.faults.arrives_late(config.faults):
        sandbox.stats.fault("late")
        await asyncio.sleep(config.faults.late_seconds)
    daily_limit = config.daily_limit_for(org_id, books.daily_limit)
    admission = sandbox.limiter.admit(org_id, daily_limit, config.per_minute_limit, config.in_flight_limit)
    headers = {
        "X-Rate-Limit-Limit": str(admission.daily_limit),
        "X-Rate-Limit-Remaining": str(admission.daily_remaining),
        "X-Rate-Limit-Reset": str(max(int(admission.reset_real_seconds), 0)),
    }
    if not admission.admitted:
        sandbox.stats.throttled(admission.refused_code or 0)
        refusal = _throttle_error(admission.refused_code or 0)
        if refusal.code == 1070:
            refusal = ApiError(config.in_flight_status, refusal.code, refusal.message)
        return _error(refusal, headers)
    try:
        sandbox.stats.call(org_id, route.template, request.query_params)
        fault = sandbox.faults.draw(config.faults)
        if fault.slow:
            sandbox.stats.fault("slow")
            await asyncio.sleep(config.faults.slow_seconds)
        if fault.kind in (FaultKind.ERROR_500, FaultKind.ERROR_502, FaultKind.ERROR_503):
            sandbox.stats.fault("5xx")
            response = error_response(fault.kind)
            response.headers.update(headers)
            return response
        params = dict(request.query_params)
        status, body = await run_in_threadpool(_answer, sandbox, books, route, params)
        response = Response(
            body, status_code=status, media_type="application/json;charset=UTF-8", headers=headers
        )
        if fault.kind is FaultKind.DROP:
            sandbox.stats.fault("drop")
            return DroppedResponse(response)
        return response
    finally:
        sandbox.limiter.release(org_id)


def _answer(
    sandbox: Sandbox, books: OrgBooks, route: reads.Route, params: dict[str, str]
) -> tuple[int, bytes]:
    # Encode under the lock: a concurrent mutation must not change a record halfway through writing it.
    with sandbox.dataset.lock:
        try:
            return 200, jsonenc.dumps_bytes(read(route, books, params, sandbox.config))
        except ApiError as error:
            return error.status, jsonenc.dumps_bytes(error_body(error))


def _throttle_error(code: int) -> ApiError:
    messages = {
        44: "You have exceeded the maximum number of requests per minute allowed for this organization. "
        "Please try again after some time.",
        45: "You have crossed your API call limit for the day",
        1070: "You have exceeded the maximum number of concurrent requests allowed for this organization. "
        "Please try again after some time.",
    }
    return ApiError(429, code, messages[code])
