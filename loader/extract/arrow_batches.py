"""Flat batches of typed records as Arrow tables, so dlt writes them as they are instead of normalizing
them row by row in Python (the largest part of a big sync's local time, D43).

Only a batch whose every value maps exactly onto the type dlt's own row path would give it becomes a table:
hinted columns take their hint's type (DECIMAL(38,10), DATE, TIMESTAMP WITH TIME ZONE, TEXT, BOOLEAN,
BIGINT); an unhinted column must hold only text (JSON strings: ids, names, codes) and be text in the warehouse
if it is there already. Anything else (a nested object, an unhinted number, a decimal with more than ten
places, which typed_record never leaves in a hinted column) returns None and the caller yields the records
as they are, so the warehouse holds the same whatever the path. A column with no value in the batch is left
out, as dlt's row path leaves it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
from dlt.common.schema.typing import TColumnSchema

_UTC_MICROSECONDS = pa.timestamp("us", tz="UTC")


def _hinted_type(hint: TColumnSchema) -> pa.DataType | None:
    kind = hint.get("data_type")
    if kind == "decimal":
        return pa.decimal128(int(hint.get("precision") or 38), int(hint.get("scale") or 0))
    if kind == "date":
        return pa.date32()
    if kind == "timestamp" and hint.get("timezone", True):
        return _UTC_MICROSECONDS
    if kind == "text":
        return pa.string()
    if kind == "bool":
        return pa.bool_()
    if kind == "bigint":
        return pa.int64()
    return None  # json (a nested value) and what the endpoint table does not use: the row path


def arrow_batch(
    records: Sequence[Mapping[str, Any]],
    columns: Mapping[str, TColumnSchema],
    stored: Mapping[str, str] | None = None,
) -> pa.Table | None:
    """``records`` as one Arrow table typed by ``columns`` (dlt column hints), or None when a value does not
    fit exactly. ``stored`` (column -> dlt data type of the warehouse table) keeps an unhinted column that
    the warehouse holds as something other than text on dlt's row path, which coerces to it."""
    names: dict[str, None] = {}  # first-seen order, as dlt adds columns
    for record in records:
        names.update(dict.fromkeys(record))
    fields = []
    for name in names:
        values = [record.get(name) for record in records]
        hint = columns.get(name)
        if all(value is None for value in values) and (hint is None or hint.get("nullable", True)):
            continue  # no value, no column (a NOT NULL one goes on, to fail the null check below)
        if hint is not None:
            kind = _hinted_type(hint)
            if kind is None:
                return None
            nullable = bool(hint.get("nullable", True))
        elif all(value is None or isinstance(value, str) for value in values):
            if (stored or {}).get(name, "text") != "text":
                return None
            kind, nullable = pa.string(), True
        else:
            return None
        fields.append(pa.field(name, kind, nullable=nullable))
    try:
        # Exact or nothing: a decimal that would need rounding or a string in a date column raise here.
        table = pa.Table.from_pylist(list(records), schema=pa.schema(fields))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    # Arrow builds a NOT NULL column holding nulls without complaint: dlt's row path would refuse the row.
    if any(not f.nullable and table.column(f.name).null_count for f in table.schema):
        return None
    return table
