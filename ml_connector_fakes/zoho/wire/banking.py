"""The members of banking answers: bank transactions, base currency adjustments and the opening balance."""

from __future__ import annotations

from ml_connector_fakes.zoho.wire.members import Members

BANK_TRANSACTION_LIST = Members(
    (
        "transaction_id", "date", "amount", "transaction_type", "status", "source", "account_id",
        "account_name", "account_type", "price_precision", "customer_id", "payee", "description",
        "currency_id", "currency_code", "currency_symbol", "debit_or_credit", "offset_account_name",
        "reference_number",
    )
)  # fmt: skip
BANK_TRANSACTION_DETAIL = Members(
    (
        "transaction_id", "from_account_id", "from_account_name", "to_account_id", "to_account_name",
        "transaction_type", "currency_id", "currency_code", "payment_mode", "exchange_rate", "date",
        "customer_id", "reference_number", "description", "bank_charges", "tax_amount", "sub_total", "total",
        "bcy_total", "amount",
    )
)  # fmt: skip
BASE_CURRENCY_ADJUSTMENT_LIST = Members(
    (
        "base_currency_adjustment_id", "adjustment_date", "exchange_rate", "currency_id", "currency_code",
        "notes", "gain_or_loss",
    )
)  # fmt: skip
BASE_CURRENCY_ADJUSTMENT_DETAIL = Members(
    (
        "base_currency_adjustment_id", "adjustment_date", "exchange_rate", "currency_id", "accounts", "notes",
        "currency_code",
    ),
    nested={
        "accounts": Members(
            (
                "account_id", "account_name", "bcy_balance", "fcy_balance", "adjusted_balance",
                "gain_or_loss", "gl_specific_type",
            )
        )
    },
)  # fmt: skip
OPENING_BALANCE = Members(
    ("opening_balance_id", "date", "price_precision", "accounts", "total"),
    nested={
        "accounts": Members(
            (
                "acount_split_id", "account_id", "account_name", "debit_or_credit", "exchange_rate",
                "currency_id", "currency_code", "bcy_amount", "amount",
            )
        )
    },
)  # fmt: skip
