"""A PostgreSQL warehouse's build lock (D164): per-organization builds share it, a full build is alone."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg2
import pytest

from loader.transform.dbt_runner import BUILD_LOCK_KEY, DbtTarget, build_lock
from tests.scratch_database import scratch_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def warehouse(postgres_server: str) -> Iterator[DbtTarget]:
    """A database of its own: advisory locks are per database, so no other test's build is in the way."""
    with scratch_database(postgres_server, "t_build_lock") as name:
        yield DbtTarget("postgres", database=name)


def test_per_organization_builds_share_the_lock_and_a_full_build_holds_it_alone(warehouse: DbtTarget) -> None:
    other = psycopg2.connect(
        host=warehouse.host, port=warehouse.port, user=warehouse.user, dbname=warehouse.database
    )
    other.autocommit = True

    def another_build_may_start(*, exclusive: bool) -> bool:
        suffix = "" if exclusive else "_shared"
        with other.cursor() as cur:
            cur.execute(f"select pg_try_advisory_lock{suffix}(hashtext(%s))", (BUILD_LOCK_KEY,))
            (taken,) = cur.fetchone() or (False,)
            if taken:
                cur.execute(f"select pg_advisory_unlock{suffix}(hashtext(%s))", (BUILD_LOCK_KEY,))
        return bool(taken)

    try:
        with build_lock(warehouse, exclusive=False):  # one organization's build
            assert another_build_may_start(exclusive=False)  # another organization's, beside it
            assert not another_build_may_start(exclusive=True)  # a full build waits
        assert another_build_may_start(exclusive=True)  # released at the end of the build
        with build_lock(warehouse, exclusive=True):  # a full build
            assert not another_build_may_start(exclusive=False)
            assert not another_build_may_start(exclusive=True)
        assert another_build_may_start(exclusive=False)
    finally:
        other.close()
