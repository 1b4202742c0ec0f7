"""How an answer's members are written down: ``Members`` (the names of a row or record, with nested shapes),
``Shape`` (an entity's list row and detail, and what is computed for the wire), and the nested shapes
several entities share (tags, taxes, addresses, custom fields, lines).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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
