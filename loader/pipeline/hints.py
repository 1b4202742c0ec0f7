"""Types for the raw tables: dlt column hints from the endpoint table, and Zoho records typed to match them.

The two halves go together: a column hinted ``decimal`` also receives ``Decimal`` values, a ``date`` column
``date`` values, a timestamp column aware UTC ``datetime`` values, so dlt never has to guess a type from
JSON and never opens a ``__v_<type>`` variant column.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from dlt.common.schema.typing import TColumnSchema
from dlt.extract.hints import TResourceNestedHints, make_nested_hints

from loader.zoho.endpoints import TIMESTAMP_FIELDS, Endpoint, Fields

# DECIMAL(38, 10): 28 integer digits cover any ledger; 10 places hold Zoho's six-place exchange rates and
# their inverses without rounding a cent.
DECIMAL_PRECISION = 38
DECIMAL_SCALE = 10

ORGANIZATION_COLUMN = "_zoho_organization_id"
SOURCE_ID_COLUMN = "_zoho_source_id"
SYNCED_AT_COLUMN = "_synced_at"
IS_DELETED_COLUMN = "_is_deleted"
DELETED_AT_COLUMN = "_deleted_at"

_ZOHO_TIMESTAMP = "%Y-%m-%dT%H:%M:%S%z"


# --- column hints ---------------------------------------------------------------------------------------


def _decimal() -> TColumnSchema:
    # A new dict per column: dlt mutates hint dicts, so sharing one between columns corrupts both.
    return {"data_type": "decimal", "precision": DECIMAL_PRECISION, "scale": DECIMAL_SCALE, "nullable": True}


def _level_columns(fields: Fields) -> dict[str, TColumnSchema]:
    columns: dict[str, TColumnSchema] = {name: _decimal() for name in fields.decimals}
    for name in fields.dates:
        columns[name] = {"data_type": "date", "nullable": True}
    return columns


def audit_columns() -> dict[str, TColumnSchema]:
    return {
        SYNCED_AT_COLUMN: {"data_type": "timestamp", "timezone": True, "nullable": False},
        ORGANIZATION_COLUMN: {"data_type": "text", "nullable": False},
        SOURCE_ID_COLUMN: {"data_type": "text", "nullable": False},
        IS_DELETED_COLUMN: {"data_type": "bool", "nullable": False},
        DELETED_AT_COLUMN: {"data_type": "timestamp", "timezone": True, "nullable": True},
    }


def table_columns(endpoint: Endpoint) -> dict[str, TColumnSchema]:
    """Hints of the parent table: decimals, dates, Zoho timestamps, the audit columns and the key."""
    columns = _level_columns(endpoint.fields)
    for name in TIMESTAMP_FIELDS:
        columns[name] = {"data_type": "timestamp", "timezone": True, "nullable": True}
    columns[endpoint.id_field] = {"data_type": "text", "nullable": False}
    columns.update(audit_columns())
    return columns


def primary_key(endpoint: Endpoint) -> list[str]:
    return [endpoint.id_field, ORGANIZATION_COLUMN]


def nested_hints(endpoint: Endpoint) -> dict[str | tuple[str, ...], TResourceNestedHints]:
    """Hints of the child tables (``invoices__line_items``...), reporting tags of lines included."""
    hints: dict[str | tuple[str, ...], TResourceNestedHints] = {}
    for path, fields in endpoint.children.items():
        hints[tuple(path.split("."))] = make_nested_hints(columns=_level_columns(fields))
    return hints


# --- typing records -------------------------------------------------------------------------------------


def parse_zoho_timestamp(value: Any) -> datetime | None:
    """``2016-06-11T17:38:06-0700`` → an aware UTC datetime; empty → None. Offsets differ per organization,
    so only parsed instants compare."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    text = str(value)
    try:
        parsed = datetime.strptime(text, _ZOHO_TIMESTAMP)
    except ValueError:
        parsed = datetime.fromisoformat(text)  # tolerate 2016-06-11T17:38:06-07:00 too
    if parsed.tzinfo is None:
        raise ValueError(f"Zoho timestamp without an offset: {text!r}")
    return parsed.astimezone(UTC)


def _to_decimal(value: Any) -> Any:
    if value is None or value == "" or isinstance(value, bool):
        return None if value == "" else value
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value  # not a number after all: dlt stores it as text and the column says so
    if isinstance(value, float):  # not from our client (it parses fractions as Decimal); be exact anyway
        return Decimal(repr(value))
    return value


def _to_date(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _type_level(record: dict[str, Any], fields: Fields) -> None:
    for name in fields.decimals:
        if name in record:
            record[name] = _to_decimal(record[name])
    for name in fields.dates:
        if name in record:
            record[name] = _to_date(record[name])


def _type_children(node: dict[str, Any], path: list[str], fields: Fields) -> None:
    head, rest = path[0], path[1:]
    children = node.get(head)
    if not isinstance(children, list):
        return
    for child in children:
        if not isinstance(child, dict):
            continue
        if rest:
            _type_children(child, rest, fields)
        else:
            _type_level(child, fields)


def typed_record(
    endpoint: Endpoint,
    record: Mapping[str, Any],
    organization_id: str,
    synced_at: datetime,
    *,
    source_id: str | None = None,
) -> dict[str, Any]:
    """A copy of ``record`` with its exact numbers, dates and timestamps typed, plus the audit columns."""
    row = dict(record)
    _type_level(row, endpoint.fields)
    for name in TIMESTAMP_FIELDS:
        if name in row:
            try:
                row[name] = parse_zoho_timestamp(row[name])
            except ValueError:
                row[name] = None  # an unreadable timestamp must not stop a sync; the raw column stays typed
    for path, fields in endpoint.children.items():
        # Nested lists are copied before typing so the caller's record is never changed.
        head = path.split(".")[0]
        if isinstance(row.get(head), list):
            row[head] = [_deep_copy(child) for child in row[head]]
        _type_children(row, path.split("."), fields)
    row[SYNCED_AT_COLUMN] = synced_at
    row[ORGANIZATION_COLUMN] = organization_id
    row[SOURCE_ID_COLUMN] = source_id if source_id is not None else str(record.get(endpoint.id_field, ""))
    row[IS_DELETED_COLUMN] = False
    row[DELETED_AT_COLUMN] = None
    return row


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value
