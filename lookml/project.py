"""The connector's one LookML reader: every ``.lkml`` file of a Looker project parsed with ``lkml``, with
file and line of each view, field, explore and join, refinements (``view: +name``) merged into their views.

Read from a directory (:func:`load_project`: the offline SQL check and the lint, so both report findings
where a developer would look) or from files already in hand (:func:`parse_project`: the files of a commit,
read back by ``validate`` in loader/looker/project.py).
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import lkml
from lkml import tree

FIELD_KINDS: Final = ("dimension", "dimension_group", "measure", "filter")
# What Looker offers for a dimension group that does not list its timeframes (or a duration its intervals).
DEFAULT_TIMEFRAMES: Final = ("raw", "time", "date", "week", "month", "quarter", "year")
DEFAULT_INTERVALS: Final = ("day", "hour", "minute", "second")
_SYNTAX_LINE: Final = re.compile(r"line (\d+)")


@dataclass
class Field:
    view: str
    kind: str  # dimension | dimension_group | measure | filter
    name: str
    data: dict[str, Any]
    file: str
    line: int

    @property
    def type(self) -> str:
        return str(self.data.get("type") or ("time" if self.kind == "dimension_group" else "string"))


@dataclass
class View:
    name: str
    file: str
    line: int
    data: dict[str, Any]
    fields: dict[str, Field] = field(default_factory=dict)  # by field name (a group by its group name)

    @property
    def sql_table_name(self) -> str:
        return str(self.data.get("sql_table_name") or self.name).strip()

    def find(self, reference: str) -> tuple[Field, str | None] | None:
        """The field a ``${reference}`` means: a dimension/measure, or a dimension group's timeframe."""
        if reference in self.fields and self.fields[reference].kind != "dimension_group":
            return self.fields[reference], None
        for candidate in self.fields.values():
            if candidate.kind != "dimension_group" or not reference.startswith(candidate.name + "_"):
                continue
            timeframe = reference[len(candidate.name) + 1 :]
            if timeframe in candidate.data.get("timeframes", DEFAULT_TIMEFRAMES):
                return candidate, timeframe
        return None

    def field_names(self, files: Container[str] | None = None) -> dict[str, str]:
        """The names Looker gives this view's fields (field name → kind, dimension groups expanded to their
        timeframes or intervals); only fields declared in ``files`` when given. Filters are left out."""
        names: dict[str, str] = {}
        for item in self.fields.values():
            if files is not None and item.file not in files:
                continue
            if item.kind in ("dimension", "measure"):
                names[item.name] = item.kind
            elif item.kind == "dimension_group" and item.data.get("type") == "duration":
                for interval in item.data.get("intervals") or DEFAULT_INTERVALS:
                    names[f"{interval}s_{item.name}"] = "dimension"
            elif item.kind == "dimension_group":
                for timeframe in item.data.get("timeframes") or DEFAULT_TIMEFRAMES:
                    names[f"{item.name}_{timeframe}"] = "dimension"
        return names


@dataclass
class Join:
    name: str
    data: dict[str, Any]
    line: int

    @property
    def view(self) -> str:
        return str(self.data.get("from") or self.name)


@dataclass
class Explore:
    name: str
    file: str
    line: int
    data: dict[str, Any]
    joins: list[Join] = field(default_factory=list)

    @property
    def view(self) -> str:
        return str(self.data.get("from") or self.data.get("view_name") or self.name)


@dataclass
class Model:
    name: str
    file: str
    data: dict[str, Any]
    lines: dict[str, int]  # datagroup name -> line


@dataclass
class ParseProblem:
    file: str
    line: int
    message: str


@dataclass
class LookerProject:
    root: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text
    views: dict[str, View] = field(default_factory=dict)
    explores: dict[str, Explore] = field(default_factory=dict)
    models: list[Model] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)
    problems: list[ParseProblem] = field(default_factory=list)


def _lines(container: tree.ContainerNode, path: tuple[str, ...], out: dict[tuple[str, ...], int]) -> None:
    for item in container.items:
        if isinstance(item, tree.BlockNode):
            key = (*path, item.type.value, item.name.value if item.name else "")
            out[key] = item.line_number or 0
            _lines(item.container, key, out)


def load_project(root: Path) -> LookerProject:
    """Parse every ``.lkml`` file under ``root`` but hidden ones (sorted, so the result never depends on the
    file system)."""
    files = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*.lkml"))
        if not any(part.startswith(".") for part in path.relative_to(root).parts)
    }
    return parse_project(root, files)


def parse_project(root: Path, files: Mapping[str, str]) -> LookerProject:
    """Parse ``files`` (path relative to ``root`` → text) in the order given; refinements are merged last,
    so a refinement may come before its view. A file that does not parse is a problem, the others are read."""
    project = LookerProject(root=root)
    refinements: list[tuple[str, dict[str, Any], dict[tuple[str, ...], int]]] = []
    for relative, text in files.items():
        project.files[relative] = text
        try:
            parsed = lkml.load(text)
            syntax = lkml.parse(text)
        except SyntaxError as exc:
            found = _SYNTAX_LINE.search(str(exc))
            project.problems.append(ParseProblem(relative, int(found.group(1)) if found else 1, str(exc)))
            continue
        lines: dict[tuple[str, ...], int] = {}
        _lines(syntax.container, (), lines)
        for constant in parsed.get("constants", []):
            project.constants[str(constant["name"])] = str(constant.get("value", ""))
        for view_data in parsed.get("views", []):
            if str(view_data["name"]).startswith("+"):
                refinements.append((relative, view_data, lines))
            else:
                _add_view(project, relative, view_data, lines)
        for explore_data in parsed.get("explores", []):
            _add_explore(project, relative, explore_data, lines)
        if relative.endswith(".model.lkml"):
            _add_model(project, relative, parsed, lines)
    for relative, view_data, lines in refinements:
        _refine_view(project, relative, view_data, lines)
    return project


def _add_explore(
    project: LookerProject, file: str, data: dict[str, Any], lines: dict[tuple[str, ...], int]
) -> None:
    name = str(data["name"])
    if name.startswith("+"):
        return  # explore refinements only add joins/params the check reads from the base
    explore = Explore(name, file, lines.get(("explore", name), 1), data)
    for join in data.get("joins", []):
        explore.joins.append(
            Join(str(join["name"]), join, lines.get(("explore", name, "join", str(join["name"])), 1))
        )
    project.explores[name] = explore


def _add_model(
    project: LookerProject, file: str, data: dict[str, Any], lines: dict[tuple[str, ...], int]
) -> None:
    datagroup_lines = {
        str(d["name"]): lines.get(("datagroup", str(d["name"])), 1) for d in data.get("datagroups", [])
    }
    project.models.append(Model(Path(file).name[: -len(".model.lkml")], file, data, datagroup_lines))


def _refine_view(
    project: LookerProject, file: str, data: dict[str, Any], lines: dict[tuple[str, ...], int]
) -> None:
    name = str(data["name"])[1:]
    base = project.views.get(name)
    if base is None:
        project.problems.append(
            ParseProblem(file, lines.get(("view", "+" + name), 1), f"refinement of unknown view {name}")
        )
        return
    for key, value in data.items():
        if key not in {"name", *(f"{k}s" for k in FIELD_KINDS)}:
            base.data[key] = value
    _add_fields(base, file, data, lines, ("view", "+" + name))


def _add_view(
    project: LookerProject, file: str, data: dict[str, Any], lines: dict[tuple[str, ...], int]
) -> None:
    name = str(data["name"])
    view = View(name, file, lines.get(("view", name), 1), data)
    _add_fields(view, file, data, lines, ("view", name))
    project.views[name] = view


def _add_fields(
    view: View, file: str, data: dict[str, Any], lines: dict[tuple[str, ...], int], path: tuple[str, ...]
) -> None:
    for kind in FIELD_KINDS:
        for item in data.get(f"{kind}s", []):
            name = str(item["name"])
            existing = view.fields.get(name)
            merged = {**existing.data, **item} if existing is not None else dict(item)
            view.fields[name] = Field(view.name, kind, name, merged, file, lines.get((*path, kind, name), 1))
