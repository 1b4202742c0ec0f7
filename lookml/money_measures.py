"""Money columns and their measures, by finance meaning (``meta.finance``, lookml/semantics.py, D108-D109).

Additive amounts are sums, balances period-end measures, rates and snapshot balances row values. Base and
transaction currency measures are checked against how many currencies (and periods) the result holds, and are
empty when it mixes them: a hidden unchecked sum feeds the visible measure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from lookml.dialects import Dialect
from lookml.manifest import Column, Mart
from lookml.semantics import Finance, currency_column
from lookml.view_fields import looker_meta, title

# Looker's built-in currency formats. Other currencies use decimal_2 with the code in the label: a
# named_value_format would need a format string that lkml writes unquoted.
BUILTIN_CURRENCY_FORMATS: Final = {"USD": "usd", "EUR": "eur", "GBP": "gbp"}

# Currencies that vary row by row: a number format, and the label says which currency it is.
ROW_CURRENCIES: Final = {"base": "base currency", "transaction": "transaction currency"}

_CURRENCY_CODE: Final = re.compile(r"[A-Z]{3}")

# "... in the organization's base currency", "... in reporting currency": an amount stated in a currency.
_AMOUNT_IN: Final = re.compile(r"\bin (?:the |each )?(?:[\w.]+'s )?(reporting|base|transaction) currency\b")

# Group labels of the measures in a currency that varies by row: the reporting currency's stay on top.
CURRENCY_GROUPS: Final = {"base": "Base currency", "transaction": "Transaction currency"}

# Measures that only feed the checked ones end in this suffix (hidden).
UNCHECKED: Final = "_unchecked"


@dataclass(frozen=True)
class Money:
    """The currency of a money column: ``reporting``, ``base``, ``transaction`` or an ISO code."""

    currency: str

    def label(self, reporting_currency: str) -> str:
        if self.currency == "reporting":
            return reporting_currency
        return ROW_CURRENCIES.get(self.currency, self.currency)

    def value_format_name(self, reporting_currency: str) -> str:
        code = reporting_currency if self.currency == "reporting" else self.currency
        if code in ROW_CURRENCIES:
            return "decimal_2"
        return BUILTIN_CURRENCY_FORMATS.get(code, "decimal_2")


def money_of(column: Column, dialect: Dialect) -> Money | None:
    """A fixed-point column with a currency: from ``meta.currency``, the name's suffix, or the description."""
    if not dialect.is_decimal(column.data_type):
        return None
    declared = column.meta.get("currency") or looker_meta(column.meta).get("currency")
    if isinstance(declared, str) and declared:
        return Money(declared.upper() if _CURRENCY_CODE.fullmatch(declared.upper()) else declared.lower())
    if "rate" in column.name.split("_"):
        return None  # an exchange rate is a ratio, not an amount, whatever its description mentions
    for kind in ("reporting", "base", "transaction"):
        if column.name.endswith(f"_{kind}"):
            return Money(kind)
    found = _AMOUNT_IN.search(column.description.lower())
    return Money(found.group(1)) if found else None


@dataclass
class MeasureContext:
    """What the finance measures of one view share: names, the period, the hidden helper measures."""

    mart: Mart
    names: Mapping[str, str]
    column_fields: Mapping[str, str]
    reporting_currency: str
    period_column: str | None
    warnings: list[str]
    posting_field: str | None = None
    helpers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def count_distinct(self, column: str, what: str) -> str:
        """A hidden ``count_distinct`` of ``column`` (a currency, the period): how many the result holds."""
        name = f"{self.names[column]}_count"
        self.helpers.setdefault(
            name,
            {
                "name": name,
                "type": "count_distinct",
                "hidden": "yes",
                "description": f"Number of distinct {what} in the result.",
                "sql": f"${{{self.column_fields[column]}}}",
            },
        )
        return name


def money_meaning(column: Column, finance: Finance | None) -> str:
    """additive, balance, snapshot or rate: undeclared money adds up (and ``measure: sum`` says so)."""
    if finance is not None and finance.kind in ("additive", "balance", "snapshot", "rate"):
        return finance.kind
    return "additive"


def row_value_note(description: str, meaning: str | None) -> str:
    note = (
        "A balance as of the last sync: a value per row, never added up."
        if meaning == "snapshot"
        else "A rate or price: a value per row, never added up."
    )
    return f"{description} {note}".strip()


def _guard(conditions: list[str], value: str) -> str:
    if not conditions:
        return value
    return f"CASE WHEN {' OR '.join(f'${{{c}}} > 1' for c in conditions)} THEN NULL ELSE ${{{value}}} END"


def _currency_guard(
    context: MeasureContext, column: Column, money: Money, finance: Finance | None
) -> list[str] | None:
    """The hidden counts a base or transaction measure is checked against; None when no column says the
    currency (the measure is then not offered)."""
    if money.currency not in CURRENCY_GROUPS:
        return []
    found = currency_column(context.mart, money.currency, finance)
    if found is None:
        context.warnings.append(
            f"{context.mart.name}.{column.name}: {money.currency} currency amounts without a currency column "
            "(add base_currency / transaction_currency, or meta.finance.currency_column): no measure"
        )
        return None
    return [context.count_distinct(found, f"{money.currency} currencies ({found})")]


def _checked_measure(
    context: MeasureContext,
    name: str,
    label: str,
    description: str,
    money: Money,
    conditions: list[str],
    sql: str,
) -> list[dict[str, Any]]:
    """A ``sum`` when nothing is checked; else a hidden sum and the measure, empty when a check fails."""
    value_format = money.value_format_name(context.reporting_currency)
    group = CURRENCY_GROUPS.get(money.currency)
    if not conditions:
        measure: dict[str, Any] = {"name": name, "type": "sum", "label": label}
        if group:
            measure["group_label"] = group
        measure.update(description=description, value_format_name=value_format, sql=sql)
        return [measure]
    helper = f"{name}{UNCHECKED}"
    checked: dict[str, Any] = {"name": name, "type": "number", "label": label}
    if group:
        checked["group_label"] = group
    checked.update(description=description, value_format_name=value_format, sql=_guard(conditions, helper))
    hidden = {
        "name": helper,
        "type": "sum",
        "hidden": "yes",
        "description": f"Unchecked sum behind {name}.",
        "value_format_name": value_format,
        "sql": sql,
    }
    return [checked, hidden]


def _currency_note(money: Money, conditions: list[str]) -> str:
    if money.currency not in CURRENCY_GROUPS or not conditions:
        return ""
    return (
        f" Empty when the result holds more than one {ROW_CURRENCIES[money.currency]}: filter or group by "
        "the currency (or the organization)."
    )


def additive_measures(
    context: MeasureContext, column: Column, field_name: str, money: Money, finance: Finance | None
) -> list[dict[str, Any]]:
    conditions = _currency_guard(context, column, money, finance)
    if conditions is None:
        return []
    currency = money.label(context.reporting_currency)
    description = column.description or title(field_name)
    name = f"sum_{field_name}" if field_name.startswith("total_") else f"total_{field_name}"
    note = _currency_note(money, conditions)
    out = _checked_measure(
        context, name, f"Total {title(field_name)} ({currency})", f"Sum of: {description}{note}", money,
        conditions, f"${{{field_name}}}",
    )  # fmt: skip
    if finance is not None and finance.absolute:
        out += _checked_measure(
            context, f"absolute_{field_name}", f"Absolute {title(field_name)} ({currency})",
            f"Sum of the absolute values of: {description} Differences of either sign add up, never cancel."
            f"{note}", money, conditions, f"ABS(${{{field_name}}})",
        )  # fmt: skip
    return out


def balance_measures(
    context: MeasureContext, column: Column, field_name: str, money: Money, finance: Finance | None
) -> list[dict[str, Any]]:
    conditions = _currency_guard(context, column, money, finance)
    if conditions is None:
        return []
    period = (finance.period if finance and finance.period else None) or context.period_column
    if period is None or context.mart.column(period) is None:
        context.warnings.append(f"{context.mart.name}.{column.name}: a balance without a period column")
        return []
    conditions = [context.count_distinct(period, "periods"), *conditions]
    currency = money.label(context.reporting_currency)
    description = (
        f"{column.description or title(field_name)} Added across rows of one period only: empty when the "
        "result holds more than one period (filter or group by the period)."
        f"{_currency_note(money, conditions[1:])}"
    )
    return _checked_measure(
        context, f"period_end_{field_name}", f"{title(field_name)} ({currency}, period end)", description,
        money, conditions, f"${{{field_name}}}",
    )  # fmt: skip


def ratio_measures(
    context: MeasureContext, column: Column, field_name: str, finance: Finance
) -> list[dict[str, Any]]:
    """The ratio over the result: its parts summed, then divided (a ratio is never summed)."""
    parts = {"numerator": finance.numerator, "denominator": finance.denominator}
    missing = [c for cols in parts.values() for c in cols if context.mart.column(c) is None]
    if missing or not all(parts.values()):
        context.warnings.append(
            f"{context.mart.name}.{column.name}: a ratio needs numerator and denominator columns"
        )
        return []
    conditions: list[str] = []
    first = context.mart.column(finance.numerator[0])
    base = first is not None and first.name.endswith("_base")
    if base:
        found = currency_column(context.mart, "base", finance)
        if found is not None:
            conditions.append(context.count_distinct(found, f"base currencies ({found})"))
    helpers = []
    for part, columns in parts.items():
        total = " + ".join(f"COALESCE(${{{context.names[c]}}}, 0)" for c in columns)
        helpers.append(
            {
                "name": f"{field_name}_{part}",
                "type": "sum",
                "hidden": "yes",
                "description": f"The {part} of {field_name}: {', '.join(columns)}.",
                "sql": total,
            }
        )
    ratio = f"1.0 * ${{{field_name}_numerator}} / NULLIF(${{{field_name}_denominator}}, 0)"
    if conditions:
        ratio = f"CASE WHEN {' OR '.join(f'${{{c}}} > 1' for c in conditions)} THEN NULL ELSE {ratio} END"
    measure = {
        "name": f"{field_name}_overall",
        "type": "number",
        "label": f"{title(field_name)} (over the result)",
        "description": f"{column.description} Recomputed from its parts, never summed.".strip(),
        "value_format_name": "percent_2",
        "sql": ratio,
    }
    return [measure, *helpers]
