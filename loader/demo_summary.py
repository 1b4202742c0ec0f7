"""The demo's finance summary, read from the marts: does the books balance, what was earned, who owes what."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

import duckdb
from rich.console import Console
from rich.table import Table

MARTS: Final = "zoho_books"
AGING_BUCKETS: Final = ("current", "1-30", "31-60", "61-90", "over_90")


@dataclass(frozen=True)
class FinanceSummary:
    debits_base: Decimal  # every organization's ledger, in its own base currency, summed per organization
    credits_base: Decimal
    unbalanced_organizations: list[str]  # debits ≠ credits (always empty when the build passed)
    reconciliation_differences: int  # organization × type × account × month rows where the ledger ≠ Zoho
    ledger_lines: int  # general ledger lines, derived and taken
    taken_lines: int  # lines taken from Zoho's own ledger because no posting rule derives them (D60)
    revenue_by_month: list[tuple[str, Decimal]]  # (YYYY-MM, revenue in the reporting currency)
    ar_aging: dict[str, Decimal]  # bucket -> outstanding in the reporting currency


def read_finance_summary(warehouse: Path) -> FinanceSummary:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        balances = con.execute(
            f"select organization_id, sum(debits_base), sum(credits_base) "  # noqa: S608 (our schema name)
            f"from {MARTS}.rpt_trial_balance group by 1 order by 1"
        ).fetchall()
        (differences,) = con.execute(
            f"select count(*) from {MARTS}.rpt_gl_reconciliation "  # noqa: S608
            "where not is_reconciled"
        ).fetchone() or (0,)
        (ledger_lines, taken_lines) = con.execute(
            f"select count(*), count(*) filter (where line_source = 'zoho_ledger') "  # noqa: S608
            f"from {MARTS}.fct_general_ledger"
        ).fetchone() or (0, 0)
        revenue = con.execute(
            f"select strftime(period_month, '%Y-%m'), sum(amount_reporting) "  # noqa: S608
            f"from {MARTS}.rpt_profit_and_loss where account_class = 'income' group by 1 order by 1"
        ).fetchall()
        aging = dict(
            con.execute(
                f"select aging_bucket, sum(outstanding_reporting) from {MARTS}.rpt_ar_aging "  # noqa: S608
                "group by 1"
            ).fetchall()
        )
    finally:
        con.close()
    return FinanceSummary(
        debits_base=sum((Decimal(d) for _, d, _ in balances), Decimal(0)),
        credits_base=sum((Decimal(c) for _, _, c in balances), Decimal(0)),
        unbalanced_organizations=[str(org) for org, d, c in balances if Decimal(d) != Decimal(c)],
        reconciliation_differences=int(differences),
        ledger_lines=int(ledger_lines),
        taken_lines=int(taken_lines),
        revenue_by_month=[(str(month), Decimal(amount)) for month, amount in revenue],
        ar_aging={bucket: Decimal(aging.get(bucket) or 0) for bucket in AGING_BUCKETS},
    )


def print_finance_summary(warehouse: Path, currency: str, console: Console) -> FinanceSummary:
    summary = read_finance_summary(warehouse)
    balanced = not summary.unbalanced_organizations
    console.print(
        "Trial balance: "
        + ("debits equal credits in every organization" if balanced else "UNBALANCED in ")
        + ", ".join(summary.unbalanced_organizations)
        + f"; derived ledger vs Zoho's: {summary.reconciliation_differences} differences over 0.005"
        + f"; {summary.ledger_lines - summary.taken_lines:,} of {summary.ledger_lines:,} ledger lines derived"
        + (f", {summary.taken_lines:,} taken from Zoho's ledger" if summary.taken_lines else ""),
        # A reconciliation difference is a warning (D65), an unbalanced trial balance an error.
        style="bold red" if not balanced else "yellow" if summary.reconciliation_differences else "green",
        highlight=False,
    )
    revenue = Table(title=f"Revenue by month ({currency})")
    revenue.add_column("month")
    revenue.add_column("revenue", justify="right")
    for month, amount in summary.revenue_by_month[-12:]:
        revenue.add_row(month, f"{amount:,.2f}")
    console.print(revenue)
    aging = Table(title=f"Accounts receivable aging ({currency})")
    for bucket in AGING_BUCKETS:
        aging.add_column(bucket, justify="right")
    aging.add_column("total", justify="right")
    amounts = [summary.ar_aging[b] for b in AGING_BUCKETS]
    aging.add_row(*(f"{a:,.2f}" for a in amounts), f"{sum(amounts, Decimal(0)):,.2f}")
    console.print(aging)
    return summary
