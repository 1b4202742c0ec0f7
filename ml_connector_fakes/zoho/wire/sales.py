"""The members of sales answers: invoices, credit notes and their refunds, customer payments and their
refunds, sales receipts, debit notes and retainer invoices.
"""

from __future__ import annotations

from ml_connector_fakes.zoho.wire.members import (
    CREDIT_NOTE_CUSTOM_FIELDS,
    CREDIT_NOTE_LINE,
    DOCUMENT_ADDRESS,
    INVOICE_CUSTOM_FIELDS,
    LIST_ADDRESS,
    LIST_CUSTOM_FIELDS,
    SALES_LINE,
    TAX_SUMMARY,
    Members,
)

INVOICE_LIST = Members(
    (
        "invoice_id", "invoice_number", "date", "status", "customer_id", "customer_name", "company_name",
        "currency_id", "currency_code", "currency_symbol", "exchange_rate", "reference_number", "due_date",
        "due_days", "total", "balance", "shipping_charge", "adjustment", "write_off_amount", "created_time",
        "last_modified_time", "updated_time", "has_attachment", "color_code", "current_sub_status",
        "current_sub_status_id", "client_viewed_time", "is_viewed_by_client", "template_id", "template_type",
        "type", "transaction_type", "ach_payment_initiated", "billing_address", "shipping_address",
        "country", "created_by", "custom_field_hash", "custom_fields", "documents", "email", "phone",
        "invoice_url", "is_emailed", "is_pre_gst", "last_payment_date", "last_reminder_sent_date",
        "no_of_copies", "show_no_of_copies", "payment_expected_date", "project_name", "reminders_sent",
        "salesperson_id", "salesperson_name", "schedule_time", "unprocessed_payment_amount",
        "zcrm_potential_id", "zcrm_potential_name",
    ),
    nested={
        "billing_address": LIST_ADDRESS,
        "shipping_address": LIST_ADDRESS,
        "custom_fields": LIST_CUSTOM_FIELDS,
    },
)  # fmt: skip
INVOICE_DETAIL = Members(
    (
        "invoice_id", "invoice_number", "date", "status", "payment_terms", "payment_terms_label", "due_date",
        "payment_expected_date", "last_payment_date", "reference_number", "customer_id", "customer_name",
        "currency_id", "currency_code", "exchange_rate", "discount", "is_discount_before_tax",
        "discount_type", "is_viewed_by_client", "has_attachment", "client_viewed_time", "line_items",
        "shipping_charge", "adjustment", "sub_total", "tax_total", "total", "taxes", "balance",
        "write_off_amount", "roundoff_value", "discount_account_id", "price_precision", "is_emailed",
        "is_inclusive_tax",
        "reminders_sent", "last_reminder_sent_date",
        "billing_address", "shipping_address", "notes", "terms", "custom_fields", "template_id",
        "created_time", "last_modified_time", "salesperson_id", "salesperson_name", "invoice_url",
        "ach_payment_initiated", "is_pre_gst",
    ),
    nested={
        "line_items": SALES_LINE,
        "taxes": TAX_SUMMARY,
        "billing_address": DOCUMENT_ADDRESS,
        "shipping_address": DOCUMENT_ADDRESS,
        "custom_fields": INVOICE_CUSTOM_FIELDS,
    },
    # Zoho's invoice names its entity-level discount amount ``discount`` (invoices.yml).
    renames={"discount_total": "discount"},
)  # fmt: skip

CREDIT_NOTE_LIST = Members(
    (
        "creditnote_id", "creditnote_number", "date", "status", "customer_id", "customer_name",
        "currency_id", "currency_code", "exchange_rate", "reference_number", "total", "balance",
        "price_precision", "created_time", "last_modified_time", "has_attachment", "color_code",
        "current_sub_status", "current_sub_status_id", "client_viewed_time", "is_viewed_by_client",
        "template_id", "template_type", "applied_invoices", "is_emailed", "item_price", "item_quantity",
        "item_total", "item_total_price", "item_total_without_tax", "salesperson_id", "salesperson_name",
    )
)  # fmt: skip
# A credit note's applications: the documents' member ``invoices``, rows as recorded (zoho-real-shapes.md).
CREDIT_NOTE_APPLICATION = Members(
    ("creditnote_invoice_id", "invoice_id", "invoice_number", "date", "credited_amount")
)
CREDIT_NOTE_DETAIL = Members(
    (
        "creditnote_id", "creditnote_number", "date", "status", "customer_id", "customer_name",
        "reference_number", "currency_code", "currency_symbol", "exchange_rate", "line_items", "taxes",
        "total", "balance", "invoices", "notes", "terms", "custom_fields", "template_id", "created_time",
        "updated_time", "is_inclusive_tax",
    ),
    nested={
        "line_items": CREDIT_NOTE_LINE,
        "taxes": TAX_SUMMARY,
        "invoices": CREDIT_NOTE_APPLICATION,
        "custom_fields": CREDIT_NOTE_CUSTOM_FIELDS,
    },
)  # fmt: skip

CUSTOMER_PAYMENT_LIST = Members(
    (
        "payment_id", "payment_number", "date", "payment_mode", "payment_mode_formatted", "amount",
        "bcy_amount", "unused_amount", "bcy_unused_amount", "bcy_refunded_amount", "account_id",
        "account_name", "customer_id", "customer_name", "reference_number", "description", "invoice_numbers",
        "applied_invoices", "tax_account_id", "tax_account_name", "tax_amount_withheld", "has_attachment",
        "created_time", "last_modified_time", "custom_fields_list", "documents", "gateway_transaction_id",
        "last_four_digits", "payment_gateway", "payment_status", "payment_type", "product_description",
        "settlement_status",
    )
)  # fmt: skip
CUSTOMER_PAYMENT_DETAIL = Members(
    (
        "payment_id", "payment_mode", "amount", "unused_amount", "bank_charges", "date", "reference_number",
        "description", "customer_id", "customer_name", "account_id", "currency_code", "currency_symbol",
        "exchange_rate", "invoices", "amount_refunded",
    ),
    nested={
        "invoices": Members(
            (
                "invoice_payment_id", "invoice_id", "invoice_number", "date", "invoice_amount",
                "amount_applied", "balance_amount", "tax_amount_withheld",
            )
        )
    },
)  # fmt: skip

# Refunds (credit-notes.yml list-credit-note-refunds-response and get-credit-note-refund-response;
# vendor-credits.yml list-vendor-credit-refunds-response and vendor_credit_refund). A credit note refund's
# detail documents no bank account nor rate; its refund request does (from_account_id, exchange_rate).
CREDIT_NOTE_REFUND_LIST = Members(
    (
        "creditnote_refund_id", "creditnote_id", "date", "refund_mode", "payment_form", "reference_number",
        "creditnote_number", "customer_name", "description", "amount_bcy", "amount_fcy",
    )
)  # fmt: skip
CREDIT_NOTE_REFUND_DETAIL = Members(
    (
        "creditnote_refund_id", "creditnote_id", "date", "refund_mode", "payment_form", "reference_number",
        "amount", "exchange_rate", "from_account_id", "customer_name", "description",
    )
)  # fmt: skip

# Refunds of a customer payment (customer-payments.yml list-refunds-of-a-customer-payment-response and
# details-of-a-refund-response). The detail documents no bank account; the refund request does
# (from_account_id), and it is sent as for credit note refunds (D72, D135).
CUSTOMER_PAYMENT_REFUND_LIST = Members(
    (
        "payment_refund_id", "payment_id", "date", "refund_mode", "reference_number", "payment_number",
        "customer_name", "amount_bcy", "amount_fcy",
    )
)  # fmt: skip
CUSTOMER_PAYMENT_REFUND_DETAIL = Members(
    (
        "payment_refund_id", "payment_id", "date", "refund_mode", "reference_number", "amount",
        "exchange_rate", "payment_form", "description", "from_account_id",
    )
)  # fmt: skip

# Sales receipts (sales-receipt.yml salesreceipt-response, list and detail alike; the list rows here carry no
# lines). The documented receipt names no deposit account and its lines no account.
SALES_RECEIPT_LINE = Members(
    (
        "item_id", "name", "description", "rate", "quantity", "unit", "item_total", "tax_id", "tax_name",
        "tax_percentage",
    )
)  # fmt: skip
SALES_RECEIPT_LIST = Members(
    (
        "sales_receipt_id", "receipt_number", "date", "status", "payment_mode", "customer_id",
        "customer_name", "currency_id", "currency_code", "currency_symbol", "exchange_rate", "total",
        "created_time", "last_modified_time",
    )
)  # fmt: skip
SALES_RECEIPT_DETAIL = Members(
    (
        "sales_receipt_id", "receipt_number", "date", "status", "payment_mode", "customer_id",
        "customer_name", "currency_id", "currency_code", "currency_symbol", "exchange_rate", "line_items",
        "sub_total", "tax_total", "total", "notes", "terms", "created_time", "last_modified_time",
    ),
    nested={"line_items": SALES_RECEIPT_LINE},
)  # fmt: skip

# Customer debit notes (customer-debit-notes.yml): their list rows (documented under debit_notes; lines are
# documented there too, left out here as from every list); their detail is the invoice detail (served by
# GET /invoices/{invoice_id}, invoices.yml) with the debit note's reference to its invoice.
REFERENCE_INVOICE = Members(
    (
        "reference_invoice_id", "reference_invoice_number", "reference_invoice_status",
        "reference_invoice_amount",
    )
)  # fmt: skip
DEBIT_NOTE_LIST = Members(
    (
        "invoice_id", "invoice_number", "date", "status", "customer_id", "customer_name", "total", "balance",
        "created_time", "last_modified_time", "reference_invoice",
    ),
    nested={"reference_invoice": REFERENCE_INVOICE},
)  # fmt: skip
DEBIT_NOTE_DETAIL = Members(
    (*INVOICE_DETAIL.names, "reference_invoice"),
    nested={**INVOICE_DETAIL.nested, "reference_invoice": REFERENCE_INVOICE},
    renames=INVOICE_DETAIL.renames,
)

# Retainer invoices (retainer-invoices.yml: the list and the detail answers, as documented).
RETAINER_INVOICE_LINE = Members(
    (
        "line_item_id", "description", "item_order", "rate", "bcy_rate", "tax_id", "tax_name", "tax_type",
        "tax_percentage", "item_total",
    )
)  # fmt: skip
RETAINER_INVOICE_LIST = Members(
    (
        "retainerinvoice_id", "customer_name", "retainerinvoice_number", "customer_id", "status",
        "reference_number", "date", "currency_id", "currency_code", "is_viewed_by_client", "total", "balance",
        "created_time", "last_modified_time", "is_emailed", "last_payment_date", "has_attachment",
    )
)  # fmt: skip
RETAINER_INVOICE_DETAIL = Members(
    (
        "retainerinvoice_id", "retainerinvoice_number", "date", "status", "last_payment_date",
        "reference_number", "customer_id", "customer_name", "currency_id", "currency_code", "currency_symbol",
        "exchange_rate", "is_viewed_by_client", "is_inclusive_tax", "line_items", "sub_total", "total",
        "taxes", "payment_made", "payment_drawn", "balance", "allow_partial_payments", "price_precision",
        "is_emailed", "notes", "terms", "created_time", "last_modified_time",
    ),
    nested={"line_items": RETAINER_INVOICE_LINE, "taxes": TAX_SUMMARY},
)  # fmt: skip
