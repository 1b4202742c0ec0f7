"""The offline equivalent of Looker's SQL validation: run every field's and every join's SQL.

For each view, each dimension, dimension-group timeframe and measure is expanded the way Looker expands it
(``@{constant}``, ``${TABLE}`` as the view's alias, ``${field}`` and ``${view.field}`` recursively, measure
types wrapped in their aggregate) and run as ``SELECT <expr> FROM <sql_table_name> AS <view> WHERE 1 = 0``:
the warehouse binds names and types without reading rows. Each explore's joins are run cumulatively in
order, and each datagroup's ``sql_trigger`` is run as written. A failure names the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final

from lookml.project import Explore, Field, LookerProject, View, load_project
from lookml.warehouse import SqlError, SqlRunner

_REFERENCE: Final = re.compile(r"\$\{([^}]*)\}")
_CONSTANT: Final = re.compile(r"@\{(\w+)\}")
_AGGREGATES: Final = {
    "sum": "SUM({})",
    "sum_distinct": "SUM({})",
    "average": "AVG({})",
    "average_distinct": "AVG({})",
    "min": "MIN({})",
    "max": "MAX({})",
    "median": "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY {})",
    "count_distinct": "COUNT(DISTINCT {})",
    "list": "MIN(CAST({} AS VARCHAR))",
}
_PASS_THROUGH: Final = frozenset({"number", "date", "string", "yesno", "date_time", "time"})
_UNCHECKED_MEASURES: Final = frozenset({"percent_of_total", "percent_of_previous", "running_total"})


class ExpansionError(Exception):
    """A ``${}`` reference that cannot be resolved (unknown field or view, or a cycle)."""


@dataclass(frozen=True)
class CheckFailure:
    file: str
    line: int
    what: str  # dimension | dimension_group | measure | join | datagroup | syntax
    name: str  # view.field, explore.join, or the datagroup
    error: str
    sql: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what} {self.name}: {self.error}"


@dataclass
class CheckResult:
    checked: int = 0
    failures: list[CheckFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


class Expander:
    """Expands LookML SQL into plain SQL for one query (an explore's aliases, or a lone view)."""

    def __init__(self, project: LookerProject, aliases: dict[str, str]) -> None:
        self.project = project
        self.aliases = aliases  # alias in the query -> view name

    def constants(self, sql: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.project.constants:
                raise ExpansionError(f"unknown constant @{{{name}}}")
            return self.project.constants[name]

        return _CONSTANT.sub(replace, sql)

    def table(self, view: View) -> str:
        return self.constants(view.sql_table_name)

    def view_of(self, alias: str) -> View:
        name = self.aliases.get(alias, alias)
        view = self.project.views.get(name)
        if view is None:
            raise ExpansionError(f"unknown view {alias}")
        return view

    def sql(self, sql: str, alias: str, stack: tuple[str, ...] = ()) -> str:
        def replace(match: re.Match[str]) -> str:
            reference = match.group(1).strip()
            if reference == "TABLE":
                return alias
            if "." in reference:
                other, name = reference.split(".", 1)
                if name == "SQL_TABLE_NAME":
                    return self.table(self.view_of(other))
                return self.field(other, name, stack)
            return self.field(alias, reference, stack)

        return self.constants(_REFERENCE.sub(replace, sql))

    def field(self, alias: str, reference: str, stack: tuple[str, ...] = ()) -> str:
        key = f"{alias}.{reference}"
        if key in stack:
            raise ExpansionError(f"circular reference: {' -> '.join((*stack, key))}")
        view = self.view_of(alias)
        found = view.find(reference)
        if found is None:
            raise ExpansionError(f"unknown field ${{{key}}} in view {view.name}")
        target, timeframe = found
        return self.expression(alias, target, timeframe, (*stack, key))

    def expression(
        self, alias: str, target: Field, timeframe: str | None, stack: tuple[str, ...] = ()
    ) -> str:
        raw = target.data.get("sql")
        body = self.sql(str(raw), alias, stack) if raw is not None else f"{alias}.{target.name}"
        if target.kind == "dimension_group":
            if timeframe in (None, "raw", "time"):
                return f"({body})"
            return f"CAST(({body}) AS DATE)"
        if target.kind == "measure":
            kind = target.type
            if kind == "count":
                return "COUNT(*)" if raw is None else f"COUNT({body})"
            if kind in _AGGREGATES:
                return _AGGREGATES[kind].format(f"({body})")
            return f"({body})"
        return f"({body})"


# The statements below are built from LookML on purpose: running the model's own SQL is the check.


def _from(expander: Expander, view: View, alias: str) -> str:
    return f"FROM {expander.table(view)} AS {alias}"


def _select_field(expander: Expander, view: View, target: Field) -> str:
    expression = expander.expression(view.name, target, None)
    return f"SELECT {expression} AS checked {_from(expander, view, view.name)} WHERE 1 = 0"


def _select_group(expander: Expander, view: View, group: Field) -> str:
    """The raw value and one truncation: the column exists, and its datatype casts to a date."""
    timeframes = [str(t) for t in group.data.get("timeframes", ["raw"])]
    chosen = [timeframes[0], *[t for t in timeframes[1:] if t not in ("raw", "time")][:1]]
    columns = ", ".join(f"{expander.expression(view.name, group, t)} AS {t}" for t in chosen)
    return f"SELECT {columns} {_from(expander, view, view.name)} WHERE 1 = 0"


def _join_clause(expander: Expander, alias: str, sql_on: object) -> str:
    if not sql_on:
        raise ExpansionError("no sql_on")
    table = expander.table(expander.view_of(alias))
    return f"LEFT JOIN {table} AS {alias} ON {expander.sql(str(sql_on), alias)}"


def _join_query(head: str, clauses: list[str], expander: Expander, alias: str, sql_on: object) -> str:
    return " ".join([head, *clauses, _join_clause(expander, alias, sql_on), "WHERE 1 = 0"])


def check_project(project: LookerProject, runner: SqlRunner) -> CheckResult:
    result = CheckResult()
    for problem in project.problems:
        result.failures.append(
            CheckFailure(problem.file, problem.line, "syntax", problem.file, problem.message, "")
        )
    for view in project.views.values():
        _check_view(project, view, runner, result)
    for explore in project.explores.values():
        _check_explore(project, explore, runner, result)
    for model in project.models:
        expander = Expander(project, {})
        for datagroup in model.data.get("datagroups", []):
            trigger = datagroup.get("sql_trigger")
            if trigger:
                name = str(datagroup["name"])
                line = model.lines.get(name, 1)
                build = partial(expander.constants, str(trigger))
                _run(result, runner, model.file, line, "datagroup", name, build)
    result.failures.sort(key=lambda f: (f.file, f.line, f.name))
    return result


def _run(
    result: CheckResult,
    runner: SqlRunner,
    file: str,
    line: int,
    what: str,
    name: str,
    build: Callable[[], str],
) -> bool:
    result.checked += 1
    sql = ""
    try:
        sql = build()
        runner.execute(sql)
    except (SqlError, ExpansionError) as exc:
        result.failures.append(CheckFailure(file, line, what, name, str(exc), sql))
        return False
    return True


def _check_view(project: LookerProject, view: View, runner: SqlRunner, result: CheckResult) -> None:
    expander = Expander(project, {view.name: view.name})
    for target in view.fields.values():
        if target.kind == "filter" or (target.kind == "measure" and target.type in _UNCHECKED_MEASURES):
            continue
        select = _select_group if target.kind == "dimension_group" else _select_field
        build = partial(select, expander, view, target)
        _run(result, runner, target.file, target.line, target.kind, f"{view.name}.{target.name}", build)


def _check_explore(project: LookerProject, explore: Explore, runner: SqlRunner, result: CheckResult) -> None:
    base = project.views.get(explore.view)
    if base is None:
        failure = CheckFailure(
            explore.file, explore.line, "explore", explore.name, f"unknown view {explore.view}", ""
        )
        result.failures.append(failure)
        return
    aliases = {explore.name: base.name}
    head = f"SELECT 1 {_from(Expander(project, aliases), base, explore.name)}"
    clauses: list[str] = []
    for join in explore.joins:
        aliases[join.name] = join.view
        expander = Expander(project, dict(aliases))
        sql_on = join.data.get("sql_on")
        build = partial(_join_query, head, list(clauses), expander, join.name, sql_on)
        if _run(result, runner, explore.file, join.line, "join", f"{explore.name}.{join.name}", build):
            clauses.append(_join_clause(expander, join.name, sql_on))  # later joins may reference it


def check_lookml(out_dir: Path, runner: SqlRunner) -> CheckResult:
    """Check every view, explore and datagroup of the Looker project at ``out_dir`` against ``runner``."""
    return check_project(load_project(out_dir), runner)
