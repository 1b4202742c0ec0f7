"""What goes on the wire: the sandbox's internal records turned into Zoho's list rows and detail records.

The generator and the ledger keep richer records than Zoho sends (base-currency twins of every piece, the
applications in one internal shape, tax ids on ``taxes[]``...), because the sandbox's own ledger needs them.
Zoho's answers are narrower, and a connector must cope with exactly what Zoho sends, so every answer passes
through here: each entity names the members of its list rows and of its detail records, the members of
their nested lists and objects, and the few members computed for the wire (renamed applications, the
documented ``updated_time``, ``bcy_balance``...).

The member names follow Zoho's published API documents (``tests/reference/zoho-books-v3``), the list-row
fields observed in real answers (``tests/reference/zoho-list-fields.md``) and the recorded real shapes
(``tests/reference/zoho-real-shapes.md``); ``tests/sandbox/test_documented_shapes.py`` holds the sandbox
to them over HTTP. They are written out here, not read from those files at run time: the sandbox stands
in for Zoho and must not learn its answers from the tests' copies of the documents.

Custom-field members (``cf_<label>``, ``cf_<label>_unformatted``) pass on every record that has them, as
in real answers. A member the internal record lacks is left out, never invented.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ml_connector_fakes.world.dataset import OrgBooks, Record

CUSTOM_FIELD_PREFIX = "cf_"

# A nested member's shape: the members of the object (or of each row of the list) it holds, with their own
# nested shapes where they hold objects or lists in turn.
Nested = Mapping[str, "Members"]


@dataclass(frozen=True)
class Members:
    names: tuple[str, ...]
    nested: Nested = field(default_factory=dict)
    renames: Mapping[str, str] = field(default_factory=dict)  # internal name -> wire name


# Computes wire-only members of a detail record from the internal record and its organization's books.
Derive = Callable[[OrgBooks, Record], Record]


@dataclass(frozen=True)
class Shape:
    list_row: Members
    detail: Members
    derive_list: Callable[[Record], Record] | None = None
    derive_detail: Derive | None = None
    id_field: str = ""  # picks the records whose amounts are written with three decimals


# --- nested shapes -------------------------------------------------------------------------------------

# Reporting tags: sales documents and journals document every member; purchase documents the two ids.
TAGS_FULL = Members(("tag_id", "tag_name", "tag_option_id", "tag_option_name"))
TAGS_IDS = Members(("tag_id", "tag_option_id"))
# The tax split of one line (zoho-real-shapes.md: tax groups such as CGST+SGST split here).
LINE_ITEM_TAXES = Members(("tax_id", "tax_name", "tax_amount"))
# A document's tax summary: name and amount only, the tax id is on the lines.
TAX_SUMMARY = Members(("tax_name", "tax_amount"))
# Addresses: list rows (observed) say ``zipcode``, detail records (documented) say ``zip``.
LIST_ADDRESS = Members(
    ("address", "attention", "city", "country", "fax", "phone", "state", "street2", "zipcode")
)
DOCUMENT_ADDRESS = Members(
    ("address", "street2", "city", "state", "zip", "country", "fax"), renames={"zipcode": "zip"}
)
CONTACT_ADDRESS = Members(
    ("attention", "address", "street2", "city", "state", "zip", "country", "fax", "phone"),
    renames={"zipcode": "zip"},
)
# Custom fields: each answer documents its own members for them (and bills spell the id custom_field_id);
# list rows carry what real list answers showed.
LIST_CUSTOM_FIELDS = Members(("customfield_id", "index", "label", "value", "value_formatted", "data_type"))
INVOICE_CUSTOM_FIELDS = Members(("customfield_id", "value"))
CONTACT_CUSTOM_FIELDS = Members(("index", "value", "label"))
CREDIT_NOTE_CUSTOM_FIELDS = Members(("index", "value", "label", "data_type"))
BILL_CUSTOM_FIELDS = Members(
    ("custom_field_id", "index", "label", "value"), renames={"customfield_id": "custom_field_id"}
)

_LINE_TAX_MEMBERS = ("tax_id", "tax_name", "tax_type", "tax_percentage", "line_item_taxes")
SALES_LINE = Members(
    (
        "line_item_id", "item_id", "name", "description", "item_order", "bcy_rate", "rate", "quantity",
        "unit", "discount", "tags", *_LINE_TAX_MEMBERS, "item_total", "account_id", "account_name",
    ),
    nested={"tags": TAGS_FULL, "line_item_taxes": LINE_ITEM_TAXES},
)  # fmt: skip
# Credit-note lines: the documents list no price members; the lines carry the invoice line's amounts.
CREDIT_NOTE_LINE = Members(
    (
        "line_item_id", "item_id", "name", "description", "item_order", "account_id", "account_name",
        "quantity", "rate", "item_total", *_LINE_TAX_MEMBERS,
    ),
    nested={"line_item_taxes": LINE_ITEM_TAXES},
)  # fmt: skip
PURCHASE_LINE = Members(
    (
        "line_item_id", "item_id", "name", "account_id", "account_name", "description", "item_order",
        "bcy_rate", "rate", "quantity", "unit", "tags", *_LINE_TAX_MEMBERS, "item_total",
    ),
    nested={"tags": TAGS_IDS, "line_item_taxes": LINE_ITEM_TAXES},
)  # fmt: skip
JOURNAL_LINE = Members(
    (
        "line_id", "account_id", "account_name", "customer_id", "customer_name", "description",
        "debit_or_credit", "tax_id", "amount", "bcy_amount", "tags", "location_id", "project_id",
    ),
    nested={"tags": TAGS_FULL},
)  # fmt: skip
EXPENSE_LINE = Members(("line_item_id", "account_id", "account_name", "description", "amount", "item_order"))


# --- list rows and details per entity ----------------------------------------------------------------

CONTACT_LIST = Members(
    (
        "contact_id", "contact_name", "company_name", "customer_name", "vendor_name", "contact_type",
        "contact_type_formatted", "customer_sub_type", "status", "first_name", "last_name", "email", "phone",
        "mobile", "website", "facebook", "twitter", "currency_id", "currency_code", "payment_terms",
        "payment_terms_label", "language_code", "language_code_formatted", "portal_status",
        "portal_status_formatted", "source", "pan_no", "ach_supported", "has_attachment",
        "is_linked_with_zohocrm", "custom_fields", "custom_field_hash", "outstanding_receivable_amount",
        "outstanding_receivable_amount_bcy", "outstanding_payable_amount", "outstanding_payable_amount_bcy",
        "unused_credits_receivable_amount", "unused_credits_receivable_amount_bcy",
        "unused_credits_payable_amount", "unused_credits_payable_amount_bcy", "created_time",
        "created_time_formatted", "last_modified_time", "last_modified_time_formatted",
    ),
    nested={"custom_fields": LIST_CUSTOM_FIELDS},
)  # fmt: skip
CONTACT_DETAIL = Members(
    (
        "contact_id", "contact_name", "company_name", "contact_type", "customer_sub_type", "status",
        "website", "facebook", "twitter", "is_linked_with_zohocrm", "currency_id", "currency_code",
        "currency_symbol", "payment_terms", "payment_terms_label", "outstanding_receivable_amount",
        "outstanding_receivable_amount_bcy", "unused_credits_receivable_amount",
        "unused_credits_receivable_amount_bcy", "custom_fields", "contact_persons", "billing_address",
        "shipping_address", "created_time", "last_modified_time",
    ),
    nested={
        "contact_persons": Members(
            ("contact_person_id", "first_name", "last_name", "email", "phone", "mobile", "is_primary_contact")
        ),
        "billing_address": CONTACT_ADDRESS,
        "shipping_address": CONTACT_ADDRESS,
        "custom_fields": CONTACT_CUSTOM_FIELDS,
    },
)  # fmt: skip

ITEM_LIST = Members(
    (
        "item_id", "name", "item_name", "description", "sku", "status", "source", "unit", "rate",
        "purchase_rate", "purchase_description", "account_id", "account_name", "purchase_account_id",
        "purchase_account_name", "item_type", "product_type", "tax_id", "tax_name", "tax_percentage",
        "stock_on_hand", "available_stock", "actual_available_stock", "reorder_level", "has_attachment",
        "image_document_id", "image_name", "image_type", "is_linked_with_zohocrm", "zcrm_product_id",
        "created_time", "last_modified_time",
    )
)  # fmt: skip
ITEM_DETAIL = Members(
    (
        "item_id", "name", "status", "description", "rate", "unit", "tax_id", "tax_name", "tax_percentage",
        "sku", "product_type",
    )
)  # fmt: skip

ACCOUNT_LIST = Members(
    (
        "account_id", "account_name", "account_code", "account_type", "is_user_created", "is_system_account",
        "is_active", "current_balance", "parent_account_id", "parent_account_name", "depth",
        "has_attachment", "created_time", "last_modified_time",
    )
)  # fmt: skip

TAX_LIST = Members(
    (
        "tax_id", "tax_name", "tax_percentage", "tax_type", "tax_specific_type", "tax_specification",
        "tax_account_id", "output_tax_account_name", "purchase_tax_account_id", "purchase_tax_account_name",
        "is_default_tax", "is_editable", "is_inactive", "status", "start_date", "end_date",
        "diff_rate_reason", "last_modified_time",
    )
)  # fmt: skip

TAX_DETAIL = Members(("tax_id", "tax_name", "tax_percentage", "tax_type", "tax_specific_type"))

CURRENCY_LIST = Members(
    (
        "currency_id", "currency_code", "currency_name", "currency_symbol", "price_precision",
        "currency_format", "is_base_currency", "exchange_rate", "effective_date",
    )
)  # fmt: skip
CURRENCY_DETAIL = Members(
    (
        "currency_id", "currency_code", "currency_name", "currency_symbol", "price_precision",
        "currency_format", "is_base_currency",
    )
)  # fmt: skip

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


# --- wire-only members -----------------------------------------------------------------------------


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


def _currency_symbol(books: OrgBooks, record: Record) -> str:
    code = record.get("currency_code")
    currency_id = record.get("currency_id")
    for currency in books.records.get("currencies", {}).values():
        if currency.get("currency_id") == currency_id or currency.get("currency_code") == code:
            return str(currency.get("currency_symbol", ""))
    return ""


def _with_symbol(books: OrgBooks, record: Record) -> Record:
    return {"currency_symbol": _currency_symbol(books, record)}


def _application_id(owner_id: Any, index: int) -> str:
    """Zoho gives each application its own id; the sandbox derives it from the owner and the position, so
    it stays the same on every answer."""
    return f"{owner_id}{index + 1:03d}"


def _credit_note_detail(books: OrgBooks, record: Record) -> Record:
    applications = [
        {
            "creditnote_invoice_id": _application_id(record.get("creditnote_id"), index),
            "invoice_id": row.get("invoice_id"),
            "invoice_number": row.get("invoice_number"),
            "date": row.get("date"),
            "credited_amount": row.get("amount_applied"),
        }
        for index, row in enumerate(record.get("invoices_credited") or [])
    ]
    return {
        "invoices": applications,
        "currency_symbol": _currency_symbol(books, record),
        # The documents name a credit note's change time ``updated_time`` on its detail.
        "updated_time": record.get("last_modified_time"),
    }


def _customer_payment_detail(books: OrgBooks, record: Record) -> Record:
    invoices = books.records.get("invoices", {})
    rows = []
    for index, row in enumerate(record.get("invoices") or []):
        invoice = invoices.get(str(row.get("invoice_id")), {})
        rows.append(
            {
                "invoice_payment_id": _application_id(record.get("payment_id"), index),
                "invoice_id": row.get("invoice_id"),
                "invoice_number": row.get("invoice_number"),
                "date": row.get("date"),
                "invoice_amount": row.get("total"),
                "amount_applied": row.get("amount_applied"),
                "balance_amount": invoice.get("balance", ""),
                "tax_amount_withheld": row.get("tax_amount_withheld", Decimal("0.00")),
            }
        )
    return {"invoices": rows, "currency_symbol": _currency_symbol(books, record)}


def _vendor_credit_detail(books: OrgBooks, record: Record) -> Record:
    applications = [
        {
            "bill_id": row.get("bill_id"),
            "vendor_credit_bill_id": _application_id(record.get("vendor_credit_id"), index),
            "date": row.get("date"),
            "bill_number": row.get("bill_number"),
            "amount": row.get("amount_applied"),
        }
        for index, row in enumerate(record.get("bills_credited") or [])
    ]
    return {"bills_credited": applications}


def _vendor_payment_detail(books: OrgBooks, record: Record) -> Record:
    bills = [
        {
            "bill_payment_id": _application_id(record.get("payment_id"), index),
            "bill_id": row.get("bill_id"),
            "amount_applied": row.get("amount_applied"),
            "tax_amount_withheld": row.get("tax_amount_withheld", Decimal("0.00")),
        }
        for index, row in enumerate(record.get("bills") or [])
    ]
    account = books.records.get("chartofaccounts", {}).get(str(record.get("paid_through_account_id")), {})
    refunds = [
        refund
        for refund in books.records.get("vendorpaymentrefunds", {}).values()
        if refund["payment_id"] == record.get("payment_id")
    ]
    return {
        "vendorpayment_refunds": sorted(refunds, key=lambda refund: str(refund["vendorpayment_refund_id"])),
        "bills": bills,
        "currency_symbol": _currency_symbol(books, record),
        "paid_through_account_type": account.get("account_type", ""),
    }


def _vendor_payment_list(record: Record) -> Record:
    balance = record.get("balance")
    rate = record.get("exchange_rate")
    if isinstance(balance, Decimal) and isinstance(rate, Decimal):
        return {"bcy_balance": (balance * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)}
    return {}


def _expense_detail(books: OrgBooks, record: Record) -> Record:
    return {"is_itemized_expense": bool(record.get("line_items"))}


SHAPES: dict[str, Shape] = {
    "contacts": Shape(CONTACT_LIST, CONTACT_DETAIL, derive_detail=_with_symbol),
    "items": Shape(ITEM_LIST, ITEM_DETAIL),
    "chartofaccounts": Shape(ACCOUNT_LIST, ACCOUNT_LIST),
    "taxes": Shape(TAX_LIST, TAX_DETAIL),
    "currencies": Shape(CURRENCY_LIST, CURRENCY_DETAIL),
    "invoices": Shape(INVOICE_LIST, INVOICE_DETAIL, id_field="invoice_id"),
    "debitnotes": Shape(DEBIT_NOTE_LIST, DEBIT_NOTE_DETAIL, id_field="invoice_id"),
    "creditnotes": Shape(
        CREDIT_NOTE_LIST, CREDIT_NOTE_DETAIL, derive_detail=_credit_note_detail, id_field="creditnote_id"
    ),
    "customerpayments": Shape(
        CUSTOMER_PAYMENT_LIST,
        CUSTOMER_PAYMENT_DETAIL,
        derive_detail=_customer_payment_detail,
        id_field="payment_id",
    ),
    "bills": Shape(BILL_LIST, BILL_DETAIL, id_field="bill_id"),
    "vendorcredits": Shape(
        VENDOR_CREDIT_LIST,
        VENDOR_CREDIT_DETAIL,
        derive_detail=_vendor_credit_detail,
        id_field="vendor_credit_id",
    ),
    "vendorpayments": Shape(
        VENDOR_PAYMENT_LIST,
        VENDOR_PAYMENT_DETAIL,
        derive_list=_vendor_payment_list,
        derive_detail=_vendor_payment_detail,
        id_field="payment_id",
    ),
    "creditnoterefunds": Shape(
        CREDIT_NOTE_REFUND_LIST, CREDIT_NOTE_REFUND_DETAIL, id_field="creditnote_refund_id"
    ),
    "vendorcreditrefunds": Shape(
        VENDOR_CREDIT_REFUND_LIST, VENDOR_CREDIT_REFUND_DETAIL, id_field="vendor_credit_refund_id"
    ),
    "customerpaymentrefunds": Shape(
        CUSTOMER_PAYMENT_REFUND_LIST, CUSTOMER_PAYMENT_REFUND_DETAIL, id_field="payment_refund_id"
    ),
    "vendorpaymentrefunds": Shape(
        VENDOR_PAYMENT_REFUND_ROW, VENDOR_PAYMENT_REFUND_DETAIL, id_field="vendorpayment_refund_id"
    ),
    "salesreceipts": Shape(SALES_RECEIPT_LIST, SALES_RECEIPT_DETAIL, id_field="sales_receipt_id"),
    "retainerinvoices": Shape(RETAINER_INVOICE_LIST, RETAINER_INVOICE_DETAIL, id_field="retainerinvoice_id"),
    "purchaseorders": Shape(PURCHASE_ORDER_LIST, PURCHASE_ORDER_DETAIL, id_field="purchaseorder_id"),
    "expenses": Shape(EXPENSE_LIST, EXPENSE_DETAIL, derive_detail=_expense_detail, id_field="expense_id"),
    "journals": Shape(JOURNAL_LIST, JOURNAL_DETAIL, derive_detail=_with_symbol, id_field="journal_id"),
    "banktransactions": Shape(BANK_TRANSACTION_LIST, BANK_TRANSACTION_DETAIL, id_field="transaction_id"),
    "basecurrencyadjustments": Shape(BASE_CURRENCY_ADJUSTMENT_LIST, BASE_CURRENCY_ADJUSTMENT_DETAIL),
    "openingbalances": Shape(OPENING_BALANCE, OPENING_BALANCE),
}


# --- selection -------------------------------------------------------------------------------------


def _select(value: Any, members: Members | None) -> Any:
    """``value`` with only the members ``members`` names (each row, for a list); scalars as they are."""
    if members is None:
        return value
    if isinstance(value, list):
        return [_select(item, members) for item in value]
    if not isinstance(value, Mapping):
        return value
    renamed = {members.renames.get(key, key): item for key, item in value.items()}
    out: Record = {
        name: _select(renamed[name], members.nested.get(name)) for name in members.names if name in renamed
    }
    return out


# --- number forms ----------------------------------------------------------------------------------
#
# Real answers write numbers several ways (zoho-real-shapes.md, "numbers"): money with two decimals or three
# (``1000.000``), whole quantities as integers (``1``), and an empty number as ``""`` (the tax percentage of
# an untaxed line or expense). The sandbox writes each of them, so a reader meets them all.

_TWO_PLACES = -2
_THREE_PLACES = Decimal("0.001")
_WHOLE_WHEN_INTEGRAL = frozenset({"quantity"})


def _three_places(shape: Shape, record: Record) -> bool:
    """About one record in three (fixed by its id) writes its two-decimal amounts with three decimals."""
    record_id = record.get(shape.id_field) if shape.id_field else None
    return record_id is not None and zlib.crc32(str(record_id).encode()) % 3 == 0


def _number_forms(value: Any, three_places: bool, key: str = "") -> Any:
    if isinstance(value, list):
        return [_number_forms(item, three_places) for item in value]
    if isinstance(value, dict):
        out = {name: _number_forms(item, three_places, name) for name, item in value.items()}
        if out.get("tax_id") == "" and "tax_percentage" in out:
            out["tax_percentage"] = ""  # no tax: an empty number, not 0
        return out
    if isinstance(value, Decimal) and value.is_finite():
        if key in _WHOLE_WHEN_INTEGRAL and value == value.to_integral_value():
            return int(value)
        if three_places and value.as_tuple().exponent == _TWO_PLACES:
            return value.quantize(_THREE_PLACES)
    return value


def _shaped(shape: Shape, record: Record, members: Members, extra: Record) -> Record:
    out: Record = _select({**record, **extra}, members)
    for key, value in record.items():
        if key.startswith(CUSTOM_FIELD_PREFIX):
            out[key] = value
    shaped: Record = _number_forms(out, _three_places(shape, record))
    return shaped


def list_row(entity: str, record: Record) -> Record:
    """The list row Zoho sends for ``record`` of ``entity`` (an OrgBooks.records key)."""
    shape = SHAPES.get(entity)
    if shape is None:
        return dict(record)
    extra = shape.derive_list(record) if shape.derive_list else {}
    return _shaped(shape, record, shape.list_row, extra)


def detail_record(books: OrgBooks, entity: str, record: Record) -> Record:
    """The detail record Zoho sends for ``record`` of ``entity`` (``GET /<entity>/{id}``, webhooks)."""
    shape = SHAPES.get(entity)
    if shape is None:
        return dict(record)
    extra = shape.derive_detail(books, record) if shape.derive_detail else {}
    return _shaped(shape, record, shape.detail, extra)
