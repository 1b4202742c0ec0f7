"""JSON text with ``Decimal`` written as an exact JSON number.

Zoho sends money as JSON numbers (``"total": 1234.5``), and the sandbox keeps money as ``Decimal``.
The standard encoder cannot write a Decimal as a number without going through ``float``; this small
encoder writes the Decimal's own digits instead, so what the client parses is exactly what the sandbox holds.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_encode_str = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def decimal_text(value: Decimal) -> str:
    """Plain positional digits (``1E+2`` → ``100``, ``0.10`` stays ``0.10``); JSON has no NaN or infinity."""
    if not value.is_finite():
        raise ValueError(f"cannot write {value} as a JSON number")
    return format(value, "f")


def dumps(value: Any) -> str:
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def dumps_bytes(value: Any) -> bytes:
    return dumps(value).encode("utf-8")


def _write(value: Any, out: list[str]) -> None:
    # bool before int: True is an int in Python but must stay true in JSON.
    if value is None or isinstance(value, bool | int | str):
        out.append(_encode_str(value))
    elif isinstance(value, Decimal):
        out.append(decimal_text(value))
    elif isinstance(value, float):
        out.append(_encode_str(value))  # NaN and infinity raise: they are not JSON
    elif isinstance(value, dict):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            if i:
                out.append(",")
            out.append(_encode_str(str(key)))
            out.append(":")
            _write(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, datetime | date):
        out.append(_encode_str(value.isoformat()))
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")
