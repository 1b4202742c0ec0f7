"""The general ledger reconciled with Zoho's own ledger, as ``run``, ``status`` and ``demo`` print it: per
Zoho transaction type, how much the posting rules derive (the rest is taken from Zoho's ledger, D60), and
any differences with the transactions behind the worst of them (D66).

Read from the marts ``rpt_gl_reconciliation`` and ``rpt_gl_reconciliation_differences`` through any DB-API
cursor (DuckDB or psycopg2): a warehouse without those marts (never built) reads as None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Protocol

from rich.console import Console
from rich.table import Table
from rich.text import Text

MARTS: Final = "zoho_books"
WORST: Final = 5  # differences listed by name; the rest are counted
_NEEDED: Final = frozenset(
    {
        ("rpt_gl_reconciliation", "is_reconciled"),
        ("rpt_gl_reconciliation", "taken_entry_count"),
        ("rpt_gl_reconciliation_differences", "difference_key"),
        ("dim_accounts", "account_name"),
    }
)


class Cursor(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...
    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True)
class TypeShare:
    transaction_type: str
    zoho_lines: int
    derived_lines: int
    taken_lines: int
    share_derived: Decimal | None  # derived debits + credits over the ledger's, 4 decimals; None: no amounts


@dataclass(frozen=True)
class Difference:
    organization_id: str
    transaction_type: str
    source_number: str  # the document number, else Zoho's entry number, else its id
    account: str  # account name (code), else its id
    period_month: str  # YYYY-MM
    ledger_net_base: Decimal  # debit positive
    zoho_net_base: Decimal
    difference_base: Decimal  # ledger - Zoho


@dataclass(frozen=True)
class Reconciliation:
    types: tuple[TypeShare, ...]
    unreconciled_rows: int  # organization × type × account × month rows off by more than half a cent
    differences: int  # transaction × account × month rows behind them
    worst: tuple[Difference, ...]  # the largest differences first

    @property
    def reconciled(self) -> bool:
        return self.unreconciled_rows == 0 and self.differences == 0


def _money(value: object) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def read_reconciliation(cursor: Cursor, worst: int = WORST) -> Reconciliation | None:
    """The reconciliation marts' summary, or None when the warehouse has not been built yet."""
    cursor.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'zoho_books' "
        "and table_name in ('rpt_gl_reconciliation', 'rpt_gl_reconciliation_differences', 'dim_accounts')"
    )
    # A warehouse built by an older version lacks these columns until the next build.
    if not _NEEDED.issubset((str(table), str(column)) for table, column in cursor.fetchall()):
        return None
    cursor.execute(
        "select zoho_transaction_type, sum(zoho_entry_count), sum(derived_entry_count), "
        "sum(taken_entry_count), sum(derived_debit_base + derived_credit_base), "
        "sum(ledger_debit_base + ledger_credit_base), "
        "sum(case when is_reconciled then 0 else 1 end) "
        "from zoho_books.rpt_gl_reconciliation group by zoho_transaction_type order by zoho_transaction_type"
    )
    types = []
    unreconciled = 0
    for transaction_type, zoho, derived, taken, derived_amount, ledger_amount, off in cursor.fetchall():
        share = (
            (_money(derived_amount) / _money(ledger_amount)).quantize(Decimal("0.0001"))
            if _money(ledger_amount)
            else None
        )
        types.append(
            TypeShare(str(transaction_type), int(zoho or 0), int(derived or 0), int(taken or 0), share)
        )
        unreconciled += int(off or 0)
    cursor.execute("select count(*) from zoho_books.rpt_gl_reconciliation_differences")
    ((differences,),) = cursor.fetchall()
    cursor.execute(
        "select d.organization_id, d.zoho_transaction_type, coalesce(d.source_number, d.source_id), "  # noqa: S608 (an int)
        "coalesce(a.account_name || coalesce(' (' || a.account_code || ')', ''), d.account_id), "
        "d.period_month, d.ledger_debit_base - d.ledger_credit_base, d.zoho_debit_base - d.zoho_credit_base, "
        "d.net_difference_base from zoho_books.rpt_gl_reconciliation_differences as d "
        "left join zoho_books.dim_accounts as a "
        "on d.organization_id = a.organization_id and d.account_id = a.account_id "
        "order by abs(d.net_difference_base) desc, d.organization_id, d.difference_key "
        f"limit {int(worst)}"
    )
    listed = tuple(
        Difference(
            str(org),
            str(transaction_type),
            str(number),
            str(account),
            str(month)[:7],
            _money(ledger),
            _money(zoho),
            _money(difference),
        )
        for org, transaction_type, number, account, month, ledger, zoho, difference in cursor.fetchall()
    )
    return Reconciliation(tuple(types), unreconciled, int(differences or 0), listed)


def print_reconciliation(reconciliation: Reconciliation, console: Console) -> None:
    """Share derived per transaction type, then the differences (count and the worst few), or that none."""
    shares = Table(title="General ledger vs Zoho's ledger, by Zoho transaction type")
    for column in ("transaction type", "Zoho lines", "derived", "taken from Zoho", "share derived"):
        shares.add_column(column, justify="left" if column == "transaction type" else "right")
    for row in reconciliation.types:
        shares.add_row(
            row.transaction_type,
            f"{row.zoho_lines:,}",
            f"{row.derived_lines:,}",
            f"{row.taken_lines:,}",
            f"{row.share_derived * 100:.1f}%" if row.share_derived is not None else "-",
        )
    console.print(shares)
    if reconciliation.reconciled:
        console.print(
            Text(
                "Reconciliation: the general ledger equals Zoho's ledger on every type, account and month.",
                "green",
            )
        )
        return
    console.print(
        Text(
            f"Reconciliation: {reconciliation.unreconciled_rows:,} type × account × month rows differ from "
            f"Zoho's ledger ({reconciliation.differences:,} transaction lines; a warning, see "
            f"{MARTS}.rpt_gl_reconciliation_differences). The largest:",
            "yellow",
        )
    )
    worst = Table()
    for column in ("organization", "type", "transaction", "account", "month", "ledger", "Zoho", "difference"):
        worst.add_column(column, justify="right" if column in ("ledger", "Zoho", "difference") else "left")
    for difference in reconciliation.worst:
        worst.add_row(
            difference.organization_id,
            difference.transaction_type,
            difference.source_number,
            difference.account,
            difference.period_month,
            f"{difference.ledger_net_base:,.2f}",
            f"{difference.zoho_net_base:,.2f}",
            f"{difference.difference_base:,.2f}",
        )
    console.print(worst)
