"""A per-organization build (var `organizations`, loader.transform.dbt_runner.build_organizations) rebuilds
that organization's rows only, and ends equal, row for row and to the cent, to a full rebuild: on DuckDB and
on PostgreSQL, where builds of different organizations also run at once (separate processes, as Dagster runs).

Path: sandbox generator -> tests/dbt/raw_loader.py (dlt) -> full build -> raw changed for some organizations
as their re-sync changes it -> per-organization builds -> every table compared with a `--full-refresh` build.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dlt
import pytest

from loader.transform.dbt_runner import DbtTarget, build_organizations, run_dbt
from ml_connector_fakes.world.generator import generate_dataset
from tests.dbt.organization_rebuild import (
    Snapshot,
    Warehouse,
    delete_open_invoice,
    differences,
    rename_contact,
)
from tests.dbt.raw_loader import load_dataset
from tests.scratch_database import scratch_database

INVOICES_PER_ORG = 25
DBT_VARS = {"reporting_currency": "USD"}
REPO = Path(__file__).resolve().parents[2]


def _load(destination: object, work: Path) -> None:
    load_dataset(
        generate_dataset(seed=17, invoices_per_org=INVOICES_PER_ORG),
        destination=destination,
        pipelines_dir=work,
    )


@pytest.fixture
def duckdb_target(tmp_path: Path) -> DbtTarget:
    database = tmp_path / "warehouse.duckdb"
    _load(dlt.destinations.duckdb(str(database)), tmp_path / "pipelines")
    return DbtTarget("duckdb", duckdb_path=database)


@pytest.fixture
def postgres_target(postgres_server: str, tmp_path: Path) -> Iterator[DbtTarget]:
    with scratch_database(postgres_server, "h16b_org_rebuild") as name:
        _load(
            dlt.destinations.postgres(f"postgresql://postgres:@127.0.0.1:5432/{name}"), tmp_path / "pipelines"
        )
        yield DbtTarget("postgres", database=name)


def _full_rebuild(target: DbtTarget, work: Path) -> Snapshot:
    run_dbt(["build", "--full-refresh"], target, dbt_vars=DBT_VARS, work_dir=work / "full")
    return Warehouse(target).snapshot()


def _invoice_ids(warehouse: Warehouse, organization_id: str) -> set[str]:
    rows = warehouse.query(
        f"select invoice_id from zoho_books.fct_invoices where organization_id = '{organization_id}'"
    )
    return {str(invoice_id) for (invoice_id,) in rows}


def _one_organization_then_another(target: DbtTarget, work: Path) -> Warehouse:
    """First build; re-sync changes for two organizations; rebuild the first alone and check nobody else's
    rows moved; then the second. Returns the warehouse, ready for the comparison with a full rebuild."""
    warehouse = Warehouse(target)
    # On a warehouse no full build has run on, a per-organization build is a full one: unit tests ran, and
    # every organization is there.
    full = build_organizations(target, ["10234695"], dbt_vars=DBT_VARS, work_dir=work / "first")
    assert full.success
    assert any(r.unique_id.startswith("unit_test.") for r in full.results)
    first, second, _third = warehouse.organizations()
    assert "10234695" in (first, second, _third)
    before = warehouse.snapshot()

    deleted_first = delete_open_invoice(warehouse, first)
    renamed = rename_contact(warehouse, first)
    deleted_second = delete_open_invoice(warehouse, second)

    result = build_organizations(target, [first], dbt_vars=DBT_VARS, work_dir=work / "one")
    assert result.success, result.failed
    built = {r.unique_id for r in result.results}
    # tables and their data tests only: no staging view, no unit test
    assert not [n for n in built if ".stg_zoho_books__" in n and n.startswith("model.")]
    assert not [n for n in built if n.startswith("unit_test.")]
    assert "model.ml_connector.fct_general_ledger" in built
    assert "model.ml_connector.rpt_balance_sheet" in built

    after = warehouse.snapshot()
    for name, table in before.items():
        untouched = table.of_organizations(lambda org: org != first)
        assert after[name].of_organizations(lambda org: org != first) == untouched, name
    assert deleted_first not in _invoice_ids(warehouse, first)
    assert deleted_second in _invoice_ids(warehouse, second)  # not rebuilt yet: the old rows stay
    names = warehouse.query(
        "select contact_name from zoho_books.dim_contacts "
        f"where organization_id = '{first}' and contact_id = '{renamed}'"
    )
    assert len(names) == 1
    assert str(names[0][0]).endswith(" (renamed)")

    assert build_organizations(target, [second], dbt_vars=DBT_VARS, work_dir=work / "two").success
    assert deleted_second not in _invoice_ids(warehouse, second)
    return warehouse


_LEDGER_SUMS = (
    "select organization_id, sum(debit_base), sum(credit_base) from zoho_books.fct_general_ledger group by 1"
)


def _assert_equal_to_full_rebuild(target: DbtTarget, warehouse: Warehouse, work: Path) -> None:
    incremental = warehouse.snapshot()
    incremental_sums = sorted(warehouse.query(_LEDGER_SUMS))
    full = _full_rebuild(target, work)
    assert len(full) == 46  # 23 intermediate tables and 23 marts
    assert sum(sum(t.rows.values()) for t in full.values()) > 10_000
    found = differences(full, incremental)
    assert not found, "\n".join(found)
    # the same, said in money: each organization's ledger debits and credits, to the cent
    assert incremental_sums == sorted(warehouse.query(_LEDGER_SUMS))
    assert len(incremental_sums) == 3


def test_duckdb_one_organization_rebuild_equals_a_full_rebuild(
    duckdb_target: DbtTarget, tmp_path: Path
) -> None:
    warehouse = _one_organization_then_another(duckdb_target, tmp_path)
    _assert_equal_to_full_rebuild(duckdb_target, warehouse, tmp_path)


_BUILD_ONE = """
import json, sys
from pathlib import Path
from loader.transform.dbt_runner import DbtTarget, build_organizations
database, organization, work, dbt_vars = sys.argv[1:5]
result = build_organizations(
    DbtTarget("postgres", database=database), [organization], dbt_vars=json.loads(dbt_vars),
    work_dir=Path(work), raise_on_failure=False,
)
print(result.summary())
sys.exit(0 if result.success else 1)
"""


def test_postgres_one_organization_rebuilds_side_by_side_equal_a_full_rebuild(
    postgres_target: DbtTarget, tmp_path: Path
) -> None:
    warehouse = _one_organization_then_another(postgres_target, tmp_path)
    _assert_equal_to_full_rebuild(postgres_target, warehouse, tmp_path)

    # Every organization re-synced, then rebuilt at once by one process each, as Dagster's runs do.
    organizations = warehouse.organizations()
    for organization in organizations:
        delete_open_invoice(warehouse, organization)
        rename_contact(warehouse, organization, suffix=" (again)")
    builds = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _BUILD_ONE,
                postgres_target.database,
                org,
                str(tmp_path / f"side_{org}"),
                json.dumps(DBT_VARS),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for org in organizations
    ]
    outputs = [build.communicate(timeout=600)[0] for build in builds]
    assert [build.returncode for build in builds] == [0] * len(organizations), "\n".join(outputs)
    _assert_equal_to_full_rebuild(postgres_target, warehouse, tmp_path)
