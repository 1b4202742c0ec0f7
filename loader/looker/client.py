"""``LookerClient``: the Looker API 4.0 calls the connector makes, over httpx.

One concern per layer: ``LookerAuth`` keeps the session (login, renewal, workspace), ``_request`` sends one
call and turns Looker's error bodies into typed errors, and the methods below name the endpoints.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from loader.looker.auth import LookerAuth, LookerCredentials
from loader.looker.errors import LookerApiError, LookerError, LookerNotFoundError
from loader.secret import Secret

log = logging.getLogger(__name__)

API_PATH = "/api/4.0"
JsonObject = dict[str, Any]


class LookerClient:
    """A session with one Looker instance. Use as a context manager: leaving it logs out."""

    def __init__(
        self,
        base_url: str,
        credentials: LookerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 120.0,  # validation of a large project takes a while
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_url = self.base_url + API_PATH
        self.auth = LookerAuth(self.api_url, credentials, clock=clock)
        self._http = httpx.Client(
            auth=self.auth,
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": "ml-connector"},
        )

    @classmethod
    def from_vault_record(cls, base_url: str, record: Mapping[str, Secret], **kwargs: Any) -> LookerClient:
        """A client from the vault's ``looker`` record (``client_id``, ``client_secret``)."""
        if "client_id" not in record or "client_secret" not in record:
            raise LookerError(
                "the vault's looker record lacks client_id or client_secret: run `ml-connector auth looker`"
            )
        credentials = LookerCredentials(record["client_id"].reveal(), record["client_secret"])
        return cls(base_url, credentials, **kwargs)

    def __repr__(self) -> str:
        return f"LookerClient(base_url={self.base_url!r})"

    def __enter__(self) -> LookerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Log out (ending the session Looker holds for the token), then close the connections."""
        request = self.auth.logout_request()
        if request is not None:
            try:
                self._http.send(request, auth=None)
            except httpx.HTTPError as exc:
                log.warning("looker logout failed: %s", type(exc).__name__)
            self.auth.forget()
        self._http.close()

    # --- one call ----------------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: object = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        try:
            response = self._http.request(method, self.api_url + path, json=json_body, params=params)
        except httpx.HTTPError as exc:
            raise LookerError(
                f"could not reach Looker at {self.base_url} ({type(exc).__name__}); check [looker] base_url "
                "and the network"
            ) from None
        if response.status_code < 400:
            return response
        message = _error_message(response)
        text = f"Looker answered {method} {path} with HTTP {response.status_code}: {message}"
        if response.status_code == 401:
            raise LookerError(
                f"{text}. A fresh login was refused too: the API user may lack the permission for this call"
            )
        if response.status_code == 404:
            raise LookerNotFoundError(text, status=404, method=method, path=path)
        raise LookerApiError(text, status=response.status_code, method=method, path=path)

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return json.loads(response.content)
        except ValueError:
            raise LookerError(f"Looker answered {method} {path} with a body that is not JSON") from None

    # --- session -----------------------------------------------------------------------------------------

    def dev_mode(self) -> None:
        """Work in the dev workspace from now on, this session and every session after a re-login."""
        self.auth.workspace = "dev"
        self._json("PATCH", "/session", json_body={"workspace_id": "dev"})

    def production_mode(self) -> None:
        """Back to the production workspace (deployed LookML), this session and after a re-login."""
        self.auth.workspace = "production"
        self._json("PATCH", "/session", json_body={"workspace_id": "production"})

    def session(self) -> JsonObject:
        result: JsonObject = self._json("GET", "/session")
        return result

    # --- projects and git --------------------------------------------------------------------------------

    def checkout_branch(self, project: str, branch: str) -> JsonObject:
        result: JsonObject = self._json("PUT", f"/projects/{project}/git_branch", json_body={"name": branch})
        return result

    def reset_to_remote(self, project: str) -> None:
        self._request("POST", f"/projects/{project}/reset_to_remote")

    def git_branch(self, project: str) -> JsonObject:
        result: JsonObject = self._json("GET", f"/projects/{project}/git_branch")
        return result

    def validate_project(self, project: str) -> JsonObject:
        result: JsonObject = self._json("POST", f"/projects/{project}/validate")
        return result

    def deploy_ref_to_production(
        self, project: str, *, ref: str | None = None, branch: str | None = None
    ) -> None:
        """Deploy a commit (``ref``) or a branch's head at this moment (``branch``): exactly one of them."""
        if (ref is None) == (branch is None):
            raise ValueError("give exactly one of ref and branch")
        params = {"ref": ref} if ref is not None else {"branch": str(branch)}
        self._request("POST", f"/projects/{project}/deploy_ref_to_production", params=params)

    # --- models and explores -----------------------------------------------------------------------------

    def lookml_model(self, model: str) -> JsonObject | None:
        try:
            result: JsonObject = self._json("GET", f"/lookml_models/{model}")
        except LookerNotFoundError:
            return None
        return result

    def create_lookml_model(self, model: str, project: str, connections: list[str]) -> JsonObject:
        body = {"name": model, "project_name": project, "allowed_db_connection_names": connections}
        result: JsonObject = self._json("POST", "/lookml_models", json_body=body)
        return result

    def explore(self, model: str, explore: str) -> JsonObject | None:
        try:
            result: JsonObject = self._json("GET", f"/lookml_models/{model}/explores/{explore}")
        except LookerNotFoundError:
            return None
        return result

    # --- queries -----------------------------------------------------------------------------------------

    def query_sql(self, model: str, explore: str, fields: list[str], limit: int = 0) -> str:
        """Looker's SQL for the query (a compile check)."""
        body = {"model": model, "view": explore, "fields": fields, "limit": str(limit)}
        return self._request("POST", "/queries/run/sql", json_body=body).text

    def query_json(self, model: str, explore: str, fields: list[str], limit: int = 0) -> list[JsonObject]:
        """Rows of the query. A database error is not an HTTP error: it is a row with ``looker_error``."""
        body = {"model": model, "view": explore, "fields": fields, "limit": str(limit)}
        rows = self._json("POST", "/queries/run/json", json_body=body)
        if not isinstance(rows, list):
            raise LookerError(f"Looker's query on {model}/{explore} did not answer with a list of rows")
        return rows

    # --- content and caches ------------------------------------------------------------------------------

    def content_validation(self) -> JsonObject:
        result: JsonObject = self._json("GET", "/content_validation")
        return result

    def datagroups(self) -> list[JsonObject]:
        result: list[JsonObject] = self._json("GET", "/datagroups")
        return result

    def update_datagroup(self, datagroup_id: str, *, stale_before: int, triggered_at: int) -> JsonObject:
        body = {"stale_before": stale_before, "triggered_at": triggered_at}
        result: JsonObject = self._json("PATCH", f"/datagroups/{datagroup_id}", json_body=body)
        return result

    # --- what `ml-connector check` reads -----------------------------------------------------------------

    def me(self) -> JsonObject:
        result: JsonObject = self._json("GET", "/user")
        return result

    def user_roles(self, user_id: str) -> list[JsonObject]:
        result: list[JsonObject] = self._json("GET", f"/users/{user_id}/roles")
        return result

    def project(self, project: str) -> JsonObject | None:
        try:
            result: JsonObject = self._json("GET", f"/projects/{project}")
        except LookerNotFoundError:
            return None
        return result

    def connection(self, name: str) -> JsonObject | None:
        try:
            result: JsonObject = self._json("GET", f"/connections/{name}")
        except LookerNotFoundError:
            return None
        return result

    def test_connection(self, name: str) -> list[JsonObject]:
        """Looker's own tests of a connection (connect, query...): one result each."""
        result: list[JsonObject] = self._json("PUT", f"/connections/{name}/test")
        return result


def _error_message(response: httpx.Response) -> str:
    try:
        body = json.loads(response.content)
    except ValueError:
        return response.reason_phrase or "no message"
    if not isinstance(body, dict):
        return "no message"
    message = str(body.get("message") or "no message")
    details = [
        f"{e.get('field')}: {e.get('message')}" for e in body.get("errors") or [] if isinstance(e, dict)
    ]
    return message + (f" ({'; '.join(details)})" if details else "")
