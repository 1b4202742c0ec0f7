"""Every form a Zoho number comes in, typed for a decimal column: an exact Decimal or NULL, never a variant
column, on dlt's row path and on the Arrow path of Zoho's ledger alike."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from loader.extract.arrow_batches import arrow_batch
from loader.extract.hints import parse_number, table_columns, typed_record
from loader.extract.source import endpoint_resource
from loader.zoho.endpoints import BY_NAME
from loader.zoho.timestamps import parse_zoho_timestamp
from tests.loader.pipeline.conftest import duckdb_pipeline, query

SYNCED = datetime(2024, 4, 2, 1, 0, tzinfo=UTC)
ORG = "60019876543"
ITEMS = BY_NAME["items"]
LEDGER = BY_NAME["account_transactions"]

# (what Zoho sent for a decimal-hinted member, what the column holds)
FORMS: list[tuple[Any, Decimal | None]] = [
    (1, Decimal(1)),  # an integer first: a column typed from it would be BIGINT
    (Decimal("1000.000"), Decimal("1000.000")),
    (0, Decimal(0)),
    ("", None),
    (" ", None),
    ("1250.50", Decimal("1250.50")),
    (" 1250.50 ", Decimal("1250.50")),
    ("1,250.50", Decimal("1250.50")),
    ("70%", Decimal(70)),
    ("-12.75", Decimal("-12.75")),
    ("1e3", Decimal(1000)),
    (12.5, Decimal("12.5")),
    (Decimal("1.000000000001"), Decimal("1.0000000000")),  # past ten places: rounded as the column would
    ("n/a", None),
    ("NaN", None),
    (True, None),
    (Decimal("1E+30"), None),  # more integer digits than DECIMAL(38,10) holds
    (None, None),
]


@pytest.fixture(autouse=True)
def _fresh_sandbox() -> None:
    """No sandbox here: the conftest's per-test sandbox reset is not wanted."""


def item(number: int, rate: Any) -> dict[str, Any]:
    return {
        "item_id": f"18520000000400{number:02d}",
        "name": f"Item {number}",
        "rate": rate,
        "last_modified_time": "2024-03-01T10:00:12+0530",
    }


@pytest.mark.parametrize(("sent", "held"), FORMS)
def test_typed_record_gives_a_decimal_hinted_member_a_decimal_or_none(
    sent: Any, held: Decimal | None
) -> None:
    row = typed_record(ITEMS, item(1, sent), ORG, SYNCED)
    assert row["rate"] == held
    assert row["rate"] is None or isinstance(row["rate"], Decimal)


def test_parse_number_keeps_the_written_places_and_refuses_what_is_not_a_number() -> None:
    assert str(parse_number(Decimal("1000.000"))) == "1000.000"
    assert str(parse_number("1250.50")) == "1250.50"
    assert parse_number(0.1) == Decimal("0.1")  # the float's shortest repr, not its binary value
    for bad in ("n/a", "1.250,50", "Infinity", "12..5", True, [1]):
        with pytest.raises(ValueError, match="not"):
            parse_number(bad)


def test_a_value_that_is_not_a_number_is_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="loader.extract.hints"):
        row = typed_record(ITEMS, item(1, "n/a"), ORG, SYNCED)
    assert row["rate"] is None
    assert [(r.getMessage(), getattr(r, "column", None)) for r in caplog.records] == [
        ("not a number in a decimal column; stored as NULL", "rate")
    ]


def test_every_form_loads_into_one_decimal_column_without_a_variant(tmp_path: Path) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    records = [typed_record(ITEMS, item(n, sent), ORG, SYNCED) for n, (sent, _) in enumerate(FORMS)]
    pipeline.run(endpoint_resource(ITEMS, records, "items_forms"), loader_file_format="parquet")
    with pipeline.sql_client() as client:
        columns = client.execute_sql(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = %s and table_name = 'items'",
            client.dataset_name,
        )
    types = {str(name): str(kind) for name, kind in columns or []}
    assert types["rate"] == "DECIMAL(38,10)"
    assert [name for name in types if "__v_" in name] == []
    stored = query(pipeline, "select item_id, rate from {ds}.items order by item_id")
    assert [rate for _, rate in stored] == [held for _, held in FORMS]


def test_ledger_rows_in_every_number_form_still_go_to_dlt_as_arrow() -> None:
    def ledger(number: int, debit: Any, credit: Any) -> dict[str, Any]:
        row = {
            "categorized_transaction_id": f"18520000001300{number:02d}",
            "account_id": "1852000000012001",
            "transaction_date": "2024-03-10",
            "debit_or_credit": "debit",
            "debit_amount": debit,
            "credit_amount": credit,
        }
        return typed_record(LEDGER, row, ORG, SYNCED, source_id=row["categorized_transaction_id"])

    rows = [
        ledger(1, "1250.50", ""),
        ledger(2, "", "20000.00"),
        ledger(3, 0, Decimal("1250.5")),
        ledger(4, Decimal("1000.000"), " "),
        ledger(5, "n/a", 1),
    ]
    table = arrow_batch(rows, table_columns(LEDGER))
    assert table is not None
    assert table.schema.field("debit_amount").type == pa.decimal128(38, 10)
    assert table.column("debit_amount").to_pylist() == [
        Decimal("1250.50"),
        None,
        Decimal(0),
        Decimal("1000.000"),
        None,
    ]
    assert table.column("credit_amount").to_pylist() == [
        None,
        Decimal("20000.00"),
        Decimal("1250.5"),
        None,
        Decimal(1),
    ]


def test_custom_fields_become_text_and_the_hash_stays_one_object() -> None:
    record: dict[str, Any] = {
        "contact_id": "1852000000021001",
        "custom_fields": [
            {"label": "Credit Days", "value": 45},
            {"label": "GST Verified", "value": True},
            {"label": "Agreed Discount", "value": Decimal("7.50")},
            {"label": "Regions", "value": ["South", "West"]},
            {"label": "Empty", "value": ""},
        ],
        "custom_field_hash": {"cf_credit_days_unformatted": 45, "cf_gst_verified_unformatted": True},
        "cf_credit_days_unformatted": 45,
        "cf_gst_verified_unformatted": True,
        "cf_credit_days": "45",
    }
    row = typed_record(BY_NAME["contacts"], record, ORG, SYNCED)
    assert [f["value"] for f in row["custom_fields"]] == ["45", "true", "7.50", '["South", "West"]', ""]
    assert row["custom_field_hash"] == record["custom_field_hash"]
    assert row["custom_field_hash"] is not record["custom_field_hash"]  # a copy
    assert (row["cf_credit_days_unformatted"], row["cf_gst_verified_unformatted"]) == ("45", "true")
    assert record["custom_fields"][0]["value"] == 45  # the caller's record is left as it was
    assert table_columns(BY_NAME["contacts"])["custom_field_hash"]["data_type"] == "json"


def test_undeclared_money_members_are_typed_by_name() -> None:
    bill = {
        "bill_id": "1852000000070001",
        "payments": [
            {"payment_id": "1", "amount": 20000, "exchange_rate": 1, "amount_formatted": "₹20,000.00"},
            {"payment_id": "2", "amount": Decimal("0.500"), "exchange_rate": "", "reference_number": "17"},
        ],
        "vendor_credits": [{"vendor_credit_id": "3", "amount": "10.00", "date": "27 Dec 2016"}],
    }
    row = typed_record(BY_NAME["bills"], bill, ORG, SYNCED)
    assert [(p["amount"], p["exchange_rate"]) for p in row["payments"]] == [
        (Decimal(20000), Decimal(1)),
        (Decimal("0.500"), None),
    ]
    assert row["payments"][0]["amount_formatted"] == "₹20,000.00"  # formatted text is left alone
    assert row["payments"][1]["reference_number"] == "17"  # not a money member
    assert row["vendor_credits"][0]["amount"] == Decimal("10.00")


def test_dates_timestamps_integers_and_booleans_in_their_real_forms() -> None:
    journal = {
        "journal_id": "1852000000110001",
        "journal_date": " ",
        "created_time": "2024-03-01 09:00:00+05:30",
        "last_modified_time": " ",
        "status": 7,
    }
    row = typed_record(BY_NAME["journals"], journal, ORG, SYNCED)
    assert row["journal_date"] is None
    assert row["created_time"] == datetime(2024, 3, 1, 3, 30, tzinfo=UTC)
    assert row["last_modified_time"] is None
    assert row["status"] == "7"  # a declared text member that came as a number
    taxes = BY_NAME["taxes"]
    assert typed_record(taxes, {"tax_id": "1", "start_date": "19 Jan 2017"}, ORG, SYNCED)[
        "start_date"
    ] == date(2017, 1, 19)
    assert typed_record(taxes, {"tax_id": "1", "end_date": "soon"}, ORG, SYNCED)["end_date"] is None
    contacts = BY_NAME["contacts"]
    assert (
        typed_record(contacts, {"contact_id": "1", "payment_terms": ""}, ORG, SYNCED)["payment_terms"] is None
    )
    assert (
        typed_record(contacts, {"contact_id": "1", "payment_terms": "15"}, ORG, SYNCED)["payment_terms"] == 15
    )
    accounts = BY_NAME["chart_of_accounts"]
    assert (
        typed_record(accounts, {"account_id": "1", "is_active": "false"}, ORG, SYNCED)["is_active"] is False
    )
    assert parse_zoho_timestamp("2023-07-22T20:43:43+0530") == datetime(2023, 7, 22, 15, 13, 43, tzinfo=UTC)


def test_an_integer_hint_keeps_a_batch_on_the_arrow_path() -> None:
    columns = {
        **table_columns(LEDGER),
        "price_precision": {"data_type": "bigint", "nullable": True},
    }
    row = typed_record(
        LEDGER,
        {"categorized_transaction_id": "1", "account_id": "2", "debit_amount": "1.50", "price_precision": 2},
        ORG,
        SYNCED,
    )
    table = arrow_batch([row, dict(row, price_precision=None)], columns)  # type: ignore[arg-type]
    assert table is not None
    assert table.schema.field("price_precision").type == pa.int64()
    assert table.column("price_precision").to_pylist() == [2, None]
