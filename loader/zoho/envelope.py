"""Zoho's answer envelope (``{"code": 0, "message": ..., <root>: ...}``) into a body or a typed error.

Zoho's body code decides, not the HTTP status alone: the same code comes with different statuses, and the
message of each error says what the user can do about it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Final

import httpx

from loader.zoho.errors import (
    ZohoApiError,
    ZohoAuthError,
    ZohoForbiddenError,
    ZohoMalformedResponseError,
    ZohoNotFoundError,
    ZohoOrganizationError,
    ZohoUnavailableError,
)
from loader.zoho.scopes import read_scope

CODE_RATE_LIMIT: Final = 44
CODE_DAILY_LIMIT: Final = 45
CODE_CONCURRENCY: Final = 1070
CODE_NOT_FOUND: Final = 1002
CODE_NOT_AUTHORIZED: Final = 57
CODE_INVALID_URL: Final = 5
CODE_INVALID_VALUE: Final = 2
CODE_NOT_IN_ORGANIZATION: Final = 6041

JsonObject = dict[str, Any]


def error_code(response: httpx.Response) -> int | None:
    """The ``code`` of an error answer's body, if it has one (retries are decided on it)."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None


def check_envelope(path: str, response: httpx.Response, connection: str, organization_id: str) -> JsonObject:
    """The body of a successful answer (numbers with a fraction as ``Decimal``); else the typed error."""
    status = response.status_code
    try:
        body = json.loads(response.content, parse_float=Decimal)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ZohoMalformedResponseError(
            f"Zoho answered {path} with HTTP {status} and a body that is not a JSON object "
            f"({response.headers.get('content-type', 'no content type')}); nothing was kept from it",
            status=status,
            code=None,
            path=path,
        )
    code = body.get("code")
    if code == 0 and status < 400:
        return body
    raise _error(path, status, code, str(body.get("message", "")), connection, organization_id)


def _error(
    path: str, status: int, code: Any, message: str, connection: str, organization_id: str
) -> ZohoApiError | ZohoAuthError:
    """What a refusal means, in the order that tells them apart: a module refused, a token refused, a record
    missing, a module missing from the plan, an organization unknown; else Zoho's own words."""
    known_code = code if isinstance(code, int) else None
    if code == CODE_NOT_AUTHORIZED:
        # With a token that was just renewed (ZohoOAuth renews on a 401), 57 is about this module: the
        # token's scopes or the user's role. Zoho sends it with 401 and sometimes with 400.
        scope = read_scope(path)
        grant = f"the scope {scope}" if scope else "the module's READ scope"
        return ZohoForbiddenError(
            f"Zoho does not let connection {connection!r} read {path.split('/')[0]} "
            f"(HTTP {status}, code {code}: {message}). Grant {grant} to the connection's refresh token "
            "(then `ml-connector auth zoho` with the new token), or give the Zoho user's role "
            "access to this module.",
            status=status,
            code=code,
            path=path,
            scope=scope,
        )
    if status == 401:
        return ZohoAuthError(
            f"Zoho refused the access token for organization {organization_id} even after renewing "
            f"it (code {code}: {message}). The refresh token lacks a scope or was revoked: grant "
            "the ZohoBooks read scopes and run `ml-connector auth zoho` again."
        )
    if code == CODE_NOT_FOUND:
        return ZohoNotFoundError(
            f"Zoho has no such record at {path} (code {code}: {message})", status=status, code=code, path=path
        )
    if status == 404:
        # Not a missing record (that is code 1002): Zoho does not serve this path to the organization.
        return ZohoUnavailableError(
            f"Zoho does not serve {path} to organization {organization_id} (HTTP 404, code {code}: "
            f"{message}): the organization's plan or edition may lack the module. Upgrade the plan, or "
            "leave the entity out of the sync (`--entities`).",
            status=status,
            code=known_code,
            path=path,
        )
    if code == CODE_NOT_IN_ORGANIZATION or (code == CODE_INVALID_VALUE and "organization" in message.lower()):
        return ZohoOrganizationError(
            f"Zoho does not know organization {organization_id} for connection {connection!r} (code {code}: "
            f"{message}). Check organization_id and region in ml-connector.toml: `GET /organizations` lists "
            "the ids this login can see.",
            status=status,
            code=code,
            path=path,
        )
    return ZohoApiError(
        f"Zoho answered {path} with HTTP {status}, code {code}: {message}",
        status=status,
        code=known_code,
        path=path,
    )
