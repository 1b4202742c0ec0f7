"""One LookML view per mart, as data for ``lkml.dump``.

- every column is a dimension with an explicit ``type``; DATE and TIMESTAMP columns are dimension groups;
- the primary key (from dbt) comes first, hidden, as LAMS's Primary Key Dimensions ``pk{n}_{column}``; a
  compound key adds one ``primary_key`` concatenating them; ``count`` is filtered on the key (LAMS F3);
- columns whose names start with ``_`` are audit columns (``_synced_at``, ``_load_id`` ...): "Audit" group;
- money columns (fixed-point, with a currency) get measures by their finance meaning (``meta.finance``,
  lookml/semantics.py, D108-D109): additive amounts are sums, balances period-end measures, rates and
  snapshot balances row values; base and transaction currency measures are empty when the result mixes
  currencies; reporting-currency measures come first;
- ``meta: {measure: ...}`` in dbt adds measures; every view has a ``count``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from lookml.dialects import Dialect, Kind
from lookml.manifest import Column, Mart
from lookml.semantics import Finance, currency_column, finance_of, model_period

log = logging.getLogger(__name__)

AUDIT_GROUP: Final = "Audit"
DATE_TIMEFRAMES: Final = ("raw", "date", "week", "month", "quarter", "year")
TIME_TIMEFRAMES: Final = ("raw", "time", "date", "week", "month", "quarter", "year")
MEASURE_TYPES: Final = frozenset(
    {"sum", "average", "min", "max", "median", "count_distinct", "sum_distinct", "average_distinct"}
)
# Looker's built-in currency formats. Other currencies use decimal_2 with the code in the label: a
# named_value_format would need a format string that lkml writes unquoted.
BUILTIN_CURRENCY_FORMATS: Final = {"USD": "usd", "EUR": "eur", "GBP": "gbp"}
# Currencies that vary row by row: a number format, and the label says which currency it is.
ROW_CURRENCIES: Final = {"base": "base currency", "transaction": "transaction currency"}
_TIME_SUFFIXES: Final = ("_date", "_at", "_timestamp", "_time", "_ts")
_PLAIN_IDENTIFIER: Final = re.compile(r"[a-z_][a-z0-9_]*")
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


@dataclass
class View:
    """A view as LookML data, plus what explores need: the field that stands for each column."""

    name: str
    data: dict[str, Any]
    column_fields: dict[str, str]  # column -> field name usable in ${view.field} (a group's _raw for dates)
    primary_key_field: str | None
    primary_key_columns: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)
    posting_field: str | None = None  # the yes/no field that says a row posts (meta.finance posting_flag)
    period_field: str | None = None  # the period's dimension group (balances are measured per period)
    organization_field: str | None = None  # the organization id, for access filters and dashboards
    key_fields: dict[str, str] = field(default_factory=dict)  # key column -> its pk{n}_ dimension


def money_of(column: Column, dialect: Dialect) -> Money | None:
    """A fixed-point column with a currency: from ``meta.currency``, the name's suffix, or the description."""
    if not dialect.is_decimal(column.data_type):
        return None
    declared = column.meta.get("currency") or _looker_meta(column.meta).get("currency")
    if isinstance(declared, str) and declared:
        return Money(declared.upper() if _CURRENCY_CODE.fullmatch(declared.upper()) else declared.lower())
    if "rate" in column.name.split("_"):
        return None  # an exchange rate is a ratio, not an amount, whatever its description mentions
    for kind in ("reporting", "base", "transaction"):
        if column.name.endswith(f"_{kind}"):
            return Money(kind)
    found = _AMOUNT_IN.search(column.description.lower())
    return Money(found.group(1)) if found else None


def build_view(mart: Mart, dialect: Dialect, reporting_currency: str) -> View:
    kinds = {c.name: dialect.kind(c.data_type) for c in mart.columns}
    warnings = []
    for column in mart.columns:
        if kinds[column.name] is None:
            warnings.append(
                f"{mart.name}.{column.name}: type {column.data_type!r} is not known; written as a string "
                "(declare data_type in the dbt YAML)"
            )
    names = _field_names(mart, kinds)
    column_fields = {
        c.name: f"{names[c.name]}_raw" if _is_time(kinds[c.name]) else names[c.name] for c in mart.columns
    }

    dimensions: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    measures: list[dict[str, Any]] = []
    finances = {c.name: finance_of(c) for c in mart.columns}
    for column_name, finance in finances.items():
        if finance is not None and finance.problems:
            warnings.extend(f"{mart.name}.{column_name}: {p}" for p in finance.problems)
    period_column = _period_column(mart, kinds)
    context = _Context(mart, names, column_fields, reporting_currency, period_column, warnings)
    key = mart.primary_key if all(mart.column(k) for k in mart.primary_key) else ()
    if mart.primary_key and not key:
        warnings.append(
            f"{mart.name}: primary key {mart.primary_key} names columns the model does not declare"
        )
    single_key = key[0] if len(key) == 1 and not _is_time(kinds[key[0]]) else None
    key_fields = _key_dimensions(key, kinds, names, dialect)
    dimensions.extend(key_fields)
    pk_field: str | None = None
    if key and single_key is None:
        pk_field = _free_name("primary_key", [*names.values(), *(d["name"] for d in key_fields)])
        dimensions.append(
            {
                "name": pk_field,
                "primary_key": "yes",
                "hidden": "yes",
                "type": "string",
                "sql": dialect.concat([f"${{{d['name']}}}" for d in key_fields]),
                "description": f"Key of the row: {', '.join(key)} (the dbt primary key).",
            }
        )
    elif single_key is not None:
        pk_field = str(key_fields[0]["name"])
        key_fields[0]["primary_key"] = "yes"

    for column in _key_first(mart.columns, single_key):
        kind = kinds[column.name] or Kind.STRING
        name = names[column.name]
        audit = column.name.startswith("_")
        if _is_time(kind):
            group: dict[str, Any] = {"name": name, "type": "time"}
            group.update(_label_description(column))
            if kind is Kind.DATE:
                group.update(timeframes=list(DATE_TIMEFRAMES), convert_tz="no", datatype="date")
            else:
                group.update(timeframes=list(TIME_TIMEFRAMES), datatype=kind.value)
            if audit:
                group["group_label"] = AUDIT_GROUP
            group["sql"] = _column_sql(column.name, dialect)
            groups.append(group)
            if audit and kind is not Kind.DATE:
                measures.extend(_freshness_measures(column, name, names.values(), dialect))
            continue
        dimension: dict[str, Any] = {"name": name}
        if column.name == single_key:
            dimension["hidden"] = "yes"  # the pk1_ dimension stands for it; kept for the names users know
        dimension["type"] = kind.value
        dimension.update(_label_description(column))
        money = money_of(column, dialect) if kind is Kind.NUMBER else None
        finance = finances[column.name]
        meaning = _money_meaning(column, finance) if money is not None else None
        if money is not None:
            if meaning in ("additive", "balance"):
                dimension["hidden"] = "yes"
            else:
                dimension["description"] = _row_value_note(dimension.get("description", ""), meaning)
            dimension["value_format_name"] = money.value_format_name(reporting_currency)
        if audit:
            dimension["group_label"] = AUDIT_GROUP
        dimension["sql"] = _column_sql(column.name, dialect)
        if finance is not None and finance.kind == "bucket" and finance.order:
            order = _bucket_order(column, name, finance, names.values(), dialect)
            dimension["order_by_field"] = order["name"]
            dimensions.append(dimension)
            dimensions.append(order)
        else:
            dimensions.append(dimension)
        if finance is not None and finance.kind == "posting_flag":
            context.posting_field = name
        if money is not None and meaning == "additive":
            measures.extend(_additive_measures(context, column, name, money, finance))
        elif money is not None and meaning == "balance":
            measures.extend(_balance_measures(context, column, name, money, finance))
        if finance is not None and finance.kind == "ratio":
            measures.extend(_ratio_measures(context, column, name, finance))
        skip_sum = money is not None
        measures.extend(_meta_measures(mart, column, name, warnings, skip_sum=skip_sum))

    count: dict[str, Any] = {"name": _free_name("count", names.values()), "type": "count"}
    count["description"] = f"Number of rows. {mart.description}".strip()
    if key_fields:
        # LAMS F3: a count filtered on its key counts this view's rows even where a join leaves it empty.
        first = key_fields[0]
        count["filters__all"] = [[{first["name"]: "NOT NULL" if first["type"] == "number" else "-NULL"}]]
    measures.insert(0, count)
    measures.extend(context.helpers.values())
    # Reporting-currency (and plain) measures first, then the base and transaction currency ones, then the
    # hidden helpers: the order a user reads them in the field picker.
    group_order = list(CURRENCY_GROUPS.values())
    measures.sort(
        key=lambda m: (
            3
            if m.get("hidden") == "yes"
            else group_order.index(m["group_label"]) + 1
            if m.get("group_label") in group_order
            else 0
        )
    )
    taken = set(names.values()) | {str(d["name"]) for d in key_fields} | {pk_field or ""}
    _deduplicate(measures, taken, mart.name, warnings)
    data: dict[str, Any] = {
        "name": mart.name,
        "sql_table_name": f"@{{schema}}.{_identifier(mart.relation, dialect)}",
    }
    if dimensions:
        data["dimensions"] = dimensions
    if groups:
        data["dimension_groups"] = groups
    data["measures"] = measures
    if not key:
        warnings.append(
            f"{mart.name}: no primary key (add a unique test or a primary_key constraint in dbt); measures "
            "over joins to it cannot be de-duplicated"
        )
    return View(
        name=mart.name,
        data=data,
        column_fields=column_fields,
        primary_key_field=pk_field,
        primary_key_columns=key,
        key_fields={column: str(d["name"]) for column, d in zip(key, key_fields, strict=True)},
        warnings=warnings,
        posting_field=context.posting_field,
        period_field=names[period_column] if period_column else None,
        organization_field=names["organization_id"] if mart.column("organization_id") else None,
    )


@dataclass
class _Context:
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


def _period_column(mart: Mart, kinds: Mapping[str, Kind | None]) -> str | None:
    declared = model_period(mart)
    if declared and mart.column(declared):
        return declared
    return next(
        (c.name for c in mart.columns if kinds[c.name] is Kind.DATE and not c.name.startswith("_")), None
    )


def _money_meaning(column: Column, finance: Finance | None) -> str:
    """additive, balance, snapshot or rate: undeclared money adds up (and ``measure: sum`` says so)."""
    if finance is not None and finance.kind in ("additive", "balance", "snapshot", "rate"):
        return finance.kind
    return "additive"


def _row_value_note(description: str, meaning: str | None) -> str:
    note = (
        "A balance as of the last sync: a value per row, never added up."
        if meaning == "snapshot"
        else "A rate or price: a value per row, never added up."
    )
    return f"{description} {note}".strip()


def _bucket_order(
    column: Column, field_name: str, finance: Finance, taken: Any, dialect: Dialect
) -> dict[str, Any]:
    """A hidden dimension giving each bucket its place, so the buckets sort in order, not by name."""
    cases = " ".join(f"WHEN '{value}' THEN {i}" for i, value in enumerate(finance.order, start=1))
    return {
        "name": _free_name(f"{field_name}_order", taken),
        "type": "number",
        "hidden": "yes",
        "description": f"Place of {field_name} in its order: {', '.join(finance.order)}.",
        "sql": f"CASE {_column_sql(column.name, dialect)} {cases} ELSE {len(finance.order) + 1} END",
    }


def _guard(conditions: list[str], value: str) -> str:
    if not conditions:
        return value
    return f"CASE WHEN {' OR '.join(f'${{{c}}} > 1' for c in conditions)} THEN NULL ELSE ${{{value}}} END"


def _currency_guard(
    context: _Context, column: Column, money: Money, finance: Finance | None
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
    context: _Context,
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


def _additive_measures(
    context: _Context, column: Column, field_name: str, money: Money, finance: Finance | None
) -> list[dict[str, Any]]:
    conditions = _currency_guard(context, column, money, finance)
    if conditions is None:
        return []
    currency = money.label(context.reporting_currency)
    description = column.description or _title(field_name)
    name = f"sum_{field_name}" if field_name.startswith("total_") else f"total_{field_name}"
    note = _currency_note(money, conditions)
    out = _checked_measure(
        context, name, f"Total {_title(field_name)} ({currency})", f"Sum of: {description}{note}", money,
        conditions, f"${{{field_name}}}",
    )  # fmt: skip
    if finance is not None and finance.absolute:
        out += _checked_measure(
            context, f"absolute_{field_name}", f"Absolute {_title(field_name)} ({currency})",
            f"Sum of the absolute values of: {description} Differences of either sign add up, never cancel."
            f"{note}", money, conditions, f"ABS(${{{field_name}}})",
        )  # fmt: skip
    return out


def _balance_measures(
    context: _Context, column: Column, field_name: str, money: Money, finance: Finance | None
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
        f"{column.description or _title(field_name)} Added across rows of one period only: empty when the "
        "result holds more than one period (filter or group by the period)."
        f"{_currency_note(money, conditions[1:])}"
    )
    return _checked_measure(
        context, f"period_end_{field_name}", f"{_title(field_name)} ({currency}, period end)", description,
        money, conditions, f"${{{field_name}}}",
    )  # fmt: skip


def _ratio_measures(
    context: _Context, column: Column, field_name: str, finance: Finance
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
        "label": f"{_title(field_name)} (over the result)",
        "description": f"{column.description} Recomputed from its parts, never summed.".strip(),
        "value_format_name": "percent_2",
        "sql": ratio,
    }
    return [measure, *helpers]


def _key_dimensions(
    key: tuple[str, ...], kinds: Mapping[str, Kind | None], names: Mapping[str, str], dialect: Dialect
) -> list[dict[str, Any]]:
    """LAMS's Primary Key Dimensions: ``pk{n}_{column}`` per key column, hidden, first in the view, so a join
    can be checked to meet all ``n`` of them (LAMS K1, K3, K4, E2)."""
    out: list[dict[str, Any]] = []
    taken = set(names.values())
    for column in key:
        kind = kinds[column]
        name = _free_name(f"pk{len(key)}_{column.lstrip('_') or column}", taken)
        taken.add(name)
        out.append(
            {
                "name": name,
                "hidden": "yes",
                "type": "string" if kind is None or _is_time(kind) else kind.value,
                "description": f"Key column {column} ({len(key)} in the dbt primary key).",
                "sql": _column_sql(column, dialect),
            }
        )
    return out


def _is_time(kind: Kind | None) -> bool:
    return kind in (Kind.DATE, Kind.TIMESTAMP, Kind.DATETIME)


def _key_first(columns: tuple[Column, ...], key: str | None) -> list[Column]:
    return sorted(columns, key=lambda c: c.name != key)  # stable: declared order otherwise


def _looker_meta(meta: Mapping[str, Any]) -> Mapping[str, Any]:
    looker = meta.get("looker")
    return looker if isinstance(looker, dict) else {}


def _label_description(column: Column) -> dict[str, str]:
    out = {}
    label = _looker_meta(column.meta).get("label") or column.meta.get("label")
    if isinstance(label, str) and label:
        out["label"] = label
    if column.description:
        out["description"] = column.description
    return out


def _field_names(mart: Mart, kinds: Mapping[str, Kind | None]) -> dict[str, str]:
    """Field name per column: leading ``_`` dropped (audit columns); time columns lose ``_date``/``_at``.

    A shortened name is used only when no other field (or timeframe field ``<group>_<timeframe>``) takes it.
    """
    plain = {c.name: c.name.lstrip("_") or c.name for c in mart.columns}
    taken = {plain[c] for c in plain if not _is_time(kinds[c])}
    names: dict[str, str] = {}
    for column in mart.columns:
        name = plain[column.name]
        if _is_time(kinds[column.name]):
            short = next(
                (name[: -len(s)] for s in _TIME_SUFFIXES if name.endswith(s) and len(name) > len(s)), name
            )
            candidates = [short, name, f"{name}_group"]
            for candidate in candidates:
                produced = {f"{candidate}_{t}" for t in TIME_TIMEFRAMES} | {candidate}
                if not produced & taken:
                    name = candidate
                    break
            taken |= {f"{name}_{t}" for t in TIME_TIMEFRAMES} | {name}
        elif name != column.name and sum(p == name for p in plain.values()) > 1:
            name = f"audit_{name}"
            taken.add(name)
        names[column.name] = name
    return names


def _free_name(name: str, taken: Any) -> str:
    used = set(taken)
    candidate = name
    while candidate in used:
        candidate = f"{candidate}_"
    return candidate


def _identifier(name: str, dialect: Dialect) -> str:
    if _PLAIN_IDENTIFIER.fullmatch(name):
        return name
    q = dialect.identifier_quote
    text = name.upper() if dialect.name == "snowflake" and name.lower() == name else name
    return f"{q}{text.replace(q, q + q)}{q}"


def _column_sql(column: str, dialect: Dialect) -> str:
    return f"${{TABLE}}.{_identifier(column, dialect)}"


def _title(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split("_") if part)


def _meta_measures(
    mart: Mart, column: Column, field_name: str, warnings: list[str], *, skip_sum: bool = False
) -> list[dict[str, Any]]:
    declared: list[Any] = []
    for meta in (column.meta, _looker_meta(column.meta)):
        for key in ("measure", "measures"):
            value = meta.get(key)
            if value:
                declared.extend(value if isinstance(value, list) else [value])
    measures = []
    for item in declared:
        spec = {"type": item} if isinstance(item, str) else dict(item) if isinstance(item, dict) else {}
        kind = str(spec.get("type", "")).lower()
        if skip_sum and kind == "sum":
            continue  # money: its finance meaning writes the sum (checked per currency)
        if kind not in MEASURE_TYPES:
            warnings.append(
                f"{mart.name}.{column.name}: meta measure {item!r} is not one of {sorted(MEASURE_TYPES)}"
            )
            continue
        prefix = "total" if kind == "sum" else kind
        if kind == "sum" and field_name.startswith("total_"):
            prefix = "sum"  # as the money measure: total_total_base reads badly
        measure: dict[str, Any] = {"name": str(spec.get("name") or f"{prefix}_{field_name}"), "type": kind}
        label = spec.get("label")
        if label:
            measure["label"] = str(label)
        description = spec.get("description") or (
            f"{_title(kind)} of: {column.description}" if column.description else ""
        )
        if description:
            measure["description"] = str(description)
        for key in ("value_format_name",):
            if spec.get(key):
                measure[key] = str(spec[key])
        measure["sql"] = f"${{{field_name}}}"
        measures.append(measure)
    return measures


def _freshness_measures(column: Column, group: str, taken: Any, dialect: Dialect) -> list[dict[str, Any]]:
    """Freshness from an audit timestamp (when the last sync landed): the latest value, and hours since."""
    what = column.description or column.name
    latest = {
        "name": _free_name(f"latest_{group}", taken),
        "type": "date",
        "datatype": "timestamp",
        "label": f"Latest {_title(group)}",
        "description": f"Most recent value of: {what}",
        "group_label": AUDIT_GROUP,
        "sql": f"MAX(${{{group}_raw}})",
    }
    hours = {
        "name": _free_name(f"hours_since_{group}", taken),
        "type": "number",
        "label": f"Hours Since {_title(group)}",
        "description": f"Hours from now back to the most recent value of: {what}",
        "group_label": AUDIT_GROUP,
        "value_format_name": "decimal_1",
        "sql": dialect.hours_since(f"MAX(${{{group}_raw}})", with_zone=_with_zone(column.data_type)),
    }
    return [latest, hours]


def _with_zone(data_type: str | None) -> bool:
    text = (data_type or "").lower()
    return "with time zone" in text or text.startswith(("timestamptz", "timestamp_tz", "timestamp_ltz"))


def _deduplicate(measures: list[dict[str, Any]], taken: set[str], view: str, warnings: list[str]) -> None:
    seen = set(taken)
    kinds: dict[str, object] = {}
    for measure in list(measures):
        name = measure["name"]
        if name in seen:
            # meta: {measure: sum} on a money column asks for the sum the money rule already wrote.
            if kinds.get(name) != measure["type"]:
                warnings.append(f"{view}: measure {name} clashes with another field; left out")
            measures.remove(measure)
        else:
            seen.add(name)
            kinds[name] = measure["type"]
