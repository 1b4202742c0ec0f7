"""Watermark walks and record typing, without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from loader.pipeline.hints import parse_zoho_timestamp, typed_record
from loader.pipeline.watermark import Verdict, Walk, Watermark
from loader.zoho.endpoints import BY_NAME

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
