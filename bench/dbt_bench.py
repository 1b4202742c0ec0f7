"""dbt build time on DuckDB as the sandbox data set grows (to >= 100k invoices). Prints a table; not a test.

    .venv/bin/python bench/dbt_bench.py [invoices_per_org ...]   (default: 1000 10000 34000, three orgs each)

For each size: generate the sandbox books, load them into zoho_books_raw with dlt (parquet), then time
`dbt build` (models, data tests and unit tests) through loader.transform.dbt_runner, as `ml-connector build`
runs it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import dlt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loader.transform.dbt_runner import DbtTarget, run_dbt
from ml_connector_fakes.world.generator import generate_dataset
from tests.dbt.raw_loader import load_dataset

DEFAULT_SIZES = (1_000, 10_000, 34_000)


def bench(invoices_per_org: int, work: Path) -> dict[str, float]:
    started = time.perf_counter()
    dataset = generate_dataset(seed=1, invoices_per_org=invoices_per_org)
    generated = time.perf_counter()
    database = work / f"bench_{invoices_per_org}.duckdb"
    load_dataset(
        dataset, destination=dlt.destinations.duckdb(str(database)), pipelines_dir=work / "pipelines"
    )
    loaded = time.perf_counter()
    ledger_rows = sum(len(books.account_transactions) for books in dataset.orgs.values())
    del dataset
    target = DbtTarget("duckdb", duckdb_path=database)
    run = run_dbt(["run"], target, work_dir=work)
    test = run_dbt(["test"], target, work_dir=work)
    build = run_dbt(["build"], target, work_dir=work)
    return {
        "invoices": 3 * invoices_per_org,
        "ledger_rows": ledger_rows,
        "generate_s": generated - started,
        "load_s": loaded - generated,
        "run_s": run.elapsed_seconds,
        "test_s": test.elapsed_seconds,
        "build_s": build.elapsed_seconds,
    }


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or list(DEFAULT_SIZES)
    header = (
        f"{'invoices':>9} {'GL rows':>9} {'generate':>9} {'dlt load':>9} {'dbt run':>8} {'dbt test':>9}"
        f" {'dbt build':>10}"
    )
    print(header)
    with tempfile.TemporaryDirectory(prefix="dbt_bench_") as tmp:
        for size in sizes:
            r = bench(size, Path(tmp))
            print(
                f"{r['invoices']:>9,} {r['ledger_rows']:>9,} {r['generate_s']:>8.1f}s {r['load_s']:>8.1f}s"
                f" {r['run_s']:>7.1f}s {r['test_s']:>8.1f}s {r['build_s']:>9.1f}s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
