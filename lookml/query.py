"""Compile a query on a generated explore into SQL the way Looker runs it, to check numbers offline.

A query is an explore, its fields, filters (Looker filter expressions) and sorts, as a Look or a dashboard
tile states them. The SQL has what Looker adds: the joins the fields, filters and access filters need (and
the joins their ``sql_on`` leans on), the explore's ``always_filter`` (its default, unless the query filters
the same field), each ``access_filter`` from the user's attribute values, ``GROUP BY`` the dimensions and
``ORDER BY`` through ``order_by_field``. A join's ``fields`` list limits what it offers, as in Looker.

Only what the generated explores need: measures of the explore's own view (joins offer dimensions only, so
no symmetric aggregates are needed), and the filter expressions listed in ``condition``. Anything else is a
``QueryError``, never a silently different query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from lookml.check import Expander, ExpansionError
from lookml.project import Explore, Field, Join, LookerProject

_REFERENCE: Final = re.compile(r"\$\{([^}]*)\}")
_MONTH: Final = re.compile(r"(\d{4})-(\d{2})")
_DAY: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR: Final = re.compile(r"(\d{4})")
_MONTHS_AGO: Final = re.compile(r"(\d+) months? ago for (\d+) months?")
_TIMEFRAMES: Final = {
    "raw": "{x}",
    "time": "{x}",
    "date": "CAST({x} AS DATE)",
    "week": "CAST(DATE_TRUNC('week', {x}) AS DATE)",
    "month": "CAST(DATE_TRUNC('month', {x}) AS DATE)",
    "quarter": "CAST(DATE_TRUNC('quarter', {x}) AS DATE)",
    "year": "CAST(EXTRACT(YEAR FROM {x}) AS INTEGER)",
}


class QueryError(Exception):
    """The query cannot run as asked: a field the explore does not offer, a missing user attribute, an
    unsupported filter expression."""


@dataclass(frozen=True)
class Query:
    explore: str
    fields: tuple[str, ...]
    filters: Mapping[str, str] = field(default_factory=dict)  # field -> Looker filter expression
    sorts: tuple[str, ...] = ()  # "view.field" or "view.field desc"
    limit: int | None = None


@dataclass(frozen=True)
class _Resolved:
    alias: str
    target: Field
    timeframe: str | None


class _Compiler:
    def __init__(self, project: LookerProject, explore: Explore) -> None:
        self.project = project
        self.explore = explore
        self.joins: dict[str, Join] = {j.name: j for j in explore.joins}
        aliases = {explore.name: explore.view} | {j.name: j.view for j in explore.joins}
        self.expander = Expander(project, aliases)
        self.used: set[str] = {explore.name}

    def resolve(self, name: str) -> _Resolved:
        alias, _, reference = name.rpartition(".")
        if alias != self.explore.name and alias not in self.joins:
            raise QueryError(f"{name}: {alias} is not in explore {self.explore.name}")
        join = self.joins.get(alias)
        offered = join.data.get("fields") if join is not None else None
        if offered is not None and reference not in offered:
            raise QueryError(f"{name}: join {alias} of explore {self.explore.name} does not offer it")
        found = self.expander.view_of(alias).find(reference)
        if found is None:
            raise QueryError(f"{name}: no such field")
        self.used.add(alias)
        return _Resolved(alias, found[0], found[1])

    def sql(self, resolved: _Resolved) -> str:
        try:
            if resolved.target.kind == "dimension_group":
                raw = self.expander.expression(resolved.alias, resolved.target, "raw")
                return _TIMEFRAMES[resolved.timeframe or "raw"].format(x=raw)
            expression = self.expander.expression(resolved.alias, resolved.target, None)
        except ExpansionError as exc:
            raise QueryError(str(exc)) from None
        for reference in _REFERENCE.findall(str(resolved.target.data.get("sql") or "")):
            if "." in reference and reference.split(".", 1)[0] not in ("TABLE",):
                self.used.add(reference.split(".", 1)[0])
        if resolved.target.kind == "dimension" and resolved.target.type == "yesno":
            return f"CASE WHEN {expression} THEN 'Yes' ELSE 'No' END"
        return expression

    def condition(self, name: str, expression: str, today: date) -> str | None:
        """The WHERE condition of a filter; None for an empty expression (no filter)."""
        resolved = self.resolve(name)
        if resolved.target.kind == "measure":
            raise QueryError(f"{name}: filters on measures are not supported here")
        text = expression.strip()
        if not text:
            return None
        if resolved.target.kind == "dimension_group":
            raw = self.expander.expression(resolved.alias, resolved.target, "raw")
            start, end = _date_range(text, today)
            return f"({raw} >= DATE '{start.isoformat()}' AND {raw} < DATE '{end.isoformat()}')"
        value = self.expander.expression(resolved.alias, resolved.target, None)
        if resolved.target.type == "yesno":
            if text.lower() not in ("yes", "no"):
                raise QueryError(f"{name}: a yes/no filter is Yes or No, not {expression!r}")
            return f"({value})" if text.lower() == "yes" else f"NOT ({value})"
        if any(c in text for c in "%_-^") and not _DAY.fullmatch(text):
            raise QueryError(f"{name}: filter expression {expression!r} is not supported here")
        values = [v.strip() for v in text.split(",") if v.strip()]
        if resolved.target.type == "number":
            return f"{value} IN ({', '.join(str(float(v)) for v in values)})"
        quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
        return f"{value} IN ({quoted})"

    def join_clauses(self) -> list[str]:
        """The joins the query uses, and those their ``sql_on`` reference, in the explore's order."""
        needed = set(self.used)
        for join in reversed(self.explore.joins):
            if join.name in needed:
                for reference in _REFERENCE.findall(str(join.data.get("sql_on") or "")):
                    needed.add(reference.split(".", 1)[0])
        clauses = []
        for join in self.explore.joins:
            if join.name not in needed:
                continue
            if join.data.get("relationship") not in ("many_to_one", "one_to_one"):
                raise QueryError(
                    f"join {join.name}: a {join.data.get('relationship')} join needs symmetric aggregates"
                )
            table = self.expander.table(self.expander.view_of(join.name))
            on = self.expander.sql(str(join.data["sql_on"]), join.name)
            clauses.append(f"LEFT JOIN {table} AS {join.name} ON {on}")
        return clauses


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _date_range(text: str, today: date) -> tuple[date, date]:
    """[start, end) of a date filter: ``2026-10``, ``2026-10-31``, ``2026``, ``N months ago for M months``."""
    if match := _DAY.fullmatch(text):
        start = date(int(match[1]), int(match[2]), int(match[3]))
        return start, date.fromordinal(start.toordinal() + 1)
    if match := _MONTH.fullmatch(text):
        start = date(int(match[1]), int(match[2]), 1)
        return start, _add_months(start, 1)
    if match := _YEAR.fullmatch(text):
        return date(int(match[1]), 1, 1), date(int(match[1]) + 1, 1, 1)
    if match := _MONTHS_AGO.fullmatch(text.lower()):
        start = _add_months(today.replace(day=1), -int(match[1]))
        return start, _add_months(start, int(match[2]))
    raise QueryError(f"date filter expression {text!r} is not supported here")


def _always_filters(explore: Explore) -> dict[str, str]:
    always = explore.data.get("always_filter") or {}
    out: dict[str, str] = {}
    for group in always.get("filters__all", []):
        for item in group:
            out.update({str(k): str(v) for k, v in item.items()})
    return out


def compile_query(
    project: LookerProject,
    query: Query,
    user_attributes: Mapping[str, str],
    *,
    today: date | None = None,
    join_all: bool = False,
) -> str:
    """The SQL Looker would run for ``query`` by a user with ``user_attributes``; ``join_all`` joins every
    join of the explore (Looker joins only what the query needs: the result must not change)."""
    explore = project.explores.get(query.explore)
    if explore is None:
        raise QueryError(f"no explore {query.explore}")
    if not query.fields:
        raise QueryError("the query has no fields")
    compiler = _Compiler(project, explore)
    today = today or date.today()
    selects, groups, order_sql = _select(compiler, explore, query.fields)
    conditions = _conditions(compiler, explore, query.filters, user_attributes, today)
    if join_all:
        compiler.used.update(compiler.joins)
    base = compiler.expander.table(compiler.expander.view_of(explore.name))
    sql = f"SELECT {', '.join(selects)} FROM {base} AS {explore.name}"  # noqa: S608 - the model's own SQL
    for clause in compiler.join_clauses():
        sql += f" {clause}"
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    if groups:
        sql += " GROUP BY " + ", ".join(groups)  # Looker groups by the dimensions, measures or not
    if query.sorts:
        sql += " ORDER BY " + ", ".join(_sort(order_sql, s) for s in query.sorts)
    if query.limit is not None:
        sql += f" LIMIT {int(query.limit)}"
    return sql


def _select(
    compiler: _Compiler, explore: Explore, fields: Sequence[str]
) -> tuple[list[str], list[str], dict[str, str]]:
    """The SELECT list, the GROUP BY expressions (the dimensions and their ``order_by_field``), and the
    expression each field sorts by."""
    selects: list[str] = []
    groups: list[str] = []
    order_sql: dict[str, str] = {}
    for name in fields:
        resolved = compiler.resolve(name)
        if resolved.target.kind == "measure" and resolved.alias != explore.name:
            raise QueryError(f"{name}: a joined view's measure needs symmetric aggregates")
        expression = compiler.sql(resolved)
        selects.append(f'{expression} AS "{name}"')
        if resolved.target.kind != "measure":
            groups.append(expression)
            order_by = resolved.target.data.get("order_by_field")
            if order_by:
                order_expression = compiler.sql(compiler.resolve(f"{resolved.alias}.{order_by}"))
                groups.append(order_expression)
                order_sql[name] = order_expression
        order_sql.setdefault(name, f'"{name}"')
    return selects, groups, order_sql


def _conditions(
    compiler: _Compiler,
    explore: Explore,
    filters: Mapping[str, str],
    user_attributes: Mapping[str, str],
    today: date,
) -> list[str]:
    """The WHERE conditions: the query's filters over the explore's ``always_filter``, then each access
    filter from the user's attribute (one without a value is a QueryError: Looker would return nothing)."""
    conditions: list[str] = []
    for name, expression in sorted({**_always_filters(explore), **filters}.items()):
        condition = compiler.condition(name, expression, today)
        if condition is not None:
            conditions.append(condition)
    for access in explore.data.get("access_filters", []):
        attribute = str(access["user_attribute"])
        value = user_attributes.get(attribute)
        if value is None:
            raise QueryError(
                f"user attribute {attribute} has no value for this user: the query returns nothing"
            )
        condition = compiler.condition(str(access["field"]), value, today)
        conditions.append(condition or "FALSE")
    return conditions


def _sort(order_sql: Mapping[str, str], sort: str) -> str:
    name, _, direction = sort.partition(" ")
    if name not in order_sql:
        raise QueryError(f"sort {sort}: not a field of the query")
    return f"{order_sql[name]} {'DESC' if direction.strip().lower() == 'desc' else 'ASC'}"


def dashboard_query(
    element: Mapping[str, Any],
    filter_values: Mapping[str, str],
    dashboard_filters: Sequence[Mapping[str, Any]],
) -> Query:
    """A dashboard tile's query: its fields, sorts and filters, plus the dashboard filters it listens to
    (``filter_values`` by filter name, else each filter's default value)."""
    defaults = {str(f["name"]): str(f.get("default_value") or "") for f in dashboard_filters}
    filters = {str(k): str(v) for k, v in (element.get("filters") or {}).items()}
    for name, target in (element.get("listen") or {}).items():
        filters[str(target)] = filter_values.get(str(name), defaults.get(str(name), ""))
    limit = element.get("limit")
    return Query(
        explore=str(element["explore"]),
        fields=tuple(str(f) for f in element.get("fields") or ()),
        filters=filters,
        sorts=tuple(str(s) for s in element.get("sorts") or ()),
        limit=int(limit) if limit is not None else None,
    )
