"""A separate discount account (D80): invoices that name the account their discount posts to.

Zoho lets an organization choose the account entity-level discounts post to; the invoice then carries
``discount_account_id`` (real shapes, "invoice arithmetic"). Here the US organization set up "Sales
Discounts" half-way through its books: its invoices with a discount dated from then on name that account, the
earlier ones name none and post to Zoho's default discount account, as before.
"""

from __future__ import annotations

from ml_connector_fakes.world.context import Context

SALES_DISCOUNTS = "Sales Discounts"
US_ORGANIZATION = "10234695"


def name_discount_accounts(ctx: Context) -> None:
    if ctx.books.organization_id != US_ORGANIZATION:
        return
    invoices = sorted(ctx.books.records["invoices"].values(), key=lambda invoice: str(invoice["date"]))
    if not invoices:
        return
    halfway = str(invoices[len(invoices) // 2]["date"])
    account_id = ctx.account_ids[SALES_DISCOUNTS]
    for invoice in invoices:
        if invoice["discount_total"] and str(invoice["date"]) >= halfway:
            invoice["discount_account_id"] = account_id
