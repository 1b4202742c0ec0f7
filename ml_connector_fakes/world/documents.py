"""Document builders: invoices, credit notes, bills, vendor credits and purchase orders, with their lines
(reused by ``ml_connector_fakes.zoho.mutations`` to create new documents). Amounts come from
``amounts.recompute_line_document``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from ml_connector_fakes.world.amounts import CENT, ZERO, cents, recompute_line_document
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.world.reference_data import BILL_EXPENSE_ACCOUNTS, COST_CENTERS, USD_VALUE

T = TypeVar("T")


PREFIXES = {
    "invoices": ("invoice_id", "invoice_number", "INV-"),
    "creditnotes": ("creditnote_id", "creditnote_number", "CN-"),
    "bills": ("bill_id", "bill_number", "BILL-"),
    "vendorcredits": ("vendor_credit_id", "vendor_credit_number", "VC-"),
    "purchaseorders": ("purchaseorder_id", "purchaseorder_number", "PO-"),
}
SALES_ENTITIES = frozenset({"invoices", "creditnotes"})


def pick(rng: random.Random, choices: Sequence[T]) -> T:
    """``rng.choice`` through ``rng.random()``: several times faster, and the hot loops draw millions."""
    return choices[int(rng.random() * len(choices))]


LINE_COUNTS = (1, 2, 3, 3, 4, 5, 6)  # 3.43 lines per document on average
QUANTITIES = tuple(Decimal(q) for q in (1, 1, 1, 2, 3, 5, 10))
HOURS = tuple(Decimal(h) / 2 for h in range(2, 41))
LINE_DISCOUNTS = tuple(Decimal(d) for d in (0, 0, 0, 0, 5, 10))
NO_TAX_PERCENTAGE = Decimal(0)


def build_line(ctx: Context, entity: str, currency_rate: Decimal) -> Record:
    rng = ctx.rng
    sales = entity in SALES_ENTITIES
    if sales or rng.random() < 0.5:
        item = pick(rng, ctx.items)
        base_rate = item["rate"] if sales else item["purchase_rate"]
        account_id = item["account_id"] if sales else item["purchase_account_id"]
        name, item_id, unit = item["name"], item["item_id"], item["unit"]
    else:
        account_name = pick(rng, BILL_EXPENSE_ACCOUNTS)
        base_rate = cents(Decimal(int(rng.random() * 250_000) + 2_000) / 100 / USD_VALUE[ctx.base_currency])
        account_id, name, item_id, unit = ctx.account_ids[account_name], account_name, "", ""
    # A price in the document's currency near the base price, jittered by up to ±5%.
    jitter = 1 + Decimal(int(rng.random() * 101) - 50) / 1000
    rate = max(cents(base_rate / currency_rate * jitter), CENT)
    tax = pick(rng, ctx.taxes) if rng.random() < 0.75 else None
    quantity = pick(rng, HOURS if unit == "hr" else QUANTITIES)
    return {
        "line_item_id": ctx.new_id(),
        "item_id": item_id,
        "account_id": account_id,
        "account_name": ctx.accounts[account_id]["account_name"],
        "name": name,
        "description": "" if rng.random() < 0.5 else f"{name}, {pick(rng, COST_CENTERS).lower()} order",
        "item_order": 0,
        "rate": rate,
        "bcy_rate": ZERO,
        "quantity": quantity,
        "unit": unit,
        "discount": pick(rng, LINE_DISCOUNTS),
        "item_total": ZERO,
        "tax_id": tax["tax_id"] if tax else "",
        "tax_name": tax["tax_name"] if tax else "",
        "tax_percentage": tax["tax_percentage"] if tax else NO_TAX_PERCENTAGE,
        "tags": ctx.maybe_tags(),
    }


def build_line_document(
    ctx: Context,
    entity: str,
    contact: Record,
    day: date,
    number: str,
    *,
    currency_code: str | None = None,
    exchange_rate: Decimal | None = None,
    line_count: int | None = None,
) -> Record:
    """A posted-shape invoice, credit note, bill, vendor credit or purchase order with its totals.

    Status and balance are the caller's: ``balance`` starts at ``total``, ``status`` at "open". A little over
    60 lines because the record is written out member by member, as Zoho sends it.
    """
    rng = ctx.rng
    id_field, number_field, _ = PREFIXES[entity]
    code = currency_code or contact["currency_code"]
    currency = ctx.currencies[code]
    rate = exchange_rate if exchange_rate is not None else ctx.rate_on(code, day)
    count = line_count or pick(rng, LINE_COUNTS)
    lines = [build_line(ctx, entity, rate) for _ in range(count)]
    for order, line in enumerate(lines, 1):
        line["item_order"] = order
    sales = entity in SALES_ENTITIES
    created = ctx.stamp(day, ctx.office_seconds())
    terms = int(contact["payment_terms"])
    record: Record = {
        id_field: ctx.new_id(),
        number_field: number,
        "date": day.isoformat(),
        "status": "open",
        "currency_id": currency["currency_id"],
        "currency_code": code,
        "currency_symbol": currency["currency_symbol"],
        "exchange_rate": rate,
        "reference_number": f"REF-{int(rng.random() * 90_000) + 10_000}" if rng.random() < 0.6 else "",
        "line_items": lines,
        "shipping_charge": ZERO,
        "adjustment": ZERO,
        "discount_total": ZERO,
        "discount_type": "entity_level",
        "is_discount_before_tax": False,
        "price_precision": 2,
        "notes": "Thank you for your business." if sales else "",
        "terms": "",
        "created_time": created,
        "last_modified_time": created,
        "has_attachment": False,
        "color_code": "",
        "current_sub_status_id": "",
        "client_viewed_time": "",
        "is_viewed_by_client": False,
        "template_id": "",
        "template_type": "standard",
    }
    _add_party_and_charges(ctx, entity, record, contact)
    # The Indian organization rounds its rupee invoices to whole rupees (roundoff_value, D79).
    record["rounds_to_whole"] = entity == "invoices" and record["currency_code"] == ctx.base_currency == "INR"
    _compute_totals(ctx, entity, record)
    record["balance"] = record["total"]
    _entity_fields(ctx, entity, record, contact, day, terms)
    return record


def _add_party_and_charges(ctx: Context, entity: str, record: Record, contact: Record) -> None:
    """The customer or vendor, and the shipping charge and adjustment some documents carry."""
    rng = ctx.rng
    sales = entity in SALES_ENTITIES
    if sales:
        record.update(customer_id=contact["contact_id"], customer_name=contact["contact_name"])
        if rng.random() < 0.2:
            record["shipping_charge"] = cents(Decimal(rng.randint(500, 6_000)) / 100)
        if rng.random() < 0.1:
            record["adjustment"] = cents(Decimal(rng.randint(-300, 300)) / 100)
    else:
        record.update(vendor_id=contact["contact_id"], vendor_name=contact["vendor_name"])
        if entity == "bills" and rng.random() < 0.1:
            record["adjustment"] = cents(Decimal(rng.randint(-300, 300)) / 100)


def _compute_totals(ctx: Context, entity: str, record: Record) -> None:
    """Totals from the lines, with the after-tax discount some sales documents get."""
    rng = ctx.rng
    sales = entity in SALES_ENTITIES
    recompute_line_document(record, ctx.books.records["taxes"])
    if sales and rng.random() < 0.15:
        # An after-tax discount of a few percent of the lines: never more than the document is worth.
        record["discount_total"] = cents(record["sub_total"] * Decimal(rng.choice((2, 5, 10))) / 100)
        recompute_line_document(record, ctx.books.records["taxes"])
    if entity == "creditnotes" and (
        record["shipping_charge"] or record["adjustment"] or record["discount_total"]
    ):
        # Zoho's credit-note detail documents no shipping charge, adjustment or discount: a credit note here
        # credits lines and their taxes only (the draws above stay, so the random stream does not move).
        record.update(shipping_charge=ZERO, adjustment=ZERO, discount_total=ZERO)
        recompute_line_document(record, ctx.books.records["taxes"])


def due_days_label(due: date, today: date) -> str:
    if due < today:
        return f"Overdue by {(today - due).days} day(s)"
    return f"Due in {(due - today).days} day(s)"


def _entity_fields(ctx: Context, entity: str, record: Record, contact: Record, day: date, terms: int) -> None:
    """The list-row fields particular to each document type (tests/reference/zoho-list-fields.md)."""
    due = day + timedelta(days=terms)
    if entity == "invoices":
        _invoice_fields(ctx, record, contact, due, terms)
    elif entity == "creditnotes":
        _credit_note_fields(record)
    elif entity in ("bills", "vendorcredits"):
        _purchase_credit_fields(ctx, entity, record, due)
    elif entity == "purchaseorders":
        _purchase_order_fields(ctx, record, contact, day)


def _invoice_fields(ctx: Context, record: Record, contact: Record, due: date, terms: int) -> None:
    record.update(
        type="invoice",
        transaction_type="invoice",
        due_date=due.isoformat(),
        due_days=due_days_label(due, ctx.today),
        payment_terms=terms,
        payment_terms_label=contact["payment_terms_label"],
        ach_payment_initiated=False,
        billing_address=contact["billing_address"],
        shipping_address=contact["shipping_address"],
        company_name=contact["company_name"],
        country=contact["billing_address"]["country"],
        created_by="Sandbox Admin",
        current_sub_status="open",
        custom_field_hash={},
        custom_fields=[],
        documents="",
        email=contact["email"],
        phone=contact["phone"],
        invoice_url="",
        is_emailed=False,
        is_pre_gst=False,
        last_payment_date="",
        last_reminder_sent_date="",
        no_of_copies=1,
        show_no_of_copies=False,
        payment_expected_date="",
        project_name="",
        reminders_sent=0,
        salesperson_id="",
        salesperson_name=None if ctx.rng.random() < 0.3 else "Dana Whitfield",
        schedule_time="",
        unprocessed_payment_amount=ZERO,
        updated_time=record["last_modified_time"],
        write_off_amount=ZERO,
        zcrm_potential_id="",
        zcrm_potential_name="",
    )


def _credit_note_fields(record: Record) -> None:
    first = record["line_items"][0]
    record.update(
        applied_invoices="",
        invoices_credited=[],
        current_sub_status="open",
        is_emailed=False,
        item_price=first["rate"],
        item_quantity=first["quantity"],
        item_total=first["item_total"],
        item_total_price=first["item_total"],
        item_total_without_tax=first["item_total"],
        salesperson_id="",
        salesperson_name="",
    )


def _purchase_credit_fields(ctx: Context, entity: str, record: Record, due: date) -> None:
    """A bill's or a vendor credit's fields."""
    record.update(
        due_date=due.isoformat(),
        due_days=due_days_label(due, ctx.today) if entity == "bills" else "",
        entity_type="bill" if entity == "bills" else "vendor_credit",
        current_sub_status="open",
        attachment_name="",
        is_bill_reconciliation_violated=False,
        is_tally_bill=False,
        is_uber_bill=False,
        tds_total=ZERO,
        unprocessed_payment_amount=ZERO,
    )
    if entity == "vendorcredits":
        record["bills_credited"] = []


def _purchase_order_fields(ctx: Context, record: Record, contact: Record, day: date) -> None:
    delivery = day + timedelta(days=ctx.rng.randint(5, 30))
    record.update(
        price_precision="2",  # a string on purchase orders (tests/reference/zoho-list-fields.md)
        company_name=contact["company_name"],
        delivery_date=delivery.isoformat(),
        delivery_days="",
        due_by_days="",
        due_in_days="",
        order_status="open",
        billed_status="yet_to_be_billed",
        current_sub_status="open",
        quantity_marked_as_received=Decimal(0),
        quantity_yet_to_receive=sum((line["quantity"] for line in record["line_items"]), Decimal(0)),
        receives=[],
    )
