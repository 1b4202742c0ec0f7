"""A sync killed with SIGKILL part-way, then run again, ends exactly where an uninterrupted sync ends.

The killed sync runs in a child process (this module run with ``python -m``); the sandbox stays in the test
process, so it outlives the kill. The test watches the sandbox's call counts and the child's dlt working
directory and kills at one point of a run:

* ``documents-extract``: details of the documents phase half read, nothing extracted yet;
* ``documents-normalize``: the documents package extracted (state with its watermarks committed locally)
  and being normalized;
* ``documents-load``: the documents package part-loaded (some tables merged, others and the state not);
* ``ledger-extract``: the documents phase loaded, the ledger being read.

The rerun uses the same warehouse and the same dlt working directory (the same machine). Its warehouse is
then compared, row for row, with an uninterrupted sync of the same sandbox into another warehouse of the
same kind: DuckDB at every kill point, PostgreSQL at ``documents-load``.

A kill inside the load often lands between a job's commit and dlt's record of it, so dlt runs that job
again on resume: on DuckDB that inserted rows twice, on PostgreSQL the unique ``_dlt_id`` refused them and
the package failed on every later run (see ``loader.extract.resume.finish_pending``). Whether a given kill
lands there depends on timing (about half of the kills did here); the assertions hold either way.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import dlt
import psycopg2
import pytest
from dlt.pipeline.pipeline import Pipeline

from loader.config import ZohoConnectionConfig
from loader.extract.pipelines import PIPELINE_NAME, make_pipeline
from loader.extract.run import sync_organizations
from loader.secret import Secret
from loader.zoho.auth import ZohoCredentials
from loader.zoho.client import ZohoBooksClient
from loader.zoho.ratelimit import LimiterRegistry, RateLimits
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.zoho.server import SandboxServer
from tests.loader.fast_retry import FAST_RETRY
from tests.loader.pipeline.conftest import ORGS, credentials_for, query

REPO = Path(__file__).resolve().parents[3]
LEDGER_ROUTE = "/chartofaccounts/transactions"
# Columns that say when and in which load a row arrived, not what it holds: they differ between any two
# syncs, killed or not.
BOOKKEEPING = frozenset({"_dlt_load_id", "_dlt_id", "_dlt_parent_id", "_dlt_root_id", "_synced_at"})
CHILD_TIMEOUT = 240.0  # seconds; a loaded 2-core machine runs the child's sync in ~30 s

pytestmark = pytest.mark.slow


# --- the child process ----------------------------------------------------------------------------------


def connections_spec(sandbox: SandboxServer, dataset: Dataset) -> list[dict[str, str]]:
    """What the child needs to build the same clients as the test process (sandbox credentials only)."""
    spec = []
    for org, region in ORGS.items():
        credentials = credentials_for(dataset, region)
        spec.append(
            {
                "name": f"test-{region}",
                "region": region,
                "organization_id": org,
                "accounts_url": sandbox.accounts_url(region),
                "client_id": credentials.client_id,
                "client_secret": credentials.client_secret.reveal(),
                "refresh_token": credentials.refresh_token.reveal(),
            }
        )
    return spec


def clients_from(spec: list[dict[str, str]]) -> list[ZohoBooksClient]:
    # A Zoho-minute lasts one real second at the sandbox's time scale 60: pace the clients the same way.
    return [
        ZohoBooksClient(
            ZohoConnectionConfig(
                c["name"], c["region"], c["organization_id"], accounts_url=c["accounts_url"]
            ),
            ZohoCredentials(c["client_id"], Secret(c["client_secret"]), Secret(c["refresh_token"])),
            limiters=LimiterRegistry(),
            limits=RateLimits(requests_per_window=100, window_seconds=1.0, max_in_flight=5),
            retry=FAST_RETRY,
            seed=1,
        )
        for c in spec
    ]


@dataclass(frozen=True)
class Warehouse:
    """Where a sync loads: a DuckDB file in ``directory``, or a schema of PostgreSQL at ``postgres_url``;
    dlt's working directory is in ``directory`` either way."""

    directory: str
    postgres_url: str | None = None
    dataset: str = "zoho_books_raw"

    def pipeline(self) -> Pipeline:
        directory = Path(self.directory)
        destination = (
            dlt.destinations.postgres(self.postgres_url)
            if self.postgres_url
            else dlt.destinations.duckdb(str(directory / "warehouse.duckdb"))
        )
        return make_pipeline(destination, directory / "dlt", dataset_name=self.dataset)

    @property
    def working_dir(self) -> Path:
        return Path(self.directory) / "dlt" / PIPELINE_NAME


def child_sync(spec_path: Path) -> None:
    """The child's whole job: one ordinary sync, as the CLI would run it."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    clients = clients_from(spec["connections"])
    try:
        sync_organizations(clients, Warehouse(**spec["warehouse"]).pipeline())
    finally:
        for client in clients:
            client.close()


# --- what the warehouse holds ---------------------------------------------------------------------------


def warehouse_content(pipeline: Pipeline) -> dict[str, list[str]]:
    """Every raw table's rows (bookkeeping columns left out), sorted: what two syncs must agree on.

    Nested rows carry their root document's organization and id and their parents' list positions, so a
    line moved to another invoice is a difference, not a coincidence. Snapshot tables (appended each sync,
    such as currencies) are compared by their latest snapshot per organization: a killed run that loaded
    its documents phase rightly left one snapshot more in the history."""
    columns = warehouse_columns(pipeline)
    content: dict[str, list[str]] = {}
    with pipeline.sql_client() as client:
        dataset = client.fully_qualified_dataset_name()
        for table in pipeline.default_schema.data_tables():
            name = table["name"]
            if name in columns:
                sql = content_sql(name, columns, append=table.get("write_disposition") == "append")
                rows = client.execute_sql(sql.replace("{ds}", dataset)) or []
                content[name] = sorted(repr(tuple(row)) for row in rows)
    return content


def warehouse_columns(pipeline: Pipeline) -> dict[str, list[str]]:
    """Each table the warehouse holds → its columns, in a fixed order."""
    columns: dict[str, list[str]] = {}
    for table, column in query(
        pipeline,
        "select table_name, column_name from information_schema.columns where table_schema = %s "
        "order by table_name, column_name",
        pipeline.dataset_name,
    ):
        columns.setdefault(str(table), []).append(str(column))
    return columns


def content_sql(name: str, columns: dict[str, list[str]], *, append: bool) -> str:
    chain = name.split("__")
    leaf = len(chain) - 1
    select = [f't{leaf}."{c}"' for c in columns[name] if c not in BOOKKEEPING]
    joins = [f"{{ds}}.{name} t{leaf}"]
    # Walk up to the root: t0 is the root document, t1.. the nested rows between it and this one.
    for depth in range(leaf - 1, -1, -1):
        parent = "__".join(chain[: depth + 1])
        joins.append(f"join {{ds}}.{parent} t{depth} on t{depth}._dlt_id = t{depth + 1}._dlt_parent_id")
        if depth == 0:
            select[:0] = ["t0._zoho_organization_id", "t0._zoho_source_id"]
        else:
            select.insert(0, f"t{depth}._dlt_list_idx")
    where = ""
    if append and leaf == 0:
        where = (
            " where t0._synced_at = (select max(s._synced_at) from {ds}."
            f"{name} s where s._zoho_organization_id = t0._zoho_organization_id)"
        )
    return f"select {', '.join(select)} from {' '.join(joins)}{where}"


def duplicate_keys(pipeline: Pipeline) -> dict[str, int]:
    """Primary keys held by more than one row, per merged table (should be none anywhere)."""
    stored = warehouse_columns(pipeline)
    found = {}
    with pipeline.sql_client() as client:
        dataset = client.fully_qualified_dataset_name()
        for table in pipeline.default_schema.data_tables():
            name = table["name"]
            keys = [c for c, col in table.get("columns", {}).items() if col.get("primary_key")]
            if not keys or name not in stored:
                continue
            listed = ", ".join(f'"{k}"' for k in keys)
            rows = client.execute_sql(
                f"select count(*) from (select {listed} from {dataset}.{name} group by {listed} "
                "having count(*) > 1) d"
            )
            found[name] = int(rows[0][0]) if rows else 0
    return found


def describe_difference(got: dict[str, list[str]], want: dict[str, list[str]]) -> str:
    lines = [f"tables only after the kill: {sorted(set(got) - set(want))}"]
    lines.append(f"tables only in the uninterrupted sync: {sorted(set(want) - set(got))}")
    for name in sorted(set(got) & set(want)):
        if got[name] != want[name]:
            extra = sorted(set(got[name]) - set(want[name]))[:3]
            missing = sorted(set(want[name]) - set(got[name]))[:3]
            lines.append(
                f"{name}: {len(got[name])} rows vs {len(want[name])}; extra {extra}; missing {missing}"
            )
    return "\n".join(lines)


# --- the uninterrupted sync -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    content: dict[str, list[str]]
    calls: dict[str, dict[str, int]]  # organization -> route -> calls of a whole sync

    def documents_calls(self) -> int:
        return sum(n for routes in self.calls.values() for r, n in routes.items() if r != LEDGER_ROUTE)

    def ledger_calls(self) -> int:
        return sum(routes.get(LEDGER_ROUTE, 0) for routes in self.calls.values())


def uninterrupted(sandbox: SandboxServer, dataset: Dataset, warehouse: Warehouse) -> Baseline:
    sandbox.configure(daily_limits=dict.fromkeys(ORGS, 100_000))
    sandbox.reset_stats()
    clients = clients_from(connections_spec(sandbox, dataset))
    pipeline = warehouse.pipeline()
    try:
        assert sync_organizations(clients, pipeline).complete
    finally:
        for client in clients:
            client.close()
    calls: dict[str, dict[str, int]] = sandbox.stats()["calls"]
    duplicates = duplicate_keys(pipeline)
    assert "invoices" in duplicates
    assert not any(duplicates.values()), duplicates
    return Baseline(warehouse_content(pipeline), calls)


def postgres_url(dsn: str) -> str:
    params = dict(item.split("=", 1) for item in dsn.split())
    return (
        f"postgresql://{params.get('user', 'postgres')}:{params.get('password', '')}@"
        f"{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}/{params.get('dbname', 'test')}"
    )


@pytest.fixture(scope="module")
def postgres_schemas(postgres_server: str) -> Iterator[Callable[[], str]]:
    """New schema names on the PostgreSQL server, dropped (with dlt's staging twins) at the end."""
    made: list[str] = []

    def new() -> str:
        made.append(f"zb_kill_{uuid.uuid4().hex[:10]}")
        return made[-1]

    yield new
    con = psycopg2.connect(postgres_server)
    con.autocommit = True
    with con.cursor() as cur:
        for schema in made:
            cur.execute(f'drop schema if exists "{schema}" cascade')
            cur.execute(f'drop schema if exists "{schema}_staging" cascade')
    con.close()


@pytest.fixture(scope="module")
def duckdb_baseline(
    sandbox: SandboxServer, dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> Baseline:
    return uninterrupted(sandbox, dataset, Warehouse(str(tmp_path_factory.mktemp("uninterrupted"))))


@pytest.fixture(scope="module")
def postgres_baseline(
    sandbox: SandboxServer,
    dataset: Dataset,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_server: str,
    postgres_schemas: Callable[[], str],
) -> Baseline:
    warehouse = Warehouse(
        str(tmp_path_factory.mktemp("uninterrupted-pg")), postgres_url(postgres_server), postgres_schemas()
    )
    return uninterrupted(sandbox, dataset, warehouse)


# --- kill points ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Watch:
    sandbox: SandboxServer
    working_dir: Path  # the child's dlt working directory of this pipeline

    def calls(self, route: str | None = None) -> int:
        stats = self.sandbox.stats()["calls"]
        if route is None:
            return sum(n for routes in stats.values() for r, n in routes.items() if r != LEDGER_ROUTE)
        return sum(routes.get(route, 0) for routes in stats.values())

    def packages(self, folder: str) -> list[Path]:
        where = self.working_dir / folder
        return [p for p in where.iterdir() if p.is_dir()] if where.is_dir() else []

    def jobs(self, package: Path, state: str) -> int:
        where = package / state
        return len(list(where.iterdir())) if where.is_dir() else 0


KillPoint = Callable[[Watch, Baseline], bool]

KILL_POINTS: dict[str, KillPoint] = {
    "documents-extract": lambda w, b: w.calls() >= b.documents_calls() // 2,
    # dlt normalizes into load/new, then moves the package to load/normalized.
    "documents-normalize": lambda w, b: bool(w.packages("load/new")) and w.calls(LEDGER_ROUTE) == 0,
    # A table or more merged while other jobs have not even started: the kill lands inside the load.
    "documents-load": lambda w, b: (
        any(
            w.jobs(p, "completed_jobs") >= 1 and w.jobs(p, "new_jobs") >= 1
            for p in w.packages("load/normalized")
        )
        and w.calls(LEDGER_ROUTE) == 0
    ),
    "ledger-extract": lambda w, b: w.calls(LEDGER_ROUTE) >= b.ledger_calls() // 4,
}


def kill_part_way(spec_path: Path, watch: Watch, baseline: Baseline, point: KillPoint) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.loader.pipeline.test_sigkill", str(spec_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + CHILD_TIMEOUT
    try:
        while not point(watch, baseline):
            if child.poll() is not None or time.monotonic() > deadline:
                output = child.stdout.read().decode(errors="replace") if child.stdout else ""
                pytest.fail(f"the kill point was never reached (child exit {child.returncode}):\n{output}")
            time.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()  # the test failed before the kill: never leave the child running
        child.wait(timeout=30)
        if child.stdout:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def kill_then_rerun(
    point: str,
    warehouse: Warehouse,
    baseline: Baseline,
    dataset: Dataset,
    sandbox: SandboxServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sandbox.configure(daily_limits=dict.fromkeys(ORGS, 100_000))
    spec = connections_spec(sandbox, dataset)
    spec_path = Path(warehouse.directory) / "child.json"
    spec_path.write_text(json.dumps({"connections": spec, "warehouse": asdict(warehouse)}), encoding="utf-8")
    sandbox.reset_stats()

    kill_part_way(spec_path, Watch(sandbox, warehouse.working_dir), baseline, KILL_POINTS[point])

    killed = warehouse.pipeline()
    pending = killed.has_pending_data
    if point == "documents-extract":
        assert not pending  # killed before dlt committed anything: no package, no table, no state
        assert "invoices" not in warehouse_columns(killed)
    if point in ("documents-normalize", "documents-load"):
        assert pending  # the package the kill interrupted is still on disk, for the rerun to finish
    if point == "ledger-extract":
        assert not pending  # the documents phase was loaded whole; the ledger's extraction died unsaved
        (invoices,) = query(killed, "select count(*) from {ds}.invoices")[0]
        assert invoices == sum(len(dataset.orgs[o].records["invoices"]) for o in ORGS)

    caplog.set_level(logging.WARNING, logger="loader.extract.resume")
    clients = clients_from(spec)
    try:
        rerun = sync_organizations(clients, killed)
    finally:
        for client in clients:
            client.close()
    assert rerun.complete
    assert ("finishing the load a previous run left pending" in caplog.text) == pending

    content = warehouse_content(killed)
    assert content == baseline.content, describe_difference(content, baseline.content)
    duplicates = duplicate_keys(killed)
    assert "invoices" in duplicates
    assert not any(duplicates.values()), duplicates


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkilled_sync_then_rerun_equals_an_uninterrupted_sync_on_duckdb(
    point: str,
    tmp_path: Path,
    dataset: Dataset,
    sandbox: SandboxServer,
    duckdb_baseline: Baseline,
    caplog: pytest.LogCaptureFixture,
) -> None:
    kill_then_rerun(point, Warehouse(str(tmp_path)), duckdb_baseline, dataset, sandbox, caplog)


@pytest.mark.postgres
def test_sync_sigkilled_mid_load_then_rerun_equals_an_uninterrupted_sync_on_postgres(
    tmp_path: Path,
    dataset: Dataset,
    sandbox: SandboxServer,
    postgres_server: str,
    postgres_schemas: Callable[[], str],
    postgres_baseline: Baseline,
    caplog: pytest.LogCaptureFixture,
) -> None:
    warehouse = Warehouse(str(tmp_path), postgres_url(postgres_server), postgres_schemas())
    kill_then_rerun("documents-load", warehouse, postgres_baseline, dataset, sandbox, caplog)


if __name__ == "__main__":
    child_sync(Path(sys.argv[1]))
