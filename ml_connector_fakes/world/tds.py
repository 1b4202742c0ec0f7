"""Tax deducted at source on customer payments (D81): Indian customers withhold TDS from what they pay.

A customer that withholds pays the invoice less the tax (``amount``, what reaches the bank) and reports the
tax withheld (``tax_amount_withheld`` on the payment and on its applied invoice row, ``tax_account_id`` naming
the TDS receivable account on the list row, as real list answers show). The invoice is settled by both. The
sandbox's ledger (``ledger._payment_pieces``) posts Dr TDS Receivable for the tax withheld. Drawn from their
own random source so the rest of the data set is unchanged.
"""

from __future__ import annotations

import random
from decimal import Decimal

from ml_connector_fakes.world.amounts import cents, recompute_payment
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.ledger_vocabulary import TDS_RECEIVABLE

TDS_RATE = Decimal(10)  # percent of the invoice's amount before GST (section 194J, professional services)


def withhold_tds(ctx: Context) -> None:
    """About a quarter of the Indian organization's rupee payments of one invoice, without bank charges."""
    if ctx.base_currency != "INR":
        return
    rng = random.Random(f"tds:{ctx.books.organization_id}")
    invoices = ctx.books.records["invoices"]
    account = ctx.account(TDS_RECEIVABLE)
    for payment in ctx.books.records["customerpayments"].values():
        rows = payment["invoices"]
        if (
            len(rows) != 1
            or payment["currency_code"] != "INR"
            or payment["bank_charges"]
            or rng.random() > 0.25
        ):
            continue
        row = rows[0]
        withheld = cents(invoices[row["invoice_id"]]["sub_total"] * TDS_RATE / 100)
        if withheld >= row["amount_applied"]:
            continue
        row["amount_applied"] -= withheld
        row["tax_amount_withheld"] = withheld
        payment["applied_invoices"][0]["amount_applied"] = row["amount_applied"]
        payment["amount"] -= withheld
        payment.update(
            tax_amount_withheld=withheld,
            tax_account_id=account["account_id"],
            tax_account_name=account["account_name"],
        )
        recompute_payment(payment, "invoices")
