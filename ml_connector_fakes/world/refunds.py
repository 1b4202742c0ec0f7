"""Refunds of credit notes and vendor credits: part or all of an open credit paid back in cash (D72).

Zoho lists them organization-wide (``/creditnotes/refunds``, ``/vendorcredits/refunds``) and details them
under their credit. A refund is in its credit's currency, at the rate of its own day; the bank account is
the organization's checking account. It lowers the credit's balance (closing it when nothing is left), so
the contacts' unused credits and the credits' statuses stay consistent.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ml_connector_fakes.world.amounts import ZERO, cents, to_base
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.ledger_vocabulary import NON_POSTING_STATUSES

# (credit entity, refunds entity, the credit's id / number / contact fields, the refund's id field)
_KINDS = (
    ("creditnotes", "creditnoterefunds", "creditnote_id", "creditnote_number", "customer_id"),
    ("vendorcredits", "vendorcreditrefunds", "vendor_credit_id", "vendor_credit_number", "vendor_id"),
)
REFUND_MODES = ("cash", "banktransfer", "check")


def refund_record(
    ctx: Context,
    document: Record,
    amount: Decimal,
    day: date,
    *,
    head: Record,
    reference_prefix: str,
    description: str,
    form: Record,
    account: Record,
    rate_before_fcy: bool = False,
) -> Record:
    """A refund of ``amount`` of ``document`` (a credit note, vendor credit or payment) on ``day``: in the
    document's currency at the rate of its own day, created during office hours, in a random mode. The one
    builder of every refund kind (credits here, payments in payment_refunds.py); a kind's own members go in
    ``head`` (its ids, first), ``form`` (after the description) and ``account`` (the bank account, before
    created_time), in the member order Zoho answers that kind with (``rate_before_fcy``: the credits')."""
    rng = ctx.rng
    rate = ctx.rate_on(document["currency_code"], day)
    created = ctx.stamp(day, ctx.office_seconds())
    record: Record = {
        **head,
        "date": day.isoformat(),
        "refund_mode": rng.choice(REFUND_MODES),
        "reference_number": f"{reference_prefix}{rng.randint(10_000, 99_999)}",
        "description": description,
        **form,
    }
    if rate_before_fcy:
        record.update(amount=amount, exchange_rate=rate, amount_fcy=amount)
    else:
        record.update(amount=amount, amount_fcy=amount, exchange_rate=rate)
    record.update(
        amount_bcy=to_base(amount, rate),
        currency_id=document["currency_id"],
        currency_code=document["currency_code"],
        **account,
        created_time=created,
    )
    return record


@dataclass(frozen=True)
class RefundPattern:
    """How a document is refunded: ``twice`` the chance of a second refund, each ``days`` (a range) after the
    last, in full with chance ``in_full``, else ``part_percent`` (a range) of what is left."""

    twice: float
    days: tuple[int, int]
    in_full: float
    part_percent: tuple[int, int]


def refund_installments(
    ctx: Context, document: Record, left_field: str, pattern: RefundPattern
) -> Iterator[tuple[date, Decimal]]:
    """The (day, amount) of each refund of ``document``, of what its ``left_field`` holds; the caller books
    each refund (lowering ``left_field``) before asking for the next. The schedule of every refund kind."""
    rng = ctx.rng
    day = date.fromisoformat(document["date"])
    for _ in range(2 if rng.random() < pattern.twice else 1):
        day = min(day + timedelta(days=rng.randint(*pattern.days)), ctx.today)
        share = (
            Decimal(1)
            if rng.random() < pattern.in_full
            else Decimal(rng.randint(*pattern.part_percent)) / 100
        )
        amount = min(cents(document[left_field] * share), document[left_field])
        if amount <= ZERO:
            return
        yield day, amount


# credits: refunded within days of their date, most in full
_PATTERN = RefundPattern(twice=0.15, days=(1, 25), in_full=0.6, part_percent=(20, 80))


def _refund(ctx: Context, entity: str, credit: Record, amount: Decimal, day: date) -> Record:
    bank = ctx.account("Business Checking")
    record = refund_record(
        ctx,
        credit,
        amount,
        day,
        head={},
        reference_prefix="RF",
        description="Refund of unused credit",
        form={},
        account={},
        rate_before_fcy=True,
    )
    record.update(last_modified_time=record["created_time"], status="refunded")
    refund_id = ctx.new_id()
    if entity == "creditnotes":
        record.update(
            creditnote_refund_id=refund_id,
            creditnote_id=credit["creditnote_id"],
            creditnote_number=credit["creditnote_number"],
            customer_id=credit["customer_id"],
            customer_name=credit["customer_name"],
            payment_form="",
            from_account_id=bank["account_id"],
            from_account_name=bank["account_name"],
        )
    else:
        record.update(
            vendor_credit_refund_id=refund_id,
            vendor_credit_id=credit["vendor_credit_id"],
            vendor_credit_number=credit["vendor_credit_number"],
            vendor_id=credit["vendor_id"],
            customer_name=credit["vendor_name"],
            account_id=bank["account_id"],
            account_name=bank["account_name"],
        )
    return record


def refunds_of(books: OrgBooks, entity: str, credit: Record) -> list[Record]:
    """The refunds of a credit note or vendor credit (none for any other entity)."""
    for credit_entity, refunds_entity, id_field, _, _ in _KINDS:
        if credit_entity == entity:
            wanted = credit[id_field]
            return [r for r in books.records.get(refunds_entity, {}).values() if r[id_field] == wanted]
    return []


def apply_refund(credit: Record, refund: Record) -> None:
    """Lower the credit's balance by the refund; a credit with nothing left closes."""
    credit["balance"] -= refund["amount"]
    if credit["balance"] == 0:
        credit["status"] = "closed"
        if "current_sub_status" in credit:
            credit["current_sub_status"] = "closed"
    credit["last_modified_time"] = refund["created_time"]


def add_refunds(ctx: Context, seed: str) -> None:
    """Refund the first open credit of each kind and about half of the others, most in full, some in
    part, a few twice. Its own random source: the documents generated before stay as they were."""
    rng = random.Random(f"{seed}:refunds")
    ctx = dataclasses.replace(ctx, rng=rng)
    for entity, refunds_entity, id_field, _, _ in _KINDS:
        refunds: dict[str, Record] = {}
        ctx.books.records[refunds_entity] = refunds
        credits = [
            credit
            for credit in ctx.books.records.get(entity, {}).values()
            if credit["status"] not in NON_POSTING_STATUSES and credit["balance"] > 0
        ]
        for index, credit in enumerate(credits):
            if index and rng.random() >= 0.5:
                continue
            for day, amount in refund_installments(ctx, credit, "balance", _PATTERN):
                refund = _refund(ctx, entity, credit, amount, day)
                refunds[refund[f"{id_field[:-3]}_refund_id"]] = refund
                apply_refund(credit, refund)
