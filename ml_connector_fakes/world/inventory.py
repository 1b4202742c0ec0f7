"""Inventory adjustments (D104): stock counted and valued by Zoho, in its ledger only.

Zoho's inventory adjustments have no API document here, and the value Zoho gives a quantity adjusted is its
own stock valuation, which no answer carries: their lines reach the general ledger from Zoho's own ledger
(D60), under ``inventory_adjustment`` (the type Zoho's ledger shows for them; not among the documented
``transaction_type`` values). Each organization took its stock on hand into the books on the period's
first day (Dr Inventory Asset / Cr Opening Balance Offset) and wrote off what each quarter's stock count
found missing (Dr Cost of Goods Sold / Cr Inventory Asset). The cost of inventory items sold on invoices is
posted with the invoice (``ledger._cost_of_goods_sold_pieces``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ml_connector_fakes.world.amounts import cents
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.ledger_only import ledger_only_rows
from ml_connector_fakes.world.ledger_vocabulary import COST_OF_GOODS_SOLD, INVENTORY_ASSET
from ml_connector_fakes.world.reference_data import USD_VALUE

INVENTORY_ADJUSTMENT_TYPE = "inventory_adjustment"
OPENING_STOCK_USD = 45_000
OPENING_OFFSET = "Opening Balance Offset"


def add_inventory_adjustments(ctx: Context, start: date, end: date) -> None:
    """The stock taken on at ``start``, then a shrinkage adjustment at each quarter's end before ``end``."""
    books = ctx.books
    rng = random.Random(f"inventory:{books.organization_id}")
    accounts = ctx.account_ids
    opening = cents(Decimal(OPENING_STOCK_USD) / USD_VALUE[ctx.base_currency])
    adjustments = [(start, opening, OPENING_OFFSET)]
    first = date(start.year, start.month, 1)
    while first <= end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        month_end = following - timedelta(days=1)
        if month_end.month % 3 == 0 and month_end < end:
            shrinkage = cents(opening * Decimal(rng.randint(5, 40)) / 1000)
            adjustments.append((month_end, -shrinkage, COST_OF_GOODS_SOLD))
        first = following
    for number, (day, value, offset) in enumerate(adjustments, 1):
        books.ledger_only_lines += ledger_only_rows(
            books,
            ctx.new_id(),
            INVENTORY_ADJUSTMENT_TYPE,
            day.isoformat(),
            f"IA-{number:05d}",
            [(accounts[INVENTORY_ASSET], value), (accounts[offset], -value)],
        )
