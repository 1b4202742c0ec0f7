"""An internal record turned into a list row or a detail record: members selected by the entity's shape,
numbers written in Zoho's forms.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.zoho.wire.members import CUSTOM_FIELD_PREFIX, Members, Shape
from ml_connector_fakes.zoho.wire.shapes import SHAPES


def _select(value: Any, members: Members | None) -> Any:
    """``value`` with only the members ``members`` names (each row, for a list); scalars as they are."""
    if members is None:
        return value
    if isinstance(value, list):
        return [_select(item, members) for item in value]
    if not isinstance(value, Mapping):
        return value
    renamed = {members.renames.get(key, key): item for key, item in value.items()}
    out: Record = {
        name: _select(renamed[name], members.nested.get(name)) for name in members.names if name in renamed
    }
    return out


# Real answers write numbers several ways (zoho-real-shapes.md, "numbers"): money with two decimals or three
# (``1000.000``), whole quantities as integers (``1``), and an empty number as ``""`` (the tax percentage of
# an untaxed line or expense). The sandbox writes each of them, so a reader meets them all.
_TWO_PLACES = -2
_THREE_PLACES = Decimal("0.001")
_WHOLE_WHEN_INTEGRAL = frozenset({"quantity"})


def _three_places(shape: Shape, record: Record) -> bool:
    """About one record in three (fixed by its id) writes its two-decimal amounts with three decimals."""
    record_id = record.get(shape.id_field) if shape.id_field else None
    return record_id is not None and zlib.crc32(str(record_id).encode()) % 3 == 0


def _number_forms(value: Any, three_places: bool, key: str = "") -> Any:
    if isinstance(value, list):
        return [_number_forms(item, three_places) for item in value]
    if isinstance(value, dict):
        out = {name: _number_forms(item, three_places, name) for name, item in value.items()}
        if out.get("tax_id") == "" and "tax_percentage" in out:
            out["tax_percentage"] = ""  # no tax: an empty number, not 0
        return out
    if isinstance(value, Decimal) and value.is_finite():
        if key in _WHOLE_WHEN_INTEGRAL and value == value.to_integral_value():
            return int(value)
        if three_places and value.as_tuple().exponent == _TWO_PLACES:
            return value.quantize(_THREE_PLACES)
    return value


def _shaped(shape: Shape, record: Record, members: Members, extra: Record) -> Record:
    out: Record = _select({**record, **extra}, members)
    for key, value in record.items():
        if key.startswith(CUSTOM_FIELD_PREFIX):
            out[key] = value
    shaped: Record = _number_forms(out, _three_places(shape, record))
    return shaped


def list_row(entity: str, record: Record) -> Record:
    """The list row Zoho sends for ``record`` of ``entity`` (an OrgBooks.records key)."""
    shape = SHAPES.get(entity)
    if shape is None:
        return dict(record)
    extra = shape.derive_list(record) if shape.derive_list else {}
    return _shaped(shape, record, shape.list_row, extra)


def detail_record(books: OrgBooks, entity: str, record: Record) -> Record:
    """The detail record Zoho sends for ``record`` of ``entity`` (``GET /<entity>/{id}``, webhooks)."""
    shape = SHAPES.get(entity)
    if shape is None:
        return dict(record)
    extra = shape.derive_detail(books, record) if shape.derive_detail else {}
    return _shaped(shape, record, shape.detail, extra)
