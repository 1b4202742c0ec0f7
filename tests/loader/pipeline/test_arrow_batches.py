"""Ledger batches as Arrow tables: exact types or the records as they are."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa

from loader.extract.arrow_batches import arrow_batch
from loader.extract.hints import table_columns, typed_record
from loader.zoho.endpoints import BY_NAME

LEDGER = BY_NAME["account_transactions"]
SYNCED = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def ledger_row(**changes: Any) -> dict[str, Any]:
    row = {
        "categorized_transaction_id": "102346950000000101000",
        "account_id": "102346950000000018",
        "transaction_date": "2026-01-19",
        "debit_amount": Decimal("0.00"),
        "credit_amount": Decimal("3388.00"),
        "fcy_debit_amount": Decimal("0.00"),
        "fcy_credit_amount": Decimal("2709.50"),
        "currency_code": "GBP",
        "vendor_id": "",
    }
    row.update(changes)
    return typed_record(LEDGER, row, "10234695", SYNCED, source_id=row["categorized_transaction_id"])


def test_typed_ledger_rows_become_a_table_with_the_hinted_types() -> None:
    table = arrow_batch(
        [ledger_row(), ledger_row(categorized_transaction_id="2", vendor_id=None)], table_columns(LEDGER)
    )
    assert table is not None
    types = {f.name: f.type for f in table.schema}
    assert types["credit_amount"] == pa.decimal128(38, 10)
    assert types["transaction_date"] == pa.date32()
    assert types["_synced_at"] == pa.timestamp("us", tz="UTC")
    assert types["_is_deleted"] == pa.bool_()
    assert types["currency_code"] == pa.string()
    assert not table.schema.field("_zoho_organization_id").nullable
    assert "_deleted_at" not in types  # no value in the batch: no column, as dlt's row path does
    first = table.to_pylist()[0]
    assert first["credit_amount"] == Decimal("3388.00")
    assert first["fcy_credit_amount"] == Decimal("2709.50")
    assert first["transaction_date"] == date(2026, 1, 19)
    assert first["_synced_at"] == SYNCED
    assert table.column("vendor_id").to_pylist() == ["", None]


def test_a_value_that_does_not_fit_exactly_leaves_the_batch_as_records() -> None:
    columns = table_columns(LEDGER)
    # typed_record never leaves these in a hinted column (it rounds past ten places, NULLs what is not a
    # number or a date): records that skipped it.
    assert arrow_batch([dict(ledger_row(), debit_amount=Decimal("1.00000000001"))], columns) is None
    assert arrow_batch([dict(ledger_row(), debit_amount="n/a")], columns) is None
    assert arrow_batch([dict(ledger_row(), transaction_date="soon")], columns) is None
    assert arrow_batch([ledger_row(exchange_rate=Decimal("1.2"))], columns) is None  # an unhinted number
    assert arrow_batch([ledger_row(tags={"a": "b"})], columns) is None  # nested: dlt flattens it
    assert arrow_batch([ledger_row(is_reconciled=True)], columns) is None


def test_a_new_text_field_becomes_a_column() -> None:
    table = arrow_batch([ledger_row(payee="Acme")], table_columns(LEDGER))
    assert table is not None
    assert table.column("payee").to_pylist() == ["Acme"]


def test_a_text_field_the_warehouse_holds_as_another_type_leaves_the_batch_as_records() -> None:
    # Stored as bigint by an earlier batch of numbers: dlt's row path coerces new strings to it.
    stored = {"payee": "bigint", "currency_code": "text"}
    assert arrow_batch([ledger_row(payee="17")], table_columns(LEDGER), stored) is None
    assert arrow_batch([ledger_row()], table_columns(LEDGER), stored) is not None


def test_a_missing_value_in_a_not_null_column_leaves_the_batch_as_records() -> None:
    columns = table_columns(LEDGER)
    assert arrow_batch([ledger_row(), dict(ledger_row(), _zoho_organization_id=None)], columns) is None
    assert arrow_batch([dict(ledger_row(), _zoho_organization_id=None)], columns) is None
