"""The Zoho Books endpoints the connector reads, as data: path, root keys, id field, and how the pipeline
types and syncs each (decimal and date fields, nested lists, cursor).

The sandbox keeps its own table on purpose: a test double that shared this one would repeat any
mistake in it instead of catching it (see DECISIONLOG D9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fields:
    """Typing of one level of a record (the record itself, or one of its nested lists).

    Zoho sends money as JSON numbers: ``0`` first and ``99.99`` later would type a column as an integer and
    then need a variant column, so every exact number is named here and hinted ``decimal``.
    """

    decimals: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


# Zoho timestamps (ISO 8601 with the organization's offset): parsed to aware UTC datetimes.
TIMESTAMP_FIELDS: tuple[str, ...] = (
    "created_time",
    "last_modified_time",
    "updated_time",
    "client_viewed_time",
)

_DOCUMENT_DECIMALS = (
    "adjustment",
    "balance",
    "bcy_adjustment",
    "bcy_discount_total",
    "bcy_shipping_charge",
    "bcy_sub_total",
    "bcy_tax_total",
    "bcy_total",
    "discount_total",
    "exchange_rate",
    "shipping_charge",
    "sub_total",
    "tax_total",
    "total",
)
_LINE = Fields(decimals=("bcy_rate", "discount", "item_total", "quantity", "rate", "tax_percentage"))
_TAXES = Fields(decimals=("tax_amount",))
_APPLIED = Fields(decimals=("amount_applied", "total"), dates=("date",))
_JOURNAL_LINE = Fields(decimals=("amount", "bcy_amount"))


def _line_document(*decimals: str, dates: tuple[str, ...] = ("date", "due_date")) -> Fields:
    return Fields(decimals=_DOCUMENT_DECIMALS + decimals, dates=dates)


_LINE_CHILDREN: Mapping[str, Fields] = {"line_items": _LINE, "taxes": _TAXES}


@dataclass(frozen=True)
class Endpoint:
    name: str  # also the raw table's name
    path: str
    list_root: str
    detail_root: str
    id_field: str
    # List rows lack line items (and more): a detail call per document is needed for them.
    needs_detail: bool = False
    list_params: Mapping[str, Any] = field(default_factory=dict)
    # How a sync finds changes: "last_modified_time" walks the list newest-modified first down to the stored
    # watermark; None re-reads the (short) list every sync.
    cursor: str | None = "last_modified_time"
    # Journal list rows carry no last_modified_time: the cursor is read from the detail record.
    cursor_in_list: bool = True
    # "list" (the default), or the special shapes: "organization", "snapshot" (appended every sync),
    # "per_currency" (rate history per currency), "per_account" (Zoho's ledger per account).
    kind: str = "list"
    # Transactions in this document post to the ledger: a change refreshes account transactions.
    posts: bool = False
    fields: Fields = Fields()
    children: Mapping[str, Fields] = field(default_factory=dict)  # nested list path ("a.b") -> typing


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "contacts",
        "contacts",
        "contacts",
        "contact",
        "contact_id",
        fields=Fields(
            decimals=(
                "outstanding_payable_amount",
                "outstanding_payable_amount_bcy",
                "outstanding_receivable_amount",
                "outstanding_receivable_amount_bcy",
                "unused_credits_payable_amount",
                "unused_credits_payable_amount_bcy",
                "unused_credits_receivable_amount",
                "unused_credits_receivable_amount_bcy",
            )
        ),
    ),
    Endpoint(
        "items",
        "items",
        "items",
        "item",
        "item_id",
        fields=Fields(
            decimals=(
                "actual_available_stock",
                "available_stock",
                "purchase_rate",
                "rate",
                "stock_on_hand",
                "tax_percentage",
            )
        ),
    ),
    Endpoint(
        "chart_of_accounts",
        "chartofaccounts",
        "chartofaccounts",
        "chart_of_account",
        "account_id",
        list_params={"filter_by": "AccountType.All", "showbalance": "true"},
        # Balances move without last_modified_time moving: the whole (short) list is read every sync.
        cursor=None,
        fields=Fields(decimals=("current_balance",)),
    ),
    Endpoint(
        "taxes",
        "settings/taxes",
        "taxes",
        "tax",
        "tax_id",
        cursor=None,
        fields=Fields(decimals=("tax_percentage",), dates=("start_date", "end_date")),
    ),
    Endpoint(
        "currencies",
        "settings/currencies",
        "currencies",
        "currency",
        "currency_id",
        cursor=None,
        kind="snapshot",
        fields=Fields(decimals=("exchange_rate",), dates=("effective_date",)),
    ),
    Endpoint(
        "invoices",
        "invoices",
        "invoices",
        "invoice",
        "invoice_id",
        needs_detail=True,
        posts=True,
        fields=_line_document(
            "unprocessed_payment_amount", "write_off_amount", dates=("date", "due_date", "last_payment_date")
        ),
        children=_LINE_CHILDREN,
    ),
    Endpoint(
        "credit_notes",
        "creditnotes",
        "creditnotes",
        "creditnote",
        "creditnote_id",
        needs_detail=True,
        posts=True,
        fields=_line_document(
            "item_price", "item_quantity", "item_total", "item_total_price", "item_total_without_tax"
        ),
        children={**_LINE_CHILDREN, "invoices_credited": _APPLIED},
    ),
    Endpoint(
        "customer_payments",
        "customerpayments",
        "customerpayments",
        "payment",
        "payment_id",
        needs_detail=True,
        posts=True,
        fields=Fields(
            decimals=(
                "amount",
                "bank_charges",
                "bcy_amount",
                "bcy_refunded_amount",
                "bcy_unused_amount",
                "exchange_rate",
                "tax_amount_withheld",
                "unused_amount",
            ),
            dates=("date",),
        ),
        children={"invoices": _APPLIED, "applied_invoices": _APPLIED},
    ),
    Endpoint(
        "bills",
        "bills",
        "bills",
        "bill",
        "bill_id",
        needs_detail=True,
        posts=True,
        fields=_line_document("tds_total", "unprocessed_payment_amount"),
        children=_LINE_CHILDREN,
    ),
    Endpoint(
        "vendor_credits",
        "vendorcredits",
        "vendor_credits",
        "vendor_credit",
        "vendor_credit_id",
        needs_detail=True,
        posts=True,
        fields=_line_document("tds_total", "unprocessed_payment_amount"),
        children={**_LINE_CHILDREN, "bills_credited": _APPLIED},
    ),
    Endpoint(
        "vendor_payments",
        "vendorpayments",
        "vendorpayments",
        "vendorpayment",
        "payment_id",
        needs_detail=True,
        posts=True,
        fields=Fields(
            decimals=(
                "amount",
                "balance",
                "bank_charges",
                "bcy_amount",
                "bcy_unused_amount",
                "exchange_rate",
                "unused_amount",
            ),
            dates=("date",),
        ),
        children={"bills": _APPLIED},
    ),
    Endpoint(
        "purchase_orders",
        "purchaseorders",
        "purchaseorders",
        "purchaseorder",
        "purchaseorder_id",
        needs_detail=True,
        fields=_line_document(
            "quantity_marked_as_received", "quantity_yet_to_receive", dates=("date", "delivery_date")
        ),
        children=_LINE_CHILDREN,
    ),
    Endpoint(
        "expenses",
        "expenses",
        "expenses",
        "expense",
        "expense_id",
        needs_detail=True,
        posts=True,
        fields=Fields(
            decimals=(
                "amount",
                "bcy_sub_total",
                "bcy_tax_amount",
                "bcy_total",
                "bcy_total_without_tax",
                "distance",
                "exchange_rate",
                "mileage_rate",
                "sub_total",
                "tax_amount",
                "tax_percentage",
                "total",
                "total_without_tax",
            ),
            dates=("date",),
        ),
        children={"line_items": Fields(decimals=("amount", "bcy_amount", "tax_amount", "item_total"))},
    ),
    # The journals list defaults to the current month: ask for all of them.
    Endpoint(
        "journals",
        "journals",
        "journals",
        "journal",
        "journal_id",
        needs_detail=True,
        list_params={"filter_by": "JournalDate.All"},
        cursor_in_list=False,
        posts=True,
        fields=Fields(
            decimals=("bcy_total", "bcy_total_credit", "bcy_total_debit", "exchange_rate", "total"),
            dates=("journal_date",),
        ),
        children={"line_items": _JOURNAL_LINE},
    ),
)

# Endpoints that are not one plain list per organization. Kept apart from ENDPOINTS, whose users (the demo)
# walk plain lists; the pipeline generates its resources from ALL_ENDPOINTS.
SPECIAL_ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "organizations",
        "organizations",
        "organizations",
        "organization",
        "organization_id",
        cursor=None,
        kind="organization",
        fields=Fields(dates=("account_created_date",)),
    ),
    Endpoint(
        "exchange_rates",
        "settings/currencies/{currency_id}/exchangerates",
        "exchange_rates",
        "exchange_rate",
        "exchange_rate_id",
        cursor=None,
        kind="per_currency",
        fields=Fields(decimals=("rate",), dates=("effective_date",)),
    ),
    # Rows are keyed by categorized_transaction_id (one posting line): transaction_id is the document's id,
    # shared by its lines, and Zoho sometimes leaves it out.
    Endpoint(
        "account_transactions",
        "chartofaccounts/transactions",
        "transactions",
        "transaction",
        "categorized_transaction_id",
        cursor=None,
        kind="per_account",
        fields=Fields(
            decimals=("credit_amount", "debit_amount", "fcy_credit_amount", "fcy_debit_amount"),
            dates=("transaction_date",),
        ),
    ),
)

ALL_ENDPOINTS: tuple[Endpoint, ...] = SPECIAL_ENDPOINTS + ENDPOINTS

BY_NAME: dict[str, Endpoint] = {e.name: e for e in ALL_ENDPOINTS}
