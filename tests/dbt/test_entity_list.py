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
