"""Transactions that live only in Zoho's ledger here: no document the loader syncs carries them.

Zoho's ledger also holds transfers between accounts, deposits, owner contributions, opening balances... (the
``transaction_type`` values chart-of-accounts.yml documents). Tests post one between two syncs through the
admin API and delete it again, to see that a sync keeps Zoho's own ledger current without a document
changing. Each transaction is two lines of one amount in the organization's base currency: the debit on one
account, the credit on another, so the ledger stays balanced.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ml_connector_fakes.world.amounts import CENT, ZERO
from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.ledger import _adjust_balances

# The documented transaction types that no document of the sandbox posts (chart-of-accounts.yml).
LEDGER_ONLY_TYPES = frozenset(
    {
        "card_payment",
        "deposit",
        "transfer_fund",
        "opening_balance",
        "owner_contribution",
        "owner_drawings",
        "interest_income",
        "other_income",
        "sales_without_invoices",
        "expense_refund",
        "tax_refund",
        "base_currency_adjustment",
        "receipt_from_initial_debtors",
        "payment_to_initial_creditors",
    }
)
_FIRST_ID = 9_100_000_000_000


class LedgerOnlyError(ValueError):
    """A request the sandbox cannot post (unknown account, bad amount or date, unknown type)."""


def post_ledger_only(books: OrgBooks, body: Mapping[str, Any]) -> list[Record]:
    """Post ``body`` = ``{"transaction_type": "transfer_fund", "debit_account_id", "credit_account_id",
    "amount", "date", "reference_number"?}``: returns the two ledger lines added."""
    kind = str(body.get("transaction_type") or "transfer_fund")
    if kind not in LEDGER_ONLY_TYPES:
        raise LedgerOnlyError(f"transaction_type {kind!r} is not one only Zoho's ledger carries here")
    chart = books.records.get("chartofaccounts", {})
    debit_id, credit_id = str(body.get("debit_account_id", "")), str(body.get("credit_account_id", ""))
    for account_id in (debit_id, credit_id):
        if account_id not in chart:
            raise LedgerOnlyError(f"no account {account_id!r}")
    if debit_id == credit_id:
        raise LedgerOnlyError("the debit and credit accounts must differ")
    try:
        amount = Decimal(str(body.get("amount"))).quantize(CENT)
        day = date.fromisoformat(str(body.get("date")))
    except (InvalidOperation, ValueError):
        raise LedgerOnlyError("amount must be a number and date YYYY-MM-DD") from None
    if amount <= ZERO:
        raise LedgerOnlyError("amount must be positive")
    taken = {int(t) for r in books.account_transactions if str(t := r.get("transaction_id", "")).isdigit()}
    transaction_id = str(max((t for t in taken if t >= _FIRST_ID), default=_FIRST_ID) + 1)
    base = str(books.organization.get("currency_code", ""))
    base_id = str(books.organization.get("currency_id", ""))
    lines = []
    for index, (account_id, debit) in enumerate(((debit_id, True), (credit_id, False))):
        lines.append(
            {
                "categorized_transaction_id": f"{transaction_id}{index:03d}",
                "account_id": account_id,
                "transaction_id": transaction_id,
                "transaction_type": kind,
                "transaction_date": day.isoformat(),
                "entry_number": "",
                "reference_number": str(body.get("reference_number") or ""),
                "customer_id": "",
                "debit_or_credit": "debit" if debit else "credit",
                "debit_amount": amount if debit else ZERO,
                "credit_amount": ZERO if debit else amount,
                "currency_id": base_id,
                "currency_code": base,
            }
        )
    books.account_transactions.extend(lines)
    _adjust_balances(books, lines, 1)
    return lines


def ledger_only_rows(
    books: OrgBooks,
    transaction_id: str,
    kind: str,
    day: str,
    entry_number: str,
    pieces: list[tuple[str, Decimal]],
) -> list[Record]:
    """Ledger lines of one transaction no document carries: ``pieces`` are (account_id, net base amount,
    a debit positive), in the organization's base currency; they must balance."""
    if sum((net for _, net in pieces), ZERO) != ZERO:
        raise LedgerOnlyError(f"{kind} {transaction_id} does not balance")
    base = str(books.organization.get("currency_code", ""))
    base_id = str(books.organization.get("currency_id", ""))
    return [
        {
            "categorized_transaction_id": f"{transaction_id}{index:03d}",
            "account_id": account_id,
            "transaction_id": transaction_id,
            "transaction_type": kind,
            "transaction_date": day,
            "entry_number": entry_number,
            "reference_number": "",
            "customer_id": "",
            "debit_or_credit": "debit" if net > 0 else "credit",
            "debit_amount": net if net > 0 else ZERO,
            "credit_amount": ZERO if net > 0 else -net,
            "currency_id": base_id,
            "currency_code": base,
        }
        for index, (account_id, net) in enumerate(pieces)
        if net
    ]


def delete_ledger_only(books: OrgBooks, transaction_id: str) -> list[Record]:
    """Remove a transaction posted by ``post_ledger_only``; returns its lines ([] when there is none)."""
    removed = [
        r
        for r in books.account_transactions
        if str(r.get("transaction_id")) == transaction_id and r.get("transaction_type") in LEDGER_ONLY_TYPES
    ]
    if removed:
        books.account_transactions = [r for r in books.account_transactions if r not in removed]
        _adjust_balances(books, removed, -1)
    return removed
