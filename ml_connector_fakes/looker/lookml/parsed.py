"""A parsed LookML project: the nodes ``lkml`` gives, and the models, views, fields, explores and joins built
from them, with the problems validation found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lkml import tree

from ml_connector_fakes.looker.lookml.vocabulary import DEFAULT_INTERVALS, DEFAULT_TIMEFRAMES


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


def convert(container: tree.ContainerNode) -> list[Node]:
    nodes: list[Node] = []
    for item in container.items:
        key = item.type.value
        line = item.type.line_number
        if isinstance(item, tree.BlockNode):
            name = item.name.value if item.name is not None else None
            nodes.append(Node(key, line, name=name, children=convert(item.container), is_block=True))
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


def record_problem(
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


def primary_key(view: LView) -> LField | None:
    return next((f for f in view.fields.values() if f.kind == "dimension" and f.primary_key), None)
