"""The model file and ``manifest.lkml``, as data for ``lkml.dump``.

The model holds the connection (a manifest constant), the includes, one datagroup and ``persist_with``.
The datagroup's ``sql_trigger`` reads ``MAX(<sync column>)`` of one table (the ledger), so Looker's caches
turn over exactly when a sync lands; ``max_cache_age`` is the fail-safe when the trigger query fails.
"""

from __future__ import annotations

from typing import Any, Final

from lookml.manifest import Mart

GENERATED_DIR: Final = "generated"
VIEWS_DIR: Final = f"{GENERATED_DIR}/views"
EXPLORES_DIR: Final = f"{GENERATED_DIR}/explores"
DASHBOARDS_DIR: Final = f"{GENERATED_DIR}/dashboards"
REFINEMENTS_DIR: Final = "refinements"  # the users' files: never written by the generator
MAX_CACHE_AGE: Final = "24 hours"


def trigger_mart(marts: tuple[Mart, ...], preferred: str, column: str) -> Mart | None:
    """The table whose ``MAX(column)`` triggers the datagroup: ``preferred``, else the first fact with it."""
    candidates = [m for m in marts if m.name == preferred] + [m for m in marts if m.name.startswith("fct_")]
    return next((m for m in candidates if m.column(column) is not None), None)


def build_model(
    *,
    datagroup: str,
    trigger: Mart | None,
    trigger_column: str,
    label: str,
    has_explores: bool,
    has_dashboards: bool,
    include_refinements: bool,
) -> dict[str, Any]:
    includes = [f"/{VIEWS_DIR}/*.view.lkml"]
    if has_explores:
        includes.append(f"/{EXPLORES_DIR}/*.explore.lkml")
    if has_dashboards:
        includes.append(f"/{DASHBOARDS_DIR}/*.dashboard")
    if include_refinements:
        # After the generated files: refinements apply in include order.
        includes.append(f"/{REFINEMENTS_DIR}/**/*.lkml")
    group: dict[str, Any] = {"name": datagroup, "label": f"{label} sync"}
    if trigger is not None:
        group["description"] = (
            f"Caches turn over when a sync lands: MAX({trigger_column}) of {trigger.name} changes."
        )
        table = f"@{{schema}}.{trigger.relation}"
        group["sql_trigger"] = f"SELECT MAX({trigger_column}) FROM {table}"  # noqa: S608 - LookML, not a query
    group["max_cache_age"] = MAX_CACHE_AGE
    return {
        "connection": "@{connection}",
        "label": label,
        "includes": includes,
        "datagroups": [group],
        "persist_with": datagroup,
    }


def build_project_manifest(*, schema: str, connection: str) -> dict[str, Any]:
    return {
        "constants": [
            {"name": "connection", "value": connection, "export": "none"},
            {"name": "schema", "value": schema, "export": "none"},
        ]
    }
