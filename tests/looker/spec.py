"""Validate response bodies against the official Looker API 4.0 OpenAPI spec.

The spec is OpenAPI 3.0: ``nullable: true`` becomes a ``null`` type here, and every object schema that lists
its properties is closed (``additionalProperties: false``), so a member the spec does not know fails too.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

# Vendored with its source noted in tests/reference/README.md.
SPEC_PATH = Path(__file__).resolve().parents[1] / "reference" / "looker-api-4.0.oas.json"
_URI = "urn:looker-api-4.0"


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": _URI + node["$ref"]}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            # Member names are data here, not keywords: keep every one.
            out[key] = {name: _convert(schema) for name, schema in value.items()}
        elif not key.startswith("x-") and key not in {"nullable", "readOnly"}:
            out[key] = _convert(value)
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    closed = (
        out.get("type", "object") == "object" and "properties" in out and "additionalProperties" not in out
    )
    if closed:
        out["additionalProperties"] = False
    return out


@functools.cache
def spec() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    return document


@functools.cache
def _registry() -> Registry:
    converted = _convert(spec())
    return Registry().with_resource(_URI, Resource(contents=converted, specification=DRAFT7))


def _operation(method: str, path: str) -> dict[str, Any]:
    for template, operations in spec()["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            operation: dict[str, Any] = operations[method.lower()]
            return operation
    raise AssertionError(f"the spec has no operation {method} {path}")


def response_schema(method: str, path: str, status: int) -> dict[str, Any] | None:
    """The JSON schema of the documented response, or None for a documented bodiless one (204)."""
    responses = _operation(method, path)["responses"]
    documented = responses.get(str(status))
    if documented is None and status == 401:
        # The spec documents no 401 anywhere, yet every call can get one: Looker sends its Error body.
        return {"$ref": _URI + "#/components/schemas/Error"}
    assert documented is not None, f"{method} {path} is not documented to answer {status}"
    content = documented.get("content") or {}
    media = content.get("application/json")
    if media is None:
        return None
    schema: dict[str, Any] = _convert(media["schema"])
    return schema


def validate_body(method: str, path: str, status: int, body: Any) -> None:
    schema = response_schema(method, path, status)
    assert schema is not None, f"{method} {path} {status} has no documented body"
    validator = jsonschema.Draft7Validator(schema, registry=_registry())
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{method} {path} {status}: " + "; ".join(
        f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
    )
