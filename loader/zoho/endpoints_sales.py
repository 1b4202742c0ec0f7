"""Zoho Books endpoints of the organization's reference lists and of sales: contacts, items, the chart of
accounts, taxes, currencies, invoices and their notes, receipts, retainers and customer payments."""

from __future__ import annotations

from dataclasses import replace

from loader.zoho.endpoint_spec import (
    APPLIED,
    CREDITED,
    CUSTOMER_PAYMENT_REFUND,
    LINE_CHILDREN,
    Endpoint,
    Fields,
    Refunds,
    line_document,
)

SALES_ENDPOINTS: tuple[Endpoint, ...] = (
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
        fields=line_document(
            "credits_applied",
            "discount",
            "payment_made",
            "tax_amount_withheld",
            "unprocessed_payment_amount",
            "write_off_amount",
            dates=("date", "due_date", "last_payment_date"),
            texts=("customer_id", "invoice_number"),
        ),
        children=LINE_CHILDREN,
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
        fields=line_document(
            "credits_applied",
            "discount",
            "payment_made",
            "tax_amount_withheld",
            "unprocessed_payment_amount",
            "write_off_amount",
            dates=("date", "due_date", "last_payment_date"),
            texts=("customer_id", "invoice_number"),
        ),
        children=LINE_CHILDREN,
    ),
    Endpoint(
        "credit_notes",
        "creditnotes",
        "creditnotes",
        "creditnote",
        "creditnote_id",
        needs_detail=True,
        posts=True,
        fields=line_document(
            "discount",
            "item_price",
            "item_quantity",
            "item_total",
            "item_total_price",
            "item_total_without_tax",
            texts=("creditnote_number", "customer_id"),
        ),
        # Applications: the documented invoices[], or invoices_credited[] as recorded answers show them.
        children={**LINE_CHILDREN, "invoices": CREDITED, "invoices_credited": CREDITED},
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
            "invoices": replace(APPLIED, texts=("invoice_id", "invoice_number")),
            "applied_invoices": APPLIED,
            "payment_refunds": CUSTOMER_PAYMENT_REFUND,
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
)
