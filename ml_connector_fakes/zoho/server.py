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
from decimal import Decimal
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from ml_connector_fakes.loopback import ThreadedServer
from ml_connector_fakes.world.dataset import Dataset, Record
from ml_connector_fakes.zoho.app import Sandbox, create_app
from ml_connector_fakes.zoho.config import SandboxConfig

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
        self._http = ThreadedServer(self.app, host=host, port=port, name="zoho-sandbox")

    # --- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        self._http.start()
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- addresses -------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._http.port

    @property
    def base_url(self) -> str:
        return self._http.base_url

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
        body_format="alternate", response_format="alternate")`` (see ``ml_connector_fakes.zoho.webhooks``)."""
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

    def requests(self, route: str | None = None) -> list[dict[str, Any]]:
        """The API calls made since the stats were last reset, with their query parameters."""
        result: list[dict[str, Any]] = self._admin(
            "GET", "/requests" + (f"?route={quote(route)}" if route else "")
        )["requests"]
        return result

    def post_ledger_transaction(self, org_id: str, **body: Any) -> list[Record]:
        """A ledger-only transaction (``transaction_type`` default transfer_fund, ``debit_account_id``,
        ``credit_account_id``, ``amount``, ``date``): returns its two lines."""
        sent = {k: str(v) if isinstance(v, Decimal) else v for k, v in body.items()}
        result: list[Record] = self._admin("POST", f"/orgs/{org_id}/ledger-transactions", sent)["lines"]
        return result

    def delete_ledger_transaction(self, org_id: str, transaction_id: str) -> list[Record]:
        result: list[Record] = self._admin("DELETE", f"/orgs/{org_id}/ledger-transactions/{transaction_id}")[
            "lines"
        ]
        return result

    def _record(self, method: str, path: str) -> Record:
        result: Record = self._admin(method, path)
        return result
