"""The Zoho Books endpoints the connector reads, as data: path, root keys, id field, and how the pipeline
types and syncs each (decimal and date fields, nested lists, cursor).

The sandbox keeps its own table on purpose: a test double that shared this one would repeat any
mistake in it instead of catching it (see DECISIONLOG D9).
"""

from __future__ import annotations

from loader.zoho.endpoint_spec import TIMESTAMP_FIELDS, Endpoint, Fields, Refunds
from loader.zoho.endpoints_accounting import ACCOUNTING_ENDPOINTS, SPECIAL_ENDPOINTS
from loader.zoho.endpoints_purchases import PURCHASE_ENDPOINTS
from loader.zoho.endpoints_sales import SALES_ENDPOINTS

__all__ = [
    "ALL_ENDPOINTS",
    "BY_NAME",
    "ENDPOINTS",
    "SPECIAL_ENDPOINTS",
    "TIMESTAMP_FIELDS",
    "Endpoint",
    "Fields",
    "Refunds",
    "raw_tables",
]

# The plain lists, in the order a sync walks them.
ENDPOINTS: tuple[Endpoint, ...] = SALES_ENDPOINTS + PURCHASE_ENDPOINTS + ACCOUNTING_ENDPOINTS
ALL_ENDPOINTS: tuple[Endpoint, ...] = SPECIAL_ENDPOINTS + ENDPOINTS

BY_NAME: dict[str, Endpoint] = {e.name: e for e in ALL_ENDPOINTS}


def raw_tables(endpoint: Endpoint) -> tuple[str, ...]:
    """The raw tables an endpoint loads: its own and one per nested list (dlt's ``parent__child`` names)."""
    return (endpoint.name, *(f"{endpoint.name}__{path.replace('.', '__')}" for path in endpoint.children))
