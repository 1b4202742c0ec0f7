"""Tax deducted at source from vendors (D101, D102): the Indian organization withholds TDS from what it pays.

Zoho documents the tax withheld on a vendor payment (``tax_amount_withheld`` on the payment and on each of
its ``bills[]`` rows, with ``tax_account_name``): the payment's ``amount`` is what leaves the bank, the bill
is settled by that and the tax withheld, which the organization owes the state. The sandbox's ledger
(``ledger._payment_pieces``) posts Cr TDS Payable for it. Some bills withhold it when they are recorded
instead (``tds_total``, on the bills' list rows): the bill's total is what is owed the vendor, the tax
withheld goes to TDS Payable (``ledger._line_document_pieces``). Drawn from their own random source so the
rest of the data set is unchanged.
"""

from __future__ import annotations

import random
from decimal import Decimal

from ml_connector_fakes.world.amounts import cents, recompute_line_document, recompute_payment
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.ledger_vocabulary import TDS_PAYABLE

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


def withhold_tds_on_bills(ctx: Context) -> None:
    """About a third of the Indian organization's open rupee bills nothing has settled yet withhold TDS."""
    if ctx.base_currency != "INR":
        return
    rng = random.Random(f"bill-tds:{ctx.books.organization_id}")
    taxes = ctx.books.records["taxes"]
    for bill in ctx.books.records["bills"].values():
        if (
            bill["status"] not in ("open", "overdue")
            or bill["currency_code"] != "INR"
            or bill["balance"] != bill["total"]
            or rng.random() > 1 / 3
        ):
            continue
        withheld = cents(bill["sub_total"] * TDS_RATE / 100)
        bill["tds_total"] = withheld
        recompute_line_document(bill, taxes)
        bill["balance"] = bill["total"]
