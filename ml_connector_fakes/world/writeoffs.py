"""Invoices written off (D78): a few long-overdue invoices nobody paid, per organization.

Zoho's ``POST /invoices/{id}/writeoff`` takes no date and writes off the whole balance; the invoice then
shows ``write_off_amount`` and a zero balance. The day it happened is internal here (``write_off_date``,
never sent): Zoho's ledger rows carry it, and the sandbox's ledger (``ledger._write_off_pieces``) posts
Dr Bad Debt / Cr Accounts Receivable on that day. Drawn from their own random source so the rest of the data
set is unchanged.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ml_connector_fakes.world.amounts import ZERO
from ml_connector_fakes.world.context import Context


def write_off_invoices(ctx: Context, period_end: date) -> None:
    """Write off about one in six invoices overdue by more than 45 days, untouched by payments or credits."""
    rng = random.Random(f"writeoffs:{ctx.books.organization_id}")
    invoices = ctx.books.records["invoices"]
    stale = [
        invoice
        for invoice in invoices.values()
        if invoice["status"] == "overdue"
        and invoice["balance"] == invoice["total"]
        and date.fromisoformat(invoice["due_date"]) + timedelta(days=45) < period_end
    ]
    for invoice in rng.sample(stale, min(len(stale), max(1, len(stale) // 6))):
        earliest = date.fromisoformat(invoice["due_date"]) + timedelta(days=45)
        day = min(period_end, earliest + timedelta(days=rng.randint(0, 60)))
        invoice.update(
            write_off_amount=invoice["balance"],
            write_off_date=day.isoformat(),
            balance=ZERO,
            status="paid",
            current_sub_status="paid",
            due_days="",
            last_modified_time=ctx.stamp(day, 8 * 3600 + rng.randrange(11 * 3600)),
        )
        invoice["updated_time"] = invoice["last_modified_time"]
