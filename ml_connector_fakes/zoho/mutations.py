"""Changes to a running sandbox's books: edit, void, delete and create, as a Zoho user would make them.

Each mutation stamps ``last_modified_time`` with ``now`` in the organization's time zone, and keeps the
ledger consistent by re-posting only the documents it touched (``ledger.repost_document``), never by a
rebuild. Forbidden changes raise ``MutationError`` (the admin API answers 409): voiding or deleting a
document that payments or credits are applied to, voiding what cannot be voided, deleting a contact with
documents or the organization's settings (accounts, taxes, currencies).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from ml_connector_fakes.world.amounts import (
    CENT,
    ZERO,
    cents,
    recompute_expense,
    recompute_journal,
    recompute_line_document,
    recompute_payment,
)
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.documents import build_line_document
from ml_connector_fakes.world.expenses_journals import build_expense, build_journal
from ml_connector_fakes.world.ledger import post_document, repost_document, unpost_document
from ml_connector_fakes.world.ledger_vocabulary import NON_POSTING_STATUSES
from ml_connector_fakes.world.parties import build_contact, build_item, refresh_contact_balances
from ml_connector_fakes.world.payment_refunds import payment_refunds_of
from ml_connector_fakes.world.payments import apply_payment, build_payment, receivable_status
from ml_connector_fakes.world.reference_data import ITEMS
from ml_connector_fakes.world.refunds import refunds_of
from ml_connector_fakes.world.zoho_time import local_date, zoho_timestamp
from ml_connector_fakes.zoho.entities import BY_NAME, Entity


class MutationError(Exception):
    """A change the sandbox (like Zoho) refuses; the message says why."""


LINE_DOCUMENTS = ("invoices", "creditnotes", "bills", "vendorcredits", "purchaseorders")
VOIDABLE = ("invoices", "creditnotes", "bills", "vendorcredits", "purchaseorders")
SETTINGS = ("chartofaccounts", "taxes", "currencies")
# entity -> (payment entity, applied list key, id field, credit entity, credited list key)
SETTLED_BY = {
    "invoices": ("customerpayments", "invoices", "invoice_id", "creditnotes", "invoices_credited"),
    "bills": ("vendorpayments", "bills", "bill_id", "vendorcredits", "bills_credited"),
}
PAYS = {  # payment entity -> (paid entity, applied list key, id field)
    "customerpayments": ("invoices", "invoices", "invoice_id"),
    "vendorpayments": ("bills", "bills", "bill_id"),
}
NUMBERING = {  # entity -> (number field, prefix, digits)
    "invoices": ("invoice_number", "INV-", 6),
    "creditnotes": ("creditnote_number", "CN-", 5),
    "bills": ("bill_number", "BILL-", 6),
    "vendorcredits": ("vendor_credit_number", "VC-", 5),
    "purchaseorders": ("purchaseorder_number", "PO-", 5),
    "customerpayments": ("payment_number", "PMT-", 6),
    "vendorpayments": ("payment_number", "VP-", 6),
    "journals": ("entry_number", "JV-", 5),
}


# --- helpers ---------------------------------------------------------------------------------------------


def _entity(entity: str | Entity) -> Entity:
    # The admin API passes Entity objects; tests and scripts pass names.
    found = BY_NAME.get(entity) if isinstance(entity, str) else entity
    if found is None:
        raise MutationError(f"unknown entity {entity!r}")
    return found


def _record(books: OrgBooks, entity: Entity, record_id: str) -> Record:
    record = books.records.get(entity.name, {}).get(record_id)
    if record is None:
        raise MutationError(f"no {entity.name} record {record_id!r} in organization {books.organization_id}")
    return record


def _stamp(books: OrgBooks, now: datetime) -> str:
    return zoho_timestamp(now, str(books.organization["time_zone"]))


def _touch(books: OrgBooks, record: Record, now: datetime) -> None:
    stamp = _stamp(books, now)
    record["last_modified_time"] = stamp
    if "updated_time" in record:
        record["updated_time"] = stamp
    if "last_modified_time_formatted" in record:
        record["last_modified_time_formatted"] = stamp[:10]


def _random_ids(books: OrgBooks, rng: random.Random) -> Callable[[], str]:
    """Ids for new records: the organization's prefix and ten random digits, above the generator's
    sequential range so the two never meet; checked against every stored record anyway."""

    def new_id() -> str:
        while True:
            candidate = f"{books.organization_id}{rng.randrange(5 * 10**9, 10**10)}"
            if not any(candidate in records for records in books.records.values()):
                return candidate

    return new_id


def _context(books: OrgBooks, rng: random.Random, now: datetime) -> Context:
    today = local_date(now, str(books.organization["time_zone"]))
    return Context.from_books(books, rng, _random_ids(books, rng), today)


def _settlement_rows(books: OrgBooks, entity: str, document_id: str) -> list[tuple[Record, Record]]:
    """The payments and credits applied to an invoice or bill, as (settling record, applied row)."""
    if entity not in SETTLED_BY:
        return []
    payments, payment_key, id_field, credits, credit_key = SETTLED_BY[entity]
    found: list[tuple[Record, Record]] = []
    for source, key in ((payments, payment_key), (credits, credit_key)):
        for record in books.records.get(source, {}).values():
            found.extend((record, row) for row in record.get(key) or () if row[id_field] == document_id)
    return found


def _applied_total(record: Record, key: str) -> Decimal:
    return sum((row["amount_applied"] for row in record.get(key) or ()), ZERO)


def _contact_ids(record: Record) -> set[str]:
    return {str(record[key]) for key in ("customer_id", "vendor_id") if record.get(key)}


def _restate_settled_document(books: OrgBooks, entity: str, record: Record, now: datetime) -> None:
    """Balance and status of an invoice/bill/credit after its total or its applications changed."""
    today = local_date(now, str(books.organization["time_zone"]))
    if record["status"] in NON_POSTING_STATUSES:  # not issued (or void): owed by no one
        record["balance"] = ZERO if record["status"] == "void" else record["total"]
        return
    if entity in SETTLED_BY:
        rows = _settlement_rows(books, entity, record[SETTLED_BY[entity][2]])
        record["balance"] = record["total"] - sum((row["amount_applied"] for _, row in rows), ZERO)
        record["status"] = receivable_status(record, today)
    elif entity in ("creditnotes", "vendorcredits"):
        key = "invoices_credited" if entity == "creditnotes" else "bills_credited"
        refunded = sum((refund["amount"] for refund in refunds_of(books, entity, record)), ZERO)
        record["balance"] = record["total"] - _applied_total(record, key) - refunded
        record["status"] = "closed" if record["balance"] == 0 else "open"
    record["current_sub_status"] = record["status"]


# --- edit ------------------------------------------------------------------------------------------------


def _edit_line_document(
    books: OrgBooks, entity: str, record: Record, rng: random.Random, now: datetime
) -> None:
    line = record["line_items"][int(rng.random() * len(record["line_items"]))]
    step = Decimal(1 + int(rng.random() * 3))
    has_settlements = (
        record.get("balance") != record.get("total") and record["status"] not in NON_POSTING_STATUSES
    )
    # With money applied the total may only grow (a balance never goes negative); otherwise either way.
    if has_settlements or line["quantity"] <= step or rng.random() < 0.5:
        line["quantity"] += step
    else:
        line["quantity"] -= step
    recompute_line_document(record, books.records["taxes"])
    if entity != "purchaseorders":
        _restate_settled_document(books, entity, record, now)


def _edit_expense(record: Record, rng: random.Random) -> None:
    bump = Decimal(100 + int(rng.random() * 1_000)) / 100
    target = record["line_items"][0] if record["line_items"] else record
    target["amount" if record["line_items"] else "sub_total"] += bump
    recompute_expense(record)


def _edit_journal(record: Record, rng: random.Random) -> None:
    bump = Decimal(100 + int(rng.random() * 10_000)) / 100
    for side in ("debit", "credit"):
        line = next(line for line in record["line_items"] if line["debit_or_credit"] == side)
        line["amount"] += bump
    recompute_journal(record)


def _edit_vendor_payment(books: OrgBooks, record: Record, rng: random.Random, now: datetime) -> None:
    """Pay more of the first bill when it is still open, else less of it: the bill's balance follows."""
    row = record["bills"][0]
    bill = books.records["bills"][row["bill_id"]]
    if bill["balance"] > 0:
        change = min(bill["balance"], max(CENT, cents(bill["balance"] * Decimal("0.5"))))
    elif row["amount_applied"] > CENT:
        change = -max(CENT, cents(row["amount_applied"] * Decimal(1 + int(rng.random() * 20)) / 100))
    else:
        raise MutationError(f"vendor payment {record['payment_id']} cannot be changed further")
    row["amount_applied"] += change
    record["amount"] += change
    recompute_payment(record, "bills")
    _restate_settled_document(books, "bills", bill, now)
    _touch(books, bill, now)


def edit_document(
    books: OrgBooks, entity: str | Entity, record_id: str, now: datetime, rng: random.Random
) -> Record:
    """Change one record as a user would: a line quantity or amount on documents (totals, base-currency
    twins, balance and postings follow), the bank charges of a customer payment, the amount of a bank
    transaction, a name on contacts and items, the description of an account."""
    target = _entity(entity)
    record = _record(books, target, record_id)
    name = target.name
    if name in LINE_DOCUMENTS:
        _edit_line_document(books, name, record, rng, now)
    elif name == "expenses":
        _edit_expense(record, rng)
    elif name == "journals":
        _edit_journal(record, rng)
    elif name == "customerpayments":
        record["bank_charges"] = min(
            record["bank_charges"] + Decimal(1 + int(rng.random() * 20)), record["amount"]
        )
    elif name == "vendorpayments":
        _edit_vendor_payment(books, record, rng, now)
    elif name == "contacts":
        renamed = f"{record['contact_name'].split(' · ')[0]} · {int(rng.random() * 900) + 100}"
        record.update(contact_name=renamed, company_name=renamed)
        record["customer_name" if record["contact_type"] == "customer" else "vendor_name"] = renamed
    elif name == "items":
        renamed = f"{record['name'].split(' · ')[0]} · rev {int(rng.random() * 90) + 10}"
        record.update(name=renamed, item_name=renamed)
    elif name == "chartofaccounts":
        record["description"] = f"Reviewed {_stamp(books, now)[:10]}"
    elif name == "banktransactions":
        bump = Decimal(100 + int(rng.random() * 10_000)) / 100  # base currency: bcy_total moves with it
        for key in ("amount", "sub_total", "total", "bcy_total"):
            record[key] += bump
    else:
        raise MutationError(f"{name} records cannot be edited in the sandbox")
    _touch(books, record, now)
    repost_document(books, name, record)
    refresh_contact_balances(books, _contact_ids(record))
    return record


# --- void and delete -------------------------------------------------------------------------------------


def _refuse_if_settled(books: OrgBooks, entity: str, record: Record, action: str) -> None:
    id_field = SETTLED_BY[entity][2] if entity in SETTLED_BY else ""
    if id_field and _settlement_rows(books, entity, record[id_field]):
        raise MutationError(
            f"cannot {action} {entity} {record[id_field]}: payments or credits are applied to it"
        )
    for key in ("invoices_credited", "bills_credited"):
        if record.get(key):
            raise MutationError(f"cannot {action} {entity}: its credits are applied to documents")
    if refunds_of(books, entity, record):
        raise MutationError(f"cannot {action} {entity}: part of its credit was refunded")
    if entity in ("customerpayments", "vendorpayments") and payment_refunds_of(books, entity, record):
        raise MutationError(f"cannot {action} {entity}: part of its excess was refunded")


def void_document(books: OrgBooks, entity: str | Entity, record_id: str, now: datetime) -> Record:
    """Void an invoice, credit note, bill or vendor credit (cancel a purchase order): its postings go."""
    target = _entity(entity)
    record = _record(books, target, record_id)
    if target.name not in VOIDABLE:
        raise MutationError(f"{target.name} records cannot be voided")
    if record["status"] in ("void", "cancelled"):
        raise MutationError(f"{target.name} {record_id} is already void")
    _refuse_if_settled(books, target.name, record, "void")
    status = "cancelled" if target.name == "purchaseorders" else "void"
    record.update(status=status, current_sub_status=status, balance=ZERO)
    if target.name == "purchaseorders":
        record["order_status"] = status
    if "due_days" in record:
        record["due_days"] = ""
    _touch(books, record, now)
    unpost_document(books, record_id)
    refresh_contact_balances(books, _contact_ids(record))
    return record


def delete_record(
    books: OrgBooks, entity: str | Entity, record_id: str, now: datetime | None = None
) -> Record:
    """Remove a record and its postings; deleting a payment reopens what it paid.

    ``now`` stamps the reopened invoices or bills (their balance changed, so an incremental sync must see
    them); the admin API passes the sandbox's clock, and without it the wall clock does.
    """
    target = _entity(entity)
    record = _record(books, target, record_id)
    name = target.name
    if name in SETTINGS:
        raise MutationError(f"{name} records cannot be deleted in the sandbox")
    if name == "contacts" and _has_documents(books, record_id):
        raise MutationError(f"contact {record_id} has documents; delete or reassign them first")
    _refuse_if_settled(books, name, record, "delete")
    del books.records[name][record_id]
    unpost_document(books, record_id)
    if name in ("customerpayments", "vendorpayments"):
        settled, key, id_field = PAYS[name]
        moment = now or datetime.now(UTC)
        for row in record[key]:
            document = books.records[settled].get(row[id_field])
            if document is not None:
                _restate_settled_document(books, settled, document, moment)
                _touch(books, document, moment)
    if name != "contacts":
        refresh_contact_balances(books, _contact_ids(record))
    return record


def _has_documents(books: OrgBooks, contact_id: str) -> bool:
    for name, records in books.records.items():
        if name in ("contacts", *SETTINGS):
            continue
        for record in records.values():
            if record.get("customer_id") == contact_id or record.get("vendor_id") == contact_id:
                return True
    return False


# --- create ----------------------------------------------------------------------------------------------


def _next_number(books: OrgBooks, entity: str) -> str:
    field, prefix, digits = NUMBERING[entity]
    highest = 0
    for record in books.records.get(entity, {}).values():
        number = str(record.get(field) or "")
        if number.startswith(prefix) and number[len(prefix) :].isdigit():
            highest = max(highest, int(number[len(prefix) :]))
    return f"{prefix}{highest + 1:0{digits}d}"


def _open_document(books: OrgBooks, entity: str, rng: random.Random) -> Record:
    candidates = [
        record
        for record in books.records.get(entity, {}).values()
        if record["status"] not in NON_POSTING_STATUSES and record["balance"] > 0
    ]
    if not candidates:
        raise MutationError(f"no open {entity} to pay")
    return candidates[int(rng.random() * len(candidates))]


def _create_payment(books: OrgBooks, ctx: Context, entity: str, now: datetime) -> Record:
    settled, key, id_field = PAYS[entity]
    document = _open_document(books, settled, ctx.rng)
    contact = books.records["contacts"][document["customer_id" if settled == "invoices" else "vendor_id"]]
    number = _next_number(books, entity)
    payment = build_payment(ctx, entity, contact, ctx.today, number, [(document, document["balance"])])
    _stamp_new(books, payment, now)
    apply_payment(ctx, payment, books.records[settled], id_field, key)
    return payment


def _stamp_new(books: OrgBooks, record: Record, now: datetime) -> None:
    stamp = _stamp(books, now)
    record["created_time"] = stamp
    _touch(books, record, now)
    if "created_time_formatted" in record:
        record["created_time_formatted"] = stamp[:10]


def create_document(books: OrgBooks, entity: str | Entity, now: datetime, rng: random.Random) -> Record:
    """A new record dated today (in the organization's time zone), posted unless it is a purchase order."""
    target = _entity(entity)
    name = target.name
    ctx = _context(books, rng, now)
    record: Record
    if name in LINE_DOCUMENTS:
        sales = name in ("invoices", "creditnotes")
        contacts = ctx.customers if sales else ctx.vendors
        contact = contacts[int(rng.random() * len(contacts))]
        record = build_line_document(ctx, name, contact, ctx.today, _next_number(books, name))
        record["status"] = "sent" if name == "invoices" else "open"
        record["current_sub_status"] = record["status"]
    elif name in ("customerpayments", "vendorpayments"):
        record = _create_payment(books, ctx, name, now)
    elif name == "expenses":
        record = build_expense(ctx, ctx.today)
    elif name == "journals":
        record = build_journal(ctx, ctx.today, _next_number(books, name))
        record["status"] = "published"
    elif name == "contacts":
        contact_name = f"Neukunde {int(rng.random() * 9000) + 1000}"
        record = build_contact(ctx, "customer", contact_name, ctx.base_currency, _stamp(books, now))
    elif name == "items":
        spec = ITEMS[int(rng.random() * len(ITEMS))]
        record = build_item(ctx, (f"{spec[0]} · new", *spec[1:]), _stamp(books, now))
    else:
        raise MutationError(f"{name} records cannot be created in the sandbox")
    _stamp_new(books, record, now)
    books.records.setdefault(name, {})[str(record[target.id_field])] = record
    post_document(books, name, record)
    refresh_contact_balances(books, _contact_ids(record))
    return record
