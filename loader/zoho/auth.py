"""OAuth2 for Zoho: the refresh-token grant, the authorization-code exchange, and an ``httpx.Auth``
that caches the access token per connection and renews it before it expires.

Zoho mints at most about ten access tokens per refresh token in ten minutes, so the token is cached
(in memory and, through ``TokenCache``, in the vault) and renewed only when it is within
``refresh_margin`` seconds of expiry or when the API answers 401 — never per request.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Protocol

import httpx

from loader.secret import Secret
from loader.zoho.errors import ZohoAuthError, ZohoTokenLimitError

log = logging.getLogger(__name__)

TOKEN_PATH = "/oauth/v2/token"  # noqa: S105 - a URL path, not a password
DEFAULT_REFRESH_MARGIN = 300.0  # seconds before expiry at which the token is renewed
# After Zoho's "too many requests" on the token endpoint: wait this long (Zoho seconds) before each new try.
# Zoho counts tokens over ten minutes; three waits that add up to seven give an older token time to age out.
TOKEN_LIMIT_WAITS: tuple[float, ...] = (60.0, 120.0, 240.0)
_OAUTH_ERROR_CODE = re.compile(r"[a-z_]+")

# What Zoho's token endpoint says, in words a user can act on.
_TOKEN_ERROR_ADVICE = {
    "invalid_client": "the client id or client secret is wrong, or the client belongs to another Zoho data "
    "center: check the connection's region and run `ml-connector auth zoho` again",
    "invalid_code": "the refresh token (or grant code) is invalid, revoked, expired or from another data "
    "center: create a new one in Zoho's API console and run `ml-connector auth zoho` again",
    "invalid_redirect_uri": "the redirect URI does not match the one registered for the client",
    "invalid_client_secret": "the client secret is wrong: run `ml-connector auth zoho` again",
}


@dataclass(frozen=True)
class ZohoCredentials:
    client_id: str
    client_secret: Secret
    refresh_token: Secret


@dataclass(frozen=True)
class AccessToken:
    value: Secret
    expires_at: float  # on the clock the auth was built with (epoch seconds by default)
    api_domain: str | None


@dataclass(frozen=True)
class TokenGrant:
    access_token: Secret
    expires_in: int
    api_domain: str | None
    refresh_token: Secret | None  # only the code exchange returns one


class TokenCache(Protocol):
    """Where a connection's access token outlives one process (the vault, in the CLI)."""

    def load(self) -> AccessToken | None: ...
    def save(self, token: AccessToken) -> None: ...


class MemoryTokenCache:
    def __init__(self) -> None:
        self._token: AccessToken | None = None

    def load(self) -> AccessToken | None:
        return self._token

    def save(self, token: AccessToken) -> None:
        self._token = token


def _is_token_limit(status: int, body: dict[str, object]) -> bool:
    """Zoho's "too many requests" answer: HTTP 400 (seen with 200 too) ``{"error": "Access Denied",
    "error_description": "You have made too many requests continuously...", "status": "failure"}``. The
    ``error`` and description may be localized ("拒绝访问"), so the shape decides: OAuth's own errors are
    snake_case codes (``invalid_code``), this one is words with ``"status": "failure"``."""
    error = str(body.get("error") or "")
    description = str(body.get("error_description") or "")
    if error.lower() == "access denied" or "too many requests" in description.lower():
        return True
    return (
        status in (200, 400)
        and body.get("status") == "failure"
        and bool(error)
        and not _OAUTH_ERROR_CODE.fullmatch(error)
    )


def parse_token_response(response: httpx.Response) -> TokenGrant:
    """Turn the token endpoint's answer into a grant, or a ``ZohoAuthError`` saying what to do.

    Zoho reports token errors in the body, often with HTTP 200, so the body decides, not the status.
    """
    try:
        body = json.loads(response.content)
    except ValueError:
        raise ZohoAuthError(
            f"Zoho's token endpoint answered HTTP {response.status_code} with a body that is not JSON; "
            "check the connection's region or accounts_url"
        ) from None
    if not isinstance(body, dict):
        raise ZohoAuthError("Zoho's token endpoint answered with an unexpected body")
    error = body.get("error")
    if error:
        if _is_token_limit(response.status_code, body):
            raise ZohoTokenLimitError(
                "Zoho refused a new access token: too many were requested in the last ten minutes. "
                "Wait ten minutes and retry; if it recurs, another process is refreshing the same token."
            )
        advice = _TOKEN_ERROR_ADVICE.get(str(error), "check the connection's credentials and region")
        raise ZohoAuthError(f"Zoho rejected the credentials ({error}): {advice}")
    if response.status_code >= 400 or "access_token" not in body:
        raise ZohoAuthError(
            f"Zoho's token endpoint answered HTTP {response.status_code} without an access token; "
            "check the connection's region or accounts_url"
        )
    refresh = body.get("refresh_token")
    return TokenGrant(
        access_token=Secret(str(body["access_token"])),
        expires_in=int(body.get("expires_in", 3600)),
        api_domain=body.get("api_domain"),
        refresh_token=Secret(str(refresh)) if refresh else None,
    )


def token_url(accounts_url: str) -> str:
    return accounts_url.rstrip("/") + TOKEN_PATH


def exchange_grant_code(
    accounts_url: str,
    client_id: str,
    client_secret: Secret,
    code: Secret,
    redirect_uri: str | None,
    transport: httpx.BaseTransport | None = None,
) -> TokenGrant:
    """The authorization-code exchange, done once by ``ml-connector auth zoho --grant-code``."""
    form = {
        "grant_type": "authorization_code",
        "client_id": client_id,
        "client_secret": client_secret.reveal(),
        "code": code.reveal(),
    }
    if redirect_uri:
        form["redirect_uri"] = redirect_uri
    try:
        with httpx.Client(transport=transport, timeout=30.0) as http:
            response = http.post(token_url(accounts_url), data=form)
    except httpx.HTTPError as exc:
        raise ZohoAuthError(
            f"could not reach Zoho's accounts server {accounts_url}: {type(exc).__name__}"
        ) from None
    grant = parse_token_response(response)
    if grant.refresh_token is None:
        raise ZohoAuthError("Zoho exchanged the grant code but returned no refresh token; request a new code")
    return grant


class ZohoOAuth(httpx.Auth):
    """Adds ``Authorization: Zoho-oauthtoken ...`` and keeps the token fresh.

    The flow yields the token request itself (no I/O of its own), so a 401 costs exactly one refresh and
    one retry. One instance is shared by every thread of a connection; the lock makes sure a burst of
    requests around expiry mints one token, not one each.
    """

    requires_response_body = True

    def __init__(
        self,
        accounts_url: str,
        credentials: ZohoCredentials,
        cache: TokenCache | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        limit_waits: tuple[float, ...] = TOKEN_LIMIT_WAITS,
    ) -> None:
        self._token_url = token_url(accounts_url)
        self._credentials = credentials
        self._cache = cache or MemoryTokenCache()
        self._clock = clock
        self._margin = refresh_margin
        self._sleep = sleep
        self._limit_waits = limit_waits
        self._lock = threading.RLock()
        self._token: AccessToken | None = self._cache.load()
        # A token minted on a 401 whose retry got a 401 too: the refusals are about modules (code 57, a
        # scope or a role), not the token, so further 401s with it do not mint more (Zoho allows ~10 per
        # 10 minutes, and one unreadable module per entity would spend them).
        self._refused_after_renewal: AccessToken | None = None
        self.tokens_minted = 0

    def __repr__(self) -> str:
        return f"ZohoOAuth(token_url={self._token_url!r}, client_id={self._credentials.client_id!r})"

    @property
    def api_domain(self) -> str | None:
        return self._token.api_domain if self._token else None

    def _is_fresh(self, token: AccessToken | None) -> bool:
        return token is not None and token.expires_at - self._margin > self._clock()

    def token_request(self) -> httpx.Request:
        creds = self._credentials
        form = {
            "grant_type": "refresh_token",
            "client_id": creds.client_id,
            "client_secret": creds.client_secret.reveal(),
            "refresh_token": creds.refresh_token.reveal(),
        }
        return httpx.Request("POST", self._token_url, data=form)

    def _minted(self, send: Callable[[httpx.Request], httpx.Response]) -> AccessToken:
        """A new token, each request of ``_mint_in_flow`` sent with ``send``."""
        flow = self._mint_in_flow()
        request = next(flow)
        while True:
            try:
                request = flow.send(send(request))
            except StopIteration as done:
                token: AccessToken = done.value
                return token

    def accept_token_response(self, response: httpx.Response) -> AccessToken:
        # A response yielded back into an auth flow arrives unread (httpx streams it); reading here is a
        # no-op for one that was already read.
        response.read()
        grant = parse_token_response(response)
        token = AccessToken(
            value=grant.access_token,
            expires_at=self._clock() + grant.expires_in,
            api_domain=grant.api_domain or (self._token.api_domain if self._token else None),
        )
        self._token = token
        self.tokens_minted += 1
        self._cache.save(token)
        log.info("zoho access token renewed", extra={"expires_in": grant.expires_in})
        return token

    def ensure_token(self, http: httpx.Client) -> AccessToken:
        """Make sure a fresh token is held, fetching one with ``http`` if not (used before the first
        API call, when the API host is still to be learnt from ``api_domain``)."""
        with self._lock:
            if self._is_fresh(self._token):
                assert self._token is not None
                return self._token
            return self._minted(lambda request: http.send(request, auth=None))

    def _mint_in_flow(self) -> Generator[httpx.Request, httpx.Response, AccessToken]:
        """A new token: yields the token request (httpx sends it, or ``_minted`` does) and, while Zoho says
        too many were requested, waits and asks again a bounded number of times."""
        for wait in (*self._limit_waits, None):
            try:
                return self.accept_token_response((yield self.token_request()))
            except ZohoTokenLimitError:
                if wait is None:
                    raise ZohoTokenLimitError(
                        "Zoho refused a new access token: too many were requested in the last ten minutes "
                        f"(tried {len(self._limit_waits) + 1} times over {sum(self._limit_waits):.0f} s). "
                        "Wait ten minutes and retry; if it recurs, another process is refreshing the same "
                        "token."
                    ) from None
                log.warning(
                    "zoho token endpoint: too many tokens requested, waiting %.1f s before trying again",
                    wait,
                )
                self._sleep(wait)
        raise AssertionError("unreachable")

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            if not self._is_fresh(self._token):
                yield from self._mint_in_flow()
            used = self._token
        assert used is not None
        request.headers["Authorization"] = f"Zoho-oauthtoken {used.value.reveal()}"
        response = yield request
        if response.status_code != 401:
            return
        # A dead token (revoked, expired early, or expired while the request waited): renew once,
        # unless another thread already did, and retry once. A second 401 is the caller's to report.
        with self._lock:
            if self._token is used:
                if used is self._refused_after_renewal:
                    return  # a module this token may not read: the caller reports it
                log.info("zoho answered 401: renewing the access token once")
                yield from self._mint_in_flow()
            current = self._token
        assert current is not None
        request.headers["Authorization"] = f"Zoho-oauthtoken {current.value.reveal()}"
        retried = yield request
        if retried.status_code == 401 and current is not used:
            with self._lock:
                self._refused_after_renewal = current

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("ZohoOAuth is for the synchronous httpx.Client")
