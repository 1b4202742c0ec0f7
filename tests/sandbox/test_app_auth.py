"""The accounts server and API authentication, over HTTP."""

from __future__ import annotations

import time

import httpx

from ml_connector_fakes.zoho.server import SandboxServer

from .conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    EU_REFRESH,
    US_ORG,
    Api,
    SandboxFactory,
    access_token,
    request_token,
)


def test_refresh_grant_returns_a_bearer_token_and_the_regions_api_domain(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    response = request_token(http, sandbox, "eu")
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["api_domain"] == f"{sandbox.base_url}/eu"
    assert body["api_domain"] + "/books/v3" == sandbox.api_base_url("eu")
    assert "refresh_token" not in body
    assert body["access_token"].startswith("1000.")


def test_token_fields_may_come_as_query_parameters(http: httpx.Client, sandbox: SandboxServer) -> None:
    params = {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": EU_REFRESH,
    }
    body = http.post(f"{sandbox.accounts_url('eu')}/oauth/v2/token", params=params).json()
    assert body["api_domain"] == sandbox.accounts_url("eu")


def test_wrong_client_secret_is_invalid_client_with_http_200(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    response = request_token(http, sandbox, client_secret="nope")
    assert (response.status_code, response.json()) == (200, {"error": "invalid_client"})


def test_unknown_refresh_token_is_invalid_code(http: httpx.Client, sandbox: SandboxServer) -> None:
    response = request_token(http, sandbox, refresh_token="1000.made-up")
    assert (response.status_code, response.json()) == (200, {"error": "invalid_code"})


def test_refresh_token_of_another_region_fails_like_a_wrong_one(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    response = request_token(http, sandbox, "us", refresh_token=EU_REFRESH)
    assert response.json() == {"error": "invalid_code"}


def test_token_limit_answers_access_denied_with_http_400_until_the_window_passes(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    # time_scale 600: the ten-Zoho-minute token window lasts one real second.
    sandbox = start_sandbox(tokens_per_window=3, time_scale=600)
    assert all("access_token" in request_token(http, sandbox).json() for _ in range(3))
    refused = request_token(http, sandbox)
    assert refused.status_code == 400  # as recorded (zoho-real-shapes.md, 'Errors and limits')
    assert refused.json() == {
        "error": "Access Denied",
        "error_description": "You have made too many requests continuously. "
        "Please try again after some time.",
        "status": "failure",
    }
    assert "access_token" in request_token(http, sandbox, "eu").json()  # limits are per refresh token
    assert sandbox.stats()["tokens_issued"] == 4
    time.sleep(1.1)
    assert "access_token" in request_token(http, sandbox).json()


def test_grant_code_exchange_returns_a_working_refresh_token_once(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    code = sandbox.grant_code("us", CLIENT_ID)
    form = {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code": code,
    }
    url = f"{sandbox.accounts_url('us')}/oauth/v2/token"
    body = http.post(url, data={**form, "redirect_uri": "http://127.0.0.1/callback"}).json()
    assert body["refresh_token"] in sandbox.dataset.refresh_tokens
    assert body["api_domain"] == sandbox.accounts_url("us")
    again = request_token(http, sandbox, refresh_token=body["refresh_token"]).json()
    assert "access_token" in again
    assert http.post(url, data=form).json() == {"error": "invalid_code"}  # single use


def test_grant_code_fails_at_another_region_and_after_two_zoho_minutes(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    sandbox = start_sandbox(time_scale=120)  # two Zoho-minutes = one real second
    form = {"grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    code = sandbox.grant_code("us", CLIENT_ID)
    at_eu = http.post(f"{sandbox.accounts_url('eu')}/oauth/v2/token", data={**form, "code": code})
    assert at_eu.json() == {"error": "invalid_code"}
    late = sandbox.grant_code("us", CLIENT_ID)
    time.sleep(1.1)
    expired = http.post(f"{sandbox.accounts_url('us')}/oauth/v2/token", data={**form, "code": late})
    assert expired.json() == {"error": "invalid_code"}


def test_wrong_redirect_uri_is_refused(http: httpx.Client, sandbox: SandboxServer) -> None:
    code = sandbox.grant_code("us", CLIENT_ID)
    form = {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code": code,
        "redirect_uri": "https://evil.example/cb",
    }
    body = http.post(f"{sandbox.accounts_url('us')}/oauth/v2/token", data=form).json()
    assert body == {"error": "invalid_redirect_uri"}


def _auth_error(response: httpx.Response) -> tuple[int, int]:
    return response.status_code, response.json()["code"]


def test_missing_and_malformed_authorization(http: httpx.Client, sandbox: SandboxServer) -> None:
    url = f"{sandbox.api_base_url('us')}/invoices"
    params = {"organization_id": US_ORG}
    assert _auth_error(http.get(url, params=params)) == (401, 57)
    token = access_token(http, sandbox)
    assert _auth_error(http.get(url, params=params, headers={"Authorization": f"Bearer {token}"})) == (
        401,
        14,
    )
    unknown = http.get(url, params=params, headers={"Authorization": "Zoho-oauthtoken 1000.nope"})
    assert _auth_error(unknown) == (401, 57)
    assert unknown.json()["message"] == "You are not authorized to perform this operation"


def test_a_token_works_only_on_its_own_regions_api(http: httpx.Client, sandbox: SandboxServer) -> None:
    token = access_token(http, sandbox, "us")
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    assert http.get(f"{sandbox.api_base_url('us')}/organizations", headers=headers).status_code == 200
    assert _auth_error(http.get(f"{sandbox.api_base_url('eu')}/organizations", headers=headers)) == (401, 57)


def test_expire_tokens_makes_every_token_401(http: httpx.Client, start_sandbox: SandboxFactory) -> None:
    sandbox = start_sandbox()
    api = Api(http, sandbox)
    assert api.get("/invoices").status_code == 200
    assert sandbox.expire_tokens() == 1
    assert _auth_error(api.get("/invoices")) == (401, 57)


def test_access_tokens_die_after_their_lifetime_in_zoho_time(
    http: httpx.Client, start_sandbox: SandboxFactory
) -> None:
    sandbox = start_sandbox(time_scale=3600)  # a Zoho-hour is a real second
    api = Api(http, sandbox)
    assert api.get("/organizations", org=None).status_code == 200
    time.sleep(1.1)
    assert _auth_error(api.get("/organizations", org=None)) == (401, 57)
