"""One LookML view per mart, as data for ``lkml.dump``.

- every column is a dimension with an explicit ``type``; DATE and TIMESTAMP columns are dimension groups;
- the primary key (from dbt) comes first, hidden, as LAMS's Primary Key Dimensions ``pk{n}_{column}``; a
  compound key adds one ``primary_key`` concatenating them; ``count`` is filtered on the key (LAMS F3);
- columns whose names start with ``_`` are audit columns (``_synced_at``, ``_load_id`` ...): "Audit" group;
- money columns (fixed-point, with a currency) get measures by their finance meaning
  (lookml/money_measures.py); reporting-currency measures come first;
- ``meta: {measure: ...}`` in dbt adds measures; every view has a ``count``.

Field names and column SQL are in lookml/view_fields.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from lookml.dialects import Dialect, Kind
from lookml.manifest import Column, Mart
from lookml.money_measures import (
    CURRENCY_GROUPS,
    MeasureContext,
    additive_measures,
    balance_measures,
    money_meaning,
    money_of,
    ratio_measures,
    row_value_note,
)
from lookml.semantics import Finance, finance_of, model_period
from lookml.view_fields import (
    DATE_TIMEFRAMES,
    TIME_TIMEFRAMES,
    column_sql,
    field_names,
    free_name,
    identifier,
    is_time,
    key_first,
    label_description,
    looker_meta,
    title,
)

AUDIT_GROUP: Final = "Audit"
MEASURE_TYPES: Final = frozenset(
    {"sum", "average", "min", "max", "median", "count_distinct", "sum_distinct", "average_distinct"}
)


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


@dataclass
class _Fields:
    """The fields of a view as they are built, in the order they are written."""

    dimensions: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    measures: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Key:
    """The dbt primary key as fields: its ``pk{n}_`` dimensions and the field that is the view's key."""

    columns: tuple[str, ...]
    single: str | None  # the one key column when the key is one non-time column
    dimensions: list[dict[str, Any]]  # pk{n}_ per key column, in key order
    field: str | None
    compound: dict[str, Any] | None = None  # the hidden primary_key joining a compound key's columns


def build_view(mart: Mart, dialect: Dialect, reporting_currency: str) -> View:
    kinds = {c.name: dialect.kind(c.data_type) for c in mart.columns}
    warnings = [
        f"{mart.name}.{c.name}: type {c.data_type!r} is not known; written as a string "
        "(declare data_type in the dbt YAML)"
        for c in mart.columns
        if kinds[c.name] is None
    ]
    names = field_names(mart, kinds)
    column_fields = {
        c.name: f"{names[c.name]}_raw" if is_time(kinds[c.name]) else names[c.name] for c in mart.columns
    }
    finances = {c.name: finance_of(c) for c in mart.columns}
    for column_name, finance in finances.items():
        if finance is not None and finance.problems:
            warnings.extend(f"{mart.name}.{column_name}: {p}" for p in finance.problems)
    period_column = _period_column(mart, kinds)
    context = MeasureContext(mart, names, column_fields, reporting_currency, period_column, warnings)
    key = _primary_key(mart, kinds, names, dialect, warnings)
    fields = _Fields(dimensions=[*key.dimensions, *([key.compound] if key.compound else [])])
    for column in key_first(mart.columns, key.single):
        kind = kinds[column.name] or Kind.STRING
        if is_time(kind):
            _add_time_column(fields, column, kind, names, dialect)
        else:
            _add_column(fields, context, column, kind, finances[column.name], key.single, dialect)
    measures = _ordered_measures(mart, fields.measures, context, names, key.dimensions)
    taken = set(names.values()) | {str(d["name"]) for d in key.dimensions} | {key.field or ""}
    _deduplicate(measures, taken, mart.name, warnings)
    data: dict[str, Any] = {
        "name": mart.name,
        "sql_table_name": f"@{{schema}}.{identifier(mart.relation, dialect)}",
    }
    if fields.dimensions:
        data["dimensions"] = fields.dimensions
    if fields.groups:
        data["dimension_groups"] = fields.groups
    data["measures"] = measures
    if not key.columns:
        warnings.append(
            f"{mart.name}: no primary key (add a unique test or a primary_key constraint in dbt); measures "
            "over joins to it cannot be de-duplicated"
        )
    return View(
        name=mart.name,
        data=data,
        column_fields=column_fields,
        primary_key_field=key.field,
        primary_key_columns=key.columns,
        key_fields={column: str(d["name"]) for column, d in zip(key.columns, key.dimensions, strict=True)},
        warnings=warnings,
        posting_field=context.posting_field,
        period_field=names[period_column] if period_column else None,
        organization_field=names["organization_id"] if mart.column("organization_id") else None,
    )


def _primary_key(
    mart: Mart,
    kinds: Mapping[str, Kind | None],
    names: Mapping[str, str],
    dialect: Dialect,
    warnings: list[str],
) -> _Key:
    """The key's ``pk{n}_`` dimensions; a compound (or time) key adds a hidden ``primary_key`` of them."""
    columns = mart.primary_key if all(mart.column(k) for k in mart.primary_key) else ()
    if mart.primary_key and not columns:
        warnings.append(
            f"{mart.name}: primary key {mart.primary_key} names columns the model does not declare"
        )
    single = columns[0] if len(columns) == 1 and not is_time(kinds[columns[0]]) else None
    dimensions = _key_dimensions(columns, kinds, names, dialect)
    if single is not None:
        dimensions[0]["primary_key"] = "yes"
        return _Key(columns, single, dimensions, str(dimensions[0]["name"]))
    if not columns:
        return _Key(columns, None, dimensions, None)
    pk_field = free_name("primary_key", [*names.values(), *(d["name"] for d in dimensions)])
    compound = {
        "name": pk_field,
        "primary_key": "yes",
        "hidden": "yes",
        "type": "string",
        "sql": dialect.concat([f"${{{d['name']}}}" for d in dimensions]),
        "description": f"Key of the row: {', '.join(columns)} (the dbt primary key).",
    }
    return _Key(columns, None, dimensions, pk_field, compound)


def _add_time_column(
    fields: _Fields, column: Column, kind: Kind, names: Mapping[str, str], dialect: Dialect
) -> None:
    """A dimension group; an audit timestamp also gets its freshness measures."""
    name = names[column.name]
    audit = column.name.startswith("_")
    group: dict[str, Any] = {"name": name, "type": "time"}
    group.update(label_description(column))
    if kind is Kind.DATE:
        group.update(timeframes=list(DATE_TIMEFRAMES), convert_tz="no", datatype="date")
    else:
        group.update(timeframes=list(TIME_TIMEFRAMES), datatype=kind.value)
    if audit:
        group["group_label"] = AUDIT_GROUP
    group["sql"] = column_sql(column.name, dialect)
    fields.groups.append(group)
    if audit and kind is not Kind.DATE:
        fields.measures.extend(_freshness_measures(column, name, names.values(), dialect))


def _add_column(
    fields: _Fields,
    context: MeasureContext,
    column: Column,
    kind: Kind,
    finance: Finance | None,
    single_key: str | None,
    dialect: Dialect,
) -> None:
    """A dimension (and a bucket's order), then the measures its money meaning and ``meta`` ask for."""
    name = context.names[column.name]
    dimension: dict[str, Any] = {"name": name}
    if column.name == single_key:
        dimension["hidden"] = "yes"  # the pk1_ dimension stands for it; kept for the names users know
    dimension["type"] = kind.value
    dimension.update(label_description(column))
    money = money_of(column, dialect) if kind is Kind.NUMBER else None
    meaning = money_meaning(column, finance) if money is not None else None
    if money is not None:
        if meaning in ("additive", "balance"):
            dimension["hidden"] = "yes"
        else:
            dimension["description"] = row_value_note(dimension.get("description", ""), meaning)
        dimension["value_format_name"] = money.value_format_name(context.reporting_currency)
    if column.name.startswith("_"):
        dimension["group_label"] = AUDIT_GROUP
    dimension["sql"] = column_sql(column.name, dialect)
    fields.dimensions.append(dimension)
    if finance is not None and finance.kind == "bucket" and finance.order:
        order = _bucket_order(column, name, finance, context.names.values(), dialect)
        dimension["order_by_field"] = order["name"]
        fields.dimensions.append(order)
    if finance is not None and finance.kind == "posting_flag":
        context.posting_field = name
    if money is not None and meaning == "additive":
        fields.measures.extend(additive_measures(context, column, name, money, finance))
    elif money is not None and meaning == "balance":
        fields.measures.extend(balance_measures(context, column, name, money, finance))
    if finance is not None and finance.kind == "ratio":
        fields.measures.extend(ratio_measures(context, column, name, finance))
    fields.measures.extend(
        _meta_measures(context.mart, column, name, context.warnings, skip_sum=money is not None)
    )


def _ordered_measures(
    mart: Mart,
    measures: list[dict[str, Any]],
    context: MeasureContext,
    names: Mapping[str, str],
    key_dimensions: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """``count`` first, then the reporting-currency (and plain) measures, the base and transaction currency
    ones, then the hidden helpers: the order a user reads them in the field picker."""
    count: dict[str, Any] = {"name": free_name("count", names.values()), "type": "count"}
    count["description"] = f"Number of rows. {mart.description}".strip()
    if key_dimensions:
        # LAMS F3: a count filtered on its key counts this view's rows even where a join leaves it empty.
        first = key_dimensions[0]
        count["filters__all"] = [[{first["name"]: "NOT NULL" if first["type"] == "number" else "-NULL"}]]
    ordered = [count, *measures, *context.helpers.values()]
    group_order = list(CURRENCY_GROUPS.values())
    ordered.sort(
        key=lambda m: (
            3
            if m.get("hidden") == "yes"
            else group_order.index(m["group_label"]) + 1
            if m.get("group_label") in group_order
            else 0
        )
    )
    return ordered


def _period_column(mart: Mart, kinds: Mapping[str, Kind | None]) -> str | None:
    declared = model_period(mart)
    if declared and mart.column(declared):
        return declared
    return next(
        (c.name for c in mart.columns if kinds[c.name] is Kind.DATE and not c.name.startswith("_")), None
    )


def _bucket_order(
    column: Column, field_name: str, finance: Finance, taken: Any, dialect: Dialect
) -> dict[str, Any]:
    """A hidden dimension giving each bucket its place, so the buckets sort in order, not by name."""
    cases = " ".join(f"WHEN '{value}' THEN {i}" for i, value in enumerate(finance.order, start=1))
    return {
        "name": free_name(f"{field_name}_order", taken),
        "type": "number",
        "hidden": "yes",
        "description": f"Place of {field_name} in its order: {', '.join(finance.order)}.",
        "sql": f"CASE {column_sql(column.name, dialect)} {cases} ELSE {len(finance.order) + 1} END",
    }


def _key_dimensions(
    key: tuple[str, ...], kinds: Mapping[str, Kind | None], names: Mapping[str, str], dialect: Dialect
) -> list[dict[str, Any]]:
    """LAMS's Primary Key Dimensions: ``pk{n}_{column}`` per key column, hidden, first in the view, so a join
    can be checked to meet all ``n`` of them (LAMS K1, K3, K4, E2)."""
    out: list[dict[str, Any]] = []
    taken = set(names.values())
    for column in key:
        kind = kinds[column]
        name = free_name(f"pk{len(key)}_{column.lstrip('_') or column}", taken)
        taken.add(name)
        out.append(
            {
                "name": name,
                "hidden": "yes",
                "type": "string" if kind is None or is_time(kind) else kind.value,
                "description": f"Key column {column} ({len(key)} in the dbt primary key).",
                "sql": column_sql(column, dialect),
            }
        )
    return out


def _meta_measures(
    mart: Mart, column: Column, field_name: str, warnings: list[str], *, skip_sum: bool = False
) -> list[dict[str, Any]]:
    declared: list[Any] = []
    for meta in (column.meta, looker_meta(column.meta)):
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
            f"{title(kind)} of: {column.description}" if column.description else ""
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
        "name": free_name(f"latest_{group}", taken),
        "type": "date",
        "datatype": "timestamp",
        "label": f"Latest {title(group)}",
        "description": f"Most recent value of: {what}",
        "group_label": AUDIT_GROUP,
        "sql": f"MAX(${{{group}_raw}})",
    }
    hours = {
        "name": free_name(f"hours_since_{group}", taken),
        "type": "number",
        "label": f"Hours Since {title(group)}",
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
