"""Zoho Books endpoints of accounting: journals, bank transactions, base currency adjustments; and the
endpoints that are not one plain list per organization (the organization, rates, the ledger, the
opening balance)."""

from __future__ import annotations

from loader.zoho.endpoint_spec import JOURNAL_LINE, TAGS, Endpoint, Fields

ACCOUNTING_ENDPOINTS: tuple[Endpoint, ...] = (
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
        children={"line_items": JOURNAL_LINE, "line_items.tags": TAGS},
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
