"""List mechanics shared by every list endpoint: paging, sorting, and the filters Zoho applies to lists."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.zoho.envelope import invalid_value

MAX_PER_PAGE = 200
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # 2026-03-05T14:22:10-0800


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int


def parse_paging(params: Mapping[str, str]) -> PageRequest:
    """``page`` from 1; ``per_page`` 1..200, default 200. A larger ``per_page`` is clamped to 200 (and
    ``page_context.per_page`` says 200), so a client that asks for more still pages correctly."""
    page = _positive_int(params, "page", 1)
    per_page = min(_positive_int(params, "per_page", MAX_PER_PAGE), MAX_PER_PAGE)
    return PageRequest(page, per_page)


def _positive_int(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise invalid_value(name)
    return int(raw)


def parse_date(params: Mapping[str, str], name: str) -> date | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise invalid_value(name) from None


def id_key(value: Any) -> tuple[int, int, str]:
    """Ids are numeric strings: order them as numbers, anything else after them as text."""
    text = str(value)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def instant_key(value: Any) -> float:
    """Order timestamps by the instant they denote: offsets differ per org, so strings do not compare."""
    if not value:
        return float("-inf")
    try:
        return datetime.strptime(str(value), TIMESTAMP_FORMAT).timestamp()
    except ValueError:
        return float("-inf")


def sort_rows(rows: Sequence[Record], column: str, descending: bool, id_field: str) -> list[Record]:
    """Sort by ``column`` then by id, so rows with equal keys keep one stable order across pages."""
    key: Callable[[Record], Any]
    if column in ("created_time", "last_modified_time"):
        key = lambda r: (instant_key(r.get(column)), id_key(r.get(id_field)))  # noqa: E731
    elif column == id_field:
        key = lambda r: id_key(r.get(id_field))  # noqa: E731
    else:  # a date field: YYYY-MM-DD strings order correctly as text
        key = lambda r: (str(r.get(column) or ""), id_key(r.get(id_field)))  # noqa: E731
    return sorted(rows, key=key, reverse=descending)


def in_date_range(value: Any, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    if not value:
        return False
    day = date.fromisoformat(str(value)[:10])
    return (start is None or day >= start) and (end is None or day <= end)


def page_slice(
    rows: Sequence[Record], request: PageRequest, repeat_boundary_row: bool
) -> tuple[list[Record], bool]:
    """The rows of one page and whether more follow.

    With ``repeat_boundary_row`` (Zoho's invoice quirk), page n > 1 starts with page n-1's last row: pages
    advance by ``per_page - 1`` rows, so nothing is skipped but every boundary row arrives twice.
    """
    step = request.per_page - 1 if repeat_boundary_row and request.per_page > 1 else request.per_page
    start = (request.page - 1) * step
    end = start + request.per_page
    return list(rows[start:end]), end < len(rows)


def page_context(paging: PageRequest, has_more: bool, sort_column: str, sort_order: str) -> dict[str, Any]:
    """A list answer's ``page_context``: the page served and the sort actually applied."""
    return {
        "page": paging.page,
        "per_page": paging.per_page,
        "has_more_page": has_more,
        "sort_column": sort_column,
        "sort_order": sort_order,
    }
