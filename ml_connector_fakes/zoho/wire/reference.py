"""The members of contacts, items, accounts, taxes and currencies, in their list rows and details."""

from __future__ import annotations

from ml_connector_fakes.zoho.wire.members import (
    CONTACT_ADDRESS,
    CONTACT_CUSTOM_FIELDS,
    LIST_CUSTOM_FIELDS,
    Members,
)

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
