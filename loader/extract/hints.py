"""Types for the raw tables: dlt column hints from the endpoint table, and Zoho records typed to match them.

The two halves go together: a column hinted ``decimal`` also receives ``Decimal`` values, a ``date`` column
``date`` values, a timestamp column aware UTC ``datetime`` values, so dlt never has to guess a type from
JSON and never opens a ``__v_<type>`` variant column.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from dlt.common.schema.typing import TColumnSchema
from dlt.extract.hints import TResourceNestedHints, make_nested_hints

from loader.raw_contract import (
    DELETED_AT_COLUMN,
    DETAIL_FETCHED_COLUMN,
    IS_DELETED_COLUMN,
    ORGANIZATION_COLUMN,
    SOURCE_ID_COLUMN,
    SYNCED_AT_COLUMN,
)
from loader.zoho.endpoints import TIMESTAMP_FIELDS, Endpoint, Fields
from loader.zoho.timestamps import parse_zoho_timestamp

# DECIMAL(38, 10): 28 integer digits cover any ledger; 10 places hold Zoho's six-place exchange rates and
# their inverses without rounding a cent.
DECIMAL_PRECISION = 38
DECIMAL_SCALE = 10

# The audit columns a payment's refunds carry on their rows (D135): they are replaced with their payment,
# whose row carries the deletion flags.
REFUND_AUDIT_COLUMNS = (SYNCED_AT_COLUMN, ORGANIZATION_COLUMN, SOURCE_ID_COLUMN)


# --- column hints ---------------------------------------------------------------------------------------


def _decimal() -> TColumnSchema:
    # A new dict per column: dlt mutates hint dicts, so sharing one between columns corrupts both.
    return {"data_type": "decimal", "precision": DECIMAL_PRECISION, "scale": DECIMAL_SCALE, "nullable": True}


def _level_columns(fields: Fields) -> dict[str, TColumnSchema]:
    columns: dict[str, TColumnSchema] = {name: _decimal() for name in fields.decimals}
    for name in fields.dates:
        columns[name] = {"data_type": "date", "nullable": True}
    for name in fields.texts:
        columns[name] = {"data_type": "text", "nullable": True}
    for name in fields.booleans:
        columns[name] = {"data_type": "bool", "nullable": True}
    for name in fields.integers:
        columns[name] = {"data_type": "bigint", "nullable": True}
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
    """Hints of the parent table: decimals, dates, Zoho timestamps, the custom field hash (JSON), the audit
    columns and the key."""
    columns = _level_columns(endpoint.fields)
    for name in TIMESTAMP_FIELDS:
        columns[name] = {"data_type": "timestamp", "timezone": True, "nullable": True}
    columns[CUSTOM_FIELD_HASH] = {"data_type": "json", "nullable": True}
    columns[endpoint.id_field] = {"data_type": "text", "nullable": False}
    columns.update(audit_columns())
    if endpoint.needs_detail:
        columns[DETAIL_FETCHED_COLUMN] = {"data_type": "bool", "nullable": True}
    return columns


def primary_key(endpoint: Endpoint) -> list[str]:
    return [endpoint.id_field, ORGANIZATION_COLUMN]


def nested_hints(endpoint: Endpoint) -> dict[str | tuple[str, ...], TResourceNestedHints]:
    """Hints of the child tables (``invoices__line_items``...), reporting tags of lines included."""
    hints: dict[str | tuple[str, ...], TResourceNestedHints] = {}
    for path, fields in endpoint.children.items():
        columns = _level_columns(fields)
        if endpoint.refunds is not None and path == endpoint.refunds.child:
            # Refunds carry the audit columns of a record of their own (D135); deletion is the payment's.
            # Nullable: the reader always sets them; a row made elsewhere (a bare raw schema) may not.
            audit = audit_columns()
            columns.update({name: {**audit[name], "nullable": True} for name in REFUND_AUDIT_COLUMNS})
        hints[tuple(path.split("."))] = make_nested_hints(columns=columns)
    return hints


# --- typing records -------------------------------------------------------------------------------------

# Zoho's numbers come as ``1000.000``, ``1``, ``0``, typed strings (``"1250.50"``), ``""`` or ``" "`` for an
# empty number, and in the documents' examples as ``"70%"``. Every form below becomes an exact Decimal or
# None; nothing else reaches a decimal column, so it never gets a variant column.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,250.50 (never 1.250,50: ambiguous)
_QUANTUM = Decimal(1).scaleb(-DECIMAL_SCALE)
_MAX_DECIMAL = Decimal(10) ** (DECIMAL_PRECISION - DECIMAL_SCALE)
_WIDE = Context(prec=DECIMAL_PRECISION + DECIMAL_SCALE)

# Money and quantity members found where the endpoint table declares nothing (a nested list it does not
# name, a member only some answers carry): typed Decimal by name, so ``0`` in one record and ``12.5`` in the
# next do not open a variant column. Only numbers and numeric strings are typed; other text is left alone.
MONEY_NAMES = frozenset(
    {
        "adjustment",
        "amount",
        "amount_refunded",
        "balance",
        "bank_charges",
        "credits_applied",
        "current_balance",
        "discount_amount",
        "distance",
        "exchange_rate",
        "item_price",
        "item_quantity",
        "item_total",
        "item_total_inclusive_of_tax",
        "payment_made",
        "quantity",
        "rate",
        "roundoff_value",
        "shipping_charge",
        "sub_total",
        "tax_amount_withheld",
        "total",
        "unused_amount",
    }
)
_MONEY_PREFIXES = ("bcy_", "fcy_")
_MONEY_SUFFIXES = ("_amount", "_applied", "_balance", "_bcy", "_fcy", "_percentage", "_rate", "_total")

# Custom fields: a value's JSON type follows the field's data type (text, number, check box, date...), and
# one field can be a number in one record and "" in the next. Their values are kept as text (JSON text for
# numbers and booleans), whatever the type; the hash of them is one JSON column (its keys are the
# organization's own field names).
CUSTOM_FIELD_LISTS = ("custom_fields", "item_custom_fields")
CUSTOM_FIELD_HASH = "custom_field_hash"
_CUSTOM_FIELD_PREFIX = "cf_"

log = logging.getLogger(__name__)


def _problem(column: str, value: Any) -> dict[str, str]:
    return {"column": column, "value": repr(value)[:40]}


@functools.lru_cache(maxsize=4096)  # member names repeat in every record
def _is_money_name(name: str) -> bool:
    if name.endswith("_formatted"):
        return False
    return name in MONEY_NAMES or name.startswith(_MONEY_PREFIXES) or name.endswith(_MONEY_SUFFIXES)


def parse_number(value: Any) -> Decimal | None:
    """A Zoho number in any form it comes in → an exact Decimal; empty → None; not a number → ValueError.

    ``1000.000`` stays ``Decimal('1000.000')``; ``"1250.50"``, ``"1,250.50"`` and ``"70%"`` (a percentage
    member, as the documents' examples write one) are read as numbers. Floats (never from our client, which
    parses fractions as Decimal) are taken by their shortest repr, not their binary value."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"a boolean is not a number: {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.endswith("%"):
            text = text[:-1].rstrip()
        if _GROUPED_NUMBER.fullmatch(text):
            text = text.replace(",", "")
        if not _PLAIN_NUMBER.fullmatch(text):
            raise ValueError(f"not a number: {value!r}")
        number = Decimal(text)
    else:
        raise ValueError(f"not a number: {value!r}")
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _to_decimal(value: Any, name: str) -> Decimal | None:
    """A value for a decimal-hinted column: a Decimal that DECIMAL(38, 10) holds, or None. A value that is
    not a number (or does not fit) is dropped with a warning instead of opening a variant column."""
    try:
        number = parse_number(value)
    except (ValueError, InvalidOperation):
        log.warning(
            "not a number in a decimal column; stored as NULL", extra={"column": name, "value": value}
        )
        return None
    if number is None:
        return None
    if abs(number) >= _MAX_DECIMAL:
        log.warning("number too large for DECIMAL(38,10); stored as NULL", extra={"column": name})
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DECIMAL_SCALE:
        # Beyond ten places: rounded as the column would round it, so both load paths store the same.
        number = number.quantize(_QUANTUM, context=_WIDE)
    return number


def _to_loose_decimal(value: Any) -> Any:
    """A member typed by name only: numbers and numeric text become Decimal, empty becomes None, anything
    else is left as it came (it may not be a number at all)."""
    if isinstance(value, bool | dict | list):
        return value
    if isinstance(value, str) and not _PLAIN_NUMBER.fullmatch(value.strip()) and value.strip():
        return value
    try:
        return parse_number(value)
    except (ValueError, InvalidOperation):
        return value


def _to_date(value: Any, name: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.strptime(text, "%d %b %Y").date()  # "19 Jan 2017", as some nested lists write it
    except ValueError:
        log.warning("not a date in a date column; stored as NULL", extra=_problem(name, value))
        return None


def _to_integer(value: Any, name: str) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    try:
        number = parse_number(value)
    except (ValueError, InvalidOperation):
        number = None
    if number is not None and number == number.to_integral_value():
        return int(number)
    if number is not None or not (isinstance(value, str) and not value.strip()):
        log.warning("not an integer in an integer column; stored as NULL", extra=_problem(name, value))
    return None


def _to_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text == "true" else False if text == "false" else None


def _to_text(value: Any) -> Any:
    """A value as text: strings as they are, numbers and booleans as JSON writes them (``12.50``, ``true``),
    a list or an object (a multi-select custom field) as JSON, its exact numbers as strings."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value, default=str)


def _type_level(record: dict[str, Any], fields: Fields) -> None:
    for name in fields.decimals:
        if name in record:
            record[name] = _to_decimal(record[name], name)
    for name in fields.dates:
        if name in record:
            record[name] = _to_date(record[name], name)
    for name in fields.integers:
        if name in record:
            record[name] = _to_integer(record[name], name)
    for name in fields.booleans:
        if name in record:
            record[name] = _to_bool(record[name])
    for name in fields.texts:
        if name in record:
            record[name] = _to_text(record[name])


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


def _type_undeclared(node: dict[str, Any], skip: frozenset[str] = frozenset(), *, top: bool = False) -> None:
    """What the endpoint table may not declare, everywhere in ``node``, copying nested objects and lists as it
    goes (the caller's record is never changed): money members by name, custom fields' values as text.
    ``skip``: members the endpoint table types at this level anyway."""
    for name, value in node.items():
        kind = type(value)
        if kind is dict:
            if top and name == CUSTOM_FIELD_HASH:
                node[name] = _deep_copy(value)  # one JSON column (hinted), its values as Zoho sent them
            else:
                copied = dict(value)  # flattened into columns by dlt: typed like the record's own members
                _type_undeclared(copied)
                node[name] = copied
        elif kind is list:
            items = [dict(v) if type(v) is dict else _deep_copy(v) for v in value]
            for item in items:
                if type(item) is dict:
                    if name in CUSTOM_FIELD_LISTS and "value" in item:
                        item["value"] = _to_text(item["value"])
                    _type_undeclared(item)
            node[name] = items
        elif name in skip:
            continue
        elif name.startswith(_CUSTOM_FIELD_PREFIX):
            node[name] = _to_text(value)
        elif _is_money_name(name):
            node[name] = _to_loose_decimal(value)


@functools.lru_cache(maxsize=256)
def _declared(fields: Fields) -> frozenset[str]:
    """The members ``fields`` types: the name-based typing leaves them to it."""
    return frozenset((*fields.decimals, *fields.dates, *fields.integers, *fields.booleans, *fields.texts))


def typed_record(
    endpoint: Endpoint,
    record: Mapping[str, Any],
    organization_id: str,
    synced_at: datetime,
    *,
    source_id: str | None = None,
    detail_fetched: bool = True,
) -> dict[str, Any]:
    """A copy of ``record`` with its exact numbers, dates and timestamps typed, plus the audit columns.

    First what nobody declared (money by name, custom fields as text), then the endpoint table's typing of
    the record and its nested lists, which has the last word on the members it names."""
    row = dict(record)
    _type_undeclared(row, _declared(endpoint.fields), top=True)
    _type_level(row, endpoint.fields)
    for name in TIMESTAMP_FIELDS:
        if name in row:
            try:
                row[name] = parse_zoho_timestamp(row[name])
            except ValueError:
                row[name] = None  # an unreadable timestamp must not stop a sync; the raw column stays typed
    for path, fields in endpoint.children.items():
        _type_children(row, path.split("."), fields)
    row[SYNCED_AT_COLUMN] = synced_at
    row[ORGANIZATION_COLUMN] = organization_id
    row[SOURCE_ID_COLUMN] = source_id if source_id is not None else str(record.get(endpoint.id_field, ""))
    row[IS_DELETED_COLUMN] = False
    row[DELETED_AT_COLUMN] = None
    if endpoint.needs_detail:
        row[DETAIL_FETCHED_COLUMN] = detail_fetched
    return row


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value
