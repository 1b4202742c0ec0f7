"""One list of entities drives every layer: the dbt sources follow the endpoint table."""

from __future__ import annotations

from pathlib import Path

import yaml

from loader.zoho.endpoints import ALL_ENDPOINTS, raw_tables

SOURCES = (
    Path(__file__).resolve().parents[2]
    / "dbt_project"
    / "models"
    / "staging"
    / "zoho_books"
    / "_zoho_books__sources.yml"
)


def test_the_dbt_sources_are_the_raw_tables_of_the_endpoint_table_in_its_order() -> None:
    document = yaml.safe_load(SOURCES.read_text())
    (source,) = document["sources"]
    listed = [table["name"] for table in source["tables"]]
    expected = [table for endpoint in ALL_ENDPOINTS for table in raw_tables(endpoint)]
    assert listed == expected


def test_raw_tables_name_nested_lists_as_dlt_does() -> None:
    invoices = next(e for e in ALL_ENDPOINTS if e.name == "invoices")
    assert "invoices__line_items__line_item_taxes" in raw_tables(invoices)
    assert raw_tables(invoices)[0] == "invoices"


def test_webhooks_receive_the_modules_the_endpoint_table_marks_under_its_names() -> None:
    from loader.service.webhooks.payload import BY_ROOT_KEY, WEBHOOK_ENTITIES

    marked = {e.name for e in ALL_ENDPOINTS if e.webhook_aliases is not None}
    assert {w.name for w in WEBHOOK_ENTITIES} == marked
    assert {"invoices", "bills", "credit_notes", "customer_payments", "vendor_payments"} <= marked
    for endpoint in ALL_ENDPOINTS:
        if endpoint.webhook_aliases is not None:
            received = BY_ROOT_KEY[endpoint.detail_root]
            assert (received.name, received.id_field) == (endpoint.name, endpoint.id_field)
