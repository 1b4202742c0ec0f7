"""An access token from the sandbox's token endpoint, the way a client gets one (refresh-token grant)."""

from __future__ import annotations

from typing import Any

import httpx

from loader.demo import sandbox_credentials
from ml_connector_fakes.zoho.server import SandboxServer


def access_token(http: Any, server: SandboxServer, region: str) -> str:
    """``http`` is an ``httpx.Client`` or the ``httpx`` module."""
    credentials = sandbox_credentials(server.dataset, region)
    answer: httpx.Response = http.post(
        f"{server.accounts_url(region)}/oauth/v2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret.reveal(),
            "refresh_token": credentials.refresh_token.reveal(),
        },
    )
    token: str = answer.json()["access_token"]
    return token
