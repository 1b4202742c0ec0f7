"""What Zoho's published API documents say an answer contains: the members of list rows and detail records.

Reads the vendored OpenAPI documents (``tests/reference/zoho-books-v3``, source in its README). A response's
members become a tree: ``Members`` maps each documented member to ``None`` (a scalar) or to the ``Members`` of
the object it holds (an object, or an array of objects). Tests compare the sandbox's answers and the columns
staging reads against these trees.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

SPECS = Path(__file__).resolve().parent / "reference" / "zoho-books-v3"

Members = Mapping[str, "Members | None"]


@functools.cache
def document(module: str) -> dict[str, Any]:
    """One module's OpenAPI document, e.g. ``document("invoices")``."""
    loaded: dict[str, Any] = yaml.safe_load((SPECS / f"{module}.yml").read_text())
    return loaded


def _resolve(doc: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = 0
    while "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        node = doc["components"]["schemas"][name]
        seen += 1
        if seen > 20:  # a cycle of bare references: nothing more to learn
            break
    return node


def _members(doc: Mapping[str, Any], node: Mapping[str, Any], depth: int = 0) -> Members | None:
    """The member tree of a schema node: None for a scalar (or beyond a sane depth)."""
    node = _resolve(doc, node)
    if depth > 8:
        return None
    if node.get("type") == "array" or "items" in node:
        items = node.get("items")
        return _members(doc, items, depth + 1) if isinstance(items, Mapping) else None
    properties = node.get("properties")
    combined: dict[str, Members | None] = {}
    for part in node.get("allOf", []) + node.get("oneOf", []) + node.get("anyOf", []):
        sub = _members(doc, part, depth + 1)
        if sub:
            combined.update(sub)
    if isinstance(properties, Mapping):
        for name, schema in properties.items():
            combined[str(name)] = _members(doc, schema, depth + 1) if isinstance(schema, Mapping) else None
    return combined or (None if node.get("type") != "object" else {})


def response(module: str, path: str, method: str = "get") -> Members:
    """The documented members of the 200 answer to ``method path``, e.g. ``("invoices", "/invoices")``."""
    doc = document(module)
    operation = doc["paths"][path][method]
    content = operation["responses"]["200"]["content"]
    schema = next(iter(content.values()))["schema"]
    members = _members(doc, schema)
    if not members:
        raise LookupError(f"{module} {method.upper()} {path}: the documents give no members")
    return members


def root(module: str, path: str, key: str) -> Members:
    """The members of the records under ``key`` (a list's rows or a detail's record) of ``GET path``."""
    answer = response(module, path)
    if key not in answer:
        raise LookupError(f"{module} GET {path}: no documented root {key!r} (documented: {sorted(answer)})")
    members = answer[key]
    if members is None:
        raise LookupError(f"{module} GET {path}: {key!r} is documented as a scalar")
    return members


def query_parameter_values(module: str, path: str, parameter: str) -> tuple[str, ...]:
    """The allowed values of a list's query parameter (``sort_column``, ``filter_by``), as documented."""
    doc = document(module)
    operation = doc["paths"][path]["get"]
    for raw in operation.get("parameters", []):
        param = _resolve(doc, raw) if "$ref" in raw else raw
        if param.get("name") != parameter:
            continue
        schema = _resolve(doc, param.get("schema", {}))
        values = schema.get("enum") or []
        return tuple(str(v) for v in values)
    return ()


def undocumented(record: Any, documented: Members | None, where: str = "") -> Iterator[str]:
    """Paths of the members in ``record`` that ``documented`` does not list (nested lists and objects too)."""
    if documented is None:
        return
    if isinstance(record, list):
        for item in record:
            yield from undocumented(item, documented, where + "[]")
        return
    if not isinstance(record, Mapping):
        return
    for name, value in record.items():
        path = f"{where}.{name}" if where else name
        if name not in documented:
            yield path
        elif isinstance(value, (Mapping, list)):
            yield from undocumented(value, documented[name], path)


def unlisted(record: Any, documented: Members | None, where: str = "") -> Iterator[str]:
    """Like ``undocumented``, but also every path below an undocumented member (each needs its own
    evidence). A member documented as a scalar or an untyped list is not looked into."""
    if isinstance(record, list):
        for item in record:
            yield from unlisted(item, documented, where + "[]")
        return
    if not isinstance(record, Mapping) or documented is None:
        return
    for name, value in record.items():
        path = f"{where}.{name}" if where else name
        if name in documented:
            if isinstance(value, (Mapping, list)):
                yield from unlisted(value, documented[name], path)
            continue
        yield path
        if isinstance(value, (Mapping, list)):
            yield from unlisted(value, {}, path)
