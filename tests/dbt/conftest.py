"""Build the dbt project once per warehouse and session on a generated sandbox data set.

Path: sandbox generator → tests/dbt/raw_loader.py (dlt, in-process) → zoho_books_raw → `ml-connector build`
(loader.cli.main → loader.transform.dbt_runner → dbtRunner). The worked example of
docs/ledger-posting-rules.md is added to the data set first, and one open invoice is loaded as deleted.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
import pytest

from loader.cli import main
from loader.transform.dbt_runner import DbtTarget
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from tests.dbt.raw_loader import load_dataset
from tests.dbt.worked_example import US_ORG, add_eur_invoice_paid_later
from tests.scratch_database import scratch_database

SEED = 17  # credit notes applied to invoices and vendor credits applied to bills in two organizations each
INVOICES_PER_ORG = 40


@dataclass
class Built:
    dataset: Dataset
    deleted_invoice: tuple[str, str]  # (organization id, invoice id) loaded with _is_deleted
    exit_code: int  # of `ml-connector build`
    output: str
    work_dir: Path  # config file, .ml-connector/dbt/{target,logs}
    target: DbtTarget

    def run_results(self) -> list[dict[str, Any]]:
        path = self.work_dir / ".ml-connector" / "dbt" / "target" / "run_results.json"
        results: list[dict[str, Any]] = json.loads(path.read_text())["results"]
        return results


def cli_build(work: Path, warehouse_toml: str) -> tuple[int, str]:
    """`ml-connector --config work/ml-connector.toml build`, as a user runs it."""
    config = work / "ml-connector.toml"
    config.write_text(warehouse_toml + '\n[reporting]\ncurrency = "USD"\n', encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["--config", str(config), "build"])
    return code, stdout.getvalue() + stderr.getvalue()


def sandbox_dataset() -> tuple[Dataset, tuple[str, str]]:
    dataset = generate_dataset(seed=SEED, invoices_per_org=INVOICES_PER_ORG)
    add_eur_invoice_paid_later(dataset)
    # An open invoice nothing was applied to: the kind Zoho lets a user delete.
    settled = {
        row["invoice_id"]
        for payment in dataset.orgs[US_ORG].records["customerpayments"].values()
        for row in payment["invoices"]
    }
    open_invoice = next(
        invoice_id
        for invoice_id, invoice in dataset.orgs[US_ORG].records["invoices"].items()
        if invoice["status"] in ("sent", "overdue") and invoice_id not in settled
    )
    return dataset, (US_ORG, open_invoice)


def load_sandbox(destination: Any, work: Path) -> tuple[Dataset, tuple[str, str]]:
    """The sandbox data set of these tests loaded into ``destination`` (dlt), its open invoice as deleted;
    dlt's pipeline state under ``work``. Returns the data set and the deleted invoice."""
    dataset, deleted = sandbox_dataset()
    load_dataset(
        dataset, destination=destination, pipelines_dir=work / "pipelines", deleted=frozenset({deleted})
    )
    return dataset, deleted


@pytest.fixture(scope="session")
def duckdb_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work = tmp_path_factory.mktemp("dbt_duckdb")
    database = work / "warehouse.duckdb"
    dataset, deleted = load_sandbox(dlt.destinations.duckdb(str(database)), work)
    code, output = cli_build(work, f'[warehouse]\ndestination = "duckdb"\npath = "{database}"')
    return Built(dataset, deleted, code, output, work, DbtTarget("duckdb", duckdb_path=database))


@pytest.fixture(scope="session")
def postgres_database(postgres_server: str) -> Iterator[str]:
    """A database of its own (the project's schema names are fixed), dropped afterwards."""
    with scratch_database(postgres_server, "ml_connector_dbt") as name:
        yield name


@pytest.fixture(scope="session")
def postgres_built(tmp_path_factory: pytest.TempPathFactory, postgres_database: str) -> Built:
    work = tmp_path_factory.mktemp("dbt_postgres")
    dataset, deleted = load_sandbox(
        dlt.destinations.postgres(f"postgresql://postgres:@127.0.0.1:5432/{postgres_database}"), work
    )
    code, output = cli_build(
        work,
        f'[warehouse]\ndestination = "postgres"\nhost = "127.0.0.1"\nport = 5432\n'
        f'database = "{postgres_database}"\nuser = "postgres"',
    )
    return Built(dataset, deleted, code, output, work, DbtTarget("postgres", database=postgres_database))


def warehouse_path(built: Built) -> Path:
    assert built.target.duckdb_path is not None
    return built.target.duckdb_path
