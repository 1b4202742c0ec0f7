"""The PostgreSQL fixture itself: isolated schemas on the real server."""

from __future__ import annotations

import psycopg2
import pytest


@pytest.mark.postgres
def test_each_test_gets_an_isolated_schema(postgres_schema: tuple[str, str]) -> None:
    dsn, schema = postgres_schema
    with psycopg2.connect(dsn) as con, con.cursor() as cur:
        cur.execute(f'create table "{schema}".probe (amount numeric(18, 2))')
        cur.execute(f'insert into "{schema}".probe values (0.10), (0.20)')
        cur.execute(f'select sum(amount) from "{schema}".probe')
        row = cur.fetchone()
    assert row is not None
    assert str(row[0]) == "0.30"  # numeric, not float: 0.1 + 0.2 exactly
