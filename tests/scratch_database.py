"""PostgreSQL databases and schemas of a test's own, dropped afterwards.

A test that builds a warehouse takes a database (the project's schema names are fixed: zoho_books_raw,
zoho_books, ...); a test that only needs tables of its own takes a schema (``postgres_schema`` in
tests/conftest.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Literal

import psycopg2

_DROP = {
    "database": 'drop database if exists "{}" with (force)',  # with its connections
    "schema": 'drop schema if exists "{}" cascade',
}


@contextmanager
def scratch(admin_dsn: str, kind: Literal["database", "schema"], prefix: str) -> Iterator[str]:
    """Create the database or schema ``<prefix>_<random>`` through ``admin_dsn``, yield its name, drop it."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(admin_dsn)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'create {kind} "{name}"')
    try:
        yield name
    finally:
        with admin.cursor() as cur:
            cur.execute(_DROP[kind].format(name))
        admin.close()


def scratch_database(admin_dsn: str, prefix: str) -> AbstractContextManager[str]:
    """A database of the caller's own: its name, dropped (connections and all) when the block ends."""
    return scratch(admin_dsn, "database", prefix)
