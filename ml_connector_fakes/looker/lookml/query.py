"""An explore's fields as the API lists them, and an explore query compiled to SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ml_connector_fakes.looker.lookml.parsed import LExplore, LField, LModel, LProject, primary_key
from ml_connector_fakes.looker.lookml.vocabulary import (
    CONSTANT,
    JOIN_TYPES,
    REFERENCE,
    TIMEFRAME_SQL,
    references,
)


@dataclass(frozen=True)
class ExploreField:
    name: str  # alias.field
    alias: str
    lfield: LField
    part: str | None  # timeframe or interval of a dimension group

    @property
    def is_measure(self) -> bool:
        return self.lfield.kind == "measure"


def explore_fields(model: LModel, explore: LExplore) -> list[ExploreField]:
    """Every field the explore offers, as ``alias.field``; join ``fields:`` lists narrow a join's set."""
    result: list[ExploreField] = []
    for alias, view_name in explore.aliases().items():
        view = model.views.get(view_name)
        if view is None:
            continue
        allowed: set[str] | None = None
        join = next((j for j in explore.joins if j.name == alias), None)
        fields_node = (
            join.node.get("fields") if join else explore.node.get("fields") if alias == explore.name else None
        )
        if fields_node is not None and fields_node.items is not None:
            items = fields_node.items
            if "ALL_FIELDS*" not in items and f"{alias}.ALL_FIELDS*" not in items:
                allowed = {i.rpartition(".")[2] for i in items if not i.startswith("-")}
        keyless_join = alias != explore.name and primary_key(view) is None
        for name, lfield in view.fields.items():
            if lfield.kind not in {"dimension", "dimension_group", "measure"}:
                continue
            if keyless_join and lfield.kind == "measure":
                continue  # no symmetric aggregates without a primary key: Looker drops the measure
            if allowed is not None and name not in allowed and lfield.name not in allowed:
                continue
            part = next((p for n, p in lfield.expanded() if n == name), None)
            result.append(ExploreField(f"{alias}.{name}", alias, lfield, part))
    return result


class CompileError(Exception):
    """The query cannot be compiled (unknown field, circular reference)."""


class _Compiler:
    def __init__(self, project: LProject, model: LModel, explore: LExplore) -> None:
        self.project = project
        self.model = model
        self.explore = explore
        self.aliases = explore.aliases()
        self.used_aliases: set[str] = set()
        self._stack: list[str] = []

    def constants(self, sql: str) -> str:
        return CONSTANT.sub(lambda m: self.project.constants.get(m.group(1), m.group(0)), sql)

    def table(self, alias: str) -> str:
        view = self.model.views[self.aliases[alias]]
        return self.constants(view.table_sql or view.name)

    def substitute(self, sql: str, alias: str | None) -> str:
        def replace(match: re.Match[str]) -> str:
            ref = match.group(1).strip()
            if ref == "TABLE":
                if alias is None:
                    raise CompileError("${TABLE} outside a view")
                self.used_aliases.add(alias)
                return alias
            ref_alias, _, name = ref.rpartition(".")
            ref_alias = ref_alias or alias or ""
            if ref_alias not in self.aliases:
                raise CompileError(f'Unknown or inaccessible field "{ref}"')
            self.used_aliases.add(ref_alias)
            if name == "SQL_TABLE_NAME":
                return self.table(ref_alias)
            return self.expression(ref_alias, name)

        return self.constants(REFERENCE.sub(replace, sql))

    def expression(self, alias: str, name: str) -> str:
        """The SQL of ``alias.name``: a dimension's value or a measure's aggregate."""
        view = self.model.views.get(self.aliases.get(alias, ""))
        if view is None or name not in view.fields:
            raise CompileError(f'Unknown or inaccessible field "{alias}.{name}"')
        key = f"{alias}.{name}"
        if key in self._stack:
            raise CompileError(f'Circular reference through "{key}"')
        self._stack.append(key)
        try:
            lfield = view.fields[name]
            part = next((p for n, p in lfield.expanded() if n == name), None)
            return self._field_sql(alias, lfield, part)
        finally:
            self._stack.pop()

    def _field_sql(self, alias: str, lfield: LField, part: str | None) -> str:
        raw = lfield.sql
        if lfield.kind == "dimension_group" and lfield.type == "duration":
            start = self.substitute(lfield.node.text("sql_start") or "NULL", alias)
            end = self.substitute(lfield.node.text("sql_end") or "NULL", alias)
            return f"EXTRACT(EPOCH FROM (CAST({end} AS TIMESTAMP) - CAST({start} AS TIMESTAMP)))"
        if lfield.kind == "dimension_group":
            value = self.substitute(raw or f"${{TABLE}}.{lfield.name}", alias)
            return TIMEFRAME_SQL.get(part or "raw", "{x}").format(x=value)
        if lfield.kind == "measure":
            kind = lfield.type
            if kind == "count":
                pk = next((f for f in self.model.views[lfield.view].fields.values() if f.primary_key), None)
                if pk is None:
                    return "COUNT(*)"
                return f"COUNT(DISTINCT {self.expression(alias, pk.name)})"
            value = self.substitute(raw or "NULL", alias)
            aggregate = {
                "count_distinct": "COUNT(DISTINCT {x})",
                "sum": "COALESCE(SUM({x}), 0)",
                "sum_distinct": "COALESCE(SUM(DISTINCT {x}), 0)",
                "average": "AVG({x})",
                "average_distinct": "AVG(DISTINCT {x})",
                "min": "MIN({x})",
                "max": "MAX({x})",
                "median": "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY {x})",
                "median_distinct": "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY {x})",
                "list": "STRING_AGG(DISTINCT CAST({x} AS VARCHAR), '|')",
            }.get(kind, "{x}")
            return aggregate.format(x=value)
        value = self.substitute(raw or f"${{TABLE}}.{lfield.name}", alias)
        if lfield.type == "yesno":
            return f"CASE WHEN {value} THEN 'Yes' ELSE 'No' END"
        return value


def compile_query(
    project: LProject, model: LModel, explore: LExplore, fields: list[str], limit: int | None
) -> str:
    """Looker-style SQL for ``fields`` of ``explore``: joins pruned to the ones the fields need."""
    if not fields:
        raise CompileError("The query has no fields")
    compiler = _Compiler(project, model, explore)
    compiler.used_aliases.add(explore.name)
    selects: list[str] = []
    group_by: list[str] = []
    has_measure = False
    for name in fields:
        alias, _, field_name = name.rpartition(".")
        if alias not in compiler.aliases:
            raise CompileError(f'Unknown or inaccessible field "{name}"')
        compiler.used_aliases.add(alias)
        expression = compiler.expression(alias, field_name)
        view = compiler.model.views[compiler.aliases[alias]]
        lfield = view.fields[field_name]
        if lfield.kind == "measure":
            if alias != explore.name and primary_key(view) is None:
                raise CompileError(
                    f'Measure "{name}" is not available: view "{view.name}" has no primary key, so its '
                    "measures do not come through the join"
                )
            has_measure = True
        else:
            group_by.append(str(len(selects) + 1))
        selects.append(f'    {expression} AS "{name}"')
    # A join is needed by the fields it serves and by every join its sql_on leans on.
    joins: list[str] = []
    needed = set(compiler.used_aliases)
    for join in reversed(explore.joins):
        if join.name in needed and join.sql_on:
            needed.update(a for a in (r.rpartition(".")[0] for r in references(join.sql_on)) if a)
    for join in explore.joins:
        if join.name not in needed:
            continue
        kind = JOIN_TYPES.get(join.node.text("type") or "left_outer", "LEFT JOIN")
        on = "" if kind == "CROSS JOIN" else f" ON {compiler.substitute(join.sql_on or 'TRUE', None)}"
        joins.append(f"{kind} {compiler.table(join.name)} AS {join.name}{on}")
    sql = "SELECT\n" + ",\n".join(selects) + f"\nFROM {compiler.table(explore.name)} AS {explore.name}\n"
    sql += "".join(j + "\n" for j in joins)
    if has_measure and group_by:
        sql += "GROUP BY " + ", ".join(group_by) + "\n"
    if limit is not None and limit >= 0:
        sql += f"LIMIT {limit}"
    return sql.rstrip("\n")
