"""Refunds of customer payments (D135): part or all of what a payment left unapplied, paid back.

Zoho refunds only a payment's excess (``refund-an-excess-customer-payment``), so the sandbox refunds payments
that left an amount unused (the overpayments and advances of ``advances.py``), from the account the payment
was deposited to, at the rate of the refund's own day. A refund raises the payment's ``amount_refunded`` and
``bcy_refunded_amount`` and lowers its ``unused_amount``; the payment is modified then (its
``last_modified_time`` moves), as Zoho's answers show a payment's refunded amount on its own record. Zoho
lists refunds only under their payment (``GET /customerpayments/{payment_id}/refunds``); the sandbox keeps
them in ``customerpaymentrefunds`` for its ledger (``ledger._payment_refund_pieces``) and its answers.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from decimal import Decimal

from ml_connector_fakes.world.amounts import ZERO, to_base
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.refunds import RefundPattern, refund_installments, refund_record

CUSTOMER_PAYMENT_REFUNDS = "customerpaymentrefunds"
_CUSTOMER_PATTERN = RefundPattern(twice=0.2, days=(1, 30), in_full=0.6, part_percent=(20, 80))


def refunds_of_payment(books: OrgBooks, payment_id: str) -> list[Record]:
    """The refunds of one customer payment, oldest first."""
    found = books.records.get(CUSTOMER_PAYMENT_REFUNDS, {}).values()
    return sorted((r for r in found if r["payment_id"] == payment_id), key=lambda r: r["payment_refund_id"])


def refund_id(payment: Record, refunds: dict[str, Record]) -> str:
    """A refund's id from its payment's: the organization's id sequence is left alone, so every document
    generated after the refunds keeps the id (and so the answers) it had before they existed."""
    taken = sum(1 for refund in refunds.values() if refund["payment_id"] == payment["payment_id"])
    return f"{payment['payment_id']}9{taken:02d}"


def _refund(
    ctx: Context, payment: Record, amount: Decimal, day: date, refund_id: str, *, vendor: bool
) -> Record:
    """A refund of a customer payment's excess, or (``vendor``) of what a vendor was overpaid."""
    if vendor:
        head = {
            "vendorpayment_refund_id": refund_id,
            "vendorpayment_id": payment["payment_id"],
            "payment_id": payment["payment_id"],
            "payment_number": payment["payment_number"],
        }
        form: Record = {}
        account = {
            "to_account_id": payment["paid_through_account_id"],
            "to_account_name": payment["paid_through_account_name"],
        }
    else:
        head = {
            "payment_refund_id": refund_id,
            "payment_id": payment["payment_id"],
            "payment_number": payment["payment_number"],
            "customer_id": payment["customer_id"],
            "customer_name": payment["customer_name"],
        }
        form = {"payment_form": ""}
        account = {"from_account_id": payment["account_id"], "from_account_name": payment["account_name"]}
    return refund_record(
        ctx,
        payment,
        amount,
        day,
        head=head,
        reference_prefix="VRF" if vendor else "RF",
        description="Refund of excess payment",
        form=form,
        account=account,
    )


def apply_payment_refund(payment: Record, refund: Record) -> None:
    """The payment's refunded and unused amounts after ``refund``; the payment is modified then."""
    payment["amount_refunded"] = payment.get("amount_refunded", ZERO) + refund["amount"]
    payment["bcy_refunded_amount"] = payment.get("bcy_refunded_amount", ZERO) + refund["amount_bcy"]
    payment["unused_amount"] -= refund["amount"]
    payment["bcy_unused_amount"] = to_base(payment["unused_amount"], payment["exchange_rate"])
    payment["last_modified_time"] = refund["created_time"]


def add_payment_refunds(ctx: Context, seed: str) -> None:
    """Refund the first payment with an unused amount and about half of the others: most in full, some in
    part, a few twice. Its own random source, so the documents generated before stay as they were."""
    rng = random.Random(f"{seed}:payment-refunds")
    ctx = dataclasses.replace(ctx, rng=rng)
    refunds: dict[str, Record] = {}
    ctx.books.records[CUSTOMER_PAYMENT_REFUNDS] = refunds
    payments = sorted(
        (p for p in ctx.books.records["customerpayments"].values() if p["unused_amount"] > 0),
        key=lambda p: p["payment_number"],
    )
    for index, payment in enumerate(payments):
        if index and rng.random() >= 0.5:
            continue
        for day, amount in refund_installments(ctx, payment, "unused_amount", _CUSTOMER_PATTERN):
            refund = _refund(ctx, payment, amount, day, refund_id(payment, refunds), vendor=False)
            refunds[refund["payment_refund_id"]] = refund
            apply_payment_refund(payment, refund)


# --- vendor payments ------------------------------------------------------------------------------------

VENDOR_REFUNDS = "vendorpaymentrefunds"
_VENDOR_PATTERN = RefundPattern(twice=0.25, days=(3, 30), in_full=0.5, part_percent=(30, 70))
# What a vendor was overpaid by: a round amount, as a payment made before the bill was final would be.
_EXCESS = tuple(Decimal(value) for value in (25, 50, 100, 150))


def refunds_of_vendor_payment(books: OrgBooks, payment_id: str) -> list[Record]:
    """The refunds of one vendor payment, oldest first."""
    found = books.records.get(VENDOR_REFUNDS, {}).values()
    return sorted(
        (r for r in found if r["payment_id"] == payment_id), key=lambda r: r["vendorpayment_refund_id"]
    )


def add_vendor_payment_refunds(ctx: Context, seed: str) -> None:
    """A few vendor payments of one bill paid a round amount too much (the excess waits on the payable as the
    vendor's debit, ``balance``), and the vendor sends most of it back: in full, or in part, some twice."""
    rng = random.Random(f"{seed}:vendor-payment-refunds")
    ctx = dataclasses.replace(ctx, rng=rng)
    refunds: dict[str, Record] = {}
    ctx.books.records[VENDOR_REFUNDS] = refunds
    payments = sorted(
        (
            p
            for p in ctx.books.records["vendorpayments"].values()
            if len(p["bills"]) == 1 and not p.get("bank_charges") and not p.get("tax_amount_withheld")
        ),
        key=lambda p: p["payment_number"],
    )
    for payment in rng.sample(payments, min(len(payments), max(2, len(payments) // 15))):
        excess = rng.choice(_EXCESS)
        payment["amount"] += excess
        payment["bcy_amount"] = to_base(payment["amount"], payment["exchange_rate"])
        payment["balance"] = excess
        for day, amount in refund_installments(ctx, payment, "balance", _VENDOR_PATTERN):
            refund = _refund(ctx, payment, amount, day, refund_id(payment, refunds), vendor=True)
            refunds[refund["vendorpayment_refund_id"]] = refund
            payment["balance"] -= amount
            payment["amount_refunded"] = payment.get("amount_refunded", ZERO) + amount
            payment["last_modified_time"] = refund["created_time"]


def payment_refunds_of(books: OrgBooks, entity: str, payment: Record) -> list[Record]:
    """The refunds of a customer or vendor payment (none for any other entity)."""
    if entity == "customerpayments":
        return refunds_of_payment(books, str(payment["payment_id"]))
    if entity == "vendorpayments":
        return refunds_of_vendor_payment(books, str(payment["payment_id"]))
    return []
