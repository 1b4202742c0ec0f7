"""Run the sandbox on loopback in a background thread, and steer it through its admin API.

with SandboxServer(generate_dataset(), SandboxConfig(time_scale=60)) as sandbox:
    token_url = sandbox.accounts_url("us") + "/oauth/v2/token"
    api = sandbox.api_base_url("us")
    ...
    sandbox.stats()["calls_total"]
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from decimal import Decimal
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from zoho_sandbox.app import Sandbox, create_app
from zoho_sandbox.config import SandboxConfig
from zoho_sandbox.dataset import Dataset, Record

_STARTUP_TIMEOUT = 10.0
_ADMIN_TIMEOUT = 30.0


class SandboxAdminError(RuntimeError):
    """The admin API refused a request: 404 unknown org or record, 409 a refused mutation, 400 a bad body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"sandbox admin API answered {status}: {message}")
        self.status = status
        self.message = message


class _DroppedConnectionNoise(logging.Filter):
    """The drop fault cuts a response on purpose; uvicorn reports each cut as an error. Keep logs readable."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing response."


_uvicorn_error_log = logging.getLogger("uvicorn.error")
if not any(isinstance(f, _DroppedConnectionNoise) for f in _uvicorn_error_log.filters):
    _uvicorn_error_log.addFilter(_DroppedConnectionNoise())


class SandboxServer:
    def __init__(
        self,
        dataset: Dataset,
        config: SandboxConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.dataset = dataset
        self.config = config or SandboxConfig()
        self.app = create_app(dataset, self.config)
        self.sandbox: Sandbox = self.app.state.sandbox
        self._host = host
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    # --- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        if self._thread is not None:
            raise RuntimeError("the sandbox server is already running")
        # Bind first so port 0 resolves to a real port before any client needs base_url.
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        # proto IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY on accepted sockets only when the
        # protocol says TCP, and without it every keep-alive response waits ~40 ms on Nagle + delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        self._port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        server = self._server = uvicorn.Server(config)
        thread = self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="zoho-sandbox", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_STARTUP_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- addresses -------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    def accounts_url(self, region: str) -> str:
        """The region's accounts server (token endpoint: ``accounts_url(region) + "/oauth/v2/token"``)."""
        return f"{self.base_url}/{region}"

    def api_base_url(self, region: str) -> str:
        return f"{self.base_url}/{region}/books/v3"

    # --- admin API -------------------------------------------------------------------------------------

    def _admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, f"{self.base_url}/_sandbox{path}", json=body, timeout=_ADMIN_TIMEOUT)
        # Records carry money as exact JSON numbers: keep them exact on this side too.
        payload = json.loads(response.content, parse_float=Decimal)
        if response.status_code >= 400:
            raise SandboxAdminError(response.status_code, str(payload.get("error", payload)))
        return payload

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self._admin("GET", "/stats")
        return result

    def reset_stats(self) -> None:
        self._admin("POST", "/stats/reset")

    def configure(self, **partial: Any) -> dict[str, Any]:
        """Partial update of limits, quirks and faults, e.g. ``configure(per_minute_limit=5,
        faults={"error_rate": 0.2}, daily_limits={"10234695": 50})``; returns the whole config."""
        result: dict[str, Any] = self._admin("POST", "/config", partial)
        return result

    def configure_webhooks(self, **partial: Any) -> dict[str, Any]:
        """Where and how mutations send signed webhooks, e.g. ``configure_webhooks(url=..., secret=...,
        body_format="alternate", response_format="alternate")`` (see ``zoho_sandbox.webhooks``)."""
        result: dict[str, Any] = self._admin("POST", "/webhooks", partial)
        return result

    def webhook_stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self._admin("GET", "/webhooks")["stats"]
        return result

    def next_day(self) -> None:
        self._admin("POST", "/clock/next-day")

    def expire_tokens(self) -> int:
        return int(self._admin("POST", "/tokens/expire")["expired"])

    def grant_code(self, region: str, client_id: str) -> str:
        return str(
            self._admin("POST", "/oauth/grant-code", {"region": region, "client_id": client_id})["code"]
        )

    def edit(self, org_id: str, entity: str, record_id: str) -> Record:
        return self._record("POST", f"/orgs/{org_id}/{entity}/{record_id}/edit")

    def void(self, org_id: str, entity: str, record_id: str) -> Record:
        return self._record("POST", f"/orgs/{org_id}/{entity}/{record_id}/void")

    def delete(self, org_id: str, entity: str, record_id: str) -> Record:
        return self._record("DELETE", f"/orgs/{org_id}/{entity}/{record_id}")

    def create(self, org_id: str, entity: str) -> Record:
        return self._record("POST", f"/orgs/{org_id}/{entity}")

    def _record(self, method: str, path: str) -> Record:
        result: Record = self._admin(method, path)
        return result
