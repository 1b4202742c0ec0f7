"""Banking in the sandbox's books: bank transactions of the types Zoho's ledger files apart (transfers between
accounts, deposits, owner's contributions and drawings, interest and other income, card payments, sales
without invoices, expense refunds), statement lines not yet categorized, the organization's opening balance,
and base currency adjustments of the receivable in each foreign currency it invoices in.

Shapes follow bank-transactions.yml, opening-balance.yml and base-currency-adjustment.yml; the postings are
ledger.py's. Random draws come from a generator of their own, so adding banking leaves every other
record of the data set as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ml_connector_fakes.world.amounts import ONE, ZERO, cents, rate6, to_base
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.world.ledger_vocabulary import NON_POSTING_STATUSES

# Base-currency value of one USD, for amounts written in USD.
_PER_USD = {"USD": Decimal(1), "EUR": Decimal("0.93"), "GBP": Decimal("0.79"), "INR": Decimal("83")}
# AR's gl_specific_type in the documents' example.
_RECEIVABLE_GL_TYPE = 5


def _month_ends(start: date, end: date) -> list[date]:
    ends = []
    first = date(start.year, start.month, 1)
    while first <= end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        ends.append(min(following - timedelta(days=1), end))
        first = following
    return ends


class _Bank:
    def __init__(self, ctx: Context, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        base = ctx.currencies[ctx.base_currency]
        self.currency_id, self.code = base["currency_id"], ctx.base_currency
        self.symbol = str(base.get("currency_symbol", ""))
        self.records: dict[str, Record] = {}

    def amount(self, low_usd: int, high_usd: int) -> Decimal:
        usd = Decimal(self.rng.randint(low_usd * 100, high_usd * 100)) / 100
        return cents(usd * _PER_USD.get(self.code, ONE))

    def add(
        self,
        day: date,
        kind: str,
        from_name: str,
        to_name: str,
        amount: Decimal,
        *,
        bank_name: str,
        description: str,
        status: str = "categorized",
        customer: Record | None = None,
    ) -> Record:
        ctx = self.ctx
        source, target = ctx.account(from_name), ctx.account(to_name)
        bank = ctx.account(bank_name)
        into_bank = bank is target
        offset = source if into_bank else target
        record: Record = {
            "transaction_id": ctx.new_id(),
            "date": day.isoformat(),
            "amount": amount,
            "transaction_type": kind,
            "status": status,
            "source": "manually_added",
            "account_id": bank["account_id"],
            "account_name": bank["account_name"],
            "account_type": bank["account_type"],
            "price_precision": 2,
            "customer_id": customer["contact_id"] if customer else "",
            "payee": customer["contact_name"] if customer else "",
            "description": description,
            "currency_id": self.currency_id,
            "currency_code": self.code,
            "currency_symbol": self.symbol,
            "debit_or_credit": "debit" if into_bank else "credit",
            "offset_account_name": offset["account_name"],
            "reference_number": f"BT-{len(self.records) + 1:05d}",
            "from_account_id": source["account_id"],
            "from_account_name": source["account_name"],
            "to_account_id": target["account_id"],
            "to_account_name": target["account_name"],
            "payment_mode": "Bank Transfer",
            "exchange_rate": ONE,
            "bank_charges": ZERO,
            "tax_amount": ZERO,
            "sub_total": amount,
            "total": amount,
            "bcy_total": amount,
        }
        self.records[record["transaction_id"]] = record
        return record

    def statement_line(self, day: date, amount: Decimal, debit: bool, payee: str) -> None:
        """An imported statement line nobody categorized yet (or chose to exclude): it posts nothing."""
        bank = self.ctx.account("Business Checking")
        record = self.add(
            day,
            "deposit" if debit else "expense",
            "Business Checking",
            "Business Checking",
            amount,
            bank_name="Business Checking",
            description=f"Statement line: {payee}",
            status=self.rng.choice(("uncategorized", "uncategorized", "excluded")),
        )
        record.update(
            source="statement",
            payee=payee,
            debit_or_credit="debit" if debit else "credit",
            offset_account_name="",
            from_account_id="",
            from_account_name="",
            to_account_id="",
            to_account_name="",
            account_id=bank["account_id"],
        )


def bank_transactions(ctx: Context, rng: random.Random, start: date, end: date) -> dict[str, Record]:
    """A year of a company's banking, in base currency."""
    bank = _Bank(ctx, rng)
    checking = "Business Checking"
    bank.add(
        start + timedelta(days=3),
        "owner_contribution",
        "Owner's Equity",
        checking,
        bank.amount(20_000, 40_000),
        bank_name=checking,
        description="Capital contribution",
    )
    _monthly_routine(bank, start, end)
    _occasional_receipts(ctx, rng, bank, start, end)
    for payee in ("Stripe payout", "Unknown card refund", "ATM withdrawal"):
        day = start + timedelta(days=rng.randrange((end - start).days + 1))
        bank.statement_line(day, bank.amount(20, 800), payee != "ATM withdrawal", payee)
    _foreign_currency_transfers(bank, start, end)
    return bank.records


def _monthly_routine(bank: _Bank, start: date, end: date) -> None:
    """Each month: savings transfer, interest, card payment; quarterly drawings, bimonthly petty cash."""
    checking = "Business Checking"
    for index, month_end in enumerate(_month_ends(start, end)):
        first = date(month_end.year, month_end.month, 1)
        mid = first + timedelta(days=min(14, (month_end - first).days))
        bank.add(
            mid,
            "transfer_fund",
            checking,
            "Savings Account",
            bank.amount(2_000, 9_000),
            bank_name=checking,
            description="Monthly transfer to savings",
        )
        bank.add(
            month_end,
            "interest_income",
            "Interest Income",
            "Savings Account",
            bank.amount(5, 60),
            bank_name="Savings Account",
            description="Interest credited",
        )
        bank.add(
            first + timedelta(days=min(9, (month_end - first).days)),
            "card_payment",
            checking,
            "Corporate Credit Card",
            bank.amount(300, 2_500),
            bank_name=checking,
            description="Credit card statement payment",
        )
        if index % 3 == 2:
            bank.add(
                month_end,
                "owner_drawings",
                checking,
                "Owner's Equity",
                bank.amount(1_000, 4_000),
                bank_name=checking,
                description="Owner's drawings",
            )
        if index % 2 == 0:
            bank.add(
                first + timedelta(days=min(4, (month_end - first).days)),
                "transfer_fund",
                checking,
                "Petty Cash",
                bank.amount(100, 400),
                bank_name=checking,
                description="Petty cash top-up",
            )


def _occasional_receipts(ctx: Context, rng: random.Random, bank: _Bank, start: date, end: date) -> None:
    """Eight receipts on random days: deposits, sales without invoices, expense refunds, other income."""
    checking = "Business Checking"
    for day in sorted(start + timedelta(days=rng.randrange((end - start).days + 1)) for _ in range(8)):
        kind = rng.choice(("deposit", "sales_without_invoices", "expense_refund", "other_income"))
        customer = rng.choice(ctx.customers) if kind == "sales_without_invoices" and ctx.customers else None
        source = {
            "deposit": "Petty Cash",
            "sales_without_invoices": "Sales",
            "expense_refund": "Office Supplies",
            "other_income": "Consulting Income",
        }[kind]
        bank.add(
            day,
            kind,
            source,
            checking,
            bank.amount(50, 1_500),
            bank_name=checking,
            description=kind.replace("_", " ").capitalize(),
            customer=customer,
        )


def _foreign_currency_account(ctx: Context) -> tuple[str, Record]:
    """A bank account held in a foreign currency (USD, or EUR for a USD organization), added to the chart
    last so no other account's id moves; the chart key is the English name."""
    code = "EUR" if ctx.base_currency == "USD" else "USD"
    name = f"{code} Account"
    if name not in ctx.account_ids:
        currency = ctx.currencies[code]
        created = next(iter(ctx.accounts.values()))["created_time"]
        account: Record = {
            **next(a for a in ctx.accounts.values() if a["chart_key"] == "Savings Account"),
            "account_id": ctx.new_id(),
            "account_name": name,
            "chart_key": name,
            "account_code": "1020",
            "currency_id": currency["currency_id"],
            "currency_code": code,
            "current_balance": ZERO,
            "created_time": created,
            "last_modified_time": created,
        }
        ctx.accounts[account["account_id"]] = account
        ctx.account_ids[name] = account["account_id"]
    return code, ctx.account(name)


def _foreign_currency_transfers(bank: _Bank, start: date, end: date) -> None:
    """Transfers between Business Checking and the foreign-currency account (D93): every quarter money goes
    out to it, once it comes back. Each is a transfer_fund in the foreign currency: ``total`` in it, the
    day's ``exchange_rate`` and ``bcy_total``, the only amounts and rate Zoho documents on a transfer; both
    accounts post at ``bcy_total`` (ledger._bank_transaction_pieces), so the transfer itself makes no
    exchange difference."""
    ctx, rng = bank.ctx, bank.rng
    code, foreign = _foreign_currency_account(ctx)
    currency = ctx.currencies[code]
    per_usd = _PER_USD.get(code, ONE)
    quarterly = [d for d in _month_ends(start, end) if d.month % 3 == 1]
    moves = [(d, "Business Checking", foreign["chart_key"]) for d in quarterly]
    if quarterly:
        moves.append((end - timedelta(days=20), foreign["chart_key"], "Business Checking"))
    for day, from_name, to_name in moves:
        rate = rate6(ctx.rate_on(code, day))
        total = cents(Decimal(rng.randint(1_000, 6_000)) * per_usd)
        outward = from_name == "Business Checking"
        record = bank.add(
            day,
            "transfer_fund",
            from_name,
            to_name,
            total,
            bank_name="Business Checking",
            description=f"Transfer {'to' if outward else 'from'} the {code} account",
        )
        # Listed under Business Checking: the statement amount is what moved there, in base currency.
        base = to_base(total, rate)
        record.update(
            currency_id=currency["currency_id"],
            currency_code=code,
            currency_symbol=currency.get("currency_symbol", ""),
            exchange_rate=rate,
            amount=base,
            bcy_total=base,
        )


def opening_balance(ctx: Context, day: date) -> Record:
    """The opening balance: petty cash and the savings account against Opening Balance Offset."""
    per_usd = _PER_USD.get(ctx.base_currency, ONE)
    base = ctx.currencies[ctx.base_currency]
    lines = [
        ("Petty Cash", "debit", cents(Decimal(1_500) * per_usd)),
        ("Savings Account", "debit", cents(Decimal(30_000) * per_usd)),
    ]
    lines.append(("Opening Balance Offset", "credit", sum((amount for _, _, amount in lines), ZERO)))
    accounts = []
    for name, side, amount in lines:
        account = ctx.account(name)
        accounts.append(
            {
                "acount_split_id": ctx.new_id(),
                "account_id": account["account_id"],
                "account_name": account["account_name"],
                "debit_or_credit": side,
                "exchange_rate": ONE,
                "currency_id": base["currency_id"],
                "currency_code": ctx.base_currency,
                "bcy_amount": amount,
                "amount": amount,
            }
        )
    return {
        "opening_balance_id": ctx.new_id(),
        "date": day.isoformat(),
        "price_precision": 2,
        "accounts": accounts,
        "total": lines[-1][2],
    }


def base_currency_adjustments(ctx: Context, day: date) -> dict[str, Record]:
    """One adjustment per foreign currency the organization has open invoices in on ``day``: the receivable
    in that currency revalued at the day's rate."""
    receivable = next(a for a in ctx.accounts.values() if a["account_type"] == "accounts_receivable")
    exchange = ctx.account("Exchange Gain or Loss")
    open_by_code: dict[str, list[Record]] = {}
    for invoice in ctx.books.records.get("invoices", {}).values():
        if (
            invoice["currency_code"] != ctx.base_currency
            and invoice["status"] not in NON_POSTING_STATUSES
            and invoice["date"] <= day.isoformat()
            and invoice["balance"] > 0
        ):
            open_by_code.setdefault(invoice["currency_code"], []).append(invoice)
    adjustments: dict[str, Record] = {}
    for code in sorted(open_by_code):
        invoices = open_by_code[code]
        fcy = sum((i["balance"] for i in invoices), ZERO)
        bcy = sum((to_base(i["balance"], i["exchange_rate"]) for i in invoices), ZERO)
        rate = rate6(ctx.rate_on(code, day))
        adjusted = to_base(fcy, rate)
        gain = adjusted - bcy
        if not gain:
            continue
        currency = ctx.currencies[code]
        record = {
            "base_currency_adjustment_id": ctx.new_id(),
            "adjustment_date": day.isoformat(),
            "exchange_rate": rate,
            "currency_id": currency["currency_id"],
            "currency_code": code,
            "notes": f"Base Currency Adjustment against {code}",
            "gain_or_loss": gain,
            "accounts": [
                {
                    "account_id": receivable["account_id"],
                    "account_name": receivable["account_name"],
                    "bcy_balance": bcy,
                    "fcy_balance": fcy,
                    "adjusted_balance": adjusted,
                    "gain_or_loss": gain,
                    "gl_specific_type": _RECEIVABLE_GL_TYPE,
                }
            ],
        }
        adjustments[record["base_currency_adjustment_id"]] = record
    # Exchange Gain or Loss must exist: the ledger posts the opposite side there.
    assert exchange["account_id"]
    return adjustments


def add_banking(ctx: Context, seed: int, start: date, end: date) -> None:
    """Bank transactions, the opening balance (the day before ``start``) and, at the last quarter's end,
    base currency adjustments, into ``ctx.books``."""
    rng = random.Random(f"{seed}:{ctx.books.organization_id}:banking")
    records = ctx.books.records
    records["banktransactions"] = bank_transactions(ctx, rng, start, end)
    opening = opening_balance(ctx, start)
    records["openingbalances"] = {opening["opening_balance_id"]: opening}
    quarter_ends = [d for d in _month_ends(start, end) if d.month % 3 == 0 and d < end]
    records["basecurrencyadjustments"] = (
        base_currency_adjustments(ctx, quarter_ends[-1]) if quarter_ends else {}
    )
