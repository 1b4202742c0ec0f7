"""Customer debit notes (customer-debit-notes.yml; D95): an invoice of type ``debit_note`` charging a customer
more for an invoice already issued (a price correction, an extra charge), numbered ``DN-``.

Zoho serves them through the invoices module: listed by ``GET /invoices?filter_by=Type.DebitNote`` under
``debit_notes`` (ml_connector_fakes/zoho/reads.py), read by ``GET /invoices/{invoice_id}`` under ``invoice``.
Whether the plain invoices list returns them is not documented; here it does not (they are records of their
own, ``debitnotes``). Each refers to its invoice (``reference_invoice``), is in that invoice's currency at the
rate of its own day, and posts as an invoice does (ledger_vocabulary.TRANSACTION_TYPES: "debit_note", the
sandbox's guess: the documented ledger types list none). They stay open (sent or overdue): no payment here
applies to them.

About one per twenty-five invoices per organization, at least two, from a random source of their own.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.world.documents import build_line_document
from ml_connector_fakes.world.ledger_vocabulary import NON_POSTING_STATUSES
from ml_connector_fakes.world.payments import receivable_status


def _reference(invoice: Record) -> Record:
    return {
        "reference_invoice_id": invoice["invoice_id"],
        "reference_invoice_number": invoice["invoice_number"],
        "reference_invoice_status": invoice["status"],
        "reference_invoice_amount": invoice["total"],
    }


def add_debit_notes(ctx: Context, seed: str, end: date) -> None:
    """Debit notes against issued invoices, each a few days to a month after its invoice (D95)."""
    rng = random.Random(f"{seed}:debitnotes")
    ctx = dataclasses.replace(ctx, rng=rng)
    notes: dict[str, Record] = {}
    ctx.books.records["debitnotes"] = notes
    issued = [
        invoice
        for invoice in ctx.books.records.get("invoices", {}).values()
        if invoice["status"] not in NON_POSTING_STATUSES and invoice["date"] < end.isoformat()
    ]
    if not issued:
        return
    customers = {c["contact_id"]: c for c in ctx.customers}
    count = max(2, len(issued) // 25)
    for seq, invoice in enumerate(sorted(rng.sample(issued, min(count, len(issued))), key=_by_date), 1):
        day = min(date.fromisoformat(invoice["date"]) + timedelta(days=rng.randint(3, 30)), end)
        note = build_line_document(
            ctx,
            "invoices",
            customers[invoice["customer_id"]],
            day,
            f"DN-{seq:05d}",
            currency_code=invoice["currency_code"],
            line_count=1,
        )
        note.update(
            type="debit_note",
            transaction_type="debit_note",
            status="sent",
            reference_invoice=_reference(invoice),
        )
        note["status"] = receivable_status(note, ctx.today)
        note["current_sub_status"] = note["status"]
        notes[note["invoice_id"]] = note


def _by_date(invoice: Record) -> str:
    return f"{invoice['date']}{invoice['invoice_id']}"
