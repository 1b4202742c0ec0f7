"""What the sandbox saw: call counts per org and route, tokens issued, throttles and faults.

``calls`` counts admitted API calls (those that consumed quota, whatever they answered); throttled calls are
counted under their 429 code instead.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from typing import Any


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

    def call(self, org_id: str, route: str) -> None:
        with self._lock:
            self._calls[org_id][route] += 1

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
