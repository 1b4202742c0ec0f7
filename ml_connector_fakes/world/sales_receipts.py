"""Sales receipts: a sale paid on the spot, with no invoice and no receivable (D73).

Lines as an invoice's (items, their sales accounts and taxes), in the customer's currency at the rate of the
day; the money goes straight to a bank or cash account (``deposit_to_account_id``, internal: Zoho's
documented answers do not name it). About one customer in six buys this way now and then.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

from ml_connector_fakes.world.amounts import ZERO, recompute_line_document
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.world.documents import LINE_COUNTS, build_line, pick

_MODES = ("cash", "cash", "creditcard", "banktransfer")
_DEPOSIT_TO = ("Petty Cash", "Business Checking", "Business Checking")


def build_sales_receipt(ctx: Context, customer: Record, day_offset: int, number: str) -> Record:
    rng = ctx.rng
    day = ctx.today - timedelta(days=day_offset)
    code = customer["currency_code"]
    currency = ctx.currencies[code]
    rate = ctx.rate_on(code, day)
    lines = [build_line(ctx, "invoices", rate) for _ in range(min(pick(rng, LINE_COUNTS), 3))]
    for order, line in enumerate(lines, 1):
        line["item_order"] = order
        line["discount"] = ZERO  # the documented receipt line has no discount
    deposit = ctx.account(rng.choice(_DEPOSIT_TO))
    created = ctx.stamp(day, ctx.office_seconds())
    record: Record = {
        "sales_receipt_id": ctx.new_id(),
        "receipt_number": number,
        "date": day.isoformat(),
        "status": "paid",
        "payment_mode": rng.choice(_MODES),
        "customer_id": customer["contact_id"],
        "customer_name": customer["contact_name"],
        "currency_id": currency["currency_id"],
        "currency_code": code,
        "currency_symbol": currency["currency_symbol"],
        "exchange_rate": rate,
        "line_items": lines,
        "shipping_charge": ZERO,
        "adjustment": ZERO,
        "discount_total": ZERO,
        "notes": "Thank you for your business",
        "terms": "Payment received in full",
        "deposit_to_account_id": deposit["account_id"],
        "created_time": created,
        "last_modified_time": created,
    }
    recompute_line_document(record, ctx.books.records["taxes"])
    return record


def add_sales_receipts(ctx: Context, seed: str, days: int) -> None:
    """Receipts spread over the period: about one for every eight invoices, at least one."""
    rng = random.Random(f"{seed}:salesreceipts")
    ctx = dataclasses.replace(ctx, rng=rng)
    receipts: dict[str, Record] = {}
    ctx.books.records["salesreceipts"] = receipts
    count = max(1, len(ctx.books.records.get("invoices", {})) // 8)
    buyers = ctx.customers[: max(1, len(ctx.customers) // 6)]
    for seq in range(1, count + 1):
        receipt = build_sales_receipt(ctx, rng.choice(buyers), rng.randrange(days), f"SR-{seq:05d}")
        receipts[receipt["sales_receipt_id"]] = receipt
