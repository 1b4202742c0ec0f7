"""Marts rebuild time for one organization against a full rebuild, on N organizations. Prints the method and
a table; not a test.

    .venv/bin/python bench/marts_rebuild.py [--orgs 12] [--invoices-per-org 200] [--repeat 3]
                                            [--warehouse duckdb|postgres]

Method: the sandbox's three organizations are generated with as many seeds as needed and renamed to N
distinct organization ids, loaded into zoho_books_raw with dlt (tests/dbt/raw_loader.py), and built once in
full. Then, `--repeat` times: the first organization's raw rows change as its re-sync changes them (an open
invoice deleted in Zoho, its ledger rows with it), and three builds are timed through
loader.transform.dbt_runner, each as its caller runs it (wall time of the dbt invocation, parsing included):
  - full build: `dbt build`, what `ml-connector build` runs (every model, data test and unit test);
  - full tables: the same selection a per-organization build makes (intermediate and mart tables and their
    data tests, no unit tests), for every organization: the like-for-like comparison;
  - one organization: `build_organizations([that organization])`, what a partition's run and
    `ml-connector run --connection` run.
The median of the repeats is printed. A bigger warehouse comes from more organizations: above 200 invoices per
organization the raw loader writes some US invoices twice (seen at 800 and 1,500: list pages overlapping), and
the first build's unique tests fail. PostgreSQL uses a database of its own at 127.0.0.1:5432 (user postgres,
trust), dropped at the end.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dlt
import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loader.transform.dbt_runner import (
    ORGANIZATION_MODELS,
    DbtRunResult,
    DbtTarget,
    build_organizations,
    run_dbt,
)
from ml_connector_fakes.world.dataset import Dataset, OrgBooks
from ml_connector_fakes.world.generator import generate_dataset
from tests.dbt.organization_rebuild import Warehouse, delete_open_invoice
from tests.dbt.raw_loader import load_dataset

DBT_VARS = {"reporting_currency": "USD"}


def many_organizations(count: int, invoices_per_org: int) -> Dataset:
    """``count`` organizations: the sandbox's three per seed, each renamed to an id of its own."""
    datasets = [
        generate_dataset(seed=k + 1, invoices_per_org=invoices_per_org) for k in range(math.ceil(count / 3))
    ]
    orgs: dict[str, OrgBooks] = {}
    for k, dataset in enumerate(datasets):
        for books in dataset.orgs.values():
            if len(orgs) < count:
                organization_id = f"{k + 1}{books.organization_id}"
                books.organization = {**books.organization, "organization_id": organization_id}
                orgs[organization_id] = books
    return Dataset(
        orgs=orgs, oauth_clients=datasets[0].oauth_clients, refresh_tokens=datasets[0].refresh_tokens
    )


def timed(build: Callable[..., DbtRunResult], *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    result = build(*args, **kwargs)
    if not result.success:
        raise SystemExit(f"build failed: {result.failed}")
    return time.perf_counter() - started


def bench(target: DbtTarget, dataset: Dataset, work: Path, repeat: int) -> dict[str, list[float]]:
    destination = (
        dlt.destinations.duckdb(str(target.duckdb_path))
        if target.name == "duckdb"
        else dlt.destinations.postgres(f"postgresql://postgres:@127.0.0.1:5432/{target.database}")
    )
    started = time.perf_counter()
    load_dataset(dataset, destination=destination, pipelines_dir=work / "pipelines")
    print(f"dlt load: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    build_organizations(target, None, dbt_vars=DBT_VARS, work_dir=work / "dbt")
    print(f"first full build: {time.perf_counter() - started:.1f} s", flush=True)
    organization = Warehouse(target).organizations()[0]
    # Each organization's builds keep a dbt work dir of their own, as the Dagster partitions do: dbt re-parses
    # the project when its vars change, so sharing one with the full builds would time a parse on every run.
    # One untimed build each first: the timed ones then parse as a warm worker does.
    org_work = {"dbt_vars": DBT_VARS, "work_dir": work / "dbt_organization"}
    full_work = {"dbt_vars": DBT_VARS, "work_dir": work / "dbt"}
    build_organizations(target, [organization], **org_work)
    warehouse = Warehouse(target)
    times: dict[str, list[float]] = {"full build": [], "full tables": [], "one organization": []}
    tables = ["build", "--select", *ORGANIZATION_MODELS, "--exclude", "resource_type:unit_test"]
    for round_ in range(repeat):
        delete_open_invoice(warehouse, organization)
        times["one organization"].append(timed(build_organizations, target, [organization], **org_work))
        times["full tables"].append(timed(run_dbt, tables, target, **full_work))
        times["full build"].append(timed(run_dbt, ["build"], target, **full_work))
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=12)
    parser.add_argument("--invoices-per-org", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warehouse", choices=("duckdb", "postgres"), default="duckdb")
    args = parser.parse_args()
    print(__doc__)
    dataset = many_organizations(args.orgs, args.invoices_per_org)
    ledger_rows = sum(len(books.account_transactions) for books in dataset.orgs.values())
    print(
        f"{args.orgs} organizations, {args.orgs * args.invoices_per_org:,} invoices, "
        f"{ledger_rows:,} Zoho ledger rows, warehouse {args.warehouse}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="marts_rebuild_") as tmp:
        work = Path(tmp)
        if args.warehouse == "duckdb":
            times = bench(DbtTarget("duckdb", duckdb_path=work / "bench.duckdb"), dataset, work, args.repeat)
        else:
            database = f"marts_rebuild_bench_{uuid.uuid4().hex[:8]}"
            admin = psycopg2.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres")
            admin.autocommit = True
            with admin.cursor() as cur:
                cur.execute(f'create database "{database}"')
            try:
                times = bench(DbtTarget("postgres", database=database), dataset, work, args.repeat)
            finally:
                with admin.cursor() as cur:
                    cur.execute(f'drop database if exists "{database}" with (force)')
                admin.close()
    one = statistics.median(times["one organization"])
    print(f"\n{'build':<18} {'median':>8}   {'runs':<30} {'÷ one organization':>18}")
    for name, values in times.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.1f}" for v in values)
        print(f"{name:<18} {median:>7.1f}s   {runs:<30} {median / one:>17.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
