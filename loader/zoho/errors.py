"""Typed Zoho errors whose messages tell the user what to do.

Messages never include tokens or secrets: they are built from Zoho's code and message, the
connection name and the organization id only.
"""

from __future__ import annotations


class ZohoError(Exception):
    """Base of every error the Zoho client raises."""


class ZohoAuthError(ZohoError):
    """The credentials do not work: wrong client, revoked or wrong-region refresh token, missing scope."""


class ZohoTokenLimitError(ZohoAuthError):
    """Zoho refused to mint another access token (too many within ten minutes)."""


class ZohoApiError(ZohoError):
    """A non-zero code in Zoho's envelope, or an HTTP error with no retry left."""

    def __init__(self, message: str, *, status: int, code: int | None, path: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.path = path


class ZohoNotFoundError(ZohoApiError):
    """Code 1002: the record does not exist (deleted, or a wrong id)."""


class ZohoUnavailableError(ZohoApiError):
    """A list Zoho does not serve to this organization (HTTP 404 on the list itself): the plan or the
    edition lacks the module, or the path is wrong."""


class ZohoForbiddenError(ZohoApiError):
    """Code 57 with a token that works: the refresh token lacks the module's scope, or the user's role
    has no access to the module. Zoho sends it with HTTP 401, sometimes 400."""

    def __init__(self, message: str, *, status: int, code: int | None, path: str, scope: str | None) -> None:
        super().__init__(message, status=status, code=code, path=path)
        self.scope = scope


class ZohoOrganizationError(ZohoApiError):
    """Code 2 on organization_id or 6041: the organization id is wrong or not visible to this login."""


class ZohoRateLimitError(ZohoApiError):
    """429s that outlasted the retry budget."""


class ZohoDailyLimitError(ZohoApiError):
    """Code 45: the organization's daily call cap is spent. A stop, not a retry."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: int | None,
        path: str,
        organization_id: str,
        calls_today: int,
        daily_limit: int | None,
        resets_in_seconds: float | None,
    ) -> None:
        super().__init__(message, status=status, code=code, path=path)
        self.organization_id = organization_id
        self.calls_today = calls_today
        self.daily_limit = daily_limit
        self.resets_in_seconds = resets_in_seconds


class ZohoTransientError(ZohoApiError):
    """5xx, timeouts and dropped connections that outlasted the retry budget."""


class ZohoMalformedResponseError(ZohoApiError):
    """A response that is not Zoho's JSON envelope (an HTML gateway page, truncated JSON, a missing root)."""
