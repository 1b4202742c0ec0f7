"""The pipeline on answers shaped like real Zoho's (tests/fixtures/zoho_real, served over loopback HTTP) into
DuckDB: exact decimals whatever form a number came in, dates and timestamps parsed, custom fields kept, and
no variant column anywhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.pipeline import Pipeline

from loader.extract.hints import DECIMAL_PRECISION, DECIMAL_SCALE
from loader.extract.results import SyncResult
from loader.extract.run import sync_organizations
from loader.zoho.endpoints import BY_NAME
from tests.loader.pipeline.conftest import duckdb_pipeline, query
from tests.zoho_fixture_server import ORGANIZATION_ID, ZohoFixtureServer

# What the fixtures hold; currencies, vendor credits and purchase orders have no fixture.
ENTITIES = (
    "organizations",
    "contacts",
    "items",
    "chart_of_accounts",
    "taxes",
    "invoices",
    "customer_payments",
    "bills",
    "vendor_payments",
    "credit_notes",
    "expenses",
    "journals",
    "account_transactions",
)
SYNCED_AT = datetime(2024, 4, 2, 1, 0, tzinfo=UTC)
DECIMAL_TYPE = f"decimal({DECIMAL_PRECISION},{DECIMAL_SCALE})"
BANK = "1852000000012001"  # HDFC Current Account


@pytest.fixture(autouse=True)
def _fresh_sandbox() -> None:
    """These tests use no sandbox: the conftest's per-test sandbox reset is not wanted here."""


@pytest.fixture(scope="module")
def zoho() -> Iterator[ZohoFixtureServer]:
    with ZohoFixtureServer() as server:
        yield server


@pytest.fixture(scope="module")
def loaded(zoho: ZohoFixtureServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Pipeline, SyncResult]:
    pipeline = duckdb_pipeline(tmp_path_factory.mktemp("real"))
    client = zoho.client()
    try:
        result = sync_organizations([client], pipeline, entities=ENTITIES, now=lambda: SYNCED_AT)
    finally:
        client.close()
    return pipeline, result


@pytest.fixture(scope="module")
def pipeline(loaded: tuple[Pipeline, SyncResult]) -> Pipeline:
    return loaded[0]


def one(pipeline: Pipeline, sql: str, *args: Any) -> tuple[Any, ...]:
    rows = query(pipeline, sql, *args)
    assert len(rows) == 1, rows
    return rows[0]


def column_types(pipeline: Pipeline) -> dict[tuple[str, str], str]:
    with pipeline.sql_client() as client:
        rows = client.execute_sql(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = %s",
            client.dataset_name,
        )
    return {(str(t), str(c)): str(d).lower().replace(" ", "") for t, c, d in rows or []}


def test_every_record_is_loaded_once(loaded: tuple[Pipeline, SyncResult]) -> None:
    pipeline, result = loaded
    assert result.complete
    counts = {
        table: one(pipeline, f"select count(*) from {{ds}}.{table}")[0]
        for table in ENTITIES
        if table != "organizations"
    }
    assert counts == {
        "contacts": 3,  # Zoho repeated Deccan Paper Mills across the page boundary: one row
        "items": 3,
        "chart_of_accounts": 10,
        "taxes": 4,
        "invoices": 3,
        "customer_payments": 2,
        "bills": 2,
        "vendor_payments": 1,
        "credit_notes": 1,
        "expenses": 2,
        "journals": 2,
        "account_transactions": 10,
    }
    # organizations.json lists two organizations; only the connection's own is kept.
    assert query(pipeline, "select organization_id, fiscal_year_start_month from {ds}.organizations") == [
        (ORGANIZATION_ID, 3)
    ]


def test_no_variant_column_and_every_hinted_decimal_is_decimal_38_10(pipeline: Pipeline) -> None:
    types = column_types(pipeline)
    assert [key for key in types if "__v_" in key[1]] == []
    hinted = [
        (endpoint.name, name)
        for endpoint in (BY_NAME[e] for e in ENTITIES)
        for name in endpoint.fields.decimals
        if (endpoint.name, name) in types
    ]
    assert len(hinted) > 60
    assert {key: types[key] for key in hinted} == dict.fromkeys(hinted, DECIMAL_TYPE)
    for key in [
        ("invoices__line_items", "quantity"),
        ("invoices__line_items__line_item_taxes", "tax_amount"),
        ("customer_payments__invoices", "invoice_amount"),
        ("vendor_payments__bills", "balance"),
        ("credit_notes__invoices_credited", "credited_amount"),
        ("expenses__line_items", "tax_percentage"),
        ("journals__line_items", "bcy_amount"),
        ("account_transactions", "debit_amount"),
    ]:
        assert types[key] == DECIMAL_TYPE, key
    # A member the endpoint table does not name (a bill's payments) is typed by its name all the same.
    assert types[("bills__payments", "amount")].startswith("decimal")


def test_three_decimal_integer_and_empty_numbers(pipeline: Pipeline) -> None:
    rows = query(
        pipeline,
        "select invoice_number, total, balance, adjustment, write_off_amount, exchange_rate "
        "from {ds}.invoices order by invoice_number",
    )
    assert rows == [
        ("INV-000123", Decimal("2510.000"), Decimal("1510.000"), Decimal(0), Decimal(0), Decimal(1)),
        ("INV-000124", Decimal("1200.00"), Decimal("1200.00"), Decimal(0), Decimal(0), Decimal("82.875")),
        ("INV-000125", Decimal(1), Decimal(1), None, None, Decimal(1)),  # "" is NULL, 1 is 1
    ]
    assert query(pipeline, "select rate, purchase_rate, tax_percentage from {ds}.items order by item_id") == [
        (Decimal("1000.000"), Decimal("812.500"), Decimal(18)),
        (Decimal(1), None, None),  # "" for an empty number
        (Decimal(120), Decimal(0), Decimal(70)),  # "70%", as the documents' example writes it
    ]
    lines = query(
        pipeline,
        "select l.quantity, l.rate, l.tax_percentage, l.item_total from {ds}.invoices__line_items l "
        "join {ds}.invoices i on l._dlt_parent_id = i._dlt_id where i.invoice_number = 'INV-000123' "
        "order by l.item_order",
    )
    assert lines == [
        (Decimal("2.000"), Decimal("1000.000"), Decimal(18), Decimal("2000.000")),
        (Decimal(1), Decimal(150), None, Decimal(150)),
    ]
    (balances,) = one(
        pipeline,
        "select list(current_balance order by account_id) from {ds}.chart_of_accounts",
    )
    assert sorted(balances, key=lambda v: (v is None, v)) == sorted(
        [
            Decimal("1250.5"),
            Decimal(0),
            Decimal("1000.000"),
            Decimal("98450.000"),
            Decimal("59000.50"),
            None,
            Decimal(1),
            Decimal(0),
            Decimal("4500.000"),
            Decimal("-12.75"),
        ],
        key=lambda v: (v is None, v),
    )


def test_zoho_ledger_typed_strings_are_exact_decimals(pipeline: Pipeline) -> None:
    rows = query(
        pipeline,
        "select categorized_transaction_id, transaction_id, debit_amount, credit_amount "
        "from {ds}.account_transactions where account_id = '1852000000012001' order by transaction_date",
    )
    assert rows == [
        ("1852000000130001", None, Decimal("1250.50"), None),  # "1250.50" and "" (zero)
        ("1852000000130003", "1852000000060005", Decimal("41562.50"), None),
        ("1852000000130005", "1852000000080001", None, Decimal("20000.00")),
        ("1852000000130007", "1852000000100001", None, Decimal("25000.00")),
        ("1852000000130009", "1852000000060001", Decimal("1000.000"), None),
    ]
    # Numbers, not strings, on the receivables account (the documents' example form): the same columns.
    (debits, credits) = one(
        pipeline,
        "select sum(debit_amount), sum(credit_amount) from {ds}.account_transactions "
        "where account_id = '1852000000000370'",
    )
    assert (debits, credits) == (Decimal("101960.00"), Decimal("3430.500"))


def test_payments_keep_their_list_only_base_amounts(pipeline: Pipeline) -> None:
    rows = query(
        pipeline,
        "select payment_id, amount, bcy_amount, bcy_unused_amount, exchange_rate, tax_amount_withheld, "
        "account_id from {ds}.customer_payments order by payment_id",
    )
    assert rows == [
        (
            "1852000000060001",
            Decimal(1000),
            Decimal(1000),
            Decimal(0),
            Decimal(1),
            Decimal(0),
            "1852000000012001",
        ),
        (
            "1852000000060005",
            Decimal("500.00"),
            Decimal("41562.500"),  # on the list row only (D45)
            Decimal("41562.500"),
            Decimal("83.125"),
            None,
            "1852000000012001",
        ),
    ]
    applied = query(
        pipeline,
        "select invoice_id, invoice_amount, amount_applied, balance_amount, date "
        "from {ds}.customer_payments__invoices",
    )
    assert applied == [
        ("1852000000050001", Decimal("2510.000"), Decimal(1000), Decimal("1510.000"), date(2024, 3, 1))
    ]
    vendor = one(
        pipeline,
        "select paid_through_account_id, amount, bcy_amount, bcy_balance, tax_amount_withheld "
        "from {ds}.vendor_payments",
    )
    assert vendor == ("1852000000012001", Decimal(20000), Decimal(20000), Decimal(0), None)
    assert ("vendor_payments", "account_id") not in column_types(pipeline)


def test_dates_and_timestamps_are_parsed(pipeline: Pipeline) -> None:
    rows = query(
        pipeline,
        "select invoice_number, date, due_date, last_payment_date, created_time, last_modified_time "
        "from {ds}.invoices order by invoice_number",
    )
    assert rows[0] == (
        "INV-000123",
        date(2024, 3, 1),
        date(2024, 3, 16),
        date(2024, 3, 10),
        datetime(2024, 3, 1, 5, 0, tzinfo=UTC),  # 2024-03-01T10:30:00+0530
        datetime(2024, 3, 10, 11, 50, 44, tzinfo=UTC),
    )
    assert rows[1][3] is None  # last_payment_date ""
    assert rows[2][3] is None  # last_payment_date " " (the documents' example form)
    # Journal list rows carry no last_modified_time: it comes from the detail.
    assert query(
        pipeline, "select journal_id, journal_date, last_modified_time from {ds}.journals order by 1"
    ) == [
        ("1852000000110001", date(2024, 3, 31), datetime(2024, 4, 1, 4, 45, 33, tzinfo=UTC)),
        ("1852000000110005", date(2024, 3, 15), datetime(2024, 3, 15, 8, 15, tzinfo=UTC)),
    ]
    # Empty numbers in expenses: "" (the rent) and " " (the stationery, as the documents' example writes it).
    assert query(
        pipeline, "select expense_id, created_time, mileage_rate, distance from {ds}.expenses order by 1"
    ) == [
        ("1852000000100001", datetime(2024, 3, 1, 3, 30, tzinfo=UTC), None, None),
        ("1852000000100007", datetime(2024, 3, 6, 13, 0, tzinfo=UTC), None, Decimal(0)),
    ]
    audit = one(pipeline, "select min(_synced_at), max(_synced_at) from {ds}.invoices")
    assert audit == (SYNCED_AT, SYNCED_AT)


def test_custom_fields_of_mixed_types_are_kept(pipeline: Pipeline) -> None:
    types = column_types(pipeline)
    # The values of one custom field differ in JSON type between records: kept as text, numbers and
    # booleans as JSON writes them.
    values = query(
        pipeline,
        "select c.contact_name, f.label, f.value from {ds}.contacts__custom_fields f "
        "join {ds}.contacts c on f._dlt_parent_id = c._dlt_id order by c.contact_name, f.index",
    )
    assert values == [
        ("Deccan Paper Mills", "Credit Days", ""),
        ("Harbor Lane Imports Inc", "Credit Days", "30"),
        ("Harbor Lane Imports Inc", "Agreed Discount", "7.5"),
        ("Sri Lakshmi Stores", "Credit Tier", "Gold"),
        ("Sri Lakshmi Stores", "Credit Days", "45"),
        ("Sri Lakshmi Stores", "GST Verified", "true"),
    ]
    assert types[("contacts__custom_fields", "value")] == "varchar"
    flat = query(
        pipeline,
        "select cf_credit_days, cf_credit_days_unformatted, cf_gst_verified_unformatted "
        "from {ds}.contacts order by contact_name",
    )
    assert flat == [("", "", None), ("30", "30", None), ("45", "45", "true")]
    assert types[("contacts", "cf_credit_days_unformatted")] == "varchar"
    # The hash is one JSON column, with the values as Zoho sent them.
    assert types[("contacts", "custom_field_hash")] == "json"
    assert not [key for key in types if key[1].startswith("custom_field_hash__")]
    (hashed,) = one(
        pipeline, "select custom_field_hash from {ds}.contacts where contact_id = '1852000000021001'"
    )
    assert json.loads(hashed) == {
        "cf_credit_tier": "Gold",
        "cf_credit_tier_unformatted": "Gold",
        "cf_credit_days": "45",
        "cf_credit_days_unformatted": 45,
        "cf_gst_verified": "true",
        "cf_gst_verified_unformatted": True,
    }
    # A payment's text custom field that Zoho sent as a number; a line's own custom fields.
    assert query(pipeline, "select value from {ds}.customer_payments__custom_fields order by value") == [
        ("129890",),
        ("HL/ADV/0205",),
    ]
    assert query(
        pipeline, "select label, value from {ds}.invoices__line_items__item_custom_fields order by label"
    ) == [("Batch", "B-2024-03"), ("Packages", "2")]


def test_detail_addresses_and_applications_keep_their_detail_shape(pipeline: Pipeline) -> None:
    types = column_types(pipeline)
    # List rows say billing_address.zipcode, details billing_address.zip: documents are stored as detailed.
    assert one(
        pipeline, "select billing_address__zip from {ds}.invoices where invoice_number = 'INV-000124'"
    ) == ("98121",)
    assert ("invoices", "billing_address__zipcode") not in types
    credited = one(
        pipeline, "select invoice_id, date, credited_amount from {ds}.credit_notes__invoices_credited"
    )
    assert credited == ("1852000000050001", date(2024, 3, 11), Decimal("500.000"))
    # Taxes as typed strings ("90.00") in a credit note's taxes[].
    assert query(pipeline, "select tax_name, tax_amount from {ds}.credit_notes__taxes order by 1") == [
        ("CGST (9%)", Decimal("90.00")),
        ("SGST (9%)", Decimal("90.00")),
    ]
    (tax_total,) = one(pipeline, "select sum(tax_amount) from {ds}.invoices__line_items__line_item_taxes")
    assert tax_total == Decimal("360.000")


def test_a_second_sync_of_the_same_answers_changes_nothing(
    zoho: ZohoFixtureServer, pipeline: Pipeline
) -> None:
    before = query(pipeline, "select invoice_id, total, _dlt_load_id from {ds}.invoices order by 1")
    client = zoho.client()
    try:
        again = sync_organizations([client], pipeline, entities=ENTITIES, now=lambda: SYNCED_AT)
    finally:
        client.close()
    assert again.complete
    assert query(pipeline, "select invoice_id, total, _dlt_load_id from {ds}.invoices order by 1") == before
    assert [key for key in column_types(pipeline) if "__v_" in key[1]] == []


def test_fixture_lists_are_in_the_order_their_page_context_names(zoho: ZohoFixtureServer) -> None:
    # The walk relies on newest-modified-first lists; the fixture files must say what they hold.
    root: Path = zoho.root
    for page in sorted(root.rglob("list-*.json")):
        body = json.loads(page.read_text())
        context = body["page_context"]
        if context.get("sort_column") != "last_modified_time":
            continue
        rows = next(v for k, v in body.items() if isinstance(v, list))
        stamps = [datetime.strptime(r["last_modified_time"], "%Y-%m-%dT%H:%M:%S%z") for r in rows]
        assert stamps == sorted(stamps, reverse=True), page


@pytest.mark.postgres
def test_the_same_answers_on_postgresql(zoho: ZohoFixtureServer, postgres_pipeline: Pipeline) -> None:
    client = zoho.client()
    try:
        result = sync_organizations([client], postgres_pipeline, entities=ENTITIES, now=lambda: SYNCED_AT)
    finally:
        client.close()
    assert result.complete
    types = column_types(postgres_pipeline)
    assert [key for key in types if "__v_" in key[1]] == []
    assert types[("invoices", "total")] == "numeric"
    assert types[("contacts", "custom_field_hash")] == "jsonb"
    assert query(
        postgres_pipeline,
        "select invoice_number, total, adjustment from {ds}.invoices order by invoice_number",
    ) == [
        ("INV-000123", Decimal("2510.000"), Decimal(0)),
        ("INV-000124", Decimal("1200.00"), Decimal(0)),
        ("INV-000125", Decimal(1), None),
    ]
    (debits,) = one(
        postgres_pipeline,
        "select sum(debit_amount) from {ds}.account_transactions where account_id = %s",
        BANK,
    )
    assert debits == Decimal("43813.000")  # "1250.50" + "41562.50" + "1000.000"
