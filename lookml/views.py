"""One LookML view per mart, as data for ``lkml.dump``.

- every column is a dimension with an explicit ``type``; DATE and TIMESTAMP columns are dimension groups;
- the primary key (from dbt) is the first field, hidden; a compound key becomes one concatenated key;
- columns whose names start with ``_`` are audit columns (``_synced_at``, ``_load_id`` ...): "Audit" group;
- money columns (fixed-point, with a currency) are hidden dimensions behind ``sum`` measures labelled and
  formatted by currency; ``meta: {measure: ...}`` in dbt adds measures; every view has a ``count``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from lookml.dialects import Dialect, Kind
from lookml.manifest import Column, Mart

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
    key = mart.primary_key if all(mart.column(k) for k in mart.primary_key) else ()
    if mart.primary_key and not key:
        warnings.append(
            f"{mart.name}: primary key {mart.primary_key} names columns the model does not declare"
        )
    single_key = key[0] if len(key) == 1 and not _is_time(kinds[key[0]]) else None
    pk_field: str | None = None
    if key and single_key is None:
        pk_field = _free_name("primary_key", names.values())
        dimensions.append(
            {
                "name": pk_field,
                "primary_key": "yes",
                "hidden": "yes",
                "type": "string",
                "sql": dialect.concat([_column_sql(c, dialect) for c in key]),
                "description": f"Key of the row: {', '.join(key)} (the dbt primary key).",
            }
        )
    elif single_key is not None:
        pk_field = names[single_key]

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
            dimension.update(primary_key="yes", hidden="yes")
        dimension["type"] = kind.value
        dimension.update(_label_description(column))
        money = money_of(column, dialect) if kind is Kind.NUMBER else None
        if money is not None:
            dimension["hidden"] = "yes"
            dimension["value_format_name"] = money.value_format_name(reporting_currency)
        if audit:
            dimension["group_label"] = AUDIT_GROUP
        dimension["sql"] = _column_sql(column.name, dialect)
        dimensions.append(dimension)
        if money is not None:
            measures.append(_money_measure(column, name, money, reporting_currency))
        measures.extend(_meta_measures(mart, column, name, warnings))

    count: dict[str, Any] = {"name": _free_name("count", names.values()), "type": "count"}
    count["description"] = f"Number of rows. {mart.description}".strip()
    measures.insert(0, count)
    _deduplicate(measures, set(names.values()) | {pk_field or ""}, mart.name, warnings)
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
        warnings=warnings,
    )


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


def _money_measure(column: Column, field_name: str, money: Money, reporting_currency: str) -> dict[str, Any]:
    currency = money.label(reporting_currency)
    measure: dict[str, Any] = {
        "name": f"sum_{field_name}" if field_name.startswith("total_") else f"total_{field_name}",
        "type": "sum",
        "label": f"Total {_title(field_name)} ({currency})",
    }
    description = column.description or _title(field_name)
    note = ""
    if money.currency in ROW_CURRENCIES:
        note = f" Amounts are in each row's {currency}: filter or group by currency before adding them up."
    measure["description"] = f"Sum of: {description}{note}"
    measure["value_format_name"] = money.value_format_name(reporting_currency)
    measure["sql"] = f"${{{field_name}}}"
    return measure


def _meta_measures(mart: Mart, column: Column, field_name: str, warnings: list[str]) -> list[dict[str, Any]]:
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
