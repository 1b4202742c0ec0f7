"""Expense and manual journal builders (reused by ``ml_connector_fakes.zoho.mutations``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ml_connector_fakes.world.amounts import ZERO, cents, recompute_expense, recompute_journal
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.world.reference_data import (
    EXPENSE_ACCOUNTS,
    EXPENSE_PAID_THROUGH,
    JOURNAL_CREDIT_ACCOUNTS,
    JOURNAL_DEBIT_ACCOUNTS,
    USD_VALUE,
)


def build_expense(ctx: Context, day: date) -> Record:
    """An expense in the base currency or, now and then, a foreign one; a few are itemized."""
    rng = ctx.rng
    foreign = rng.random() < 0.15
    code = rng.choice([c for c in ctx.currencies if c != ctx.base_currency]) if foreign else ctx.base_currency
    currency = ctx.currencies[code]
    rate = ctx.rate_on(code, day)
    paid_through = ctx.account(rng.choice(EXPENSE_PAID_THROUGH))
    scale = USD_VALUE["USD"] / USD_VALUE[code]
    lines = _itemized_lines(ctx, scale)
    account = ctx.accounts[lines[0]["account_id"]] if lines else ctx.account(rng.choice(EXPENSE_ACCOUNTS))
    # An expense names a plain tax (the sandbox's expenses do not split tax groups).
    tax = rng.choice([t for t in ctx.taxes if not t.get("components")]) if rng.random() < 0.5 else None
    vendor = rng.choice(ctx.vendors) if rng.random() < 0.5 else None
    customer = rng.choice(ctx.customers) if rng.random() < 0.15 else None
    created = ctx.stamp(day, ctx.office_seconds())
    record: Record = {
        "expense_id": ctx.new_id(),
        "date": day.isoformat(),
        "description": account["account_name"],
        "account_id": account["account_id"],
        "account_name": "Itemized Expense" if lines else account["account_name"],
        "paid_through_account_id": paid_through["account_id"],
        "paid_through_account_name": paid_through["account_name"],
        "currency_id": currency["currency_id"],
        "currency_code": code,
        "exchange_rate": rate,
        "line_items": lines,
        "sub_total": cents(Decimal(rng.randint(500, 90_000)) / 100 * scale),
        "tax_id": tax["tax_id"] if tax else "",
        "tax_name": tax["tax_name"] if tax else "",
        "tax_percentage": tax["tax_percentage"] if tax else Decimal(0),
        "tags": ctx.maybe_tags(),
        "reference_number": f"RCPT-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else None,
        "status": "unbilled" if customer else "nonbillable",
        "is_billable": customer is not None,
        "is_personal": False,
        "customer_id": customer["contact_id"] if customer else "",
        "customer_name": customer["contact_name"] if customer else "",
        "vendor_id": vendor["contact_id"] if vendor else "",
        "vendor_name": vendor["vendor_name"] if vendor else "",
        "expense_type": "non-mileage",
        "expense_receipt_name": "",
        "custom_fields_list": "",
        "distance": Decimal(0),
        "mileage_rate": Decimal(0),
        "mileage_type": "",
        "mileage_unit": "",
        "start_reading": "",
        "end_reading": "",
        "report_id": "",
        "report_name": "",
        "report_number": "",
        "user_name": "Sandbox Admin",
        "has_attachment": False,
        "created_time": created,
        "last_modified_time": created,
    }
    recompute_expense(record)
    return record


def _itemized_lines(ctx: Context, scale: Decimal) -> list[Record]:
    """The lines of an itemized expense (about three in ten), else none."""
    rng = ctx.rng
    lines: list[Record] = []
    if rng.random() < 0.3:  # itemized
        for order in range(1, rng.randint(2, 3) + 1):
            account = ctx.account(rng.choice(EXPENSE_ACCOUNTS))
            lines.append(
                {
                    "line_item_id": ctx.new_id(),
                    "account_id": account["account_id"],
                    "account_name": account["account_name"],
                    "description": f"{account['account_name']} receipt {order}",
                    "amount": cents(Decimal(rng.randint(800, 40_000)) / 100 * scale),
                    "bcy_amount": ZERO,
                    "item_order": order,
                    "tags": ctx.maybe_tags(),
                }
            )
    return lines


def build_journal(
    ctx: Context, day: date, number: str, *, lines: list[tuple[str, str, Decimal]] | None = None
) -> Record:
    """A journal; without ``lines`` (account name, debit_or_credit, amount) a random balanced one."""
    rng = ctx.rng
    foreign = lines is None and rng.random() < 0.2
    code = rng.choice([c for c in ctx.currencies if c != ctx.base_currency]) if foreign else ctx.base_currency
    currency = ctx.currencies[code]
    if lines is None:
        scale = USD_VALUE["USD"] / USD_VALUE[code]
        debit_names = rng.sample(JOURNAL_DEBIT_ACCOUNTS, rng.randint(1, 2))
        debits = [cents(Decimal(rng.randint(10_000, 900_000)) / 100 * scale) for _ in debit_names]
        credit_name = rng.choice(JOURNAL_CREDIT_ACCOUNTS)
        lines = [(n, "debit", a) for n, a in zip(debit_names, debits, strict=True)]
        lines.append((credit_name, "credit", sum(debits, ZERO)))
    created = ctx.stamp(day, ctx.office_seconds())
    record: Record = {
        "journal_id": ctx.new_id(),
        "entry_number": number,
        "journal_date": day.isoformat(),
        "journal_type": "both",
        "entity_type": "journal",
        "status": "published",
        "reference_number": f"JV-REF-{rng.randint(100, 999)}" if rng.random() < 0.5 else "",
        "notes": "Monthly accrual" if rng.random() < 0.5 else "",
        "currency_id": currency["currency_id"],
        "currency_code": code,
        "exchange_rate": ctx.rate_on(code, day),
        "created_by_id": f"{ctx.books.organization_id}0000900",
        "created_by_name": "Sandbox Admin",
        "created_time": created,
        "last_modified_time": created,
        "line_items": [
            {
                "line_id": ctx.new_id(),
                "account_id": ctx.account_ids[name],
                "account_name": ctx.account(name)["account_name"],
                "debit_or_credit": side,
                "amount": amount,
                "bcy_amount": ZERO,
                "description": "",
                "customer_id": "",
                "customer_name": "",
                "tax_id": "",
                "project_id": "",
                "location_id": "",
                "tags": ctx.maybe_tags(),
            }
            for name, side, amount in lines
        ],
    }
    recompute_journal(record)
    return record
