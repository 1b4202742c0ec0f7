"""The same validation against PostgreSQL: Looker's SQL compiled by the fake runs on a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from loader.looker import validate
from ml_connector_fakes.looker import FakeLooker, FakeLookerServer, Warehouse
from tests.looker.conftest import CONNECTION, LookerWorld, build_world

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_world(tmp_path: Path, postgres_schema: tuple[str, str]) -> Iterator[LookerWorld]:
    dsn, schema = postgres_schema
    con = psycopg2.connect(dsn)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(
            f'create table "{schema}".orders (id integer, customer_id integer, status text, created_on date, '
            "amount numeric(18, 2), _synced_at timestamp)"
        )
        cur.execute(f'create table "{schema}".customers (id integer, name text)')
        cur.execute(f"insert into \"{schema}\".orders values (1, 1, 'paid', '2026-10-01', 10.50, now())")
    con.close()
    looker = FakeLooker()
    repo = build_world(tmp_path, looker, Warehouse(CONNECTION, postgres_dsn=dsn), schema=schema)
    with FakeLookerServer(looker) as server:
        yield LookerWorld(repo, looker, server)


def test_generated_lookml_validates_on_postgres(postgres_world: LookerWorld) -> None:
    with postgres_world.client() as client:
        report = validate(client, postgres_world.settings())
        explore = client.explore("shop", "orders")
    assert report.ok, report.lines()
    assert explore is not None
    assert explore["dialect_name"] == "postgres"
    orders = next(e for e in report.explores if e.name == "orders")
    assert orders.sql is not None
    assert "COALESCE(SUM(orders.amount), 0)" in orders.sql


def test_a_postgres_error_comes_back_as_a_looker_error_row(postgres_world: LookerWorld) -> None:
    view = postgres_world.repo.file("views/customers.view.lkml").replace(
        "${TABLE}.name", "${TABLE}.full_name"
    )
    postgres_world.repo.commit({"views/customers.view.lkml": view}, "wrong column")
    with postgres_world.client() as client:
        report = validate(client, postgres_world.settings())
        client.dev_mode()  # validation ends in production; the broken view is on the dev branch
        rows = client.query_json("shop", "customers", ["customers.name"], limit=0)
    assert "column customers.full_name does not exist" in rows[0]["looker_error"]
    customers = next(e for e in report.explores if e.name == "customers")
    assert customers.error is not None
    assert "full_name does not exist" in customers.error
