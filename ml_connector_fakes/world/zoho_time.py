"""Zoho's timestamp format: ISO 8601 in the organization's time zone, offset without a colon.

``2026-03-05T14:22:10-0800``, as in Zoho's recorded answers. Always built from aware datetimes, so the
offset is the zone's offset on that day (daylight saving included).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

ZOHO_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@cache
def zone(time_zone: str) -> ZoneInfo:
    return ZoneInfo(time_zone)


def zoho_timestamp(moment: datetime, time_zone: str) -> str:
    """An aware instant as Zoho writes it for an organization in ``time_zone``."""
    if moment.tzinfo is None:
        raise ValueError("Zoho timestamps need an aware datetime")
    return moment.astimezone(zone(time_zone)).strftime(ZOHO_TIMESTAMP_FORMAT)


def local_timestamp(day: date, seconds_into_day: int, time_zone: str) -> str:
    """The Zoho timestamp of a wall-clock time on ``day`` in ``time_zone`` (0 <= seconds < 86400)."""
    hour, rest = divmod(seconds_into_day, 3600)
    minute, second = divmod(rest, 60)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{_offset(time_zone, day, hour)}"


@lru_cache(maxsize=65_536)
def _offset(time_zone: str, day: date, hour: int) -> str:
    # The generator stamps hundreds of thousands of records: the zone lookup is done once per hour of a day.
    return datetime.combine(day, time(hour), tzinfo=zone(time_zone)).strftime("%z")


def parse_zoho_timestamp(text: str) -> datetime:
    """Back to an aware datetime; compare these, never the strings (offsets differ across zones)."""
    return datetime.strptime(text, ZOHO_TIMESTAMP_FORMAT)


def local_date(moment: datetime, time_zone: str) -> date:
    """The organization's calendar day at an aware instant (what a document created then is dated)."""
    return moment.astimezone(zone(time_zone)).date()
