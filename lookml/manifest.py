"""Read what the LookML needs from dbt's ``manifest.json`` (and ``catalog.json`` where a type is missing).

Only plain dictionary access on keys that dbt has kept stable since manifest v7 (dbt 1.3), with ``.get``
fallbacks, so newer or older manifests read the same way. dbt >= 1.10 moves ``meta`` under ``config``;
both places are read and merged (``config.meta`` wins).

Keys come from, in order of preference: a ``primary_key`` constraint, a ``unique`` (or
``unique_combination_of_columns``) test, a ``unique`` constraint; among several unique keys, the one other
marts' relationships point at (so joins meet the "one" side on its key), else the narrowest.
Relationships come from ``relationships`` tests (single column) and ``foreign_key`` constraints with
``to``/``to_columns`` (compound keys).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

log = logging.getLogger(__name__)

MART_PREFIXES: Final = ("dim_", "fct_", "rpt_")
_REF: Final = re.compile(r"""ref\(\s*(?:['"][^'"]*['"]\s*,\s*)?['"]([^'"]+)['"]""")


class ManifestError(Exception):
    """The manifest is missing or not a dbt manifest; the message names the file."""


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    data_type: str | None  # as declared in dbt (or found in the catalog); None when neither says
    meta: Mapping[str, Any]


@dataclass(frozen=True)
class Relationship:
    """``child.columns`` reference ``parent.parent_columns`` (many child rows to one parent row)."""

    child: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]


@dataclass(frozen=True)
class Mart:
    name: str  # the dbt model name
    relation: str  # table name in the warehouse (dbt alias)
    schema: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]  # empty when dbt declares none
    meta: Mapping[str, Any]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class DbtProject:
    """The exposed marts of one manifest, with the relationships among them."""

    path: Path
    project_name: str
    dbt_version: str
    invocation_id: str
    generated_at: str
    adapter_type: str
    marts: tuple[Mart, ...]
    relationships: tuple[Relationship, ...] = field(default=())

    def mart(self, name: str) -> Mart | None:
        return next((m for m in self.marts if m.name == name), None)

    @property
    def schema(self) -> str:
        """The schema of the marts: the most common one (they normally share one)."""
        schemas = sorted(
            {m.schema for m in self.marts}, key=lambda s: (-sum(m.schema == s for m in self.marts), s)
        )
        if not schemas:
            raise ManifestError(f"{self.path}: no marts to expose")
        return schemas[0]


def default_selection(node: Mapping[str, Any]) -> bool:
    """Expose models named dim_*/fct_*/rpt_*, or any with a truthy ``meta.looker``; ``false`` hides one."""
    looker = _meta(node).get("looker")
    if looker is False:
        return False
    return bool(str(node.get("name", "")).startswith(MART_PREFIXES) or looker)


def read_manifest(
    path: Path,
    catalog_path: Path | None = None,
    *,
    select: Callable[[Mapping[str, Any]], bool] = default_selection,
) -> DbtProject:
    """The marts of ``path`` (a dbt ``manifest.json``), by name; ``catalog_path`` fills missing types."""
    manifest = _load_json(path, "manifest")
    nodes: Mapping[str, Any] = manifest.get("nodes") or {}
    if "metadata" not in manifest or not isinstance(nodes, dict):
        raise ManifestError(f"{path} is not a dbt manifest.json (no metadata/nodes)")
    catalog_types = _catalog_types(catalog_path) if catalog_path is not None else {}
    models = {
        uid: node
        for uid, node in nodes.items()
        if node.get("resource_type") == "model"
        and node.get("config", {}).get("enabled", True)
        and select(node)
    }
    tests = [node for node in nodes.values() if node.get("resource_type") == "test"]
    by_relation = {_relation_key(node.get("relation_name")): uid for uid, node in models.items()}
    by_name = {node["name"]: uid for uid, node in models.items()}

    relationships = _relationships(models, tests, by_relation, by_name)
    # The columns other marts join on: among several unique keys, the one they reference is the key.
    referenced: dict[str, set[tuple[str, ...]]] = {}
    for relationship in relationships:
        referenced.setdefault(relationship.parent, set()).add(tuple(sorted(relationship.parent_columns)))
    marts = []
    for uid, node in models.items():
        columns = tuple(
            _column(col, catalog_types.get(uid, {})) for col in (node.get("columns") or {}).values()
        )
        marts.append(
            Mart(
                name=node["name"],
                relation=node.get("alias") or node["name"],
                schema=node.get("schema") or "",
                description=(node.get("description") or "").strip(),
                columns=columns,
                primary_key=_primary_key(uid, node, tests, referenced.get(node["name"], set())),
                meta=_meta(node),
            )
        )
    metadata = manifest["metadata"]
    return DbtProject(
        path=path,
        project_name=str(metadata.get("project_name") or ""),
        dbt_version=str(metadata.get("dbt_version") or ""),
        invocation_id=str(metadata.get("invocation_id") or ""),
        generated_at=str(metadata.get("generated_at") or ""),
        adapter_type=str(metadata.get("adapter_type") or ""),
        marts=tuple(sorted(marts, key=lambda m: m.name)),
        relationships=tuple(sorted(set(relationships), key=lambda r: (r.child, r.columns, r.parent))),
    )


def _load_json(path: Path, what: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"no dbt {what} at {path}: run `ml-connector build` (dbt) first") from None
    except (OSError, ValueError) as exc:
        raise ManifestError(f"cannot read the dbt {what} {path}: {exc}") from None
    if not isinstance(document, dict):
        raise ManifestError(f"{path} is not a dbt {what}")
    return document


def _meta(node: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(node.get("meta") or {})
    merged.update((node.get("config") or {}).get("meta") or {})
    return merged


def _column(column: Mapping[str, Any], catalog: Mapping[str, str]) -> Column:
    name = str(column["name"])
    data_type = column.get("data_type") or catalog.get(name.lower())
    return Column(
        name=name,
        description=" ".join((column.get("description") or "").split()),
        data_type=str(data_type) if data_type else None,
        meta=_meta(column),
    )


def _catalog_types(path: Path) -> dict[str, dict[str, str]]:
    catalog = _load_json(path, "catalog")
    types: dict[str, dict[str, str]] = {}
    for uid, node in (catalog.get("nodes") or {}).items():
        columns = node.get("columns") or {}
        types[uid] = {
            str(name).lower(): str(col.get("type")) for name, col in columns.items() if col.get("type")
        }
    return types


def _test_name(test: Mapping[str, Any]) -> str:
    return str((test.get("test_metadata") or {}).get("name") or "")


def _test_kwargs(test: Mapping[str, Any]) -> Mapping[str, Any]:
    kwargs = dict((test.get("test_metadata") or {}).get("kwargs") or {})
    # dbt >= 1.10 accepts test arguments under ``arguments:``; some versions keep them nested.
    kwargs.update(kwargs.pop("arguments", None) or {})
    return kwargs


def _attached(test: Mapping[str, Any]) -> str | None:
    attached = test.get("attached_node")
    if attached:
        return str(attached)
    models = [n for n in (test.get("depends_on") or {}).get("nodes", []) if n.startswith("model.")]
    return models[-1] if len(models) == 1 else None


def _primary_key(
    uid: str,
    node: Mapping[str, Any],
    tests: Iterable[Mapping[str, Any]],
    referenced: set[tuple[str, ...]],
) -> tuple[str, ...]:
    columns = node.get("columns") or {}
    order = {name: i for i, name in enumerate(columns)}
    unique_constraints: list[tuple[str, ...]] = []
    for constraint in node.get("constraints") or []:
        cols = tuple(constraint.get("columns") or ())
        if constraint.get("type") == "primary_key" and cols:
            return cols
        if constraint.get("type") == "unique" and cols:
            unique_constraints.append(cols)
    for name, column in columns.items():
        for constraint in column.get("constraints") or []:
            if constraint.get("type") == "primary_key":
                return (name,)
            if constraint.get("type") == "unique":
                unique_constraints.append((name,))
    unique_tests: list[tuple[str, ...]] = []
    for test in tests:
        if _attached(test) != uid:
            continue
        kind = _test_name(test)
        kwargs = _test_kwargs(test)
        if kind == "unique" and (test.get("column_name") or kwargs.get("column_name")):
            unique_tests.append((str(test.get("column_name") or kwargs["column_name"]),))
        elif kind == "unique_combination_of_columns" and kwargs.get("combination_of_columns"):
            unique_tests.append(tuple(kwargs["combination_of_columns"]))
    for candidates in (unique_tests, unique_constraints):
        joined_on = [c for c in candidates if tuple(sorted(c)) in referenced]
        if joined_on:
            return joined_on[0]
        if candidates:
            # Fewest columns first, then the earliest declared: the natural id, not a derived unique column.
            return min(candidates, key=lambda c: (len(c), [order.get(x, len(order)) for x in c]))
    return ()


def _relation_key(relation: object) -> str:
    return str(relation or "").replace('"', "").replace("`", "").lower()


def _relationships(
    models: Mapping[str, Mapping[str, Any]],
    tests: Iterable[Mapping[str, Any]],
    by_relation: Mapping[str, str],
    by_name: Mapping[str, str],
) -> list[Relationship]:
    found: list[Relationship] = []
    for test in tests:
        if _test_name(test) != "relationships":
            continue
        child = _attached(test)
        kwargs = _test_kwargs(test)
        column = test.get("column_name") or kwargs.get("column_name")
        parent_field = kwargs.get("field")
        if child is None or child not in models or not column or not parent_field:
            continue
        match = _REF.search(str(kwargs.get("to") or ""))
        parent = by_name.get(match.group(1)) if match else None
        if parent is None:
            others = [
                n for n in (test.get("depends_on") or {}).get("nodes", []) if n != child and n in models
            ]
            parent = others[0] if len(others) == 1 else None
        if parent is None:
            continue  # the parent is not an exposed mart (a source, a staging model)
        found.append(
            Relationship(models[child]["name"], (str(column),), models[parent]["name"], (str(parent_field),))
        )
    for uid, node in models.items():
        constraints = list(node.get("constraints") or [])
        for name, column in (node.get("columns") or {}).items():
            constraints.extend({**c, "columns": [name]} for c in column.get("constraints") or [])
        for constraint in constraints:
            if constraint.get("type") != "foreign_key" or not constraint.get("to"):
                continue
            target = str(constraint["to"])
            match = _REF.search(target)
            parent = by_name.get(match.group(1)) if match else by_relation.get(_relation_key(target))
            cols = tuple(constraint.get("columns") or ())
            to_cols = tuple(constraint.get("to_columns") or ())
            if parent is None or not cols or len(cols) != len(to_cols):
                log.info("skipping foreign key of %s to %s: not an exposed mart or no columns", uid, target)
                continue
            found.append(Relationship(node["name"], cols, models[parent]["name"], to_cols))
    return found
