"""Tax-inclusive prices (D100): documents whose line rates hold their tax, as European shops price.

With ``is_inclusive_tax: true`` a line's ``rate`` and ``item_total`` include the tax (invoices.yml: "the
specified rates are inclusive of tax"); the tax is the part of the price its percentage makes up, and the
line's account is posted the rest (``amounts.recompute_line_document``, ``ledger.line_net``). The EUR
organization priced every other invoice, credit note, bill and vendor credit it could that way. Each is
turned after the fact with its total unchanged (a line's inclusive price is what it cost with tax), so
payments, credits and balances stay as they were; only the split between income and tax moves, by a cent
where the inclusive rounding differs. A document with no taxed line, a line with a discount,
or a line whose price per unit would need more than two decimals is left as it was.
"""

from __future__ import annotations

from decimal import Decimal

from ml_connector_fakes.world.amounts import CENT, ZERO, recompute_line_document
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record

EUR_ORGANIZATION_CURRENCY = "EUR"
DOCUMENTS = ("invoices", "creditnotes", "bills", "vendorcredits")


def _inclusive_rates(document: Record) -> list[Decimal] | None:
    """Each line's tax-inclusive rate giving the same line total with tax, or None if one cannot."""
    rates = []
    for line in document["line_items"]:
        if line["discount"]:
            return None
        gross = line["item_total"] + sum((t["tax_amount"] for t in line["line_item_taxes"]), ZERO)
        rate = (gross / line["quantity"]).quantize(CENT)
        if rate * line["quantity"] != gross:
            return None
        rates.append(rate)
    taxed = any(line["tax_id"] for line in document["line_items"])
    return rates if taxed else None


def price_some_documents_tax_inclusive(ctx: Context) -> None:
    if ctx.base_currency != EUR_ORGANIZATION_CURRENCY:
        return
    taxes = ctx.books.records["taxes"]
    for entity in DOCUMENTS:
        eligible = 0
        for document in ctx.books.records.get(entity, {}).values():
            rates = _inclusive_rates(document)
            if rates is None:
                continue
            eligible += 1
            if eligible % 2 == 0:
                continue
            total = document["total"]
            for line, rate in zip(document["line_items"], rates, strict=True):
                line["rate"] = rate
            document["is_inclusive_tax"] = True
            recompute_line_document(document, taxes)
            if document["total"] != total:
                raise ValueError(f"{entity}: the inclusive total {document['total']} is not {total}")
