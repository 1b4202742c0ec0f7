"""Knobs of the sandbox: Zoho's limits (scaled in time), its quirks, and injected faults.

Durations are in Zoho-seconds: the sandbox's clock runs ``time_scale`` times faster than the real one, so
with ``time_scale=60`` a Zoho-minute (a rate window) lasts one real second and a Zoho-hour (a token's life)
one real minute. ``FaultConfig.slow_seconds`` and ``late_seconds`` are the exception: real seconds, as they
simulate a slow network.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

ZOHO_MINUTE = 60.0
ZOHO_DAY = 86_400.0


class ConfigError(ValueError):
    """A partial update names an unknown setting or gives it a value of the wrong type."""


@dataclass
class FaultConfig:
    """Faults injected into API calls (never the token endpoint or the admin API).

    Each API call draws from ``random.Random`` seeded by ``seed`` and the call's sequence number, so a run
    with the same calls in the same order meets the same faults.
    """

    error_rate: float = 0.0  # share of calls answered with a 5xx (500 JSON, 502/503 HTML)
    slow_rate: float = 0.0  # share of calls delayed by slow_seconds before being answered
    slow_seconds: float = 0.0  # real seconds
    drop_rate: float = 0.0  # share of calls whose connection is cut mid-body
    # share of calls held late_seconds on the way in, before Zoho counts them against its limits: the
    # network delay between a client's send and Zoho's gateway, which a client cannot see
    late_rate: float = 0.0
    late_seconds: float = 0.0  # real seconds
    seed: int = 0


@dataclass
class SandboxConfig:
    time_scale: float = 1.0
    per_minute_limit: int = 100  # per org, rolling Zoho-minute → 429 code 44
    in_flight_limit: int = 10  # per org, concurrent calls → 429 code 1070
    # Overrides of OrgBooks.daily_limit: one value for every org, then per org id (the latter wins).
    daily_limit: int | None = None
    daily_limits: dict[str, int] = field(default_factory=dict)
    tokens_per_window: int = 10  # access tokens per refresh token per token window
    token_window_seconds: float = 600.0
    token_lifetime_seconds: float = 3600.0
    grant_code_lifetime_seconds: float = 120.0
    # Zoho's "too many requests" token answer: recorded with HTTP 400 (200 can be set to replay the older
    # reading), and localized in some accounts ("error": "拒绝访问").
    token_limit_status: int = 400
    token_limit_localized: bool = False
    # The sandbox's "today" (journals' current-month default); None means the real current date.
    today: date | None = None
    # Zoho quirks, on by default because the connector must survive them.
    duplicate_invoice_rows_across_pages: bool = True
    hide_transaction_id_per_mille: int = 10  # share of ledger rows served without transaction_id (1%)
    faults: FaultConfig = field(default_factory=FaultConfig)
    # Modules the connection may not read, API path (prefix) → HTTP status of the refusal: every call under
    # it answers ``{"code": 57, "message": "You are not authorized to perform this operation"}`` with that
    # status (401 as recorded, 400 seen too): a refresh token without the module's scope, or a role without
    # access. "settings/currencies" covers the currencies and their rates.
    forbidden: dict[str, int] = field(default_factory=dict)
    # Lists the organization's plan lacks: the list path answers 404 code 5, its records too.
    unavailable: list[str] = field(default_factory=list)
    # The HTTP status of code 1070 (too many calls in flight): 429 as documented; seen with others.
    in_flight_status: int = 429
    # An undocumented sort_column is ignored (Zoho's answer in its default order, page_context naming the
    # column used); True refuses it with 400 code 2 instead, the other thing Zoho might do.
    refuse_undocumented_sort: bool = False

    def daily_limit_for(self, org_id: str, plan_limit: int) -> int:
        if org_id in self.daily_limits:
            return self.daily_limits[org_id]
        if self.daily_limit is not None:
            return self.daily_limit
        return plan_limit

    def update(self, partial: dict[str, Any]) -> None:
        """Apply a JSON partial update (the admin API's body): top-level settings, ``faults`` as a nested
        object, ``daily_limits`` (or ``daily_limit`` given an object) merged per org, ``today`` as
        ``YYYY-MM-DD``. Validates everything before changing anything."""
        staged = dataclasses.replace(
            self,
            faults=dataclasses.replace(self.faults),
            daily_limits=dict(self.daily_limits),
            forbidden=dict(self.forbidden),
            unavailable=list(self.unavailable),
        )
        for key, value in partial.items():
            if key == "faults":
                if not isinstance(value, dict):
                    raise ConfigError("faults must be an object")
                for fkey, fvalue in value.items():
                    _set_checked(staged.faults, fkey, fvalue)
            elif key in ("daily_limits", "daily_limit") and isinstance(value, dict):
                if not all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
                    raise ConfigError("daily_limits must map organization ids to integers")
                staged.daily_limits.update({str(k): v for k, v in value.items()})
            elif key == "forbidden":
                # Replaced, not merged: {} lifts every refusal.
                if not isinstance(value, dict) or not all(
                    isinstance(v, int) and not isinstance(v, bool) and 400 <= v < 500 for v in value.values()
                ):
                    raise ConfigError("forbidden must map API paths to 4xx HTTP statuses")
                staged.forbidden = {str(k).strip("/"): v for k, v in value.items()}
            elif key == "unavailable":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError("unavailable must be a list of API paths")
                staged.unavailable = [v.strip("/") for v in value]
            elif key == "today":
                try:
                    staged.today = None if value is None else date.fromisoformat(str(value))
                except ValueError:
                    raise ConfigError("today must be YYYY-MM-DD or null") from None
            else:
                _set_checked(staged, key, value)
        if staged.time_scale <= 0:
            raise ConfigError("time_scale must be positive")
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(staged, f.name))

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["today"] = self.today.isoformat() if self.today else None
        return data


def _set_checked(target: object, key: str, value: Any) -> None:
    """Set one scalar setting, accepting an int where a float is declared (JSON has one number type)."""
    names = {f.name: f for f in dataclasses.fields(target)}  # type: ignore[arg-type]
    if key not in names or key in ("faults", "daily_limits", "today", "forbidden", "unavailable"):
        raise ConfigError(f"unknown setting {key!r}")
    current = getattr(target, key)
    declared = str(names[key].type)
    ok: bool
    if isinstance(value, bool) or isinstance(current, bool):
        ok = isinstance(value, bool) and isinstance(current, bool)
    elif "float" in declared:
        ok = isinstance(value, int | float)
    elif "int" in declared:
        ok = isinstance(value, int) or (value is None and "None" in declared)
    else:
        ok = False
    if not ok:
        raise ConfigError(f"setting {key!r} does not accept {value!r}")
    setattr(target, key, float(value) if "float" in declared and value is not None else value)
