"""Tax deducted at source on vendor payments (D101): the Indian organization withholds TDS from what it pays.

Zoho documents the tax withheld on a vendor payment (``tax_amount_withheld`` on the payment and on each of
its ``bills[]`` rows, with ``tax_account_name``): the payment's ``amount`` is what leaves the bank, the bill
is settled by that and the tax withheld, which the organization owes the state. The sandbox's ledger
(``ledger._payment_pieces``) posts Cr TDS Payable for it. Drawn from their own random source so the rest of
the data set is unchanged.
"""

from __future__ import annotations

import random
from decimal import Decimal

from zoho_sandbox.generator import Context
from zoho_sandbox.ledger import TDS_PAYABLE, cents, recompute_payment

TDS_RATE = Decimal(2)  # percent of the bill's amount before GST (section 194C, contractors)


def withhold_vendor_tds(ctx: Context) -> None:
    """About a third of the Indian organization's rupee payments of one bill, without bank charges."""
    if ctx.base_currency != "INR":
        return
    rng = random.Random(f"vendor-tds:{ctx.books.organization_id}")
    bills = ctx.books.records["bills"]
    account = ctx.account(TDS_PAYABLE)
    for payment in ctx.books.records["vendorpayments"].values():
        rows = payment["bills"]
        if (
            len(rows) != 1
            or payment["currency_code"] != "INR"
            or payment.get("bank_charges")
            or rng.random() > 1 / 3
        ):
            continue
        row = rows[0]
        withheld = cents(bills[row["bill_id"]]["sub_total"] * TDS_RATE / 100)
        if not withheld or withheld >= row["amount_applied"]:
            continue
        row["amount_applied"] -= withheld
        row["tax_amount_withheld"] = withheld
        payment["amount"] -= withheld
        payment.update(tax_amount_withheld=withheld, tax_account_name=account["account_name"])
        recompute_payment(payment, "bills")
