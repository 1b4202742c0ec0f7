"""Zoho's timestamps: ISO 8601 with the organization's UTC offset, which differs per organization, so only
parsed instants compare."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

_ZOHO_TIMESTAMP: Final = "%Y-%m-%dT%H:%M:%S%z"


def parse_zoho_timestamp(value: Any) -> datetime | None:
    """``2016-06-11T17:38:06-0700`` → an aware UTC datetime; empty → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    text = str(value).strip()
    try:
        parsed = datetime.strptime(text, _ZOHO_TIMESTAMP)
    except ValueError:
        parsed = datetime.fromisoformat(text)  # tolerate 2016-06-11T17:38:06-07:00 and a space for the T
    if parsed.tzinfo is None:
        raise ValueError(f"Zoho timestamp without an offset: {text!r}")
    return parsed.astimezone(UTC)
