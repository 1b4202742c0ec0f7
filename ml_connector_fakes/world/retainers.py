"""Retainer invoices and their payments (retainer-invoices.yml; D92).

A retainer invoice asks a customer for money up front. Issuing it posts nothing; its payment does, in Zoho's
ledger: Dr the bank account it was deposited to / Cr the customer advance (unearned revenue) account, at the
rate of the payment's day. The published documents describe the retainer invoice (list and detail: total,
``payment_made``, ``payment_drawn``, ``balance``, ``last_payment_date``) but no list or detail of its payments
(the ``list-retainer-payments-response`` schema has no path) and no member naming the deposit account, so the
payments here are internal records (``retainerpayments``): they are served by no route, only their ledger rows
are (``ledger_vocabulary.TRANSACTION_TYPES``). None is drawn against an invoice here: a draw would lower an
invoice's balance through an application no documented answer shows.

The mix per organization: about one retainer per fifteen invoices (at least three), a few paid in full a few
days after they were raised, some sent and still unpaid, one draft and one void; in the customer's currency
at the rate of the day. Random draws come from a generator of their own, so the rest of the data set is
unchanged.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal

from ml_connector_fakes.world.amounts import ONE, ZERO, cents, to_base
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.world.ledger_vocabulary import CUSTOMER_ADVANCES

# Where a retainer payment is deposited (internal: no documented answer names it).
_DEPOSIT_TO = ("Business Checking", "Business Checking", "Petty Cash")
_PURPOSES = ("Project kick-off retainer", "Monthly advisory retainer", "Implementation deposit")
# Units of each currency to one USD, rounded (the amounts are illustrative, not market rates).
_PER_USD = {"USD": ONE, "EUR": Decimal("0.9"), "GBP": Decimal("0.8"), "INR": Decimal(80)}
# Amounts in USD, converted to the customer's currency at a round figure.
_USD_AMOUNTS = (500, 750, 1_000, 1_500, 2_000, 2_500, 5_000)


def _status_mix(count: int) -> list[str]:
    """At four or more: one draft, one void, a third sent and unpaid, the rest paid; fewer: one unpaid."""
    if count < 4:
        return ["sent", *(["paid"] * (count - 1))]
    unpaid = count // 3
    return ["draft", "void", *(["sent"] * unpaid), *(["paid"] * (count - 2 - unpaid))]


def _retainer(
    ctx: Context, rng: random.Random, customer: Record, day: date, number: str, status: str
) -> Record:
    code = str(customer["currency_code"])
    currency = ctx.currencies[code]
    rate = ctx.rate_on(code, day)
    amount = cents(Decimal(rng.choice(_USD_AMOUNTS)) * _PER_USD.get(code, ONE))
    created = ctx.stamp(day, ctx.office_seconds())
    line: Record = {
        "line_item_id": ctx.new_id(),
        "description": rng.choice(_PURPOSES),
        "item_order": 1,
        "rate": amount,
        "bcy_rate": to_base(amount, rate),
        "tax_id": "",
        "tax_name": "",
        "tax_type": "",
        "tax_percentage": ZERO,
        "item_total": amount,
    }
    return {
        "retainerinvoice_id": ctx.new_id(),
        "retainerinvoice_number": number,
        "date": day.isoformat(),
        "status": status,
        "reference_number": f"RET/{number[-3:]}",
        "customer_id": customer["contact_id"],
        "customer_name": customer["contact_name"],
        "currency_id": currency["currency_id"],
        "currency_code": code,
        "currency_symbol": currency.get("currency_symbol", ""),
        "exchange_rate": rate,
        "is_inclusive_tax": False,
        "line_items": [line],
        "sub_total": amount,
        "total": amount,
        "taxes": [],
        "payment_made": ZERO,
        "payment_drawn": ZERO,
        "balance": ZERO if status in ("draft", "void") else amount,
        "last_payment_date": "",
        "allow_partial_payments": False,
        "price_precision": 2,
        "is_emailed": status != "draft",
        "is_viewed_by_client": False,
        "has_attachment": False,
        "notes": "Thank you for your business.",
        "terms": "Drawn against the invoices of the engagement.",
        "created_time": created,
        "last_modified_time": created,
    }


def _pay(ctx: Context, rng: random.Random, retainer: Record, day: date, number: str) -> Record:
    """Record the payment in full on ``day``: the retainer is paid, the money waits as a customer advance."""
    code = str(retainer["currency_code"])
    rate = ctx.rate_on(code, day) if code != ctx.base_currency else ONE
    amount: Decimal = retainer["total"]
    retainer.update(
        status="paid",
        payment_made=amount,
        balance=ZERO,
        last_payment_date=day.isoformat(),
        last_modified_time=ctx.stamp(day, ctx.office_seconds()),
    )
    return {
        "payment_id": ctx.new_id(),
        "payment_number": number,
        "retainerinvoice_id": retainer["retainerinvoice_id"],
        "customer_id": retainer["customer_id"],
        "date": day.isoformat(),
        "currency_id": retainer["currency_id"],
        "currency_code": code,
        "exchange_rate": rate,
        "amount": amount,
        "bcy_amount": to_base(amount, rate),
        "reference_number": retainer["retainerinvoice_number"],
        "deposit_to_account_id": ctx.account(rng.choice(_DEPOSIT_TO))["account_id"],
        "advance_account_id": ctx.account(CUSTOMER_ADVANCES)["account_id"],
        "status": "paid",
    }


def add_retainers(ctx: Context, seed: str, start: date, end: date) -> None:
    """Retainer invoices over the period, and the payments of those paid (D92)."""
    rng = random.Random(f"{seed}:retainerinvoices")
    ctx = dataclasses.replace(ctx, rng=rng)
    retainers: dict[str, Record] = {}
    payments: dict[str, Record] = {}
    ctx.books.records["retainerinvoices"] = retainers
    ctx.books.records["retainerpayments"] = payments
    if not ctx.customers:
        return
    count = max(3, len(ctx.books.records.get("invoices", {})) // 15)
    statuses = _status_mix(count)
    rng.shuffle(statuses)
    span = max(1, (end - start).days - 10)
    days = sorted(start + timedelta(days=rng.randrange(span)) for _ in statuses)
    for seq, (day, status) in enumerate(zip(days, statuses, strict=True), 1):
        customer = rng.choice(ctx.customers)
        issued = "sent" if status == "paid" else status  # paid below, when its payment is recorded
        retainer = _retainer(ctx, rng, customer, day, f"RET-{seq:05d}", issued)
        retainers[retainer["retainerinvoice_id"]] = retainer
        if status == "paid":
            paid_on = min(day + timedelta(days=rng.randint(1, 10)), end)
            payment = _pay(ctx, rng, retainer, paid_on, f"RP-{seq:05d}")
            payments[payment["payment_id"]] = payment
