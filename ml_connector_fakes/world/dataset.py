"""The sandbox's in-memory books: what the generator produces and the HTTP app serves and mutates."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]


@dataclass
class OrgBooks:
    """One Zoho Books organization.

    Money values inside records are ``decimal.Decimal``; the app serialises them as JSON numbers.
    Timestamps (``created_time``, ``last_modified_time``) are Zoho-formatted strings in the org's time zone
    (``2026-03-05T14:22:10-0800``).
    """

    organization: (
        Record  # the row GET /organizations returns (organization_id, name, currency_code, time_zone...)
    )
    region: str  # data center: us, eu, in, au, jp, ca, cn, sa
    daily_limit: int  # plan's daily API call cap (code 45 past it)
    records: dict[str, dict[str, Record]] = field(default_factory=dict)  # entity name -> id -> detail record
    account_transactions: list[Record] = field(default_factory=list)  # Zoho's own ledger, one row per posting
    # Lines only Zoho's ledger carries, no document behind them (depreciation, inventory adjustments)
    ledger_only_lines: list[Record] = field(default_factory=list)
    exchange_rates: dict[str, list[Record]] = field(default_factory=dict)  # currency_id -> rate history rows

    @property
    def organization_id(self) -> str:
        return str(self.organization["organization_id"])


@dataclass
class OAuthClient:
    client_id: str
    client_secret: str
    redirect_uri: str = "http://127.0.0.1/callback"


@dataclass
class Dataset:
    orgs: dict[str, OrgBooks]
    oauth_clients: list[OAuthClient]
    # refresh token -> (client_id, region): what the demo and tests authenticate with
    refresh_tokens: dict[str, tuple[str, str]]
    # guards every read and write of orgs from the app's request handlers
    lock: threading.RLock = field(default_factory=threading.RLock)
