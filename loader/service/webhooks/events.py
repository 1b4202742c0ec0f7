"""A webhook delivery as the receiver hands it to the event store, and an event as the store gives it back.

``status`` moves pending → applied, or pending → failed after the retry budget; the journal (D127) and the
Dagster hand-over have statuses of their own (below).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

PENDING: Final = "pending"
APPLIED: Final = "applied"
FAILED: Final = "failed"
# ``serve --journal`` (D127): its events start as ``journal`` and end ``journaled``; a real ``serve`` never
# takes them, and the journal never takes a real pending event. ``webhooks replay`` makes one pending.
JOURNAL: Final = "journal"
JOURNALED: Final = "journaled"
# Handed over to Dagster (``serve --dagster``): the webhook sensor moves pending events to ``claimed``,
# naming the claim (the run key of the run that applies them) in ``claim``; the run marks them applied, and a
# claim whose runs all failed goes back to pending (see ``loader.orchestration.webhook_sensor``).
CLAIMED: Final = "claimed"
STATUSES: Final = (PENDING, APPLIED, FAILED, JOURNAL, JOURNALED, CLAIMED)

# Headers never stored: credentials of any kind. The signature stays (it is not the secret and lets a
# stored body be re-verified).
_SECRET_HEADERS: Final = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_HEADER_WORDS: Final = ("token", "secret", "password", "api-key", "apikey")


@dataclass(frozen=True)
class IncomingEvent:
    dedup_key: str
    connection: str
    entity: str
    document_id: str
    action: str
    received_at: datetime  # UTC
    content_type: str
    headers: Mapping[str, str]
    query_string: str
    body: bytes
    organization_id: str | None = None
    zoho_event_id: str | None = None
    status: str = PENDING  # JOURNAL under ``serve --journal``


@dataclass(frozen=True)
class RecordResult:
    event_id: int
    duplicate: bool
    status: str


@dataclass(frozen=True)
class StoredEvent:
    event_id: int
    connection: str
    organization_id: str | None
    entity: str
    document_id: str
    action: str
    received_at: datetime
    status: str
    attempts: int
    deliveries: int
    last_error: str | None
    applied_at: datetime | None
    next_attempt_at: datetime
    claim: str | None = None  # the latest claim that took it (Dagster hand-over), kept after it settles

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "connection": self.connection,
            "organization_id": self.organization_id,
            "entity": self.entity,
            "document_id": self.document_id,
            "action": self.action,
            "received_at": self.received_at.isoformat(),
            "status": self.status,
            "attempts": self.attempts,
            "deliveries": self.deliveries,
            "last_error": self.last_error,
            "applied_at": self.applied_at.isoformat() if self.applied_at else None,
            "next_attempt_at": self.next_attempt_at.isoformat(),
        }


def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers worth keeping with a delivery, minus anything that could be a credential."""
    kept: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in _SECRET_HEADERS or any(word in lowered for word in _SECRET_HEADER_WORDS):
            continue
        kept[lowered] = value
    return kept
