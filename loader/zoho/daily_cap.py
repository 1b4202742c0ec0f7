"""``daily_call_limit``: the sync stops before the organization's configured daily cap, not at Zoho's refusal.

Zoho refuses a plan's calls past its daily cap (code 45) and the client stops cleanly then. Some plans share
the cap with other integrations, so a connection may set a lower cap of its own in ``ml-connector.toml``:
this counter lets the client send no request past it. The calls of earlier runs today come from the state
store (``StateStore.usage``, per UTC day), which each client flushes every few calls; a run started while
another is sending may therefore overshoot by at most that other run's unflushed calls.
"""

from __future__ import annotations

import threading

from loader.zoho.errors import ZohoDailyLimitError


class DailyCap:
    """Calls one client may still send today under its connection's ``daily_call_limit``. Thread-safe."""

    def __init__(self, connection: str, organization_id: str, limit: int, used_before: int) -> None:
        self.connection = connection
        self.organization_id = organization_id
        self.limit = limit
        self.used_before = used_before  # calls counted earlier today (UTC) for this connection and org
        self.sent = 0  # requests this client sent under the cap, retries included
        self._lock = threading.Lock()

    def take(self, path: str) -> None:
        """Count one request about to be sent; raises ``ZohoDailyLimitError`` instead when none is left."""
        with self._lock:
            if self.used_before + self.sent >= self.limit:
                raise self._reached(path)
            self.sent += 1

    def _reached(self, path: str) -> ZohoDailyLimitError:
        used = self.used_before + self.sent
        return ZohoDailyLimitError(
            f"The daily_call_limit of {self.limit} set for connection {self.connection!r} is reached "
            f"({used} calls today, UTC, {self.sent} by this run), so the sync stops before Zoho would. What "
            "was loaded is kept; the next run continues where this one stopped tomorrow, or raise "
            "daily_call_limit in ml-connector.toml.",
            status=0,
            code=None,
            path=path,
            organization_id=self.organization_id,
            calls_today=used,
            daily_limit=self.limit,
            resets_in_seconds=None,
        )
