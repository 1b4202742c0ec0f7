"""The members of purchase answers: bills, vendor credits and their refunds, vendor payments and their
refunds, purchase orders, expenses and journals.
"""

from __future__ import annotations

from ml_connector_fakes.zoho.wire.members import (
    BILL_CUSTOM_FIELDS,
    EXPENSE_LINE,
    JOURNAL_LINE,
    PURCHASE_LINE,
    TAX_SUMMARY,
    Members,
)

BILL_LIST = Members(
    (
        "bill_id", "bill_number", "date", "due_date", "due_days", "status", "vendor_id", "vendor_name",
        "currency_id", "currency_code", "exchange_rate", "price_precision", "reference_number", "total",
        "balance", "created_time", "last_modified_time", "has_attachment", "attachment_name", "color_code",
        "current_sub_status", "current_sub_status_id", "client_viewed_time", "is_viewed_by_client",
        "entity_type", "is_bill_reconciliation_violated", "is_tally_bill", "is_uber_bill", "tds_total",
        "unprocessed_payment_amount",
    )
)  # fmt: skip
BILL_DETAIL = Members(
    (
        "bill_id", "bill_number", "date", "due_date", "status", "vendor_id", "vendor_name",
        "reference_number", "currency_id", "currency_code", "currency_symbol", "exchange_rate",
        "price_precision", "line_items", "adjustment", "sub_total", "tax_total", "total", "taxes", "balance",
        "notes", "terms", "attachment_name", "custom_fields", "created_time", "last_modified_time",
        "is_inclusive_tax",
    ),
    nested={"line_items": PURCHASE_LINE, "taxes": TAX_SUMMARY, "custom_fields": BILL_CUSTOM_FIELDS},
)  # fmt: skip

VENDOR_CREDIT_LIST = Members(
    (
        "vendor_credit_id", "vendor_credit_number", "date", "status", "vendor_id", "vendor_name",
        "currency_id", "currency_code", "exchange_rate", "reference_number", "total", "balance",
        "created_time", "last_modified_time", "has_attachment",
    )
)  # fmt: skip
VENDOR_CREDIT_DETAIL = Members(
    (
        "vendor_credit_id", "vendor_credit_number", "date", "status", "reference_number", "vendor_id",
        "vendor_name", "currency_id", "currency_code", "exchange_rate", "price_precision", "line_items",
        "sub_total", "taxes", "total", "balance", "notes", "bills_credited", "created_time",
        "last_modified_time", "is_inclusive_tax",
    ),
    nested={
        "line_items": PURCHASE_LINE,
        "taxes": TAX_SUMMARY,
        "bills_credited": Members(("bill_id", "vendor_credit_bill_id", "date", "bill_number", "amount")),
    },
)  # fmt: skip

VENDOR_PAYMENT_LIST = Members(
    (
        "payment_id", "payment_number", "date", "payment_mode", "vendor_id", "vendor_name", "bill_numbers",
        "description", "reference_number", "exchange_rate", "amount", "bcy_amount", "balance", "bcy_balance",
        "paid_through_account_id", "paid_through_account_name", "has_attachment", "created_time",
        "last_modified_time",
    )
)  # fmt: skip
# A vendor payment's refunds (vendor-payments.yml vendorpayment_refunds, on the payment's detail and its
# refunds list) and one refund's detail (vendorpayment_refund, with the bank account and the rate; D135).
VENDOR_PAYMENT_REFUND_ROW = Members(
    (
        "vendorpayment_refund_id", "date", "refund_mode", "reference_number", "description", "amount_bcy",
        "amount_fcy",
    )
)  # fmt: skip
VENDOR_PAYMENT_REFUND_DETAIL = Members(
    (
        "vendorpayment_refund_id", "vendorpayment_id", "date", "refund_mode", "reference_number", "amount",
        "exchange_rate", "to_account_id", "to_account_name", "description",
    )
)  # fmt: skip
VENDOR_PAYMENT_DETAIL = Members(
    (
        "payment_id", "payment_number", "date", "payment_mode", "vendor_id", "vendor_name", "description",
        "reference_number", "currency_id", "currency_symbol", "exchange_rate", "amount", "balance",
        "paid_through_account_id", "paid_through_account_name", "paid_through_account_type", "bills",
        "created_time", "last_modified_time", "tax_account_name", "tax_amount_withheld",
        "vendorpayment_refunds",
    ),
    nested={
        "bills": Members(("bill_payment_id", "bill_id", "amount_applied", "tax_amount_withheld")),
        "vendorpayment_refunds": VENDOR_PAYMENT_REFUND_ROW,
    },
)  # fmt: skip
VENDOR_CREDIT_REFUND_LIST = Members(
    (
        "vendor_credit_refund_id", "vendor_credit_id", "date", "refund_mode", "reference_number", "amount",
        "vendor_credit_number", "customer_name", "description", "amount_bcy", "amount_fcy",
    )
)  # fmt: skip
VENDOR_CREDIT_REFUND_DETAIL = Members(
    (
        "vendor_credit_refund_id", "vendor_credit_id", "date", "refund_mode", "reference_number", "amount",
        "exchange_rate", "account_id", "account_name", "description",
    )
)  # fmt: skip

PURCHASE_ORDER_LIST = Members(
    (
        "purchaseorder_id", "purchaseorder_number", "date", "delivery_date", "status", "order_status",
        "billed_status", "vendor_id", "vendor_name", "company_name", "currency_id", "currency_code",
        "price_precision", "reference_number", "total", "created_time", "last_modified_time",
        "has_attachment", "color_code", "current_sub_status", "current_sub_status_id", "client_viewed_time",
        "is_viewed_by_client", "delivery_days", "due_by_days", "due_in_days", "quantity_marked_as_received",
        "quantity_yet_to_receive", "receives",
    )
)  # fmt: skip
PURCHASE_ORDER_DETAIL = Members(
    (
        "purchaseorder_id", "purchaseorder_number", "date", "delivery_date", "status", "reference_number",
        "vendor_id", "vendor_name", "currency_id", "currency_code", "currency_symbol", "exchange_rate",
        "is_discount_before_tax", "price_precision", "line_items", "sub_total", "tax_total", "total",
        "taxes", "notes", "terms", "template_id", "template_type", "created_time", "last_modified_time",
    ),
    nested={"line_items": PURCHASE_LINE, "taxes": TAX_SUMMARY},
)  # fmt: skip

EXPENSE_LIST = Members(
    (
        "expense_id", "date", "description", "account_name", "paid_through_account_name", "currency_id",
        "currency_code", "exchange_rate", "total", "bcy_total", "total_without_tax", "bcy_total_without_tax",
        "reference_number", "status", "is_billable", "is_personal", "customer_id", "customer_name",
        "vendor_id", "vendor_name", "expense_type", "expense_receipt_name", "custom_fields_list", "distance",
        "mileage_rate", "mileage_type", "mileage_unit", "start_reading", "end_reading", "report_id",
        "report_name", "report_number", "user_name", "has_attachment", "created_time", "last_modified_time",
    )
)  # fmt: skip
EXPENSE_DETAIL = Members(
    (
        "expense_id", "date", "description", "account_id", "account_name", "paid_through_account_id",
        "paid_through_account_name", "is_itemized_expense", "line_items", "currency_id", "currency_code",
        "exchange_rate", "sub_total", "tax_id", "tax_name", "tax_percentage", "tax_amount", "amount",
        "total", "bcy_total", "reference_number", "status", "is_billable", "is_personal", "customer_id",
        "customer_name", "expense_type", "expense_receipt_name", "mileage_rate", "mileage_type",
        "start_reading", "end_reading", "last_modified_time",
    ),
    nested={"line_items": EXPENSE_LINE},
)  # fmt: skip

JOURNAL_LIST = Members(
    (
        "journal_id", "journal_date", "entry_number", "reference_number", "notes", "journal_type",
        "entity_type", "status", "currency_id", "total", "bcy_total", "created_by_id", "created_by_name",
    )
)  # fmt: skip
JOURNAL_DETAIL = Members(
    (
        "journal_id", "entry_number", "journal_date", "journal_type", "status", "reference_number", "notes",
        "currency_id", "currency_code", "currency_symbol", "exchange_rate", "line_items", "total",
        "bcy_total", "created_time", "last_modified_time",
    ),
    nested={"line_items": JOURNAL_LINE},
)  # fmt: skip
