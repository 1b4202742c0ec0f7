"""Test support: put a generated sandbox data set into ``zoho_books_raw`` with dlt, shaped as agreed with the
pipeline (detail records, nested lists as child tables, the audit columns on every parent row).

This is not the product's pipeline (``loader/pipeline``): it reads the sandbox's in-memory books directly, so
the dbt project can be built and tested without HTTP. Money arrives as ``Decimal`` (dlt makes it DECIMAL);
date fields are turned into ``date`` objects so they land as DATE, as the agreement says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt

from zoho_sandbox.dataset import Dataset, Record

RAW_SCHEMA = "zoho_books_raw"

# sandbox entity -> (raw table, id field)
ENTITIES: dict[str, tuple[str, str]] = {
    "chartofaccounts": ("chart_of_accounts", "account_id"),
    "taxes": ("taxes", "tax_id"),
    "contacts": ("contacts", "contact_id"),
    "items": ("items", "item_id"),
    "invoices": ("invoices", "invoice_id"),
    "creditnotes": ("credit_notes", "creditnote_id"),
    "customerpayments": ("customer_payments", "payment_id"),
    "bills": ("bills", "bill_id"),
    "vendorcredits": ("vendor_credits", "vendor_credit_id"),
    "vendorpayments": ("vendor_payments", "payment_id"),
    "purchaseorders": ("purchase_orders", "purchaseorder_id"),
    "expenses": ("expenses", "expense_id"),
    "journals": ("journals", "journal_id"),
}
DATE_FIELDS = frozenset(
    {
        "date",
        "due_date",
        "journal_date",
        "effective_date",
        "transaction_date",
        "last_payment_date",
        "delivery_date",
    }
)


def _typed(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if key in DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value) if value else None
    return value


def _audit(
    record: Record, org_id: str, source_id: str, synced_at: dt.datetime, deleted: bool = False
) -> Record:
    row = _typed(record)
    row.update(
        _synced_at=synced_at,
        _zoho_organization_id=org_id,
        _zoho_source_id=source_id,
        _is_deleted=deleted,
        _deleted_at=synced_at if deleted else None,
    )
    return row


def _rows(
    dataset: Dataset, synced_at: dt.datetime, deleted: frozenset[tuple[str, str]]
) -> Iterator[tuple[str, Record]]:
    for org_id, books in dataset.orgs.items():
        yield "organizations", _audit(books.organization, org_id, org_id, synced_at)
        for entity, (table, id_field) in ENTITIES.items():
            for record in books.records.get(entity, {}).values():
                source_id = str(record[id_field])
                yield table, _audit(record, org_id, source_id, synced_at, (org_id, source_id) in deleted)
        for row in books.account_transactions:
            # Zoho's ledger loses a deleted document's postings too.
            gone = (org_id, row["transaction_id"]) in deleted
            yield (
                "account_transactions",
                _audit(row, org_id, row["categorized_transaction_id"], synced_at, gone),
            )
        for history in books.exchange_rates.values():
            for rate in history:
                yield "exchange_rates", _audit(rate, org_id, rate["exchange_rate_id"], synced_at)


def load_dataset(
    dataset: Dataset,
    *,
    destination: Any,
    pipelines_dir: Path,
    synced_at: dt.datetime | None = None,
    pipeline_name: str = "raw_loader",
    deleted: frozenset[tuple[str, str]] = frozenset(),
) -> str:
    """Load every organization of ``dataset`` (replacing what is there); returns the dlt load id.

    ``currencies`` rows are snapshots (appended per sync in the real pipeline): each carries ``_synced_at``.
    ``deleted`` holds (organization id, record id) pairs loaded with ``_is_deleted`` set, as the pipeline
    marks records it found deleted in Zoho.
    """
    synced = synced_at or dt.datetime.now(dt.UTC)
    tables: dict[str, list[Record]] = {}
    for table, row in _rows(dataset, synced, deleted):
        tables.setdefault(table, []).append(row)
    for books in dataset.orgs.values():
        for currency in books.records.get("currencies", {}).values():
            tables.setdefault("currencies", []).append(
                _audit(currency, books.organization_id, currency["currency_id"], synced)
            )
    pipeline = dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=destination,
        dataset_name=RAW_SCHEMA,
        pipelines_dir=str(pipelines_dir),
    )
    resources = [
        dlt.resource(rows, name=table, write_disposition="replace", columns=_hints(rows))
        for table, rows in tables.items()
    ]
    file_format = "parquet" if pipeline.destination.destination_name == "duckdb" else None
    info = pipeline.run(resources, loader_file_format=file_format)
    info.raise_on_failed_jobs()
    return str(info.loads_ids[-1])


def _hints(rows: list[Record]) -> dict[str, dict[str, Any]]:
    """Columns dlt cannot type from the values: audit timestamps and dates (a new dict per column)."""
    hints: dict[str, dict[str, Any]] = {
        "_synced_at": {"data_type": "timestamp", "timezone": True},
        "_deleted_at": {"data_type": "timestamp", "timezone": True, "nullable": True},
        "_is_deleted": {"data_type": "bool"},
    }
    for key in DATE_FIELDS & rows[0].keys():
        hints[key] = {"data_type": "date", "nullable": True}
    for key, value in rows[0].items():
        if isinstance(value, Decimal):
            hints[key] = {"data_type": "decimal", "precision": 38, "scale": 9, "nullable": True}
    return hints
