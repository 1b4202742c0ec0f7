"""The Zoho Books entities the sandbox serves: paths, root keys and id fields, as data.

Shared by the data generator (what records look like) and the HTTP app (how they are listed).
Root keys and id fields follow Zoho's API documents (tests/reference/zoho-books-v3/): a list answers under the
plural root key, a detail under the singular.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entity:
    name: str  # key in OrgBooks.records
    path: str  # under /books/v3
    list_root: str
    detail_root: str
    id_field: str
    # Internal fields that belong to details only (the generator's tests use it; the answers' members are
    # the wire package's).
    detail_only: tuple[str, ...] = ()
    # Document date field (journals use journal_date).
    date_field: str | None = "date"
    # List rows carry last_modified_time (journal list rows do not, see tests/reference/zoho-list-fields.md).
    list_has_last_modified: bool = True
    # A document with ledger postings (drives the sandbox's account transactions).
    posts: bool = False
    # Records Zoho lists organization-wide but details only under their parent document (refunds):
    # the parent's path and id field, ``/<parent path>/{<parent id>}/refunds/{<id>}``.
    parent: tuple[str, str] | None = None


_DOC_DETAIL = (
    "line_items",
    "sub_total",
    "tax_total",
    "taxes",
    "bcy_sub_total",
    "bcy_tax_total",
    "bcy_discount_total",
    "bcy_shipping_charge",
    "bcy_adjustment",
    "bcy_total",
    "discount_total",
    "notes",
    "terms",
)

ENTITIES: tuple[Entity, ...] = (
    Entity(
        "contacts",
        "contacts",
        "contacts",
        "contact",
        "contact_id",
        detail_only=("contact_persons", "billing_address", "shipping_address"),
        date_field=None,
    ),
    Entity("items", "items", "items", "item", "item_id", date_field=None),
    Entity(
        "chartofaccounts",
        "chartofaccounts",
        "chartofaccounts",
        "chart_of_account",
        "account_id",
        date_field=None,
    ),
    Entity("taxes", "settings/taxes", "taxes", "tax", "tax_id", date_field=None),
    Entity(
        "currencies",
        "settings/currencies",
        "currencies",
        "currency",
        "currency_id",
        date_field=None,
        list_has_last_modified=False,
    ),
    Entity("invoices", "invoices", "invoices", "invoice", "invoice_id", detail_only=_DOC_DETAIL, posts=True),
    Entity(
        "creditnotes",
        "creditnotes",
        "creditnotes",
        "creditnote",
        "creditnote_id",
        detail_only=(*_DOC_DETAIL, "invoices_credited"),
        posts=True,
    ),
    # Refunds of credit notes and vendor credits (credit-notes.yml, vendor-credits.yml): the list is
    # organization-wide (``/creditnotes/refunds``), the detail under the parent; list rows carry no
    # last_modified_time.
    Entity(
        "creditnoterefunds",
        "creditnotes/refunds",
        "creditnote_refunds",
        "creditnote_refund",
        "creditnote_refund_id",
        detail_only=("amount", "exchange_rate", "from_account_id", "from_account_name"),
        list_has_last_modified=False,
        posts=True,
        parent=("creditnotes", "creditnote_id"),
    ),
    Entity(
        "vendorcreditrefunds",
        "vendorcredits/refunds",
        "vendor_credit_refunds",
        "vendor_credit_refund",
        "vendor_credit_refund_id",
        detail_only=("amount", "exchange_rate", "account_id", "account_name"),
        list_has_last_modified=False,
        posts=True,
        parent=("vendorcredits", "vendor_credit_id"),
    ),
    # Sales receipts (sales-receipt.yml): a sale paid on the spot; list rows without lines.
    Entity(
        "salesreceipts",
        "salesreceipts",
        "salesreceipts",
        "salesreceipt",
        "sales_receipt_id",
        detail_only=("line_items", "sub_total", "tax_total", "notes", "terms"),
        posts=True,
    ),
    # Retainer invoices (retainer-invoices.yml): issuing one posts nothing; its payments post, and are served
    # by no route (ml_connector_fakes/world/retainers.py).
    Entity(
        "retainerinvoices",
        "retainerinvoices",
        "retainerinvoices",
        "retainerinvoice",
        "retainerinvoice_id",
        detail_only=("line_items", "sub_total", "taxes", "payment_made", "payment_drawn", "notes", "terms"),
    ),
    Entity(
        "customerpayments",
        "customerpayments",
        "customerpayments",
        "payment",
        "payment_id",
        detail_only=("invoices",),
        posts=True,
    ),
    Entity("bills", "bills", "bills", "bill", "bill_id", detail_only=_DOC_DETAIL, posts=True),
    Entity(
        "vendorcredits",
        "vendorcredits",
        "vendor_credits",
        "vendor_credit",
        "vendor_credit_id",
        detail_only=(*_DOC_DETAIL, "bills_credited"),
        posts=True,
    ),
    Entity(
        "vendorpayments",
        "vendorpayments",
        "vendorpayments",
        "vendorpayment",
        "payment_id",
        detail_only=("bills",),
        posts=True,
    ),
    Entity(
        "purchaseorders",
        "purchaseorders",
        "purchaseorders",
        "purchaseorder",
        "purchaseorder_id",
        detail_only=_DOC_DETAIL,
    ),
    Entity(
        "expenses",
        "expenses",
        "expenses",
        "expense",
        "expense_id",
        detail_only=(
            "line_items",
            "account_id",
            "paid_through_account_id",
            "tax_amount",
            "bcy_tax_amount",
            "tags",
            "sub_total",
            "bcy_sub_total",
        ),
        posts=True,
    ),
    Entity(
        "journals",
        "journals",
        "journals",
        "journal",
        "journal_id",
        detail_only=(
            "line_items",
            "currency_code",
            "exchange_rate",
            "last_modified_time",
            "bcy_total_debit",
            "bcy_total_credit",
        ),
        date_field="journal_date",
        list_has_last_modified=False,
        posts=True,
    ),
)

# Banking (ml_connector_fakes/world/banking.py). The opening balance is one object per organization, served
# by its own route (reads.OPENING_BALANCE), not a list.
ENTITIES += (
    Entity(
        "banktransactions",
        "banktransactions",
        "banktransactions",
        "banktransaction",
        "transaction_id",
        detail_only=("from_account_id", "to_account_id", "total", "bcy_total", "exchange_rate"),
        list_has_last_modified=False,
        posts=True,
    ),
    Entity(
        "basecurrencyadjustments",
        "basecurrencyadjustment",
        "base_currency_adjustments",
        "data",
        "base_currency_adjustment_id",
        detail_only=("accounts",),
        date_field="adjustment_date",
        list_has_last_modified=False,
        posts=True,
    ),
)

BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}
BY_PATH: dict[str, Entity] = {e.path: e for e in ENTITIES}
