"""Zoho Books answers from files, over real HTTP on loopback: the recorded-shape fixtures of
``tests/fixtures/zoho_real`` (see its README for where each shape comes from), served as Zoho serves them.

One server plays the accounts server and the Books API of one data center:

    POST {base}/oauth/v2/token        refresh-token grant; api_domain = {base}, so the API is {base}/books/v3
    GET  {base}/books/v3/{path}       the answer file for the path, its bytes as they are

Files map onto paths: a list page is ``{path}/list-{page}.json`` (Zoho's ledger per account:
``chartofaccounts/transactions/list-{account_id}-{page}.json``), a record ``{path}/{id}.json``,
``organizations`` is ``organizations.json``. The bytes go out unchanged, so ``1000.000`` reaches the client
as ``1000.000``. Checks, with Zoho's answers: a missing or malformed ``Authorization`` → 401 code 57 or 14;
a missing or unknown ``organization_id`` → 400 code 2; an unknown path → 404 code 5; a record with no file →
404 code 1002. Every API call is recorded (path and query) for the tests to look at.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loader.config import ZohoConnectionConfig
from loader.secret import Secret
from loader.zoho.auth import MemoryTokenCache, ZohoCredentials
from loader.zoho.client import RetryPolicy, ZohoBooksClient
from loader.zoho.ratelimit import LimiterRegistry, RateLimits
from ml_connector_fakes.loopback import ThreadedServer

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "zoho_real"
ORGANIZATION_ID = "60019876543"  # the organization the fixtures describe (organizations.json lists two)
CLIENT_ID = "1000.KAVERI0TRADERS0FIXTURE0CLIENT"
CLIENT_SECRET = "fixture-client-secret-0123456789abcdef"
REFRESH_TOKEN = "1000.fixturerefresh.0123456789abcdef"
LEDGER_PATH = "chartofaccounts/transactions"
DAILY_LIMIT = 7500  # X-Rate-Limit-Limit as recorded (zoho-real-shapes.md)

_JSON = "application/json;charset=UTF-8"


@dataclass(frozen=True)
class Call:
    path: str  # relative to /books/v3
    query: dict[str, str]


@dataclass
class _State:
    tokens: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _error(status: int, code: int, message: str) -> Response:
    return Response(json.dumps({"code": code, "message": message}), status_code=status, media_type=_JSON)


def _file(path: Path) -> Response | None:
    return Response(path.read_bytes(), media_type=_JSON) if path.is_file() else None


def _empty_ledger_page(page: int) -> Response:
    body = {
        "code": 0,
        "message": "success",
        "transactions": [],
        "page_context": {"page": page, "per_page": 200, "has_more_page": False},
    }
    return Response(json.dumps(body), media_type=_JSON)


def fixture_app(root: Path, organization_id: str) -> tuple[Starlette, _State]:
    state = _State()

    async def token(request: Request) -> Response:
        form = await request.form()
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return Response(json.dumps({"error": "invalid_client"}), media_type=_JSON)  # HTTP 200, as Zoho
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != REFRESH_TOKEN:
            return Response(json.dumps({"error": "invalid_code"}), media_type=_JSON)
        value = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        with state.lock:
            state.tokens.add(value)
        base = str(request.base_url).rstrip("/")
        body = {
            "access_token": value,
            "scope": "ZohoBooks.fullaccess.all",
            "api_domain": base,
            "token_type": "Bearer",
            "expires_in": 3600,
        }
        return Response(json.dumps(body), media_type=_JSON)

    def answer(path: str, query: dict[str, str]) -> Response:
        parts = path.strip("/").split("/")
        if not path or any(p in ("", ".", "..") for p in parts):
            return _error(404, 5, "Invalid URL Passed")
        if path == "organizations":
            found = _file(root / "organizations.json")
            return found or _error(404, 5, "Invalid URL Passed")
        if query.get("organization_id") != organization_id:
            return _error(400, 2, "Invalid value passed for organization_id")
        page = int(query.get("page") or 1)
        target = root / path
        if path == LEDGER_PATH:
            account = query.get("account_id", "")
            if not account.isdigit():
                return _error(400, 2, "Invalid value passed for account_id")
            found = _file(target / f"list-{account}-{page}.json")
            return found or _empty_ledger_page(page)
        if target.is_dir():
            found = _file(target / f"list-{page}.json")
            return found or _error(400, 2, "Invalid value passed for page")
        if target.parent.is_dir() and parts[-1].isdigit():
            found = _file(target.parent / f"{parts[-1]}.json")
            return found or _error(404, 1002, "Resource does not exist.")
        return _error(404, 5, "Invalid URL Passed")

    async def api(request: Request) -> Response:
        path = request.path_params["rest"]
        query = dict(request.query_params)
        with state.lock:
            state.calls.append(Call(path, query))
            used = len(state.calls)
            known = set(state.tokens)
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme != "Zoho-oauthtoken" or not value.strip():
            response = _error(401, 14, "Invalid OAuth token")
        elif value.strip() not in known:
            response = _error(401, 57, "You are not authorized to perform this operation")
        else:
            response = answer(path, query)
        response.headers["X-Rate-Limit-Limit"] = str(DAILY_LIMIT)
        response.headers["X-Rate-Limit-Remaining"] = str(DAILY_LIMIT - used)
        response.headers["X-Rate-Limit-Reset"] = "34881"
        return response

    app = Starlette(
        routes=[
            Route("/oauth/v2/token", token, methods=["POST"]),
            Route("/books/v3/{rest:path}", api, methods=["GET"]),
        ]
    )
    return app, state


class ZohoFixtureServer:
    """The fixture app on a loopback port: ``with ZohoFixtureServer() as zoho: zoho.client()``."""

    def __init__(self, root: Path = FIXTURES, organization_id: str = ORGANIZATION_ID) -> None:
        self.root = root
        self.organization_id = organization_id
        app, self._state = fixture_app(root, organization_id)
        self._server = ThreadedServer(app, name="zoho-fixtures")

    def __enter__(self) -> ZohoFixtureServer:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        return self._server.base_url

    @property
    def calls(self) -> list[Call]:
        with self._state.lock:
            return list(self._state.calls)

    @property
    def tokens_minted(self) -> int:
        with self._state.lock:
            return len(self._state.tokens)

    def connection(self, organization_id: str | None = None) -> ZohoConnectionConfig:
        # No api_base_url: the API host comes from the token's api_domain, as with Zoho.
        return ZohoConnectionConfig(
            "real-in", "in", organization_id or self.organization_id, accounts_url=self.base_url
        )

    def client(self, organization_id: str | None = None, **overrides: Any) -> ZohoBooksClient:
        options: dict[str, Any] = {
            "limiters": LimiterRegistry(),
            "limits": RateLimits(requests_per_window=100, window_seconds=1.0, max_in_flight=5),
            "retry": RetryPolicy(max_attempts=2, base_delay=0.01, throttle_delay=0.01, max_delay=0.05),
            "token_cache": MemoryTokenCache(),
            "seed": 1,
        }
        options.update(overrides)
        credentials = ZohoCredentials(CLIENT_ID, Secret(CLIENT_SECRET), Secret(REFRESH_TOKEN))
        return ZohoBooksClient(self.connection(organization_id), credentials, **options)
