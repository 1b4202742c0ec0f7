"""The accounts server's state: access tokens, grant codes and the per-refresh-token issue limit.

Access tokens and grant codes are bound to the data center (region) that issued them, like Zoho's: another
region's accounts server or API does not know them.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from ml_connector_fakes.zoho.limits import ZohoClock


@dataclass(frozen=True)
class AccessGrant:
    client_id: str
    region: str
    refresh_token: str
    expires_at: float  # Zoho-seconds on the sandbox clock


@dataclass(frozen=True)
class GrantCode:
    client_id: str
    region: str
    expires_at: float


class TokenStore:
    def __init__(self, clock: ZohoClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._access: dict[str, AccessGrant] = {}
        self._codes: dict[str, GrantCode] = {}

    def issue(self, client_id: str, region: str, refresh_token: str, lifetime: float) -> str:
        # Zoho's tokens look like "1000.<hex>.<hex>"; clients must treat them as opaque anyway.
        token = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        with self._lock:
            self._access[token] = AccessGrant(client_id, region, refresh_token, self._clock.now() + lifetime)
        return token

    def lookup(self, token: str, region: str) -> AccessGrant | None:
        """The live grant behind a token used on ``region``'s API; None if unknown, expired or foreign."""
        with self._lock:
            grant = self._access.get(token)
        if grant is None or grant.region != region or grant.expires_at <= self._clock.now():
            return None
        return grant

    def expire_all(self) -> int:
        with self._lock:
            now = self._clock.now()
            count = len(self._access)
            self._access = {
                t: AccessGrant(g.client_id, g.region, g.refresh_token, now) for t, g in self._access.items()
            }
            return count

    def new_code(self, client_id: str, region: str, lifetime: float) -> str:
        code = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        with self._lock:
            self._codes[code] = GrantCode(client_id, region, self._clock.now() + lifetime)
        return code

    def redeem_code(self, code: str, client_id: str, region: str) -> bool:
        """Single use: a code is spent by any redemption attempt that names it with the right client."""
        with self._lock:
            grant = self._codes.get(code)
            if grant is None or grant.client_id != client_id or grant.region != region:
                return False
            del self._codes[code]
            return grant.expires_at > self._clock.now()
