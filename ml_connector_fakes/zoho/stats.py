"""What the sandbox saw: call counts per org and route, tokens issued, throttles and faults.

``calls`` counts admitted API calls (those that consumed quota, whatever they answered); throttled calls are
counted under their 429 code instead. ``requests`` keeps the last ``REQUEST_LOG_SIZE`` admitted calls with
their query parameters (what tests assert a sync asked, e.g. the ledger's date window).
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict, deque
from collections.abc import Mapping
from typing import Any

REQUEST_LOG_SIZE = 20_000


class SandboxStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._calls: defaultdict[str, Counter[str]] = defaultdict(Counter)
            self._tokens_issued = 0
            self._throttled: Counter[str] = Counter({"44": 0, "45": 0, "1070": 0})
            self._faults: Counter[str] = Counter({"5xx": 0, "slow": 0, "drop": 0, "late": 0})
            self._requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)

    def call(self, org_id: str, route: str, params: Mapping[str, str] | None = None) -> None:
        with self._lock:
            self._calls[org_id][route] += 1
            entry = {"organization_id": org_id, "route": route, "params": dict(params or {})}
            self._requests.append(entry)

    def requests(self, route: str | None = None) -> list[dict[str, Any]]:
        """The logged calls, oldest first (only those of ``route`` when given)."""
        with self._lock:
            return [dict(r) for r in self._requests if route is None or r["route"] == route]

    def token_issued(self) -> None:
        with self._lock:
            self._tokens_issued += 1

    def throttled(self, code: int) -> None:
        with self._lock:
            self._throttled[str(code)] += 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] += 1

    def snapshot(self, max_in_flight: dict[str, int]) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": {org: dict(routes) for org, routes in self._calls.items()},
                "calls_total": sum(sum(routes.values()) for routes in self._calls.values()),
                "tokens_issued": self._tokens_issued,
                "throttled": dict(self._throttled),
                "faults": dict(self._faults),
                "max_in_flight": max_in_flight,
            }
