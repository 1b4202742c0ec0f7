"""Money and document arithmetic: cents and rates rounded half up, cumulative rounding to base currency,
and each document's totals, balances and base twins recomputed from its lines (see ``ledger.py`` for the
rules these serve).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from ml_connector_fakes.world.dataset import Record

CENT = Decimal("0.01")
RATE_QUANTUM = Decimal("0.000001")
ZERO = Decimal("0.00")
ONE = Decimal("1.000000")
HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rate6(value: Decimal) -> Decimal:
    return value.quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)


def to_base(amount: Decimal, exchange_rate: Decimal) -> Decimal:
    return cents(amount * exchange_rate)


def cumulative_base(amounts: Sequence[Decimal], exchange_rate: Decimal) -> list[Decimal]:
    """Base amounts of ordered pieces, rounded so they add up to ``round(sum(amounts) × rate)``."""
    bases: list[Decimal] = []
    running = ZERO
    previous = ZERO
    for amount in amounts:
        running += amount
        reached = cents(running * exchange_rate)
        bases.append(reached - previous)
        previous = reached
    return bases


def tax_components(taxes: Mapping[str, Record], tax_id: str) -> list[Record]:
    """The taxes a line's ``tax_id`` levies: the tax itself, or each component of a tax group (e.g. GST18 =
    CGST9 + SGST9, each computed on the line and posted to its own accounts). None for an untaxed line."""
    if not tax_id:
        return []
    tax = taxes[tax_id]
    return [taxes[component] for component in tax.get("components", ())] or [tax]


def recompute_line_document(record: Record, taxes: Mapping[str, Record]) -> None:
    """Totals, taxes and base-currency twins of an invoice, credit note, bill, vendor credit or PO.

    ``item_total = round(quantity × rate × (100 − discount%) / 100)``; tax per line and per component of
    its tax (``tax_components``) ``round(item_total × tax_percentage / 100)``, into ``line_item_taxes`` and
    summed per component into ``taxes``;
    ``total = sub_total + tax_total + shipping_charge + adjustment − discount_total`` (discount after tax),
    plus ``roundoff_value`` where the organization rounds totals.
    With ``is_inclusive_tax`` (D100) the rate and ``item_total`` hold the tax: each component is
    ``round(item_total × p / (100 + the line's total percentage))``, the line's net is ``item_total`` less
    them, ``sub_total`` is the lines' ``item_total`` (tax included) and ``total = sub_total + shipping_charge
    + adjustment − discount_total``.
    Base pieces, in this order: lines (net), taxes, shipping, adjustment, −discount (cumulative rounding).
    Does not touch ``balance`` (it depends on payments and credits).
    """
    rate: Decimal = record["exchange_rate"]
    inclusive = bool(record.get("is_inclusive_tax"))
    line_totals: list[Decimal] = []  # net of tax: what each line's account is posted
    tax_amounts: dict[str, Decimal] = {}
    for line in record["line_items"]:
        line_totals.append(_price_line(line, rate, taxes, inclusive, tax_amounts))
    record["taxes"] = [
        {"tax_id": tax_id, "tax_name": taxes[tax_id]["tax_name"], "tax_amount": amount}
        for tax_id, amount in tax_amounts.items()
    ]
    tax_total = sum(tax_amounts.values(), ZERO)
    # Zoho's sub_total of a tax-inclusive document is its lines' item_total, tax included (D100).
    sub_total = sum(line_totals, ZERO) + (tax_total if inclusive else ZERO)
    shipping: Decimal = record["shipping_charge"]
    adjustment: Decimal = record["adjustment"]
    discount: Decimal = record["discount_total"]
    total = sum(line_totals, ZERO) + tax_total + shipping + adjustment - discount
    # An organization that rounds totals to whole units (internal ``rounds_to_whole``) books the difference
    # as ``roundoff_value``, a piece of its own after the discount (D79).
    roundoff = (
        total.quantize(Decimal(1), rounding=ROUND_HALF_UP) - total if record.get("rounds_to_whole") else ZERO
    )
    total += roundoff
    # Tax withheld at source on a bill (India, ``tds_total``): the bill is owed that much less, a piece of its
    # own after the round-off (D102).
    tds: Decimal = record.get("tds_total") or ZERO
    total -= tds
    amounts = [*line_totals, *tax_amounts.values(), shipping, adjustment, -discount]
    bases = cumulative_base([*amounts, *([roundoff] if roundoff else []), *([-tds] if tds else [])], rate)
    n_lines, n_taxes = len(line_totals), len(tax_amounts)
    record.update(
        sub_total=sub_total,
        tax_total=tax_total,
        total=total,
        roundoff_value=cents(roundoff),
        bcy_sub_total=sum(bases[: n_lines + n_taxes] if inclusive else bases[:n_lines], ZERO),
        bcy_tax_total=sum(bases[n_lines : n_lines + n_taxes], ZERO),
        bcy_shipping_charge=bases[n_lines + n_taxes],
        bcy_adjustment=bases[n_lines + n_taxes + 1],
        bcy_discount_total=-bases[n_lines + n_taxes + 2],
        bcy_total=to_base(total, rate),
    )


def _price_line(
    line: Record, rate: Decimal, taxes: Mapping[str, Record], inclusive: bool, tax_amounts: dict[str, Decimal]
) -> Decimal:
    """One line's ``item_total``, base rate and taxes (added per component to ``tax_amounts``); returns what
    the line's account is posted, net of the tax a tax-inclusive price holds."""
    gross = line["rate"] * line["quantity"]
    item_total = cents(gross * (HUNDRED - line["discount"]) / HUNDRED)
    line["item_total"] = item_total
    line["bcy_rate"] = cents(line["rate"] * rate)
    tax_id = line["tax_id"]
    components = tax_components(taxes, tax_id)
    line["tax_type"] = taxes[tax_id].get("tax_type", "tax") if tax_id else ""
    line["line_item_taxes"] = []
    # A tax-inclusive price (D100) holds its tax: each component is its share of the price,
    # item_total × p / (100 + the line's whole percentage); otherwise tax is item_total × p / 100.
    divisor = HUNDRED + sum((c["tax_percentage"] for c in components), ZERO) if inclusive else HUNDRED
    line_tax_total = ZERO
    for component in components:
        component_id = component["tax_id"]
        line_tax = cents(item_total * component["tax_percentage"] / divisor)
        line_tax_total += line_tax
        tax_amounts[component_id] = tax_amounts.get(component_id, ZERO) + line_tax
        line["line_item_taxes"].append(
            {"tax_id": component_id, "tax_name": component["tax_name"], "tax_amount": line_tax}
        )
    return item_total - line_tax_total if inclusive else item_total


def recompute_expense(record: Record) -> None:
    """An expense: ``sub_total`` = its lines' ``amount`` (itemized) or as entered; tax on top.

    ``tax_amount = round(sub_total × tax_percentage / 100)`` when ``tax_id`` is set;
    ``total = sub_total + tax_amount``. Base pieces: lines (or the single amount), then the tax.
    """
    rate: Decimal = record["exchange_rate"]
    lines: list[Record] = record["line_items"]
    amounts = [line["amount"] for line in lines] if lines else [record["sub_total"]]
    sub_total = sum(amounts, ZERO)
    tax_amount = cents(sub_total * record["tax_percentage"] / HUNDRED) if record["tax_id"] else ZERO
    total = sub_total + tax_amount
    bases = cumulative_base([*amounts, tax_amount], rate)
    for line, base in zip(lines, bases, strict=False):
        line["bcy_amount"] = base
    bcy_sub_total = sum(bases[:-1], ZERO)
    record.update(
        sub_total=sub_total,
        bcy_sub_total=bcy_sub_total,
        total_without_tax=sub_total,
        bcy_total_without_tax=bcy_sub_total,
        tax_amount=tax_amount,
        bcy_tax_amount=bases[-1],
        amount=total,
        total=total,
        bcy_total=to_base(total, rate),
    )


def recompute_journal(record: Record) -> None:
    """A journal's ``bcy_amount`` per line: cumulative rounding over the debit lines and, separately, the
    credit lines (each side in line order), so both sides reach ``round(total × exchange_rate)``."""
    rate: Decimal = record["exchange_rate"]
    sides: dict[str, list[Record]] = {"debit": [], "credit": []}
    for line in record["line_items"]:
        sides[line["debit_or_credit"]].append(line)
    totals = {side: sum((line["amount"] for line in lines), ZERO) for side, lines in sides.items()}
    if totals["debit"] != totals["credit"]:
        raise ValueError(f"journal {record.get('journal_id')} does not balance: {totals}")
    for lines in sides.values():
        for line, base in zip(lines, cumulative_base([line["amount"] for line in lines], rate), strict=True):
            line["bcy_amount"] = base
    bcy_total = to_base(totals["debit"], rate)
    record.update(
        total=totals["debit"], bcy_total=bcy_total, bcy_total_debit=bcy_total, bcy_total_credit=bcy_total
    )


def recompute_payment(record: Record, applied_key: str) -> None:
    """A customer or vendor payment: ``bcy_amount = round(amount × exchange_rate)``. What a customer
    payment's applied rows do not take is ``unused_amount`` (an advance or overpayment), what a vendor
    payment's do not take its ``balance`` (an overpayment, D135), less what was refunded; more fails."""
    rate: Decimal = record["exchange_rate"]
    applied = sum((row["amount_applied"] for row in record[applied_key]), ZERO)
    if applied > record["amount"]:
        raise ValueError(
            f"payment {record.get('payment_id')}: applied {applied} != amount {record['amount']}"
        )
    # What was refunded of the excess is no longer unused (D135).
    unused = record["amount"] - applied - record.get("amount_refunded", ZERO)
    record["bcy_amount"] = to_base(record["amount"], rate)
    if applied_key == "invoices":
        record["unused_amount"] = unused
        record["bcy_unused_amount"] = to_base(unused, rate)
    else:
        record["balance"] = unused  # a vendor payment's excess not yet applied nor refunded (D135)
