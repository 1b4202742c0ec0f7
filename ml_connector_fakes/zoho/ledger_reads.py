"""Zoho's own ledger as the sandbox serves it (``GET chartofaccounts/transactions``): one account's rows,
with the documented ``date``, ``amount`` and ``transaction_type`` filters and their variants, and a fixed
share of rows without ``transaction_id``, as Zoho sometimes serves them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.envelope import invalid_value, success
from ml_connector_fakes.zoho.listing import (
    in_date_range,
    page_context,
    page_slice,
    parse_date,
    parse_paging,
)


def hides_transaction_id(org_id: str, transaction_id: Any, per_mille: int) -> bool:
    """Zoho sometimes serves a ledger row without ``transaction_id``; we do it to a fixed ~1% of rows,
    chosen by a hash so the same rows lose it on every call."""
    return zlib.crc32(f"{org_id}:{transaction_id}".encode()) % 1000 < per_mille


# The ledger list's documented filters (chart-of-accounts.yml): ``date`` with its variants ``date.start``,
# ``date.end`` (inclusive), ``date.before``, ``date.after`` (exclusive); ``amount`` with ``amount.less_than``,
# ``amount.less_equals``, ``amount.greater_than``, ``amount.greater_equals`` (a line's amount is its debit or
# its credit); ``transaction_type``. ``filter_by`` (account types) and ``sort_column`` (account columns) name
# nothing a ledger line has: accepted and ignored.
_AMOUNT_TESTS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "amount": lambda line, limit: line == limit,
    "amount.less_than": lambda line, limit: line < limit,
    "amount.less_equals": lambda line, limit: line <= limit,
    "amount.greater_than": lambda line, limit: line > limit,
    "amount.greater_equals": lambda line, limit: line >= limit,
}


def _ledger_filters(params: Mapping[str, str]) -> list[Callable[[Record], bool]]:
    tests: list[Callable[[Record], bool]] = []
    start, end = parse_date(params, "date.start"), parse_date(params, "date.end")
    on = parse_date(params, "date")
    if on is not None:
        start, end = max(filter(None, (start, on))), min(filter(None, (end, on)))
    if start or end:
        tests.append(lambda r: in_date_range(r.get("transaction_date"), start, end))
    before, after = parse_date(params, "date.before"), parse_date(params, "date.after")
    if before is not None or after is not None:
        tests.append(lambda r: _strictly_between(_line_day(r), after, before))
    for name, compare in _AMOUNT_TESTS.items():
        raw = params.get(name)
        if raw:
            tests.append(_amount_test(name, raw, compare))
    kind = params.get("transaction_type")
    if kind:
        tests.append(lambda r: r.get("transaction_type") == kind)
    return tests


def _strictly_between(day: date | None, after: date | None, before: date | None) -> bool:
    return day is not None and (after is None or day > after) and (before is None or day < before)


def _amount_test(
    name: str, raw: str, compare: Callable[[Decimal, Decimal], bool]
) -> Callable[[Record], bool]:
    try:
        limit = Decimal(raw)
    except ArithmeticError:
        raise invalid_value(name) from None
    if not limit.is_finite():
        raise invalid_value(name)
    return lambda r: compare(_line_amount(r), limit)


def _line_day(row: Record) -> date | None:
    value = row.get("transaction_date")
    return date.fromisoformat(str(value)[:10]) if value else None


def _line_amount(row: Record) -> Decimal:
    debit = Decimal(str(row.get("debit_amount") or 0))
    return debit if debit else Decimal(str(row.get("credit_amount") or 0))


def list_account_transactions(
    books: OrgBooks, params: Mapping[str, str], config: SandboxConfig
) -> dict[str, Any]:
    paging = parse_paging(params)
    account_id = params.get("account_id")
    if not account_id:
        raise invalid_value("account_id")
    wanted = _ledger_filters(params)
    rows = [
        r
        for r in books.account_transactions
        if str(r.get("account_id")) == account_id and all(keep(r) for keep in wanted)
    ]
    rows.sort(key=lambda r: str(r.get("transaction_date") or ""))  # stable: ledger order within a day
    page_rows, has_more = page_slice(rows, paging, repeat_boundary_row=False)
    served = []
    for row in page_rows:
        if hides_transaction_id(
            books.organization_id, row.get("transaction_id"), config.hide_transaction_id_per_mille
        ):
            row = {k: v for k, v in row.items() if k != "transaction_id"}
        served.append(row)
    context = page_context(paging, has_more, "transaction_date", "A")
    return success(transactions=served, page_context=context)
