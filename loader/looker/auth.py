"""Looker API 4.0 authentication: client-credentials login, renewal before expiry or on a 401, and the
session workspace re-selected after every login.

Looker has no refresh endpoint: a token is renewed by logging in again, which starts a new session in the
production workspace. So the auth flow, not the caller, re-sends ``PATCH /session {"workspace_id": "dev"}``
after each login when dev mode was asked for; otherwise a token replaced mid-run would silently move the
rest of a validation to production LookML.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

import httpx

from loader.looker.errors import LookerAuthError
from loader.secret import Secret

log = logging.getLogger(__name__)

DEFAULT_REFRESH_MARGIN = 60.0  # seconds before expiry at which a new login is made


@dataclass(frozen=True)
class LookerCredentials:
    client_id: str
    client_secret: Secret


@dataclass(frozen=True)
class LookerToken:
    value: Secret
    expires_at: float  # on the auth's clock
    serial: int  # the n-th login of this auth, from 1


class LookerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <token>`` and keeps a live session.

    The flow yields the login (and the workspace switch) itself, so renewing costs one login, one PATCH
    and one retry, and tests drive it over a transport without patching anything.
    """

    requires_response_body = True

    def __init__(
        self,
        api_url: str,
        credentials: LookerCredentials,
        *,
        clock: Callable[[], float] = time.time,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
    ) -> None:
        self._api_url = api_url.rstrip("/")
        self._credentials = credentials
        self._clock = clock
        self._margin = refresh_margin
        self._lock = threading.RLock()
        self._token: LookerToken | None = None
        self.workspace: str | None = None  # "dev" once dev mode is asked for; re-sent after each login
        self.logins = 0

    def __repr__(self) -> str:
        return f"LookerAuth(api_url={self._api_url!r}, client_id={self._credentials.client_id!r})"

    @property
    def token(self) -> LookerToken | None:
        return self._token

    def _is_fresh(self, token: LookerToken | None) -> bool:
        return token is not None and token.expires_at > self._clock()

    def login_request(self) -> httpx.Request:
        # Form body, never query parameters: URLs end up in logs.
        form = {
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret.reveal(),
        }
        return httpx.Request("POST", f"{self._api_url}/login", data=form)

    def workspace_request(self, token: LookerToken, workspace: str) -> httpx.Request:
        return httpx.Request(
            "PATCH",
            f"{self._api_url}/session",
            json={"workspace_id": workspace},
            headers={"Authorization": f"Bearer {token.value.reveal()}"},
        )

    def logout_request(self) -> httpx.Request | None:
        token = self._token
        if token is None or not self._is_fresh(token):
            return None
        return httpx.Request(
            "DELETE", f"{self._api_url}/logout", headers={"Authorization": f"Bearer {token.value.reveal()}"}
        )

    def forget(self) -> None:
        with self._lock:
            self._token = None

    def accept_login(self, response: httpx.Response) -> LookerToken:
        response.read()
        if response.status_code == 404:
            # Looker's deliberately vague answer to a wrong id or secret.
            raise LookerAuthError(
                f"Looker rejected the API credentials (client id {self._credentials.client_id}): the client "
                "id or secret is wrong, or the API key was deleted. Create an API key for a user with the "
                "develop and deploy permissions and run `ml-connector auth looker` again."
            )
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
            raise LookerAuthError(
                f"Looker's login at {self._api_url}/login answered HTTP {response.status_code} without a "
                "token: check [looker] base_url (the instance address, without /api/4.0)"
            )
        expires_in = float(body.get("expires_in") or 3600)
        # Renew a margin before expiry, but never so early that a short-lived token is renewed at once.
        margin = min(self._margin, expires_in / 10)
        self.logins += 1
        token = LookerToken(
            Secret(str(body["access_token"])), self._clock() + expires_in - margin, self.logins
        )
        self._token = token
        log.info("looker login", extra={"login": self.logins, "expires_in": expires_in})
        return token

    def _check_workspace(self, response: httpx.Response) -> None:
        response.read()
        if response.status_code != 200:
            raise LookerAuthError(
                f"Looker refused to switch the session to the {self.workspace} workspace "
                f"(HTTP {response.status_code}): the API user needs the develop permission"
            )

    def _login_flow(self) -> Generator[httpx.Request, httpx.Response, LookerToken]:
        token = self.accept_login((yield self.login_request()))
        if self.workspace is not None:
            self._check_workspace((yield self.workspace_request(token, self.workspace)))
        return token

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            if not self._is_fresh(self._token):
                yield from self._login_flow()
            used = self._token
        assert used is not None
        request.headers["Authorization"] = f"Bearer {used.value.reveal()}"
        response = yield request
        if response.status_code != 401:
            return
        # Expired early, revoked, or expired while the request travelled: log in once more and retry once.
        with self._lock:
            if self._token is used:
                log.info("looker answered 401: logging in again")
                yield from self._login_flow()
            current = self._token
        assert current is not None
        request.headers["Authorization"] = f"Bearer {current.value.reveal()}"
        yield request

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("LookerAuth is for the synchronous httpx.Client")
