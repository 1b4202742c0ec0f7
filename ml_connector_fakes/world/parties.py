"""Contacts and items: their builders (reused by ``ml_connector_fakes.zoho.mutations`` to create new ones)
and the contacts' outstanding and unused-credit balances, computed from their open documents.
"""

from __future__ import annotations

import random
from decimal import Decimal

from ml_connector_fakes.world.amounts import ZERO, cents
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.ledger_vocabulary import NON_POSTING_STATUSES
from ml_connector_fakes.world.reference_data import FIRST_NAMES, LAST_NAMES, NAME_SUFFIXES, STREETS, USD_VALUE


def contact_display_name(stems: tuple[str, ...], index: int) -> str:
    stem = stems[index % len(stems)]
    round_ = index // len(stems)
    suffix = NAME_SUFFIXES[round_ % len(NAME_SUFFIXES)]
    number = f" {round_ // len(NAME_SUFFIXES) + 1}" if round_ >= len(NAME_SUFFIXES) else ""
    return f"{stem}{suffix}{number}"


def _address(rng: random.Random, country: str) -> Record:
    return {
        "attention": rng.choice(FIRST_NAMES),
        "address": f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
        "street2": "",
        "city": rng.choice(("Berlin", "San Francisco", "Pune", "São Paulo", "Kraków", "Osaka")),
        "state": "",
        "zipcode": str(rng.randint(10000, 99999)),
        "country": country,
        "fax": "",
        "phone": "",
    }


def build_contact(ctx: Context, contact_type: str, name: str, currency_code: str, created: str) -> Record:
    """A customer or vendor. Long because it is one record written out member by member, as Zoho sends it:
    split, its members would be harder to check against the documents."""
    rng = ctx.rng
    currency = ctx.currencies[currency_code]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    terms = rng.choice((0, 15, 30, 45))
    contact_id = ctx.new_id()
    slug = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())[:16] or "kontakt"
    return {
        "contact_id": contact_id,
        "contact_name": name,
        "company_name": name,
        "customer_name": name if contact_type == "customer" else "",
        "vendor_name": name if contact_type == "vendor" else "",
        "contact_type": contact_type,
        "contact_type_formatted": contact_type.title(),
        "customer_sub_type": "business",
        "status": "active",
        "first_name": first,
        "last_name": last,
        "email": f"{slug}@example.com",
        "phone": f"+1-555-{rng.randint(1000, 9999)}",
        "mobile": "",
        "website": "",
        "facebook": "",
        "twitter": "",
        "currency_id": currency["currency_id"],
        "currency_code": currency_code,
        "payment_terms": terms,
        "payment_terms_label": f"Net {terms}" if terms else "Due on Receipt",
        "language_code": "en",
        "language_code_formatted": "English",
        "portal_status": "disabled",
        "portal_status_formatted": "Disabled",
        "source": "user",
        "pan_no": "",
        "ach_supported": False,
        "has_attachment": False,
        "is_linked_with_zohocrm": False,
        "custom_fields": [],
        "custom_field_hash": {},
        "outstanding_receivable_amount": ZERO,
        "outstanding_receivable_amount_bcy": ZERO,
        "outstanding_payable_amount": ZERO,
        "outstanding_payable_amount_bcy": ZERO,
        "unused_credits_receivable_amount": ZERO,
        "unused_credits_receivable_amount_bcy": ZERO,
        "unused_credits_payable_amount": ZERO,
        "unused_credits_payable_amount_bcy": ZERO,
        "created_time": created,
        "created_time_formatted": created[:10],
        "last_modified_time": created,
        "last_modified_time_formatted": created[:10],
        "contact_persons": [
            {
                "contact_person_id": ctx.new_id(),
                "first_name": first,
                "last_name": last,
                "is_primary_contact": True,
            }
        ],
        "billing_address": _address(rng, ctx.books.organization.get("country", "")),
        "shipping_address": _address(rng, ctx.books.organization.get("country", "")),
    }


def build_item(ctx: Context, spec: tuple[str, str, str, str, str, str], created: str) -> Record:
    name, product_type, usd_rate, unit, income_account, purchase_account = spec
    rate = cents(Decimal(usd_rate) / USD_VALUE[ctx.base_currency])
    tax = ctx.taxes[0]
    item_id = ctx.new_id()
    goods = product_type == "goods"
    return {
        "item_id": item_id,
        "name": name,
        "item_name": name,
        "description": f"{name} ({unit})",
        "sku": f"SKU-{item_id[-5:]}",
        "status": "active",
        "source": "user",
        "unit": unit,
        "rate": rate,
        "purchase_rate": cents(rate * Decimal("0.62")),
        "purchase_description": f"{name}, purchased",
        "account_id": ctx.account_ids[income_account],
        "account_name": ctx.account(income_account)["account_name"],
        "purchase_account_id": ctx.account_ids[purchase_account],
        "purchase_account_name": ctx.account(purchase_account)["account_name"],
        "item_type": "inventory" if goods else "sales_and_purchases",
        "product_type": product_type,
        "tax_id": tax["tax_id"],
        "tax_name": tax["tax_name"],
        "tax_percentage": tax["tax_percentage"],
        "stock_on_hand": Decimal(ctx.rng.randint(0, 500)) if goods else None,
        "available_stock": Decimal(ctx.rng.randint(0, 500)) if goods else None,
        "actual_available_stock": Decimal(ctx.rng.randint(0, 500)) if goods else None,
        "reorder_level": "10" if goods else "",
        "has_attachment": False,
        "image_document_id": "",
        "image_name": "",
        "image_type": "",
        "is_linked_with_zohocrm": False,
        "zcrm_product_id": "",
        "created_time": created,
        "last_modified_time": created,
    }


def refresh_contact_balances(books: OrgBooks, contact_ids: set[str] | None = None) -> None:
    """Outstanding and unused-credit amounts on contacts, from open invoices, bills and credits."""
    totals: dict[tuple[str, str], list[Decimal]] = {}

    def add(contact_id: str, field_name: str, document: Record) -> None:
        if contact_ids is not None and contact_id not in contact_ids:
            return
        if document["status"] in NON_POSTING_STATUSES or not document["balance"]:
            return
        pair = totals.setdefault((contact_id, field_name), [ZERO, ZERO])
        pair[0] += document["balance"]
        pair[1] += cents(document["balance"] * document["exchange_rate"])

    for entity, contact_field, field_name in (
        ("invoices", "customer_id", "outstanding_receivable_amount"),
        ("debitnotes", "customer_id", "outstanding_receivable_amount"),
        ("bills", "vendor_id", "outstanding_payable_amount"),
        ("creditnotes", "customer_id", "unused_credits_receivable_amount"),
        ("vendorcredits", "vendor_id", "unused_credits_payable_amount"),
    ):
        for document in books.records.get(entity, {}).values():
            add(document[contact_field], field_name, document)
    for contact in books.records["contacts"].values():
        if contact_ids is not None and contact["contact_id"] not in contact_ids:
            continue
        for field_name in (
            "outstanding_receivable_amount",
            "outstanding_payable_amount",
            "unused_credits_receivable_amount",
            "unused_credits_payable_amount",
        ):
            fcy, bcy = totals.get((contact["contact_id"], field_name), (ZERO, ZERO))
            contact[field_name] = fcy
            contact[f"{field_name}_bcy"] = bcy
