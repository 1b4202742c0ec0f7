"""The SQL dialects the generated LookML is written for, and how warehouse types map to LookML types.

Looker dialects: PostgreSQL, BigQuery, Snowflake. DuckDB is not one; it is the embedded default for local
runs, and its SQL is close enough to PostgreSQL's that the same LookML is written and checked against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Final


class Kind(Enum):
    """What a column becomes in LookML."""

    STRING = "string"
    NUMBER = "number"
    YESNO = "yesno"
    DATE = "date"  # dimension_group, datatype: date
    TIMESTAMP = "timestamp"  # dimension_group, datatype: timestamp
    DATETIME = "datetime"  # dimension_group, datatype: datetime (BigQuery DATETIME)


@dataclass(frozen=True)
class Dialect:
    name: str
    text_type: str  # the type to CAST to for string concatenation
    identifier_quote: str

    def cast_text(self, expression: str) -> str:
        return f"CAST({expression} AS {self.text_type})"

    def concat(self, expressions: list[str]) -> str:
        """Concatenate columns into one string key; NULL parts become empty so the key never goes NULL."""
        parts = [f"COALESCE({self.cast_text(e)}, '')" for e in expressions]
        return " || '|' || ".join(parts)

    def hours_since(self, timestamp: str, *, with_zone: bool) -> str:
        """Hours from ``timestamp`` to now; a timestamp without zone is UTC (what the loader writes)."""
        if self.name == "bigquery":
            return f"TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), TIMESTAMP({timestamp}), SECOND) / 3600.0"
        if self.name == "snowflake":
            now = "CURRENT_TIMESTAMP()" if with_zone else "SYSDATE()"
            return f"DATEDIFF('second', {timestamp}, {now}) / 3600.0"
        now = "now()" if with_zone else "timezone('UTC', now())"
        return f"EXTRACT(EPOCH FROM ({now} - {timestamp})) / 3600.0"

    def kind(self, data_type: str | None) -> Kind | None:
        """The LookML kind of a warehouse type name; None when unknown."""
        if not data_type:
            return None
        base = re.split(r"[(\s<]", data_type.strip().lower(), maxsplit=1)[0]
        if base in _BOOLEAN:
            return Kind.YESNO
        if base in _NUMERIC or re.fullmatch(r"(u?int|float)\d*", base):
            return Kind.NUMBER
        if base == "date":
            return Kind.DATE
        if base == "datetime":
            # BigQuery DATETIME is a civil time (no zone); in Snowflake and DuckDB it is a timestamp.
            return Kind.DATETIME if self.name == "bigquery" else Kind.TIMESTAMP
        if base.startswith("timestamp"):
            return Kind.TIMESTAMP
        if base in _STRING:
            return Kind.STRING
        return None

    def is_decimal(self, data_type: str | None) -> bool:
        """Exact fixed-point types: where money lives (never floats, by contract)."""
        if not data_type:
            return False
        base = re.split(r"[(\s]", data_type.strip().lower(), maxsplit=1)[0]
        if base in ("numeric", "decimal", "bignumeric", "bigdecimal"):
            return True
        # Snowflake NUMBER(p,s) with a scale is fixed-point money; NUMBER(p,0) an integer.
        match = re.fullmatch(r"number\s*\(\s*\d+\s*,\s*(\d+)\s*\)", data_type.strip().lower())
        return bool(match and int(match.group(1)) > 0)


_BOOLEAN: Final = frozenset({"boolean", "bool", "logical"})
_NUMERIC: Final = frozenset(
    {
        "numeric", "decimal", "number", "bignumeric", "bigdecimal", "integer", "int", "bigint", "smallint",
        "tinyint", "hugeint", "ubigint", "uinteger", "usmallint", "utinyint", "uhugeint", "byteint", "float",
        "double", "real", "float4", "float8", "int2", "int4", "int8", "int64", "float64", "serial",
        "bigserial",
    }
)  # fmt: skip
_STRING: Final = frozenset(
    {
        "varchar",
        "text",
        "string",
        "char",
        "character",
        "nvarchar",
        "nchar",
        "uuid",
        "bpchar",
        "citext",
        "enum",
    }
)

DIALECTS: Final = {
    "postgres": Dialect("postgres", "VARCHAR", '"'),
    "duckdb": Dialect("duckdb", "VARCHAR", '"'),
    "snowflake": Dialect("snowflake", "VARCHAR", '"'),
    "bigquery": Dialect("bigquery", "STRING", "`"),
}

# dlt/dbt destination names that speak one of the dialects above.
_DESTINATION_DIALECT: Final = {
    "duckdb": "duckdb",
    "motherduck": "postgres",  # Looker reaches MotherDuck through its Postgres endpoint
    "postgres": "postgres",
    "postgresql": "postgres",
    "bigquery": "bigquery",
    "snowflake": "snowflake",
}


class UnsupportedDialect(Exception):
    """The warehouse is not one the generator writes SQL for."""


def dialect_for(destination: str) -> Dialect:
    """The dialect for a ``[warehouse] destination`` (or a dbt adapter type)."""
    name = _DESTINATION_DIALECT.get(destination.lower())
    if name is None:
        supported = ", ".join(sorted(_DESTINATION_DIALECT))
        raise UnsupportedDialect(f"no LookML dialect for warehouse {destination!r}; supported: {supported}")
    return DIALECTS[name]
