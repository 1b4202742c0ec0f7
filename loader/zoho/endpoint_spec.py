"""The shape of an endpoint entry (``Endpoint``, ``Fields``, ``Refunds``) and the field groups several
Zoho documents share (lines, taxes, applied credits, refunds). The entries themselves are in the
``endpoints_*`` modules, one per area, gathered in ``loader.zoho.endpoints``."""

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

DOCUMENT_DECIMALS = (
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
DOCUMENT_TEXTS = ("currency_code", "discount_account_id", "reference_number", "status")
LINE = Fields(
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
TAXES = Fields(decimals=("tax_amount",), texts=("tax_id", "tax_name"))
# A line's taxes, a tax group split into its components.
LINE_TAXES = Fields(decimals=("tax_amount",), texts=("tax_id", "tax_name"))
APPLIED = Fields(
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
TAGS = Fields(texts=("tag_id", "tag_name", "tag_option_id", "tag_option_name"))
# Credit applications: vendor credits call the amount `amount`, credit notes `credited_amount` (or `amount`).
CREDITED = Fields(
    decimals=("amount", "amount_applied", "credited_amount"), dates=("date",), texts=("invoice_id",)
)
# Refunds of a payment (D135), loaded under it; the audit members are set on each row by the pipeline.
REFUND_DECIMALS = ("amount", "amount_bcy", "amount_fcy", "exchange_rate")
REFUND_TEXTS = ("description", "reference_number", "refund_mode")
CUSTOMER_PAYMENT_REFUND = Fields(
    decimals=REFUND_DECIMALS,
    dates=("date",),
    texts=(*REFUND_TEXTS, "from_account_id", "payment_refund_id"),
)
VENDOR_PAYMENT_REFUND = Fields(
    decimals=REFUND_DECIMALS,
    dates=("date",),
    texts=(*REFUND_TEXTS, "to_account_id", "vendorpayment_refund_id"),
)
JOURNAL_LINE = Fields(
    decimals=("amount", "bcy_amount", "tax_percentage"),
    texts=("account_id", "customer_id", "debit_or_credit", "description", "line_id"),
)


def line_document(
    *decimals: str, dates: tuple[str, ...] = ("date", "due_date"), texts: tuple[str, ...] = ()
) -> Fields:
    # is_inclusive_tax: the lines' rates and item_total hold their tax (D100)
    return Fields(
        decimals=DOCUMENT_DECIMALS + decimals,
        dates=dates,
        texts=DOCUMENT_TEXTS + texts,
        booleans=("is_inclusive_tax",),
    )


LINE_CHILDREN: Mapping[str, Fields] = {
    "line_items": LINE,
    "line_items.line_item_taxes": LINE_TAXES,
    "line_items.tags": TAGS,
    "taxes": TAXES,
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
    # these module-name aliases (loader/service/webhooks/payload.py reads them from here).
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
