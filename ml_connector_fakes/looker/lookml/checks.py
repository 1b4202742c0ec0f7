"""Validation of what a model declares, as Looker reports it: parameters, types, primary keys, and each
explore's joins, fields lists and filters.
"""

from __future__ import annotations

from typing import Final, Protocol

from ml_connector_fakes.looker.lookml.parsed import (
    LExplore,
    LField,
    LModel,
    LProject,
    LView,
    Node,
    record_problem,
)
from ml_connector_fakes.looker.lookml.vocabulary import (
    DIMENSION_TYPES,
    GROUP_TYPES,
    JOIN_TYPES,
    MEASURE_TYPES,
    RELATIONSHIPS,
    TIMEFRAME_SQL,
    VALUE_FORMAT_NAMES,
    references,
)


def check_params(project: LProject, node: Node, allowed: frozenset[str], what: str, file: str) -> None:
    for child in node.children:
        if child.key not in allowed:
            record_problem(
                project,
                "error",
                "unknown_parameter",
                f'Unknown or disallowed parameter "{child.key}" in {what}',
                file,
                child.line,
            )


def check_primary_keys(project: LProject, model: LModel, view: LView) -> None:
    """A view has at most one ``primary_key: yes`` dimension (Looker's docs: "You cannot add this parameter
    to more than one field in each view")."""
    keys = list({id(f): f for f in view.fields.values() if f.kind == "dimension" and f.primary_key}.values())
    if len(keys) > 1:
        names = ", ".join(f.name for f in keys)
        record_problem(
            project,
            "error",
            "multiple_primary_keys",
            f'View "{view.name}" declares more than one primary key: {names}',
            keys[1].file,
            keys[1].node.line,
            model_id=model.name,
            field_name=f"{view.name}.{keys[1].name}",
        )


def check_type(project: LProject, model: LModel, lfield: LField) -> None:
    types = {"dimension": DIMENSION_TYPES, "dimension_group": GROUP_TYPES, "measure": MEASURE_TYPES}
    allowed = types.get(lfield.kind)
    if allowed is not None and lfield.type not in allowed:
        type_node = lfield.node.get("type")
        record_problem(
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
            if tf not in TIMEFRAME_SQL:
                record_problem(
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
            record_problem(
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
        record_problem(
            project,
            "error",
            "missing_sql",
            f'Measure "{lfield.view}.{lfield.name}" of type {lfield.type} needs a sql parameter',
            lfield.file,
            lfield.node.line,
            model_id=model.name,
        )


def check_explore(project: LProject, model: LModel, explore: LExplore) -> None:
    def report(
        severity: str,
        code: str,
        message: str,
        line: int | None,
        field_name: str | None = None,
        file: str | None = None,
    ) -> None:
        record_problem(
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
    _check_joins(model, explore, aliases, report)
    _check_lists_and_filters(model, explore, aliases, report)
    _check_field_references(model, aliases, missing, report)


class _Report(Protocol):
    def __call__(
        self,
        severity: str,
        code: str,
        message: str,
        line: int | None,
        field_name: str | None = None,
        file: str | None = None,
    ) -> None: ...


def _check_joins(model: LModel, explore: LExplore, aliases: dict[str, str], report: _Report) -> None:
    """Each join's view, relationship, type and ``sql_on`` references."""
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
            for ref in references(join.sql_on):
                problem = _resolve_problem(model, aliases, None, ref)
                if problem:
                    report(
                        "error",
                        "unknown_field",
                        f'{problem} referenced in join "{join.name}" sql_on. '
                        "Check for typos and missing joins.",
                        sql_on_node.line if sql_on_node else None,
                    )


def _check_lists_and_filters(
    model: LModel, explore: LExplore, aliases: dict[str, str], report: _Report
) -> None:
    """The explore's ``fields`` lists and its filters name fields that exist."""
    for where, scope, node in _field_lists(explore):
        for item in node.items or []:
            problem = _list_item_problem(model, aliases, scope, item)
            if problem:
                report("error", "unknown_field", f"{problem} referenced in {where}. {_CHECK}", node.line)
    for where, ref, ref_line in _explore_filters(explore):
        problem = _resolve_problem(model, aliases, None, ref)
        if problem:
            report("error", "unknown_field", f"{problem} referenced in {where}. {_CHECK}", ref_line)


def _check_field_references(
    model: LModel, aliases: dict[str, str], missing: set[str], report: _Report
) -> None:
    """Each field of each joined view: its measure ``filters`` and its SQL name fields that exist."""
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
                for ref in references(text):
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
