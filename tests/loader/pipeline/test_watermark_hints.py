"""Watermark walks and record typing, without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from loader.extract.hints import typed_record
from loader.extract.source import version_of
from loader.extract.watermark import Verdict, Walk, Watermark, cursor_key
from loader.zoho.endpoints import BY_NAME
from loader.zoho.timestamps import parse_zoho_timestamp

T0 = "2026-03-05T14:22:10+0530"
T1 = "2026-03-05T10:00:00-0800"  # later than T0 as an instant, earlier as a string


def test_timestamps_compare_as_instants_not_strings() -> None:
    assert parse_zoho_timestamp(T1) > parse_zoho_timestamp(T0)  # type: ignore[operator]
    assert parse_zoho_timestamp(T0) == datetime(2026, 3, 5, 8, 52, 10, tzinfo=UTC)
    assert parse_zoho_timestamp("") is None


def test_a_cut_walk_keeps_the_watermark_and_remembers_what_it_loaded() -> None:
    start = Watermark(parse_zoho_timestamp(T0), {})
    walk = Walk(start, timedelta(minutes=10))
    assert walk.classify("new", T1) is Verdict.CHANGED
    walk.loaded("new", T1)
    cut = walk.finish(complete=False)
    assert cut.value == start.value  # the rows below were never reached: do not skip them next time
    again = Walk(cut, timedelta(minutes=10))
    assert again.classify("new", T1) is Verdict.UNCHANGED  # no second detail call for the same version
    assert again.classify("old", "2026-01-01T00:00:00+0000") is Verdict.PAST
    done = again.finish(complete=True)
    assert done.value == parse_zoho_timestamp(T1)
    assert done.recent == {"new": parse_zoho_timestamp(T1).isoformat()}  # type: ignore[union-attr]


def test_typed_record_makes_money_decimal_dates_dates_and_adds_audit_columns() -> None:
    invoice = {
        "invoice_id": "7",
        "total": 0,
        "date": "2026-03-05",
        "last_modified_time": T0,
        "line_items": [{"quantity": 3, "rate": Decimal("9.99"), "tags": [{"tag_id": "1"}]}],
    }
    synced = datetime(2026, 3, 6, tzinfo=UTC)
    row = typed_record(BY_NAME["invoices"], invoice, "10234695", synced)
    assert isinstance(row["total"], Decimal)
    assert row["total"] == Decimal(0)
    assert row["date"] == date(2026, 3, 5)
    assert isinstance(row["line_items"][0]["quantity"], Decimal)
    assert row["line_items"][0]["quantity"] == Decimal(3)
    assert invoice["line_items"][0]["quantity"] == 3  # the caller's record is untouched
    assert row["_zoho_source_id"] == "7"
    assert row["_zoho_organization_id"] == "10234695"
    assert row["_is_deleted"] is False
    assert row["_deleted_at"] is None
    assert row["_synced_at"] == synced


def _at(minute: int) -> str:
    return f"2026-03-05T10:{minute:02d}:00+0000"


def test_a_walk_trusts_the_order_only_while_zoho_says_so_and_the_rows_agree() -> None:
    start = Watermark(parse_zoho_timestamp(_at(30)), {})
    walk = Walk(start, timedelta(minutes=10))
    assert walk.check_order("last_modified_time", "D", "last_modified_time", [_at(50), _at(40), _at(40)])
    assert walk.ordered
    # The next page starts newer than the last row of the previous one: not sorted after all.
    assert not walk.check_order("last_modified_time", "D", "last_modified_time", [_at(45), _at(5)])
    assert walk.unordered_because == "rows out of last_modified_time order"
    # Once unordered, a row below the watermark is not a stop sign.
    assert walk.classify("old", _at(5)) is not Verdict.PAST


@pytest.mark.parametrize(
    ("column", "order", "because"),
    [
        ("date", "D", "Zoho sorted the list by date, not last_modified_time"),
        (None, None, "Zoho sorted the list by an unnamed column, not last_modified_time"),
        ("last_modified_time", "A", "Zoho sorted the list in order A, not D"),
    ],
)
def test_an_ignored_sort_column_makes_the_walk_compare_with_the_warehouse(
    column: str | None, order: str | None, because: str
) -> None:
    stored = {"same": cursor_key(_at(1)), "edited": cursor_key(_at(1))}
    asked: list[int] = []

    def versions() -> dict[str, str]:
        asked.append(1)
        return stored

    walk = Walk(Watermark(parse_zoho_timestamp(_at(30)), {}), timedelta(minutes=10), stored=versions)
    assert not walk.check_order(column, order, "last_modified_time", [_at(1), _at(2)])
    assert walk.unordered_because == because
    assert walk.classify("same", _at(1)) is Verdict.UNCHANGED  # the warehouse holds this version
    assert walk.classify("edited", _at(2)) is Verdict.CHANGED  # an old document, edited: below the floor
    assert walk.classify("new", _at(3)) is Verdict.CHANGED
    assert asked == [1]  # the warehouse is asked once per walk
    done = walk.finish(complete=True)
    assert done.value == parse_zoho_timestamp(_at(30))


def test_version_of_reads_list_rows_and_warehouse_values_alike() -> None:
    from_list = version_of([date(2026, 3, 5), Decimal("2.5"), "JV-1", "", parse_zoho_timestamp(T0)])
    from_warehouse = version_of(
        [date(2026, 3, 5), Decimal("2.5000000000"), "JV-1", None, datetime(2026, 3, 5, 8, 52, 10, tzinfo=UTC)]
    )
    assert from_list == from_warehouse
    assert version_of([Decimal("2.51")]) != version_of([Decimal("2.5")])
