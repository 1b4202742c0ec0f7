"""The fake's LookML engine: parse a project's files with ``lkml``, validate them, list explore fields and
compile explore queries to SQL.

It is written independently of the connector's own LookML reader on purpose: it plays Looker, so a mistake
in the generator or the client is caught by a second implementation rather than agreed with.

Supported: models (``connection``, ``include`` globs, ``explore``, ``datagroup``, ``persist_with``), views
(``sql_table_name``, ``derived_table.sql``, refinements ``view: +name``), dimensions, dimension groups
(``time`` and ``duration``), measures, joins (``sql_on``, ``from``, ``type``, ``relationship``), manifest
``constant``\\ s (``@{name}``) and ``${TABLE}`` / ``${field}`` / ``${view.field}`` /
``${view.SQL_TABLE_NAME}`` substitution. Not supported: Liquid, ``extends``, measure ``filters`` (ignored
when compiling), symmetric aggregates.

Validation rejects what Looker rejects (D134): unknown parameters and types, unknown fields in SQL, joins,
measure ``filters``, ``fields`` lists, ``access_filter``, ``always_filter`` and ``conditionally_filter``;
two primary keys in a view; undefined ``@{constants}``; unknown ``value_format_name``; and the included
LookML dashboards' models, explores, fields and listened filters. A joined view without a primary key
offers no measures through the join, as in Looker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import lkml
import yaml  # type: ignore[import-untyped]
from lkml import tree

# --- what LookML allows (the subset the fake knows; anything else is an unknown parameter) ------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COMMON_FIELD: Final = _words(
    """type sql label description hidden group_label group_item_label view_label value_format
    value_format_name html link tags drill_fields alias can_filter required_access_grants suggestable
    label_from_parameter required_fields sortable action allowed_value precision order_by_field convert_tz
    datatype"""
)
DIMENSION_PARAMS: Final = _COMMON_FIELD | _words(
    """primary_key case tiers style full_suggestions sql_latitude sql_longitude map_layer_name
    skip_drill_filter allow_fill suggest_dimension suggest_explore suggestions string_datatype
    bypass_suggest_restrictions units end_location_field start_location_field suggest_persist_for
    case_sensitive"""
)
DIMENSION_GROUP_PARAMS: Final = _COMMON_FIELD | _words(
    "timeframes intervals sql_start sql_end fiscal_month_offset week_start_day allow_fill skip_drill_filter"
)
MEASURE_PARAMS: Final = _COMMON_FIELD | _words(
    """filters sql_distinct_key percentile approximate approximate_threshold list_field
    allow_approximate_optimization direction default_value"""
)
FILTER_PARAMS: Final = _COMMON_FIELD | _words("default_value suggestions suggest_dimension suggest_explore")
VIEW_PARAMS: Final = _words(
    """sql_table_name derived_table label extends extension dimension dimension_group measure filter
    parameter set drill_fields suggestions required_access_grants view_label fields_hidden_by_default"""
)
EXPLORE_PARAMS: Final = _words(
    """from view_name label description group_label hidden join fields sql_always_where always_filter
    conditionally_filter persist_with persist_for view_label always_join access_filter extends extension
    symmetric_aggregates tags required_access_grants cancel_grouping_fields case_sensitive
    sql_always_having query aggregate_table sql_preamble final"""
)
JOIN_PARAMS: Final = _words(
    """sql_on relationship type from view_label fields foreign_key sql_where sql_table_name required_joins
    outer_only sql required_access_grants"""
)
MODEL_PARAMS: Final = _words(
    """connection include label datagroup persist_with persist_for explore access_grant week_start_day
    fiscal_month_offset case_sensitive named_value_format map_layer test view"""
)
DATAGROUP_PARAMS: Final = _words("sql_trigger max_cache_age label description interval_trigger")

DIMENSION_TYPES: Final = _words("string number yesno tier zipcode location date date_time time distance bin")
GROUP_TYPES: Final = _words("time duration")
MEASURE_TYPES: Final = _words(
    """count count_distinct sum sum_distinct average average_distinct min max median median_distinct
    percentile percentile_distinct list number string date yesno"""
)
RELATIONSHIPS: Final = _words("many_to_one one_to_one one_to_many many_to_many")
JOIN_TYPES: Final = {
    "left_outer": "LEFT JOIN",
    "inner": "INNER JOIN",
    "full_outer": "FULL OUTER JOIN",
    "cross": "CROSS JOIN",
}
DEFAULT_TIMEFRAMES: Final = ("raw", "time", "date", "week", "month", "quarter", "year")
DEFAULT_INTERVALS: Final = ("day", "hour", "minute", "second")
_TIMEFRAME_SQL: Final = {
    "raw": "{x}",
    "time": "CAST({x} AS TIMESTAMP)",
    "date": "CAST({x} AS DATE)",
    "week": "CAST(DATE_TRUNC('week', {x}) AS DATE)",
    "month": "CAST(DATE_TRUNC('month', {x}) AS DATE)",
    "quarter": "CAST(DATE_TRUNC('quarter', {x}) AS DATE)",
    "year": "EXTRACT(YEAR FROM {x})",
    "month_num": "EXTRACT(MONTH FROM {x})",
    "day_of_month": "EXTRACT(DAY FROM {x})",
    "day_of_week_index": "EXTRACT(DOW FROM {x})",
    "day_of_year": "EXTRACT(DOY FROM {x})",
    "week_of_year": "EXTRACT(WEEK FROM {x})",
    "quarter_of_year": "EXTRACT(QUARTER FROM {x})",
    "hour_of_day": "EXTRACT(HOUR FROM {x})",
    "hour": "DATE_TRUNC('hour', {x})",
    "minute": "DATE_TRUNC('minute', {x})",
    "second": "DATE_TRUNC('second', {x})",
}
_REFERENCE: Final = re.compile(r"\$\{([^}]*)\}")
_CONSTANT: Final = re.compile(r"@\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SYNTAX_LINE: Final = re.compile(r"line (\d+)")
# Looker's built-in value formats; a model adds its own with named_value_format.
VALUE_FORMAT_NAMES: Final = _words(
    """decimal_0 decimal_1 decimal_2 decimal_3 decimal_4 usd_0 usd gbp_0 gbp eur_0 eur id
    percent_0 percent_1 percent_2 percent_3 percent_4"""
)


# --- the parsed tree, with line numbers -------------------------------------------------------------------


@dataclass
class Node:
    """One LookML key: ``key: value``, ``key: [..]`` or ``key: name { ... }``, with the line it starts on."""

    key: str
    line: int | None
    name: str | None = None
    value: str | None = None
    items: list[str] | None = None
    children: list[Node] = field(default_factory=list)
    is_block: bool = False

    def get(self, key: str) -> Node | None:
        return next((c for c in self.children if c.key == key), None)

    def text(self, key: str) -> str | None:
        child = self.get(key)
        return None if child is None else child.value

    def all(self, key: str) -> list[Node]:
        return [c for c in self.children if c.key == key]


def _convert(container: tree.ContainerNode) -> list[Node]:
    nodes: list[Node] = []
    for item in container.items:
        key = item.type.value
        line = item.type.line_number
        if isinstance(item, tree.BlockNode):
            name = item.name.value if item.name is not None else None
            nodes.append(Node(key, line, name=name, children=_convert(item.container), is_block=True))
        elif isinstance(item, tree.ListNode):
            values: list[str] = []
            children: list[Node] = []
            for entry in item.items:
                if isinstance(entry, tree.PairNode):
                    children.append(Node(entry.type.value, entry.type.line_number, value=entry.value.value))
                else:
                    values.append(entry.value)
            nodes.append(Node(key, line, items=values, children=children))
        else:
            nodes.append(Node(key, line, value=item.value.value.strip()))
    return nodes


# --- the project model ------------------------------------------------------------------------------------


@dataclass
class Problem:
    """One finding of project validation, shaped like Looker's ``ProjectError``."""

    severity: str  # fatal | error | warning | info
    kind: str
    code: str
    message: str
    file_path: str
    line_number: int | None
    model_id: str | None = None
    explore: str | None = None
    field_name: str | None = None


@dataclass
class LField:
    view: str
    name: str  # for a dimension group: the group's name
    kind: str  # dimension | dimension_group | measure | filter | parameter
    node: Node
    file: str

    @property
    def type(self) -> str:
        default = {"measure": "count", "dimension_group": "time"}.get(self.kind, "string")
        return self.node.text("type") or default

    @property
    def sql(self) -> str | None:
        return self.node.text("sql")

    @property
    def hidden(self) -> bool:
        return self.node.text("hidden") == "yes"

    @property
    def primary_key(self) -> bool:
        return self.node.text("primary_key") == "yes"

    def expanded(self) -> list[tuple[str, str | None]]:
        """The field names this declaration creates, each with its timeframe / interval (None for plain)."""
        if self.kind != "dimension_group":
            return [(self.name, None)]
        if self.type == "duration":
            intervals = self.node.get("intervals")
            chosen = intervals.items if intervals and intervals.items else list(DEFAULT_INTERVALS)
            return [(f"{interval}s_{self.name}", interval) for interval in chosen]
        timeframes = self.node.get("timeframes")
        chosen = timeframes.items if timeframes and timeframes.items else list(DEFAULT_TIMEFRAMES)
        return [(f"{self.name}_{tf}", tf) for tf in chosen]


@dataclass
class LView:
    name: str
    file: str
    line: int | None
    node: Node
    fields: dict[str, LField] = field(default_factory=dict)  # expanded name → declaration

    @property
    def table_sql(self) -> str | None:
        derived = self.node.get("derived_table")
        if derived is not None and derived.text("sql"):
            return f"({derived.text('sql')})"
        return self.node.text("sql_table_name")


@dataclass
class LJoin:
    name: str
    view: str
    node: Node

    @property
    def sql_on(self) -> str | None:
        return self.node.text("sql_on")


@dataclass
class LExplore:
    name: str
    view: str  # the base view
    file: str
    node: Node
    joins: list[LJoin] = field(default_factory=list)

    def aliases(self) -> dict[str, str]:
        """Alias in this explore (explore name or join name) → view name."""
        result = {self.name: self.view}
        for join in self.joins:
            result[join.name] = join.view
        return result


@dataclass
class LModel:
    name: str
    file: str
    node: Node
    connection: str | None
    files: list[str]  # project files the model includes (and its own)
    explores: dict[str, LExplore] = field(default_factory=dict)
    views: dict[str, LView] = field(default_factory=dict)
    datagroups: dict[str, Node] = field(default_factory=dict)


@dataclass
class LProject:
    files: dict[str, str]
    models: dict[str, LModel] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _include_regex(pattern: str) -> re.Pattern[str]:
    body = pattern.lstrip("/")
    out = ""
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif body.startswith("**", i):
            out += ".*"
            i += 2
        elif body[i] == "*":
            out += "[^/]*"
            i += 1
        else:
            out += re.escape(body[i])
            i += 1
    return re.compile(out + r"\Z")


def _include_matches(regex: re.Pattern[str], path: str) -> bool:
    """Looker lets an include leave out the file extension: ``*.view`` matches ``orders.view.lkml`` and
    ``*.dashboard`` matches ``close.dashboard.lookml``."""
    return any(
        regex.match(candidate)
        for candidate in (path, path.removesuffix(".lkml"), path.removesuffix(".lookml"))
    )


def load_project(files: dict[str, str]) -> LProject:
    """Parse every ``.lkml`` file and build the models; syntax and structure problems go to ``problems``."""
    project = LProject(files=files)
    parsed: dict[str, list[Node]] = {}
    for path, text in sorted(files.items()):
        if not path.endswith(".lkml"):
            continue  # a LookML dashboard (YAML): includable, not parsed here
        try:
            document = lkml.parse(text)
        except SyntaxError as exc:
            match = _SYNTAX_LINE.search(str(exc))
            project.problems.append(
                Problem(
                    "error",
                    "syntax",
                    "syntax_error",
                    f"Syntax error: {exc}",
                    path,
                    int(match.group(1)) if match else None,
                )
            )
            continue
        except Exception as exc:  # lkml raises IndexError and friends on some truncated input
            project.problems.append(
                Problem("error", "syntax", "syntax_error", f"Syntax error ({type(exc).__name__})", path, None)
            )
            continue
        parsed[path] = _convert(document.container)
    manifest = parsed.get("manifest.lkml", [])
    for node in manifest:
        if node.key == "constant" and node.name:
            project.constants[node.name] = node.text("value") or ""
    for path, text in sorted(files.items()):
        if path.endswith((".lkml", ".lookml")):
            _check_constants(project, path, text)
    for path, nodes in parsed.items():
        if path.endswith(".model.lkml"):
            name = path.rsplit("/", 1)[-1].removesuffix(".model.lkml")
            project.models[name] = _build_model(project, name, path, nodes, parsed)
    for model in project.models.values():
        for path in model.files:
            if path.endswith(".dashboard.lookml"):
                _check_dashboard(project, model, path)
    # A view included by two models is checked twice: report each finding once.
    unique: dict[tuple[object, ...], Problem] = {}
    for problem in project.problems:
        unique.setdefault((problem.code, problem.message, problem.file_path, problem.line_number), problem)
    project.problems = list(unique.values())
    return project


class _Located(str):
    """A YAML scalar that remembers its line (1-based)."""

    line: int | None = None


def _located(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value = _Located(node.value)
        value.line = node.start_mark.line + 1
        return value
    if isinstance(node, yaml.SequenceNode):
        return [_located(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {_located(key): _located(value) for key, value in node.value}
    return None


def _line(value: object) -> int | None:
    return value.line if isinstance(value, _Located) else None


def _check_dashboard(project: LProject, model: LModel, path: str) -> None:
    """A LookML dashboard is validated like the model's views: every model, explore and field its filters
    and tiles name must exist (and be offered by the explore), and a tile listens to filters it has."""

    def report(message: str, at: object) -> None:
        _problem(project, "error", "dashboard_unknown_field", message, path, _line(at), model_id=model.name)

    try:
        root = yaml.compose(project.files[path])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        _problem(project, "error", "syntax_error", f"Dashboard YAML does not parse: {exc}", path, line)
        return
    dashboards = _located(root) if root is not None else []
    for dashboard in dashboards if isinstance(dashboards, list) else []:
        if not isinstance(dashboard, dict):
            continue
        name = dashboard.get("dashboard", path)
        filter_names = set()
        for spec in dashboard.get("filters") or []:
            if not isinstance(spec, dict):
                continue
            filter_names.add(str(spec.get("name")))
            if spec.get("field") is not None:
                offered = _dashboard_explore(project, spec, report, f'filter "{spec.get("name")}"')
                if offered is not None and spec["field"] not in offered:
                    report(
                        f'Dashboard "{name}" filter "{spec.get("name")}": unknown field "{spec["field"]}"',
                        spec["field"],
                    )
        for element in dashboard.get("elements") or []:
            if not isinstance(element, dict) or element.get("model") is None:
                continue  # a text tile
            where = f'Dashboard "{name}" tile "{element.get("name") or element.get("title")}"'
            offered = _dashboard_explore(project, element, report, where)
            if offered is None:
                continue
            listen = element.get("listen") or {}
            named: list[tuple[str, object]] = [
                *((str(f), f) for f in [*(element.get("fields") or []), *(element.get("pivots") or [])]),
                *((str(f).split()[0], f) for f in element.get("sorts") or [] if str(f).split()),
                *((str(f), f) for f in element.get("filters") or {}),
                *((str(f), f) for f in listen.values()),
            ]
            for field_name, at in named:
                if field_name not in offered:
                    report(f'{where}: unknown field "{field_name}"', at)
            for listened in listen:
                if listened not in filter_names:
                    report(
                        f'{where} listens to filter "{listened}", which the dashboard does not have', listened
                    )


def _dashboard_explore(
    project: LProject, spec: dict[str, Any], report: Callable[[str, object], None], where: str
) -> set[str] | None:
    """The fields the explore a dashboard filter or tile names offers; None (reported) when it is unknown."""
    model = project.models.get(str(spec.get("model")))
    if model is None:
        report(f'{where}: unknown model "{spec.get("model")}"', spec.get("model"))
        return None
    explore = model.explores.get(str(spec.get("explore")))
    if explore is None:
        report(
            f'{where}: unknown explore "{spec.get("explore")}" in model "{model.name}"', spec.get("explore")
        )
        return None
    return {f.name for f in explore_fields(model, explore)}


def _check_constants(project: LProject, path: str, text: str) -> None:
    """Every ``@{name}`` needs a ``constant: name`` in the manifest: Looker refuses the project otherwise."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        for match in _CONSTANT.finditer(line):
            if match.group(1) not in project.constants:
                message = f'Constant "{match.group(1)}" is not defined in the manifest (manifest.lkml)'
                _problem(project, "error", "undefined_constant", message, path, number)


def _problem(
    project: LProject,
    severity: str,
    code: str,
    message: str,
    file: str,
    line: int | None,
    **extra: str | None,
) -> None:
    project.problems.append(
        Problem(
            severity, "lookml" if code != "syntax_error" else "syntax", code, message, file, line, **extra
        )
    )


def _check_params(project: LProject, node: Node, allowed: frozenset[str], what: str, file: str) -> None:
    for child in node.children:
        if child.key not in allowed:
            _problem(
                project,
                "error",
                "unknown_parameter",
                f'Unknown or disallowed parameter "{child.key}" in {what}',
                file,
                child.line,
            )


def _build_model(
    project: LProject, name: str, path: str, nodes: list[Node], parsed: dict[str, list[Node]]
) -> LModel:
    root = Node("model", 1, name=name, children=nodes, is_block=True)
    _check_params(project, root, MODEL_PARAMS, f'model "{name}"', path)
    connection = root.text("connection")
    if connection is not None:  # a manifest constant is allowed here ("@{connection}")
        connection = _CONSTANT.sub(lambda m: project.constants.get(m.group(1), m.group(0)), connection)
    if connection is None:
        _problem(
            project,
            "error",
            "missing_connection",
            f'Model "{name}" has no connection',
            path,
            1,
            model_id=name,
        )
    included = [path]
    for include in root.all("include"):
        pattern = include.value or ""
        regex = _include_regex(pattern)
        matched = [p for p in project.files if _include_matches(regex, p) and p != path]
        if not matched:
            _problem(
                project,
                "warning",
                "include_matches_nothing",
                f'No files match include "{pattern}"',
                path,
                include.line,
                model_id=name,
            )
        included.extend(p for p in sorted(matched) if p not in included)
    model = LModel(name, path, root, connection, included)
    for file in included:
        for node in parsed.get(file, []) if file != path else nodes:
            if node.key == "view" and node.name:
                _add_view(project, model, node, file)
    for view in model.views.values():
        _check_primary_keys(project, model, view)
    for node in root.all("datagroup"):
        if node.name:
            _check_params(project, node, DATAGROUP_PARAMS, f'datagroup "{node.name}"', path)
            model.datagroups[node.name] = node
    persist = root.get("persist_with")
    if persist is not None and persist.value not in model.datagroups:
        _problem(
            project,
            "error",
            "unknown_datagroup",
            f'Unknown datagroup "{persist.value}" in persist_with',
            path,
            persist.line,
            model_id=name,
        )
    for file in included:
        for node in parsed.get(file, []):
            if node.key == "explore" and node.name:
                _add_explore(project, model, node, file)
    for explore in model.explores.values():
        _check_explore(project, model, explore)
    return model


def _add_view(project: LProject, model: LModel, node: Node, file: str) -> None:
    assert node.name is not None
    refinement = node.name.startswith("+")
    name = node.name.lstrip("+")
    _check_params(project, node, VIEW_PARAMS, f'view "{name}"', file)
    view = model.views.get(name)
    if view is None:
        if refinement:
            _problem(
                project,
                "error",
                "refines_unknown_view",
                f'Refinement of unknown view "{name}"',
                file,
                node.line,
                model_id=model.name,
            )
            return
        view = model.views[name] = LView(name, file, node.line, node)
    elif not refinement:
        if view.file != file or view.line != node.line:
            _problem(
                project,
                "error",
                "duplicate_view",
                f'View "{name}" is defined more than once',
                file,
                node.line,
                model_id=model.name,
            )
        return
    else:
        # A refinement adds and overrides fields and view parameters.
        merged = [c for c in view.node.children if c.is_block] + [c for c in node.children if not c.is_block]
        keep = [
            c for c in view.node.children if not c.is_block and c.key not in {n.key for n in node.children}
        ]
        view.node = Node("view", view.line, name=name, children=keep + merged, is_block=True)
    allowed = {
        "dimension": DIMENSION_PARAMS,
        "dimension_group": DIMENSION_GROUP_PARAMS,
        "measure": MEASURE_PARAMS,
        "filter": FILTER_PARAMS,
        "parameter": FILTER_PARAMS,
    }
    declared: dict[str, LField] = {}
    for child in node.children:
        if child.key not in allowed or not child.name:
            continue
        lfield = LField(name, child.name, child.key, child, file)
        _check_params(
            project, child, frozenset(allowed[child.key]), f'{child.key} "{name}.{child.name}"', file
        )
        _check_type(project, model, lfield)
        if child.name in declared and not refinement:
            _problem(
                project,
                "error",
                "duplicate_field",
                f'Field "{name}.{child.name}" is defined twice',
                file,
                child.line,
                model_id=model.name,
                field_name=f"{name}.{child.name}",
            )
        declared[child.name] = lfield
        if refinement:
            # A refined declaration replaces every name the old one created.
            for key in [k for k, f in view.fields.items() if f.name == child.name]:
                del view.fields[key]
        for expanded, _ in lfield.expanded():
            view.fields[expanded] = lfield
    if not refinement and view.table_sql is None:
        view.node.children.append(Node("sql_table_name", None, value=name))


def primary_key(view: LView) -> LField | None:
    return next((f for f in view.fields.values() if f.kind == "dimension" and f.primary_key), None)


def _check_primary_keys(project: LProject, model: LModel, view: LView) -> None:
    """A view has at most one ``primary_key: yes`` dimension (Looker's docs: "You cannot add this parameter
    to more than one field in each view")."""
    keys = list({id(f): f for f in view.fields.values() if f.kind == "dimension" and f.primary_key}.values())
    if len(keys) > 1:
        names = ", ".join(f.name for f in keys)
        _problem(
            project,
            "error",
            "multiple_primary_keys",
            f'View "{view.name}" declares more than one primary key: {names}',
            keys[1].file,
            keys[1].node.line,
            model_id=model.name,
            field_name=f"{view.name}.{keys[1].name}",
        )


def _check_type(project: LProject, model: LModel, lfield: LField) -> None:
    types = {"dimension": DIMENSION_TYPES, "dimension_group": GROUP_TYPES, "measure": MEASURE_TYPES}
    allowed = types.get(lfield.kind)
    if allowed is not None and lfield.type not in allowed:
        type_node = lfield.node.get("type")
        _problem(
            project,
            "error",
            "invalid_type",
            f'Invalid type "{lfield.type}" for {lfield.kind} "{lfield.view}.{lfield.name}"',
            lfield.file,
            type_node.line if type_node else lfield.node.line,
            model_id=model.name,
            field_name=f"{lfield.view}.{lfield.name}",
        )
    if lfield.kind == "dimension_group" and lfield.type == "time":
        timeframes = lfield.node.get("timeframes")
        for tf in (timeframes.items or []) if timeframes else []:
            if tf not in _TIMEFRAME_SQL:
                _problem(
                    project,
                    "error",
                    "invalid_timeframe",
                    f'Unknown timeframe "{tf}"',
                    lfield.file,
                    timeframes.line if timeframes else None,
                    model_id=model.name,
                )
    format_name = lfield.node.get("value_format_name")
    if format_name is not None and format_name.value:
        named = {n.name for n in model.node.all("named_value_format") if n.name}
        if format_name.value not in VALUE_FORMAT_NAMES | named:
            _problem(
                project,
                "error",
                "unknown_value_format",
                f'Unknown value_format_name "{format_name.value}" in {lfield.kind} '
                f'"{lfield.view}.{lfield.name}"',
                lfield.file,
                format_name.line,
                model_id=model.name,
                field_name=f"{lfield.view}.{lfield.name}",
            )
    if lfield.kind == "measure" and lfield.type not in {"count"} and lfield.sql is None:
        _problem(
            project,
            "error",
            "missing_sql",
            f'Measure "{lfield.view}.{lfield.name}" of type {lfield.type} needs a sql parameter',
            lfield.file,
            lfield.node.line,
            model_id=model.name,
        )


def _add_explore(project: LProject, model: LModel, node: Node, file: str) -> None:
    assert node.name is not None
    _check_params(project, node, EXPLORE_PARAMS, f'explore "{node.name}"', file)
    base = node.text("from") or node.text("view_name") or node.name
    explore = LExplore(node.name, base, file, node)
    if node.name in model.explores:
        _problem(
            project,
            "error",
            "duplicate_explore",
            f'Explore "{node.name}" is defined twice',
            file,
            node.line,
            model_id=model.name,
            explore=node.name,
        )
    for join_node in node.all("join"):
        if not join_node.name:
            continue
        _check_params(project, join_node, JOIN_PARAMS, f'join "{join_node.name}"', file)
        explore.joins.append(LJoin(join_node.name, join_node.text("from") or join_node.name, join_node))
    model.explores[node.name] = explore


def _check_explore(project: LProject, model: LModel, explore: LExplore) -> None:
    def report(
        severity: str,
        code: str,
        message: str,
        line: int | None,
        field_name: str | None = None,
        file: str | None = None,
    ) -> None:
        _problem(
            project,
            severity,
            code,
            message,
            file or explore.file,
            line,
            model_id=model.name,
            explore=explore.name,
            field_name=field_name,
        )

    aliases = explore.aliases()
    missing = {alias for alias, view in aliases.items() if view not in model.views}
    if explore.view not in model.views:
        report("error", "unknown_view", f'Could not find a view named "{explore.view}"', explore.node.line)
    for join in explore.joins:
        if join.view not in model.views:
            report("error", "unknown_view", f'Could not find a view named "{join.view}"', join.node.line)
            continue
        relationship = join.node.text("relationship")
        if relationship is None:
            report(
                "warning",
                "missing_relationship",
                f'Join "{join.name}" states no relationship; Looker assumes many_to_one',
                join.node.line,
            )
        elif relationship not in RELATIONSHIPS:
            report("error", "invalid_relationship", f'Invalid relationship "{relationship}"', join.node.line)
        join_type = join.node.text("type")
        if join_type is not None and join_type not in JOIN_TYPES:
            report("error", "invalid_join_type", f'Invalid join type "{join_type}"', join.node.line)
        if join.sql_on is None and join_type != "cross":
            report("error", "missing_sql_on", f'Join "{join.name}" has no sql_on', join.node.line)
        elif join.sql_on is not None:
            sql_on_node = join.node.get("sql_on")
            for ref in _references(join.sql_on):
                problem = _resolve_problem(model, aliases, None, ref)
                if problem:
                    report(
                        "error",
                        "unknown_field",
                        f'{problem} referenced in join "{join.name}" sql_on. '
                        "Check for typos and missing joins.",
                        sql_on_node.line if sql_on_node else None,
                    )
    for where, scope, node in _field_lists(explore):
        for item in node.items or []:
            problem = _list_item_problem(model, aliases, scope, item)
            if problem:
                report("error", "unknown_field", f"{problem} referenced in {where}. {_CHECK}", node.line)
    for where, ref, ref_line in _explore_filters(explore):
        problem = _resolve_problem(model, aliases, None, ref)
        if problem:
            report("error", "unknown_field", f"{problem} referenced in {where}. {_CHECK}", ref_line)
    for alias, view_name in aliases.items():
        if alias in missing:
            continue
        view = model.views[view_name]
        for lfield in {id(f): f for f in view.fields.values()}.values():
            filters = lfield.node.get("filters") if lfield.kind == "measure" else None
            for ref, filter_line in _measure_filter_fields(filters):
                problem = _resolve_problem(model, aliases, alias, ref.removeprefix(f"{view_name}."))
                if problem:
                    qualified = f"{alias}.{lfield.name}"
                    report(
                        "error",
                        "unknown_field",
                        f'{problem} referenced in the filters of "{qualified}". {_CHECK}',
                        filter_line,
                        qualified,
                        lfield.file,
                    )
            for param in ("sql", "sql_start", "sql_end"):
                text = lfield.node.text(param)
                if text is None:
                    continue
                for ref in _references(text):
                    problem = _resolve_problem(model, aliases, alias, ref)
                    if problem:
                        qualified = f"{alias}.{lfield.name}"
                        line = lfield.node.get(param)
                        report(
                            "error",
                            "unknown_field",
                            f'{problem} referenced in "{qualified}". Check for typos and missing joins.',
                            line.line if line else None,
                            qualified,
                            lfield.file,
                        )


_CHECK: Final = "Check for typos and missing joins."


def _field_lists(explore: LExplore) -> list[tuple[str, str | None, Node]]:
    """The explore's and its joins' ``fields`` lists: where, the alias bare names belong to, the list."""
    out: list[tuple[str, str | None, Node]] = []
    node = explore.node.get("fields")
    if node is not None:
        out.append((f'the fields of explore "{explore.name}"', None, node))
    for join in explore.joins:
        node = join.node.get("fields")
        if node is not None:
            out.append((f'the fields of join "{join.name}"', join.name, node))
    return out


def _list_item_problem(model: LModel, aliases: dict[str, str], scope: str | None, item: str) -> str | None:
    """None when a ``fields`` entry resolves: ``view.field``, ``-view.field``, ``view.set*``, ALL_FIELDS*."""
    entry = item.strip().removeprefix("-")
    alias, _, name = entry.rpartition(".")
    alias = alias or scope or ""
    if alias not in aliases or aliases[alias] not in model.views:
        return f'Unknown or inaccessible field "{entry}"'
    view = model.views[aliases[alias]]
    if name.endswith("*"):
        sets = {n.name for n in view.node.all("set") if n.name}
        if name == "ALL_FIELDS*" or name[:-1] in sets:
            return None
        return f'Unknown set "{alias}.{name}"'
    return None if name in view.fields else f'Unknown or inaccessible field "{alias}.{name}"'


def _explore_filters(explore: LExplore) -> list[tuple[str, str, int | None]]:
    """Fields named by ``access_filter``, ``always_filter``, ``conditionally_filter``: where, field, line."""
    out: list[tuple[str, str, int | None]] = []
    for access in explore.node.all("access_filter"):
        found = access.get("field")
        if found is not None:
            out.append((f'the access_filter of explore "{explore.name}"', found.value or "", found.line))
    for key in ("always_filter", "conditionally_filter"):
        block = explore.node.get(key)
        filters = block.get("filters") if block is not None else None
        for pair in filters.children if filters is not None else []:
            out.append((f'the {key} of explore "{explore.name}"', pair.key, pair.line))
    return out


def _measure_filter_fields(filters: Node | None) -> list[tuple[str, int | None]]:
    """The fields a measure's ``filters`` name: ``[field: "value", ...]`` or ``{ field: ... value: ... }``."""
    if filters is None:
        return []
    if filters.is_block:
        found = filters.get("field")
        return [(found.value or "", found.line)] if found is not None else []
    return [(pair.key, pair.line) for pair in filters.children]


def _references(sql: str) -> list[str]:
    return [m.group(1).strip() for m in _REFERENCE.finditer(sql)]


def _resolve_problem(model: LModel, aliases: dict[str, str], current: str | None, ref: str) -> str | None:
    """None when ``ref`` resolves in this explore, else the start of Looker's message saying why not."""
    if ref == "TABLE":
        return None if current is not None else 'Unknown or inaccessible field "TABLE"'
    alias, _, name = ref.rpartition(".")
    if not alias:
        if current is None:
            return f'Unknown or inaccessible field "{ref}"'
        alias = current
    if alias not in aliases or aliases[alias] not in model.views:
        return f'Unknown or inaccessible field "{alias}.{name}"'
    if name == "SQL_TABLE_NAME" or name in model.views[aliases[alias]].fields:
        return None
    return f'Unknown or inaccessible field "{alias}.{name}"'


# --- explore listings ------------------------------------------------------------------------------------


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


# --- SQL ------------------------------------------------------------------------------------------------


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
        return _CONSTANT.sub(lambda m: self.project.constants.get(m.group(1), m.group(0)), sql)

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

        return self.constants(_REFERENCE.sub(replace, sql))

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
            return _TIMEFRAME_SQL.get(part or "raw", "{x}").format(x=value)
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
            needed.update(a for a in (r.rpartition(".")[0] for r in _references(join.sql_on)) if a)
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
