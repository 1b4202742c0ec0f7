"""What the resources ask of the warehouse during an extraction: the live ids and earliest dates stored per
organization, and the columns each table has."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dlt.pipeline.pipeline import Pipeline

from loader.extract.live_ids import LiveIds
from loader.extract.shared_dataset import warehouse_columns
from loader.raw_contract import IS_DELETED_COLUMN, ORGANIZATION_COLUMN, SOURCE_ID_COLUMN
from loader.zoho.endpoints import ALL_ENDPOINTS

log = logging.getLogger(__name__)

_KEYS_PER_QUERY = 500
_ALL_TABLES = frozenset(e.name for e in ALL_ENDPOINTS)


def stored_live_ids(pipeline: Pipeline) -> LiveIds:
    """The warehouse side of delete scans and unordered walks, read through ``pipeline``'s SQL client."""

    def query(table: str, columns: Sequence[str], organization_id: str) -> list[tuple[Any, ...]]:
        extra = "".join(f", {column}" for column in columns)
        try:
            with pipeline.sql_client() as client:
                name = client.make_qualified_table_name(table)
                rows = client.execute_sql(
                    f"select {SOURCE_ID_COLUMN}{extra} from {name} "  # noqa: S608 (names are ours)
                    f"where {ORGANIZATION_COLUMN} = %s and not {IS_DELETED_COLUMN}",
                    organization_id,
                )
        except Exception as exc:  # the table does not exist yet: nothing is stored, nothing can be gone
            log.debug("no stored ids", extra={"table": table, "problem": type(exc).__name__})
            return []
        return [tuple(r) for r in rows or []]

    def earliest(
        table: str, date_column: str, key_column: str, keys: Sequence[str], organization_id: str
    ) -> Any:
        found = []
        try:
            with pipeline.sql_client() as client:
                name = client.make_qualified_table_name(table)
                for start in range(0, len(keys), _KEYS_PER_QUERY):
                    chunk = list(keys[start : start + _KEYS_PER_QUERY])
                    marks = ", ".join(["%s"] * len(chunk))
                    rows = client.execute_sql(
                        f"select min({date_column}) from {name} "  # noqa: S608 (names are ours)
                        f"where {ORGANIZATION_COLUMN} = %s and not {IS_DELETED_COLUMN} "
                        f"and {key_column} in ({marks})",
                        organization_id,
                        *chunk,
                    )
                    if rows and rows[0][0] is not None:
                        found.append(rows[0][0])
        except Exception as exc:  # the table does not exist yet: nothing is stored
            log.debug("no stored dates", extra={"table": table, "problem": type(exc).__name__})
            return None
        return min(found, default=None)

    return LiveIds(query, earliest)


def stored_columns(pipeline: Pipeline) -> Callable[[str], Mapping[str, str]]:
    """The columns each table has in the warehouse, read once on this thread before the extract starts.

    The resources ask from dlt's extract threads, while dlt may be replacing the live schema's content on
    another: reading ``default_schema`` there raced with it (dlt's normalizer saw a schema half reset). The
    snapshot is also the right answer: what earlier loads stored, not what this extract is adding.
    """
    own: dict[str, dict[str, str]] = {}
    if pipeline.schema_names:
        for table, schema_table in pipeline.default_schema.tables.items():
            found = schema_table.get("columns", {})
            own[table] = {name: str(column.get("data_type", "")) for name, column in found.items()}
    # What the warehouse holds beside: an organization's pipeline (D144) knows only what its own loads added.
    snapshot = warehouse_columns(pipeline, sorted(set(own) | _ALL_TABLES))
    for table, known in own.items():
        snapshot[table] = {**snapshot.get(table, {}), **known}

    def columns(table: str) -> Mapping[str, str]:
        return snapshot.get(table, {})

    return columns
