"""Fixed assets (D103): an asset's monthly depreciation and its disposal, in Zoho's ledger only.

Zoho's fixed-asset module (fixed-assets.yml) lists assets and, one call per asset, their history of
valuations, but no answer carries the ledger postings' accounts and transaction ids, so the connector does
not sync the module: its lines reach the general ledger from Zoho's own ledger (D60). Here each
organization registered one asset among its opening equipment (Furniture and Equipment), depreciated it
straight-line over five years at every month end (Dr Depreciation Expense / Cr Accumulated Depreciation) and
wrote it off on the period's last day (Dr Accumulated Depreciation for what was depreciated, Dr Other
Expenses for the rest, Cr Furniture and Equipment for its cost). The transaction types are the sandbox's
guesses (the documented ``transaction_type`` values list none for assets): ``depreciation``, the asset
history's entry type, and ``fixed_asset_write_off``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ml_connector_fakes.world.amounts import ZERO, cents
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.ledger_only import ledger_only_rows
from ml_connector_fakes.world.ledger_vocabulary import (
    ACCUMULATED_DEPRECIATION,
    DEPRECIATION,
    FIXED_ASSETS,
    LOSS_ON_DISPOSAL,
)
from ml_connector_fakes.world.reference_data import USD_VALUE

# Their transaction types in Zoho's ledger (the sandbox's guesses: no documented type names them).
DEPRECIATION_TYPE = "depreciation"
WRITE_OFF_TYPE = "fixed_asset_write_off"
ASSET_COST_USD = 12_000
USEFUL_LIFE_MONTHS = 60


def _month_ends(start: date, end: date) -> list[date]:
    ends, first = [], date(start.year, start.month, 1)
    while first <= end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        if following - timedelta(days=1) <= end:
            ends.append(following - timedelta(days=1))
        first = following
    return ends


def add_fixed_asset_postings(ctx: Context, start: date, end: date) -> None:
    """Depreciation at each whole month's end from ``start``, and the write-off on ``end``."""
    books = ctx.books
    cost = cents(Decimal(ASSET_COST_USD) / USD_VALUE[ctx.base_currency])
    monthly = cents(cost / USEFUL_LIFE_MONTHS)
    accounts = ctx.account_ids
    depreciated = ZERO
    for number, month_end in enumerate(_month_ends(start, end - timedelta(days=1)), 1):
        books.ledger_only_lines += ledger_only_rows(
            books,
            ctx.new_id(),
            DEPRECIATION_TYPE,
            month_end.isoformat(),
            f"FA-00001/{number:02d}",
            [(accounts[DEPRECIATION], monthly), (accounts[ACCUMULATED_DEPRECIATION], -monthly)],
        )
        depreciated += monthly
    books.ledger_only_lines += ledger_only_rows(
        books,
        ctx.new_id(),
        WRITE_OFF_TYPE,
        end.isoformat(),
        "FA-00001",
        [
            (accounts[ACCUMULATED_DEPRECIATION], depreciated),
            (accounts[LOSS_ON_DISPOSAL], cost - depreciated),
            (accounts[FIXED_ASSETS], -cost),
        ],
    )
