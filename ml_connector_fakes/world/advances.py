"""Customer advances and overpayments (D77): payments that leave part of their amount unapplied.

Three realistic shapes, a few per organization, drawn from their own random source so the rest of the data set
is unchanged:

* an overpayment: a customer pays an invoice and a little more; the rest stays unapplied (``unused_amount``);
* an advance applied later: a customer pays before the invoice is raised, and the payment is applied to that
  invoice on the invoice's date (Zoho's applied rows carry the invoice's ``date``, no date of their own);
* an advance never applied (yet): a payment with no invoices at all.

The sandbox's ledger (``ledger._payment_pieces``) posts the unapplied part to Customer Advances and moves it
to the receivable on the invoice's date.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal

from ml_connector_fakes.world.amounts import ZERO, cents, recompute_payment
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.world.payments import build_payment, receivable_status

ROUND_AMOUNTS = tuple(Decimal(value) for value in (50, 100, 200, 250, 500))


def _open_invoices(invoices: dict[str, Record]) -> list[Record]:
    return [
        invoice
        for invoice in invoices.values()
        if invoice["status"] in ("sent", "viewed", "overdue", "unpaid", "partially_paid")
        and invoice["balance"] > 0
    ]


def _settle(invoice: Record, amount: Decimal, today: date) -> None:
    invoice["balance"] -= amount
    invoice["status"] = receivable_status(invoice, today)
    invoice["current_sub_status"] = invoice["status"]
    invoice["due_days"] = "" if invoice["balance"] == 0 else invoice["due_days"]
    invoice["last_payment_date"] = invoice["date"]


def _unapplied_payment(ctx: Context, customer: Record, day: date, number: str, currency_code: str) -> Record:
    """A payment with no invoices: built as a payment of a stand-in document, then emptied."""
    stand_in: Record = {
        "invoice_id": "",
        "invoice_number": "",
        "date": day.isoformat(),
        "total": ZERO,
        "currency_code": currency_code,
    }
    payment = build_payment(ctx, "customerpayments", customer, day, number, [(stand_in, Decimal("1.00"))])
    payment.update(invoices=[], applied_invoices=[], invoice_numbers="", bank_charges=ZERO)
    payment["payment_type"] = "Advance Payment"
    return payment


def add_customer_advances(ctx: Context, period_start: date, period_end: date) -> None:
    """Overpayments and advances, about one customer payment in twelve, after invoices and their payments."""
    rng = random.Random(f"advances:{ctx.books.organization_id}")
    ctx = dataclasses.replace(ctx, rng=rng)
    records = ctx.books.records
    invoices: dict[str, Record] = records["invoices"]
    payments: dict[str, Record] = records["customerpayments"]
    count = max(2, len(payments) // 12)
    sequence = len(payments)

    def number() -> str:
        nonlocal sequence
        sequence += 1
        return f"PMT-{sequence:06d}"

    # Overpayments: an existing payment of one invoice that paid a round amount more.
    single = [p for p in payments.values() if len(p["invoices"]) == 1 and not p["bank_charges"]]
    for payment in rng.sample(single, min(len(single), max(1, count // 3))):
        payment["amount"] += rng.choice(ROUND_AMOUNTS)
        recompute_payment(payment, "invoices")
    # Advances applied to an invoice raised later, on the invoice's date.
    earliest = (period_start + timedelta(days=20)).isoformat()
    candidates = [invoice for invoice in _open_invoices(invoices) if invoice["date"] > earliest]
    for invoice in rng.sample(candidates, min(len(candidates), max(1, count // 3))):
        day = date.fromisoformat(invoice["date"]) - timedelta(days=rng.randint(3, 20))
        customer = records["contacts"][invoice["customer_id"]]
        payment = _unapplied_payment(ctx, customer, day, number(), invoice["currency_code"])
        amount = cents(invoice["balance"] * Decimal(rng.choice((50, 100, 100, 120))) / 100)
        applied = min(amount, invoice["balance"])
        payment["amount"] = amount
        payment["invoices"] = [
            {
                "invoice_id": invoice["invoice_id"],
                "invoice_number": invoice["invoice_number"],
                "date": invoice["date"],
                "total": invoice["total"],
                "amount_applied": applied,
            }
        ]
        payment["applied_invoices"] = [{"invoice_id": invoice["invoice_id"], "amount_applied": applied}]
        payment["invoice_numbers"] = invoice["invoice_number"]
        payment["last_modified_time"] = max(payment["last_modified_time"], invoice["created_time"])
        recompute_payment(payment, "invoices")
        _settle(invoice, applied, ctx.today)
        payments[payment["payment_id"]] = payment
    # Advances not applied yet, in the organization's base currency.
    for _ in range(max(1, count // 3)):
        day = period_start + timedelta(days=rng.randrange((period_end - period_start).days + 1))
        customer = rng.choice(ctx.customers)
        payment = _unapplied_payment(ctx, customer, day, number(), ctx.base_currency)
        payment["amount"] = cents(rng.choice(ROUND_AMOUNTS) * rng.randint(1, 4))
        recompute_payment(payment, "invoices")
        payments[payment["payment_id"]] = payment
