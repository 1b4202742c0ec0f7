"""What a column means to a finance user, read from ``meta.finance`` in the dbt YAML (D108).

``finance`` is a kind, or a mapping with ``kind`` and options:

- ``additive``: an amount that adds up (movements, debits, credits, document totals): a sum. Money columns
  that declare nothing, or ``measure: sum``, are additive.
- ``balance``: a balance at a period end (opening, closing, balance-sheet lines): a period-end measure, which
  is empty when the result holds more than one period (``period``: the column of the period, else the
  model's ``meta.finance.period``, else its first date column).
- ``snapshot``: a balance as of the last sync (on a dimension): shown per row, never summed.
- ``rate``: a price or rate: shown per row, never summed.
- ``ratio``: a share recomputed from its parts (``numerator`` and ``denominator``: additive columns).
- ``posting_flag``: the yes/no column that says a document posts: explores show posting rows by default.
- ``bucket``: a label with an order (``order``: the values in order): sorted in that order, not by name.

Options of money columns: ``currency_column`` (the column naming a base or transaction amount's currency;
else ``base_currency``/``base_currency_code`` or ``transaction_currency``), ``absolute: true`` (also the sum
of absolute values, for differences that must not cancel).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from lookml.manifest import Column, Mart

KINDS: Final = frozenset({"additive", "balance", "snapshot", "rate", "ratio", "posting_flag", "bucket"})
# Candidate currency columns for the amounts whose currency varies row by row.
CURRENCY_COLUMNS: Final = {
    "base": ("base_currency", "base_currency_code"),
    "transaction": ("transaction_currency",),
}


@dataclass(frozen=True)
class Finance:
    kind: str
    period: str | None = None
    currency_column: str | None = None
    absolute: bool = False
    order: tuple[str, ...] = ()
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())


def _looker(meta: Mapping[str, Any]) -> Mapping[str, Any]:
    looker = meta.get("looker")
    return looker if isinstance(looker, dict) else {}


def declared(meta: Mapping[str, Any]) -> Any:
    """The ``finance`` entry of a column's or model's meta (also accepted under ``meta.looker``)."""
    return meta.get("finance", _looker(meta).get("finance"))


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def finance_of(column: Column) -> Finance | None:
    """The column's declared meaning; None when it declares none."""
    value = declared(column.meta)
    if value is None:
        return None
    spec: Mapping[str, Any] = (
        {"kind": value} if isinstance(value, str) else value if isinstance(value, dict) else {}
    )
    kind = str(spec.get("kind", "")).lower()
    if kind not in KINDS:
        return Finance(kind="", problems=(f"meta.finance {value!r} is not one of {sorted(KINDS)}",))
    return Finance(
        kind=kind,
        period=str(spec["period"]) if spec.get("period") else None,
        currency_column=str(spec["currency_column"]) if spec.get("currency_column") else None,
        absolute=bool(spec.get("absolute", False)),
        order=_names(spec.get("order")),
        numerator=_names(spec.get("numerator")),
        denominator=_names(spec.get("denominator")),
    )


def model_period(mart: Mart) -> str | None:
    """The model's period column, declared as ``meta.finance.period`` on the model."""
    value = declared(mart.meta)
    if isinstance(value, dict) and value.get("period"):
        return str(value["period"])
    return None


def currency_column(mart: Mart, currency: str, finance: Finance | None) -> str | None:
    """The column that names the currency of a ``base`` or ``transaction`` amount of ``mart``."""
    if finance is not None and finance.currency_column:
        return finance.currency_column if mart.column(finance.currency_column) else None
    return next((c for c in CURRENCY_COLUMNS.get(currency, ()) if mart.column(c)), None)
