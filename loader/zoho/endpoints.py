"""The Zoho Books endpoints the connector reads, as data: path, root keys, id field.

The sandbox keeps its own table on purpose: a test double that shared this one would repeat any
mistake in it instead of catching it (see DECISIONLOG D9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    list_root: str
    detail_root: str
    id_field: str
    # List rows lack line items (and more): a detail call per document is needed for them.
    needs_detail: bool = False
    list_params: Mapping[str, Any] = field(default_factory=dict)


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("contacts", "contacts", "contacts", "contact", "contact_id"),
    Endpoint("items", "items", "items", "item", "item_id"),
    Endpoint(
        "chart_of_accounts",
        "chartofaccounts",
        "chartofaccounts",
        "chart_of_account",
        "account_id",
        list_params={"filter_by": "AccountType.All", "showbalance": "true"},
    ),
    Endpoint("taxes", "settings/taxes", "taxes", "tax", "tax_id"),
    Endpoint("currencies", "settings/currencies", "currencies", "currency", "currency_id"),
    Endpoint("invoices", "invoices", "invoices", "invoice", "invoice_id", needs_detail=True),
    Endpoint("credit_notes", "creditnotes", "creditnotes", "creditnote", "creditnote_id", needs_detail=True),
    Endpoint(
        "customer_payments",
        "customerpayments",
        "customerpayments",
        "payment",
        "payment_id",
        needs_detail=True,
    ),
    Endpoint("bills", "bills", "bills", "bill", "bill_id", needs_detail=True),
    Endpoint(
        "vendor_credits",
        "vendorcredits",
        "vendor_credits",
        "vendor_credit",
        "vendor_credit_id",
        needs_detail=True,
    ),
    Endpoint(
        "vendor_payments",
        "vendorpayments",
        "vendorpayments",
        "vendorpayment",
        "payment_id",
        needs_detail=True,
    ),
    Endpoint(
        "purchase_orders",
        "purchaseorders",
        "purchaseorders",
        "purchaseorder",
        "purchaseorder_id",
        needs_detail=True,
    ),
    Endpoint("expenses", "expenses", "expenses", "expense", "expense_id", needs_detail=True),
    # The journals list defaults to the current month: ask for all of them.
    Endpoint(
        "journals",
        "journals",
        "journals",
        "journal",
        "journal_id",
        needs_detail=True,
        list_params={"filter_by": "JournalDate.All"},
    ),
)

BY_NAME: dict[str, Endpoint] = {e.name: e for e in ENDPOINTS}
