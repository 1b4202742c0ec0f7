"""Loading a project: its files parsed, includes resolved, models, views and explores built, and the
included dashboards and constants checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import lkml
import yaml  # type: ignore[import-untyped]

from ml_connector_fakes.looker.lookml.checks import (
    check_explore,
    check_params,
    check_primary_keys,
    check_type,
)
from ml_connector_fakes.looker.lookml.parsed import (
    LExplore,
    LField,
    LJoin,
    LModel,
    LProject,
    LView,
    Node,
    Problem,
    convert,
    record_problem,
)
from ml_connector_fakes.looker.lookml.query import explore_fields
from ml_connector_fakes.looker.lookml.vocabulary import (
    CONSTANT,
    DATAGROUP_PARAMS,
    DIMENSION_GROUP_PARAMS,
    DIMENSION_PARAMS,
    EXPLORE_PARAMS,
    FILTER_PARAMS,
    JOIN_PARAMS,
    MEASURE_PARAMS,
    MODEL_PARAMS,
    SYNTAX_LINE,
    VIEW_PARAMS,
)


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
            match = SYNTAX_LINE.search(str(exc))
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
        parsed[path] = convert(document.container)
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
        record_problem(
            project, "error", "dashboard_unknown_field", message, path, _line(at), model_id=model.name
        )

    try:
        root = yaml.compose(project.files[path])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        record_problem(project, "error", "syntax_error", f"Dashboard YAML does not parse: {exc}", path, line)
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
        for match in CONSTANT.finditer(line):
            if match.group(1) not in project.constants:
                message = f'Constant "{match.group(1)}" is not defined in the manifest (manifest.lkml)'
                record_problem(project, "error", "undefined_constant", message, path, number)


def _build_model(
    project: LProject, name: str, path: str, nodes: list[Node], parsed: dict[str, list[Node]]
) -> LModel:
    root = Node("model", 1, name=name, children=nodes, is_block=True)
    check_params(project, root, MODEL_PARAMS, f'model "{name}"', path)
    connection = root.text("connection")
    if connection is not None:  # a manifest constant is allowed here ("@{connection}")
        connection = CONSTANT.sub(lambda m: project.constants.get(m.group(1), m.group(0)), connection)
    if connection is None:
        record_problem(
            project,
            "error",
            "missing_connection",
            f'Model "{name}" has no connection',
            path,
            1,
            model_id=name,
        )
    included = _included_files(project, name, path, root)
    model = LModel(name, path, root, connection, included)
    for file in included:
        for node in parsed.get(file, []) if file != path else nodes:
            if node.key == "view" and node.name:
                _add_view(project, model, node, file)
    for view in model.views.values():
        check_primary_keys(project, model, view)
    for node in root.all("datagroup"):
        if node.name:
            check_params(project, node, DATAGROUP_PARAMS, f'datagroup "{node.name}"', path)
            model.datagroups[node.name] = node
    persist = root.get("persist_with")
    if persist is not None and persist.value not in model.datagroups:
        record_problem(
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
        check_explore(project, model, explore)
    return model


def _included_files(project: LProject, name: str, path: str, root: Node) -> list[str]:
    """The model's file, then the files its ``include`` globs match, each once; a glob matching nothing is
    reported."""
    included = [path]
    for include in root.all("include"):
        pattern = include.value or ""
        regex = _include_regex(pattern)
        matched = [p for p in project.files if _include_matches(regex, p) and p != path]
        if not matched:
            record_problem(
                project,
                "warning",
                "include_matches_nothing",
                f'No files match include "{pattern}"',
                path,
                include.line,
                model_id=name,
            )
        included.extend(p for p in sorted(matched) if p not in included)
    return included


def _add_view(project: LProject, model: LModel, node: Node, file: str) -> None:
    assert node.name is not None
    refinement = node.name.startswith("+")
    name = node.name.lstrip("+")
    check_params(project, node, VIEW_PARAMS, f'view "{name}"', file)
    view = model.views.get(name)
    if view is None:
        if refinement:
            record_problem(
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
            record_problem(
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
    _add_fields(project, model, view, node, file, refinement=refinement)
    if not refinement and view.table_sql is None:
        view.node.children.append(Node("sql_table_name", None, value=name))


def _add_fields(
    project: LProject, model: LModel, view: LView, node: Node, file: str, *, refinement: bool
) -> None:
    """The fields a view (or a refinement of it) declares, checked and added under every name they create."""
    name = view.name
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
        check_params(
            project, child, frozenset(allowed[child.key]), f'{child.key} "{name}.{child.name}"', file
        )
        check_type(project, model, lfield)
        if child.name in declared and not refinement:
            record_problem(
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


def _add_explore(project: LProject, model: LModel, node: Node, file: str) -> None:
    assert node.name is not None
    check_params(project, node, EXPLORE_PARAMS, f'explore "{node.name}"', file)
    base = node.text("from") or node.text("view_name") or node.name
    explore = LExplore(node.name, base, file, node)
    if node.name in model.explores:
        record_problem(
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
        check_params(project, join_node, JOIN_PARAMS, f'join "{join_node.name}"', file)
        explore.joins.append(LJoin(join_node.name, join_node.text("from") or join_node.name, join_node))
    model.explores[node.name] = explore
