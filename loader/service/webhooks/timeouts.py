"""A deadline for a connection's request line and headers, which uvicorn does not have (D126).

uvicorn closes a keep-alive connection that stays idle after a response, but not one that never sends a
request, nor one that drips its headers a byte at a time (each byte cancels the keep-alive timer): thirty
such connections held ``serve`` open for as long as their senders liked. This protocol starts a timer
whenever the connection waits for a request (on connect and after each response) and closes the connection
when no complete request line and headers arrived in time. A request in progress is bounded by the
receiver's own body timeout.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


class _HeaderDeadlineProtocol(H11Protocol):
    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._waits = 0  # how many times the connection started waiting for a request

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        self._arm()  # before: a pipelined request handled inside starts a cycle that re-checks the timer
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._waits += 1
        self._deadline = self.loop.call_later(self.header_timeout, self._expire, self._waits)

    def _waiting_for_request(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _expire(self, wait: int) -> None:
        if wait == self._waits and self._waiting_for_request() and not self.transport.is_closing():
            self.transport.close()


def header_timeout_protocol(seconds: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a ``seconds`` deadline for each request's line and headers."""
    return type("HeaderDeadlineProtocol", (_HeaderDeadlineProtocol,), {"header_timeout": seconds})
