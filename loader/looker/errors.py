"""Typed Looker errors whose messages say what to do. They never carry tokens or secrets."""

from __future__ import annotations


class LookerError(Exception):
    """Base of every error the Looker client raises."""


class LookerAuthError(LookerError):
    """Login failed: wrong client id or secret, or the API user lacks the permission."""


class LookerApiError(LookerError):
    """Looker answered with an HTTP error."""

    def __init__(self, message: str, *, status: int, method: str, path: str) -> None:
        super().__init__(message)
        self.status = status
        self.method = method
        self.path = path


class LookerNotFoundError(LookerApiError):
    """404: no such model, explore, project, branch or datagroup (or no permission to see it)."""
