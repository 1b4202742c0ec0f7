"""Field names and SQL for the columns of a mart: what a view calls each column, and how it selects it.

Field names drop an audit column's leading ``_`` and a time column's ``_date``/``_at`` suffix, but only where
no other field (or a dimension group's ``<group>_<timeframe>``) already takes the shorter name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from lookml.dialects import Dialect, Kind
from lookml.manifest import Column, Mart

DATE_TIMEFRAMES: Final = ("raw", "date", "week", "month", "quarter", "year")

TIME_TIMEFRAMES: Final = ("raw", "time", "date", "week", "month", "quarter", "year")

_TIME_SUFFIXES: Final = ("_date", "_at", "_timestamp", "_time", "_ts")

_PLAIN_IDENTIFIER: Final = re.compile(r"[a-z_][a-z0-9_]*")


def is_time(kind: Kind | None) -> bool:
    return kind in (Kind.DATE, Kind.TIMESTAMP, Kind.DATETIME)


def key_first(columns: tuple[Column, ...], key: str | None) -> list[Column]:
    return sorted(columns, key=lambda c: c.name != key)  # stable: declared order otherwise


def looker_meta(meta: Mapping[str, Any]) -> Mapping[str, Any]:
    looker = meta.get("looker")
    return looker if isinstance(looker, dict) else {}


def label_description(column: Column) -> dict[str, str]:
    out = {}
    label = looker_meta(column.meta).get("label") or column.meta.get("label")
    if isinstance(label, str) and label:
        out["label"] = label
    if column.description:
        out["description"] = column.description
    return out


def field_names(mart: Mart, kinds: Mapping[str, Kind | None]) -> dict[str, str]:
    """Field name per column: leading ``_`` dropped (audit columns); time columns lose ``_date``/``_at``.

    A shortened name is used only when no other field (or timeframe field ``<group>_<timeframe>``) takes it.
    """
    plain = {c.name: c.name.lstrip("_") or c.name for c in mart.columns}
    taken = {plain[c] for c in plain if not is_time(kinds[c])}
    names: dict[str, str] = {}
    for column in mart.columns:
        name = plain[column.name]
        if is_time(kinds[column.name]):
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


def free_name(name: str, taken: Any) -> str:
    used = set(taken)
    candidate = name
    while candidate in used:
        candidate = f"{candidate}_"
    return candidate


def identifier(name: str, dialect: Dialect) -> str:
    if _PLAIN_IDENTIFIER.fullmatch(name):
        return name
    q = dialect.identifier_quote
    text = name.upper() if dialect.name == "snowflake" and name.lower() == name else name
    return f"{q}{text.replace(q, q + q)}{q}"


def column_sql(column: str, dialect: Dialect) -> str:
    return f"${{TABLE}}.{identifier(column, dialect)}"


def title(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split("_") if part)
