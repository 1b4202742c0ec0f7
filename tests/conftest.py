"""Suite-wide fixtures: the PostgreSQL server, mandatory in CI.

Tests that need PostgreSQL take the ``postgres_dsn`` fixture. Without a server they skip locally; with
``ML_CONNECTOR_REQUIRE_POSTGRES=1`` (set by .ci/run) a missing server fails them instead, so CI can never
go green by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg2
import pytest

from tests.scratch_database import scratch

POSTGRES_DSN = os.environ.get(
    "ML_CONNECTOR_TEST_POSTGRES", "host=127.0.0.1 port=5432 user=postgres dbname=test"
)


def _postgres_required() -> bool:
    return os.environ.get("ML_CONNECTOR_REQUIRE_POSTGRES", "") not in ("", "0", "false")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    try:
        psycopg2.connect(POSTGRES_DSN, connect_timeout=3).close()
    except psycopg2.OperationalError as exc:
        if _postgres_required():
            pytest.fail(f"PostgreSQL is required here (ML_CONNECTOR_REQUIRE_POSTGRES) but unreachable: {exc}")
        pytest.skip(f"no PostgreSQL server at {POSTGRES_DSN}")
    return POSTGRES_DSN


@pytest.fixture
def postgres_schema(postgres_server: str) -> Iterator[tuple[str, str]]:
    """A schema of its own for one test, dropped afterwards: (dsn, schema)."""
    with scratch(postgres_server, "schema", "t") as schema:
        yield postgres_server, schema
