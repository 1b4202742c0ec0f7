"""Injected faults: what a flaky network and Zoho's gateways do to API calls.

Each API call gets a sequence number; its fault is drawn from ``random.Random`` seeded with the fault seed and
that number, so the same calls in the same order meet the same faults, whatever the timing.

* 5xx: a third each of 500 with Zoho's JSON error (code 1000), and 502 / 503 with an HTML page, as a load
  balancer sends them (a client must not assume an error body is JSON).
* slow: the answer waits ``slow_seconds`` (real seconds) while the call still holds its in-flight slot.
* drop: headers with a Content-Length go out, then half the body, then the connection is closed: the client
  sees a protocol error (incomplete body), as when a proxy resets a connection.
* late: the call waits ``late_seconds`` (real seconds) *before* Zoho counts it against the limits, as a call
  delayed on the network arrives after calls sent later. Drawn from its own sequence (every call that
  reaches the gateway, admitted or not), so it leaves the other faults' draws as they were.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import Enum

from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send

from ml_connector_fakes.zoho import jsonenc
from ml_connector_fakes.zoho.config import FaultConfig


class FaultKind(Enum):
    NONE = "none"
    ERROR_500 = "500"
    ERROR_502 = "502"
    ERROR_503 = "503"
    DROP = "drop"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    slow: bool


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sequence = 0
        self._arrivals = 0

    def arrives_late(self, config: FaultConfig) -> bool:
        if config.late_rate <= 0:
            return False
        with self._lock:
            self._arrivals += 1
            arrival = self._arrivals
        return random.Random(f"{config.seed}:late:{arrival}").random() < config.late_rate

    def draw(self, config: FaultConfig) -> Fault:
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
        # One generator per call, seeded by (seed, sequence): independent of thread interleaving.
        rng = random.Random(f"{config.seed}:{sequence}")
        outcome, slow_draw, flavour = rng.random(), rng.random(), rng.random()
        if outcome < config.error_rate:
            kind = (FaultKind.ERROR_500, FaultKind.ERROR_502, FaultKind.ERROR_503)[int(flavour * 3)]
        elif outcome < config.error_rate + config.drop_rate:
            kind = FaultKind.DROP
        else:
            kind = FaultKind.NONE
        return Fault(kind, slow_draw < config.slow_rate)


_GATEWAY_PAGE = (
    "<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center>"
    "<hr><center>ZGS</center></body></html>"
)


def error_response(kind: FaultKind) -> Response:
    if kind is FaultKind.ERROR_500:
        body = jsonenc.dumps_bytes({"code": 1000, "message": "Internal Error"})
        return Response(body, status_code=500, media_type="application/json;charset=UTF-8")
    status, reason = (
        (502, "Bad Gateway") if kind is FaultKind.ERROR_502 else (503, "Service Temporarily Unavailable")
    )
    return HTMLResponse(_GATEWAY_PAGE.format(status=status, reason=reason), status_code=status)


class DroppedResponse(Response):
    """Sends the headers of ``full`` (Content-Length included) and half its body, then stops.

    Returning from the ASGI call with the body incomplete makes the server close the connection.
    """

    def __init__(self, full: Response) -> None:
        super().__init__(full.body, status_code=full.status_code, headers=dict(full.headers))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send(
            {"type": "http.response.body", "body": self.body[: len(self.body) // 2], "more_body": True}
        )
