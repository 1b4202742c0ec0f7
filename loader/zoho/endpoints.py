"""The Zoho Books endpoints the connector reads, as data: path, root keys, id field, and how the pipeline
types and syncs each (decimal and date fields, nested lists, cursor).

The sandbox keeps its own table on purpose: a test double that shared this one would repeat any
mistake in it instead of catching it (see DECISIONLOG D9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Fields:
    """Typing of one level of a record (the record itself, or one of its nested lists).

    Zoho sends money as JSON numbers: ``0`` first and ``99.99`` later would type a column as an integer and
    then need a variant column, so every exact number is named here and hinted ``decimal``.
    """

    decimals: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    # Members the dbt models read that Zoho may leave out (an organization that never used a feature sends
    # no member for it): declared, so the raw column exists as NULL instead of failing a build.
    texts: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()


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
    "roundoff_value",
    "shipping_charge",
    "sub_total",
    "tax_total",
    "total",
)
# Declared text members: what the dbt models read, so a member Zoho has not sent yet is a NULL column.
_DOCUMENT_TEXTS = ("currency_code", "discount_account_id", "reference_number", "status")
_LINE = Fields(
    decimals=(
        "bcy_rate",
        "discount",
        "discount_amount",
        "item_total",
        "item_total_inclusive_of_tax",
        "quantity",
        "rate",
        "tax_percentage",
    ),
    texts=("account_id", "description", "item_id", "line_item_id", "name", "tax_id", "tax_name"),
)
# Zoho's taxes[] rows hold tax_name and tax_amount; a tax_id, should one come, is read too.
_TAXES = Fields(decimals=("tax_amount",), texts=("tax_id", "tax_name"))
# A line's taxes, a tax group split into its components.
_LINE_TAXES = Fields(decimals=("tax_amount",), texts=("tax_id", "tax_name"))
_APPLIED = Fields(
    decimals=(
        "amount_applied",
        "balance",
        "balance_amount",
        "invoice_amount",
        "tax_amount_withheld",
        "total",
    ),
    dates=("date",),
)
# Reporting tags (a line's or a document's): the dbt models take the cost center from them.
_TAGS = Fields(texts=("tag_id", "tag_name", "tag_option_id", "tag_option_name"))
# Credit applications: vendor credits call the amount `amount`, credit notes `credited_amount` (or `amount`).
_CREDITED = Fields(
    decimals=("amount", "amount_applied", "credited_amount"), dates=("date",), texts=("invoice_id",)
)
# Refunds of a payment (D135), loaded under it; the audit members are set on each row by the pipeline.
_REFUND_DECIMALS = ("amount", "amount_bcy", "amount_fcy", "exchange_rate")
_REFUND_TEXTS = ("description", "reference_number", "refund_mode")
_CUSTOMER_PAYMENT_REFUND = Fields(
    decimals=_REFUND_DECIMALS,
    dates=("date",),
    texts=(*_REFUND_TEXTS, "from_account_id", "payment_refund_id"),
)
_VENDOR_PAYMENT_REFUND = Fields(
    decimals=_REFUND_DECIMALS,
    dates=("date",),
    texts=(*_REFUND_TEXTS, "to_account_id", "vendorpayment_refund_id"),
)
_JOURNAL_LINE = Fields(
    decimals=("amount", "bcy_amount", "tax_percentage"),
    texts=("account_id", "customer_id", "debit_or_credit", "description", "line_id"),
)


def _line_document(
    *decimals: str, dates: tuple[str, ...] = ("date", "due_date"), texts: tuple[str, ...] = ()
) -> Fields:
    # is_inclusive_tax: the lines' rates and item_total hold their tax (D100)
    return Fields(
        decimals=_DOCUMENT_DECIMALS + decimals,
        dates=dates,
        texts=_DOCUMENT_TEXTS + texts,
        booleans=("is_inclusive_tax",),
    )


_LINE_CHILDREN: Mapping[str, Fields] = {
    "line_items": _LINE,
    "line_items.line_item_taxes": _LINE_TAXES,
    "line_items.tags": _TAGS,
    "taxes": _TAXES,
}


@dataclass(frozen=True)
class Refunds:
    """Refunds Zoho keeps under one payment and lists nowhere organization-wide (D135): read only for a
    payment whose detail shows one, and loaded as a nested list of the payment, so they are replaced with it.

    ``list_path``: the payment's refunds list (customer payments), or None where the payment's detail
    already lists them under ``child`` (vendor payments). ``detail_path`` (under the payment, with the
    refund's id after it) answers the members the rows lack (the rate, the bank account) under
    ``detail_root``, a list of one."""

    child: str  # the nested list of the payment record the refunds are loaded as
    id_field: str
    detail_path: str  # "customerpayments/{payment_id}/refunds"
    detail_root: str
    list_path: str | None = None
    list_root: str = ""
    # Members of the payment that say it has refunds; none of them above zero: no call at all.
    refunded_when: tuple[str, ...] = ()
    # Members taken from the refund's detail onto its row.
    detail_members: tuple[str, ...] = ()


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
    # Zoho webhooks of this module trigger targeted syncs: the payload's root key is detail_root or one of
    # these module-name aliases (loader/webhooks/payload.py reads them from here).
    webhook_aliases: tuple[str, ...] | None = None
    # Ask Zoho for the list newest-modified first (sort_column=cursor), so a walk can stop at the watermark
    # once the answer bears that order out. Documented for contacts and vendor credits, recorded for invoices,
    # open elsewhere; journals document other columns only, so they are never asked (and walked whole).
    sorts_by_cursor: bool = True
    # Where list rows carry no cursor: the list members that tell a changed version from the stored one.
    list_version: tuple[str, ...] = ()
    # Records Zoho details only under their parent document: the detail path before the record's id, with
    # the parent's id read from the list row ("creditnotes/{creditnote_id}/refunds"). None: ``path``.
    detail_path: str | None = None
    # "list" (the default), or the special shapes: "organization", "snapshot" (appended every sync),
    # "per_currency" (rate history per currency), "per_account" (Zoho's ledger per account), "single" (one
    # object per organization under detail_root, e.g. the opening balance).
    kind: str = "list"
    # Transactions in this document post to the ledger: a change refreshes account transactions.
    posts: bool = False
    fields: Fields = Fields()
    children: Mapping[str, Fields] = field(default_factory=dict)  # nested list path ("a.b") -> typing
    # Refunds of this document read after its detail (payments, D135); their child is in ``children``.
    refunds: Refunds | None = None


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "contacts",
        "contacts",
        "contacts",
        "contact",
        "contact_id",
        # Zoho's documented "all statuses": deactivated contacts stay listed, not taken for deleted.
        list_params={"filter_by": "Status.All"},
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
            ),
            texts=("company_name", "contact_name", "contact_type", "currency_code", "email", "status"),
            integers=("payment_terms",),
        ),
        webhook_aliases=(),
    ),
    Endpoint(
        "items",
        "items",
        "items",
        "item",
        "item_id",
        list_params={"filter_by": "Status.All"},
        fields=Fields(
            decimals=(
                "actual_available_stock",
                "available_stock",
                "purchase_rate",
                "rate",
                "stock_on_hand",
                "tax_percentage",
            ),
            texts=(
                "account_id",
                "item_type",
                "name",
                "product_type",
                "purchase_account_id",
                "sku",
                "status",
                "tax_id",
                "unit",
            ),
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
        fields=Fields(
            decimals=("current_balance",),
            texts=("account_code", "account_name", "account_type", "currency_code", "parent_account_id"),
            booleans=("is_active",),
        ),
    ),
    Endpoint(
        "taxes",
        "settings/taxes",
        "taxes",
        "tax",
        "tax_id",
        cursor=None,
        fields=Fields(
            decimals=("tax_percentage",),
            dates=("start_date", "end_date"),
            texts=("purchase_tax_account_id", "tax_account_id", "tax_name", "tax_type"),
        ),
    ),
    Endpoint(
        "currencies",
        "settings/currencies",
        "currencies",
        "currency",
        "currency_id",
        cursor=None,
        kind="snapshot",
        fields=Fields(
            decimals=("exchange_rate",),
            dates=("effective_date",),
            texts=("currency_code", "currency_name", "currency_symbol"),
            booleans=("is_base_currency",),
        ),
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
            "credits_applied",
            "discount",
            "payment_made",
            "tax_amount_withheld",
            "unprocessed_payment_amount",
            "write_off_amount",
            dates=("date", "due_date", "last_payment_date"),
            texts=("customer_id", "invoice_number"),
        ),
        children=_LINE_CHILDREN,
        webhook_aliases=(),
    ),
    # Customer debit notes (D95): invoices of type debit_note, listed by the invoices list filtered with
    # Type.DebitNote under debit_notes and read by the invoice detail (customer-debit-notes.yml). Whether the
    # plain invoices list returns them too is not documented: staging takes each id once, the invoice's row
    # first. Same members and children as invoices; posted by the invoice rule. An invoice webhook already
    # covers them (detail root "invoice"), so none of their own.
    Endpoint(
        "debit_notes",
        "invoices",
        "debit_notes",
        "invoice",
        "invoice_id",
        needs_detail=True,
        list_params={"filter_by": "Type.DebitNote"},
        posts=True,
        fields=_line_document(
            "credits_applied",
            "discount",
            "payment_made",
            "tax_amount_withheld",
            "unprocessed_payment_amount",
            "write_off_amount",
            dates=("date", "due_date", "last_payment_date"),
            texts=("customer_id", "invoice_number"),
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
            "discount",
            "item_price",
            "item_quantity",
            "item_total",
            "item_total_price",
            "item_total_without_tax",
            texts=("creditnote_number", "customer_id"),
        ),
        # Applications: the documented invoices[], or invoices_credited[] as recorded answers show them.
        children={**_LINE_CHILDREN, "invoices": _CREDITED, "invoices_credited": _CREDITED},
        webhook_aliases=("credit_note",),
    ),
    # Refunds of credit notes, organization-wide (D72). The list rows carry no last_modified_time and Zoho
    # documents no sort by it: rows are versioned by their list members (D56). The list lacks the bank
    # account and the rate: a detail call per changed refund, under its credit note.
    Endpoint(
        "credit_note_refunds",
        "creditnotes/refunds",
        "creditnote_refunds",
        "creditnote_refund",
        "creditnote_refund_id",
        needs_detail=True,
        detail_path="creditnotes/{creditnote_id}/refunds",
        cursor_in_list=False,
        sorts_by_cursor=False,
        list_version=(
            "creditnote_id",
            "date",
            "refund_mode",
            "reference_number",
            "description",
            "amount_bcy",
            "amount_fcy",
        ),
        posts=True,
        fields=Fields(
            decimals=("amount", "amount_bcy", "amount_fcy", "exchange_rate"),
            dates=("date",),
            texts=(
                "creditnote_id",
                "creditnote_number",
                "customer_name",
                "description",
                "from_account_id",
                "reference_number",
                "refund_mode",
            ),
        ),
    ),
    # Sales receipts (D73): a sale paid on the spot. Lines from the detail; the documents name no deposit
    # account, so their ledger lines come from Zoho's ledger (D60) until an answer shows one.
    Endpoint(
        "sales_receipts",
        "salesreceipts",
        "salesreceipts",
        "salesreceipt",
        "sales_receipt_id",
        needs_detail=True,
        posts=True,
        fields=Fields(
            decimals=("exchange_rate", "sub_total", "tax_total", "total"),
            dates=("date",),
            texts=(
                "currency_code",
                "customer_id",
                "deposit_to_account_id",
                "payment_mode",
                "receipt_number",
                "status",
            ),
        ),
        # The documented receipt line: no account, no line id, no discount.
        children={
            "line_items": Fields(
                decimals=("item_total", "quantity", "rate", "tax_percentage"),
                texts=("description", "item_id", "name", "tax_id", "tax_name"),
            )
        },
    ),
    # Retainer invoices (D92): money asked for up front. Issuing one posts nothing; its payments post (Dr
    # bank, Cr customer advance) but Zoho documents no route that lists them nor a member naming their deposit
    # account, so their ledger lines are taken from Zoho's ledger (D60). The list documents no
    # last_modified_time sort: it is walked whole and details are fetched only for changed rows.
    Endpoint(
        "retainer_invoices",
        "retainerinvoices",
        "retainerinvoices",
        "retainerinvoice",
        "retainerinvoice_id",
        needs_detail=True,
        list_params={"filter_by": "Status.All"},
        sorts_by_cursor=False,
        posts=True,
        fields=Fields(
            decimals=("balance", "exchange_rate", "payment_drawn", "payment_made", "sub_total", "total"),
            dates=("date", "last_payment_date"),
            texts=("currency_code", "customer_id", "reference_number", "retainerinvoice_number", "status"),
        ),
        children={
            "line_items": Fields(
                decimals=("bcy_rate", "item_total", "rate", "tax_percentage"),
                texts=("description", "line_item_id", "tax_id", "tax_name"),
            )
        },
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
                "amount_refunded",
                "bank_charges",
                "bcy_amount",
                "bcy_refunded_amount",
                "bcy_unused_amount",
                "exchange_rate",
                "tax_amount_withheld",
                "unused_amount",
            ),
            dates=("date",),
            texts=(
                "account_id",
                "currency_code",
                "customer_id",
                "payment_mode",
                "payment_number",
                "reference_number",
                "tax_account_id",
            ),
        ),
        children={
            "invoices": replace(_APPLIED, texts=("invoice_id", "invoice_number")),
            "applied_invoices": _APPLIED,
            "payment_refunds": _CUSTOMER_PAYMENT_REFUND,
        },
        # The refunds list rows (customer-payments.yml) carry the amounts; the refund's detail the rate and
        # amount, and where Zoho sends it the bank account (from_account_id, documented on the refund request
        # only, as for credit note refunds: D72).
        refunds=Refunds(
            "payment_refunds",
            "payment_refund_id",
            detail_path="customerpayments/{payment_id}/refunds",
            detail_root="payment_refunds",
            list_path="customerpayments/{payment_id}/refunds",
            list_root="payment_refunds",
            refunded_when=("amount_refunded", "bcy_refunded_amount"),
            detail_members=("amount", "exchange_rate", "from_account_id", "description"),
        ),
        webhook_aliases=("customerpayment", "customer_payment"),
    ),
    Endpoint(
        "bills",
        "bills",
        "bills",
        "bill",
        "bill_id",
        needs_detail=True,
        posts=True,
        fields=_line_document(
            "payment_made",
            "tds_total",
            "unprocessed_payment_amount",
            "unused_credits_payable_amount",
            "vendor_credits_applied",
            texts=("bill_number", "vendor_id"),
        ),
        children=_LINE_CHILDREN,
        webhook_aliases=(),
    ),
    Endpoint(
        "vendor_credits",
        "vendorcredits",
        "vendor_credits",
        "vendor_credit",
        "vendor_credit_id",
        needs_detail=True,
        posts=True,
        # No tds_total: Zoho documents none on a vendor credit, and no rule would post it.
        fields=_line_document("unprocessed_payment_amount", texts=("vendor_credit_number", "vendor_id")),
        children={
            **_LINE_CHILDREN,
            "bills_credited": replace(_CREDITED, texts=("bill_id", "bill_number")),
        },
    ),
    # Refunds of vendor credits, organization-wide, as credit note refunds are (D72); the detail documents
    # the bank account as account_id.
    Endpoint(
        "vendor_credit_refunds",
        "vendorcredits/refunds",
        "vendor_credit_refunds",
        "vendor_credit_refund",
        "vendor_credit_refund_id",
        needs_detail=True,
        detail_path="vendorcredits/{vendor_credit_id}/refunds",
        cursor_in_list=False,
        sorts_by_cursor=False,
        list_version=(
            "vendor_credit_id",
            "date",
            "refund_mode",
            "reference_number",
            "description",
            "amount_bcy",
            "amount_fcy",
        ),
        posts=True,
        fields=Fields(
            decimals=("amount", "amount_bcy", "amount_fcy", "exchange_rate"),
            dates=("date",),
            texts=(
                "account_id",
                "description",
                "reference_number",
                "refund_mode",
                "vendor_credit_id",
                "vendor_credit_number",
            ),
        ),
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
                "bcy_balance",
                "bcy_unused_amount",
                "exchange_rate",
                "tax_amount_withheld",
                "unused_amount",
            ),
            dates=("date",),
            texts=(
                "currency_code",
                "currency_id",
                "paid_through_account_id",
                "payment_mode",
                "payment_number",
                "reference_number",
                "vendor_id",
            ),
        ),
        children={
            "bills": replace(_APPLIED, texts=("bill_id", "bill_number")),
            "vendorpayment_refunds": _VENDOR_PAYMENT_REFUND,
        },
        # The detail lists the refunds (vendorpayment_refunds[], vendor-payments.yml); the refund's detail
        # documents the bank account (to_account_id) and the rate.
        refunds=Refunds(
            "vendorpayment_refunds",
            "vendorpayment_refund_id",
            detail_path="vendorpayments/{payment_id}/refunds",
            detail_root="vendorpayment_refund",
            detail_members=("amount", "exchange_rate", "to_account_id"),
        ),
        webhook_aliases=("vendor_payment",),
    ),
    Endpoint(
        "purchase_orders",
        "purchaseorders",
        "purchaseorders",
        "purchaseorder",
        "purchaseorder_id",
        needs_detail=True,
        fields=_line_document(
            "quantity_marked_as_received",
            "quantity_yet_to_receive",
            dates=("date", "delivery_date"),
            texts=("purchaseorder_number", "vendor_id"),
        ),
        children=_LINE_CHILDREN,
        webhook_aliases=("purchase_order",),
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
                "acquisition_vat_total",
                "amount",
                "bcy_sub_total",
                "bcy_tax_amount",
                "bcy_total",
                "bcy_total_without_tax",
                "distance",
                "exchange_rate",
                "mileage_rate",
                "reverse_charge_tax_amount",
                "reverse_charge_tax_percentage",
                "reverse_charge_vat_total",
                "sub_total",
                "tax_amount",
                "tax_percentage",
                "total",
                "total_without_tax",
            ),
            dates=("date",),
            texts=(
                "account_id",
                "currency_code",
                "customer_id",
                "description",
                "paid_through_account_id",
                "reference_number",
                "status",
                "tax_id",
                "vendor_id",
            ),
        ),
        children={
            "line_items": Fields(
                decimals=("amount", "bcy_amount", "tax_amount", "tax_percentage", "item_total"),
                texts=("account_id", "description", "line_item_id"),
            ),
            "line_items.tags": _TAGS,
            "tags": _TAGS,
        },
        webhook_aliases=(),
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
        sorts_by_cursor=False,
        list_version=(
            "journal_date",
            "entry_number",
            "reference_number",
            "notes",
            "journal_type",
            "total",
            "bcy_total",
            "currency_id",
        ),
        posts=True,
        fields=Fields(
            decimals=(
                "bcy_total",
                "bcy_total_credit",
                "bcy_total_debit",
                "exchange_rate",
                "line_item_total",
                "total",
            ),
            dates=("journal_date",),
            texts=("currency_code", "entry_number", "journal_type", "notes", "reference_number", "status"),
        ),
        children={"line_items": _JOURNAL_LINE, "line_items.tags": _TAGS},
    ),
    # Every bank transaction (Zoho's "Status.All": uncategorized and excluded statement lines too, which post
    # nothing). List rows carry no last_modified_time and the list sorts by date only, and they lack the
    # accounts (from_account_id / to_account_id are on the detail): versioned by their list members (D56),
    # a detail call only for a row whose version changed (D67).
    Endpoint(
        "bank_transactions",
        "banktransactions",
        "banktransactions",
        "banktransaction",
        "transaction_id",
        needs_detail=True,
        list_params={"filter_by": "Status.All"},
        cursor_in_list=False,
        sorts_by_cursor=False,
        list_version=(
            "date",
            "amount",
            "transaction_type",
            "status",
            "account_id",
            "debit_or_credit",
            "reference_number",
            "offset_account_name",
            "description",
            "payee",
        ),
        posts=True,
        fields=Fields(
            decimals=(
                "amount",
                "bank_charges",
                "bcy_total",
                "exchange_rate",
                "sub_total",
                "tax_amount",
                "tax_percentage",
                "total",
            ),
            dates=("date",),
            texts=(
                "account_id",
                "currency_code",
                "customer_id",
                "debit_or_credit",
                "description",
                "from_account_id",
                "payment_mode",
                "reference_number",
                "source",
                "status",
                "tax_id",
                "to_account_id",
                "transaction_type",
                "vendor_id",
            ),
        ),
        children={
            "line_items": Fields(
                decimals=("bcy_total", "sub_total", "total"), texts=("from_account_id", "payment_mode")
            ),
        },
    ),
    # Base currency adjustments: the list carries no last_modified_time (only a filter of that name) and no
    # accounts; an adjustment is created or deleted, never edited, so its list members are its version.
    # The detail's root is "data", as documented.
    Endpoint(
        "base_currency_adjustments",
        "basecurrencyadjustment",
        "base_currency_adjustments",
        "data",
        "base_currency_adjustment_id",
        needs_detail=True,
        list_params={"filter_by": "Date.All"},
        cursor_in_list=False,
        sorts_by_cursor=False,
        list_version=("adjustment_date", "exchange_rate", "currency_id", "gain_or_loss", "notes"),
        posts=True,
        fields=Fields(
            decimals=("exchange_rate", "gain_or_loss"),
            dates=("adjustment_date",),
            texts=("currency_code", "currency_id", "notes"),
        ),
        children={
            "accounts": Fields(
                decimals=("adjusted_balance", "bcy_balance", "fcy_balance", "gain_or_loss"),
                texts=("account_id", "account_name"),
                integers=("gl_specific_type",),
            ),
        },
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
        fields=Fields(
            dates=("account_created_date",),
            texts=("country", "currency_code", "currency_id", "name", "time_zone"),
            integers=("fiscal_year_start_month",),
        ),
    ),
    Endpoint(
        "exchange_rates",
        "settings/currencies/{currency_id}/exchangerates",
        "exchange_rates",
        "exchange_rate",
        "exchange_rate_id",
        cursor=None,
        kind="per_currency",
        fields=Fields(decimals=("rate",), dates=("effective_date",), texts=("currency_code", "currency_id")),
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
            texts=(
                "account_id",
                "currency_code",
                "customer_id",
                "entry_number",
                "transaction_id",
                "transaction_type",
            ),
        ),
    ),
)

# The organization's opening balance: one object (or none) per organization, read whole every sync.
SPECIAL_ENDPOINTS += (
    Endpoint(
        "opening_balances",
        "settings/openingbalances",
        "opening_balance",
        "opening_balance",
        "opening_balance_id",
        cursor=None,
        kind="single",
        posts=True,
        fields=Fields(decimals=("total",), dates=("date",)),
        children={
            "accounts": Fields(
                decimals=("amount", "bcy_amount", "exchange_rate"),
                texts=("acount_split_id", "account_id", "currency_code", "currency_id", "debit_or_credit"),
            ),
        },
    ),
)

ALL_ENDPOINTS: tuple[Endpoint, ...] = SPECIAL_ENDPOINTS + ENDPOINTS

BY_NAME: dict[str, Endpoint] = {e.name: e for e in ALL_ENDPOINTS}


def raw_tables(endpoint: Endpoint) -> tuple[str, ...]:
    """The raw tables an endpoint loads: its own and one per nested list (dlt's ``parent__child`` names)."""
    return (endpoint.name, *(f"{endpoint.name}__{path.replace('.', '__')}" for path in endpoint.children))
