"""ZohoOAuth driven as a generator: no network, a clock the test controls."""

from __future__ import annotations

import httpx
import pytest

from loader.secret import Secret
from loader.zoho.auth import MemoryTokenCache, ZohoCredentials, ZohoOAuth, parse_token_response
from loader.zoho.errors import ZohoAuthError, ZohoTokenLimitError

ACCOUNTS = "https://accounts.zoho.eu"
CREDS = ZohoCredentials("1000.CLIENT", Secret("client-secret-value"), Secret("refresh-token-value"))


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def token_response(request: httpx.Request, token: str, expires_in: int = 3600) -> httpx.Response:
    body = {"access_token": token, "api_domain": "https://www.zohoapis.eu", "expires_in": expires_in}
    return httpx.Response(200, json=body, request=request)


def api_request() -> httpx.Request:
    return httpx.Request("GET", "https://www.zohoapis.eu/books/v3/invoices?organization_id=1")


def test_first_request_mints_a_token_then_sends_with_it() -> None:
    auth = ZohoOAuth(ACCOUNTS, CREDS, clock=Clock())
    flow = auth.sync_auth_flow(api_request())
    token_request = next(flow)
    assert token_request.method == "POST"
    assert str(token_request.url) == "https://accounts.zoho.eu/oauth/v2/token"
    form = dict(httpx.QueryParams(token_request.content.decode()))
    assert form == {
        "grant_type": "refresh_token",
        "client_id": "1000.CLIENT",
        "client_secret": "client-secret-value",
        "refresh_token": "refresh-token-value",
    }
    sent = flow.send(token_response(token_request, "tok-1"))
    assert sent.headers["Authorization"] == "Zoho-oauthtoken tok-1"
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200, json={"code": 0}, request=sent))
    assert auth.api_domain == "https://www.zohoapis.eu"
    assert auth.tokens_minted == 1


def test_token_is_reused_until_five_minutes_before_expiry() -> None:
    clock = Clock()
    auth = ZohoOAuth(ACCOUNTS, CREDS, clock=clock)
    flow = auth.sync_auth_flow(api_request())
    flow.send(token_response(next(flow), "tok-1"))

    clock.now += 3600 - 301  # 5 min 1 s before expiry: still fresh
    flow = auth.sync_auth_flow(api_request())
    assert next(flow).headers["Authorization"] == "Zoho-oauthtoken tok-1"

    clock.now += 2  # now inside the 5-minute margin: renewed before use, proactively
    flow = auth.sync_auth_flow(api_request())
    renewal = next(flow)
    assert renewal.url.path == "/oauth/v2/token"
    assert flow.send(token_response(renewal, "tok-2")).headers["Authorization"] == "Zoho-oauthtoken tok-2"
    assert auth.tokens_minted == 2


def test_a_401_renews_once_and_retries_once() -> None:
    auth = ZohoOAuth(ACCOUNTS, CREDS, clock=Clock())
    flow = auth.sync_auth_flow(api_request())
    first = flow.send(token_response(next(flow), "tok-1"))
    renewal = flow.send(httpx.Response(401, json={"code": 57}, request=first))
    assert renewal.url.path == "/oauth/v2/token"
    retried = flow.send(token_response(renewal, "tok-2"))
    assert retried.headers["Authorization"] == "Zoho-oauthtoken tok-2"
    # A second 401 ends the flow: the caller reports it, no third attempt.
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(401, json={"code": 57}, request=retried))
    assert auth.tokens_minted == 2


def test_cached_token_survives_a_new_auth_object() -> None:
    cache = MemoryTokenCache()
    clock = Clock()
    first = ZohoOAuth(ACCOUNTS, CREDS, cache, clock=clock)
    flow = first.sync_auth_flow(api_request())
    flow.send(token_response(next(flow), "tok-1"))

    second = ZohoOAuth(ACCOUNTS, CREDS, cache, clock=clock)
    flow = second.sync_auth_flow(api_request())
    assert next(flow).headers["Authorization"] == "Zoho-oauthtoken tok-1"
    assert second.tokens_minted == 0


@pytest.mark.parametrize(
    ("status", "body", "error", "words"),
    [
        (200, {"error": "invalid_client"}, ZohoAuthError, "client id or client secret"),
        (200, {"error": "invalid_code"}, ZohoAuthError, "refresh token"),
        (
            200,
            {"error": "Access Denied", "error_description": "You have made too many requests continuously."},
            ZohoTokenLimitError,
            "ten minutes",
        ),
        (
            400,
            {
                "error": "Access Denied",
                "error_description": "You have made too many requests continuously...",
                "status": "failure",
            },
            ZohoTokenLimitError,
            "ten minutes",
        ),
        # Localized: neither the error nor the description is English; the shape says what it is.
        (
            400,
            {"error": "拒绝访问", "error_description": "您连续发出了太多请求。", "status": "failure"},
            ZohoTokenLimitError,
            "ten minutes",
        ),
        (502, None, ZohoAuthError, "not JSON"),
        (400, {"status": "failure"}, ZohoAuthError, "without an access token"),
    ],
)
def test_token_endpoint_errors_become_clear_messages(
    status: int, body: dict[str, str] | None, error: type[Exception], words: str
) -> None:
    request = httpx.Request("POST", ACCOUNTS + "/oauth/v2/token")
    response = (
        httpx.Response(status, json=body, request=request)
        if body is not None
        else httpx.Response(status, text="<html>Bad Gateway</html>", request=request)
    )
    with pytest.raises(error, match=words) as caught:
        parse_token_response(response)
    assert "refresh-token-value" not in str(caught.value)


def test_repr_shows_no_secret() -> None:
    auth = ZohoOAuth(ACCOUNTS, CREDS)
    text = repr(auth) + repr(CREDS)
    assert "client-secret-value" not in text
    assert "refresh-token-value" not in text
    assert "1000.CLIENT" in text


LIMITED = {"error": "拒绝访问", "error_description": "您连续发出了太多请求。", "status": "failure"}


def test_too_many_tokens_waits_and_asks_again_then_proceeds() -> None:
    slept: list[float] = []
    auth = ZohoOAuth(ACCOUNTS, CREDS, clock=Clock(), sleep=slept.append, limit_waits=(5.0, 10.0))
    flow = auth.sync_auth_flow(api_request())
    first = next(flow)
    second = flow.send(httpx.Response(400, json=LIMITED, request=first))
    assert second.url.path == "/oauth/v2/token"
    third = flow.send(httpx.Response(400, json=LIMITED, request=second))
    assert third.url.path == "/oauth/v2/token"
    sent = flow.send(token_response(third, "tok-1"))
    assert sent.headers["Authorization"] == "Zoho-oauthtoken tok-1"
    assert slept == [5.0, 10.0]
    assert auth.tokens_minted == 1


def test_too_many_tokens_past_the_waits_is_a_clear_error() -> None:
    slept: list[float] = []
    auth = ZohoOAuth(ACCOUNTS, CREDS, clock=Clock(), sleep=slept.append, limit_waits=(5.0,))
    flow = auth.sync_auth_flow(api_request())
    first = next(flow)
    second = flow.send(httpx.Response(400, json=LIMITED, request=first))
    with pytest.raises(ZohoTokenLimitError, match=r"tried 2 times over 5 s\)\. Wait ten minutes") as caught:
        flow.send(httpx.Response(400, json=LIMITED, request=second))
    assert slept == [5.0]
    assert "refresh-token-value" not in str(caught.value)


def test_a_token_refused_right_after_a_401_renewal_is_not_renewed_again() -> None:
    # Code 57 from a module the token's scopes or the user's role do not cover: a fresh token gets it
    # too, so one renewal settles it and later refusals mint nothing (Zoho allows ~10 per 10 minutes).
    auth = ZohoOAuth(ACCOUNTS, CREDS, clock=Clock())
    flow = auth.sync_auth_flow(api_request())
    first = flow.send(token_response(next(flow), "tok-1"))
    renewal = flow.send(httpx.Response(401, json={"code": 57}, request=first))
    retried = flow.send(token_response(renewal, "tok-2"))
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(401, json={"code": 57}, request=retried))

    other = auth.sync_auth_flow(api_request())
    sent = next(other)
    assert sent.headers["Authorization"] == "Zoho-oauthtoken tok-2"
    with pytest.raises(StopIteration):  # no renewal: the 401 goes to the caller as it is
        other.send(httpx.Response(401, json={"code": 57}, request=sent))
    assert auth.tokens_minted == 2
