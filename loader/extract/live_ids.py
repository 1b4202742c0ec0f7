"""What the warehouse holds, asked during an extraction: the other side of a delete scan and of an
unordered walk's comparison."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from loader.extract.watermark import cursor_key

# (table, date column, key column, keys, organization id) -> the earliest date of the live rows with a key
EarliestQuery = Callable[[str, str, str, Sequence[str], str], date | None]


def _no_earliest(table: str, date_column: str, key_column: str, keys: Sequence[str], org: str) -> None:
    return None


class LiveIds:
    """What the warehouse holds (not deleted) per table and organization: the other side of a delete scan."""

    def __init__(
        self,
        query: Callable[[str, Sequence[str], str], list[tuple[Any, ...]]],
        earliest: EarliestQuery = _no_earliest,
    ) -> None:
        self._query = query  # (table, extra columns, organization id) -> (id, *columns) rows
        self._earliest = earliest
        self._lock = threading.Lock()  # asked from dlt's extract threads: one query at a time

    def _rows(self, table: str, columns: Sequence[str], organization_id: str) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._query(table, columns, organization_id)

    def stored(self, table: str, columns: Sequence[str], organization_id: str) -> list[tuple[Any, ...]]:
        """(id, *columns) of the live rows; none where the table or a column does not exist yet."""
        return self._rows(table, columns, organization_id)

    def ids(self, table: str, organization_id: str) -> set[str]:
        return {str(row[0]) for row in self._rows(table, (), organization_id)}

    def ids_by(self, table: str, column: str, organization_id: str) -> dict[str, set[str]]:
        grouped: dict[str, set[str]] = {}
        for record_id, key in self._rows(table, (column,), organization_id):
            grouped.setdefault(str(key), set()).add(str(record_id))
        return grouped

    def dated_by(
        self, table: str, column: str, date_column: str, organization_id: str
    ) -> dict[str, dict[str, date | None]]:
        """``column`` value → id → the row's ``date_column`` (what a windowed ledger read compares)."""
        grouped: dict[str, dict[str, date | None]] = {}
        for record_id, key, day in self._rows(table, (column, date_column), organization_id):
            grouped.setdefault(str(key), {})[str(record_id)] = as_date(day)
        return grouped

    def earliest(
        self, table: str, date_column: str, key_column: str, keys: Sequence[str], organization_id: str
    ) -> date | None:
        """The earliest ``date_column`` of the live rows whose ``key_column`` is one of ``keys``."""
        if not keys:
            return None
        with self._lock:
            return self._earliest(table, date_column, key_column, keys, organization_id)

    def versions(self, table: str, columns: Sequence[str], organization_id: str) -> dict[str, str]:
        """id → ``version_of`` the stored values of ``columns``: what an unordered walk compares rows with."""
        return {
            str(row[0]): version_of(row[1:]) for row in self._rows(table, tuple(columns), organization_id)
        }


def as_date(value: Any) -> date | None:
    """A date from what the warehouse or Zoho holds (a date, a timestamp, ISO text); None if there is none."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def version_of(values: Iterable[Any]) -> str:
    """One text for a record's version, the same from a list row's typed values and from the warehouse's:
    instants in UTC, numbers without their scale (2.5 = 2.5000000000), empty = missing."""
    parts = []
    for value in values:
        if value is None or value == "":
            parts.append("")
        elif isinstance(value, datetime):
            parts.append(cursor_key(value))
        elif isinstance(value, date):
            parts.append(value.isoformat())
        elif isinstance(value, bool):
            parts.append(str(value).lower())
        elif isinstance(value, int | float | Decimal):
            parts.append(format(Decimal(str(value)).normalize(), "f"))
        else:
            parts.append(str(value))
    return "\x1f".join(parts)
