"""Several Dagster runs at once into one PostgreSQL warehouse, as docs/dagster-postgres.yaml deploys them.

A real Dagster instance (storage on PostgreSQL), runs submitted to its queued run coordinator with the
``dagster job backfill`` and ``dagster job launch`` CLIs and dequeued by a real ``dagster-daemon``, each run
syncing one of twenty sandbox organizations over loopback HTTP, then rebuilding that organization's marts;
the warehouse must end as one ``run_sync`` of every organization leaves another database, and its marts as
one ``ml-connector run`` (sync, full dbt build) builds them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg2
import pytest

from loader.config import load_config
from loader.demo import sandbox_credentials
from loader.extract.pipelines import RAW_DATASET
from loader.extract.run import run_sync
from loader.job import run_job
from loader.orchestration import dagster_defs
from loader.orchestration.dagster_defs import ORGANIZATION_TAG, SYNC_ASSET, SYNC_JOB
from loader.orchestration.dbt_manifest import manifest, organization_models
from loader.vault import Vault
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer
from tests.scratch_database import scratch_database

# Twenty-one run processes, each a sync and a dbt build, and a reference run of twenty organizations: about
# 20 minutes on two cores shared with other work (17 of them the Dagster runs), so above the suite's limit.
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(2400)]

DOCS_POSTGRES_YAML = Path(__file__).resolve().parents[2] / "docs" / "dagster-postgres.yaml"
PREFIX = "h16a_ml_connector_dagster"
ORGANIZATIONS = 20
US_ORG = "10234695"
# The run processes pace Zoho on the real clock, the sandbox's runs 60 times faster: its per-minute limit
# and the connections' pacing are lifted so twenty first syncs take seconds, not Zoho-paced minutes; the
# per-organization in-flight limit and daily cap stay (D147).
UNPACED = 100_000
# Snapshots appended at every sync that reaches them (the currencies): a killed run that had loaded its
# documents phase leaves one, as an earlier night's sync would; the latest snapshot is compared.
APPENDED_SNAPSHOTS = frozenset({"currencies"})
MARTS_SCHEMA = "zoho_books"  # the intermediate and mart tables (dbt_project.yml)


@dataclass(frozen=True)
class Firm:
    """An accounting firm's organizations in the sandbox on loopback: connection name → organization id."""

    dataset: Dataset
    sandbox: SandboxServer

    @property
    def connections(self) -> dict[str, str]:
        return {f"org-{i:02d}": org_id for i, org_id in enumerate(sorted(self.dataset.orgs))}


def cloned_organizations(count: int) -> Dataset:
    """The sandbox's US organization (one invoice) under ``count`` ids of its own: its own limits and rows."""
    base = generate_dataset(seed=7, invoices_per_org=1)
    us = base.orgs[US_ORG]
    orgs = {
        str(9_100_000_000 + i): dataclasses.replace(
            us, organization={**us.organization, "organization_id": str(9_100_000_000 + i)}
        )
        for i in range(count)
    }
    return dataclasses.replace(base, orgs=orgs)


@pytest.fixture(scope="module")
def firm() -> Iterator[Firm]:
    dataset = cloned_organizations(ORGANIZATIONS)
    with SandboxServer(dataset, SandboxConfig(time_scale=60.0, per_minute_limit=UNPACED)) as sandbox:
        yield Firm(dataset, sandbox)


@pytest.fixture
def databases(postgres_server: str) -> Iterator[dict[str, str]]:
    """Three databases of this test's own: Dagster's storage, the warehouse, the reference warehouse."""
    with contextlib.ExitStack() as stack:
        yield {
            role: stack.enter_context(scratch_database(postgres_server, f"{PREFIX}_{role}"))
            for role in ("dagster", "warehouse", "reference")
        }


def postgres_config(firm: Firm, directory: Path, database: str) -> Path:
    """A configuration of every organization of ``firm``, its vault beside it, the warehouse ``database``."""
    directory.mkdir(parents=True)
    us = firm.sandbox
    connections = "".join(
        f'[[zoho.connections]]\nname = "{name}"\nregion = "us"\norganization_id = "{org_id}"\n'
        f'accounts_url = "{us.accounts_url("us")}"\napi_base_url = "{us.api_base_url("us")}"\n'
        f"requests_per_minute = {UNPACED}\n\n"
        for name, org_id in firm.connections.items()
    )
    path = directory / "ml-connector.toml"
    path.write_text(
        f'[warehouse]\ndestination = "postgres"\nhost = "127.0.0.1"\nport = 5432\ndatabase = "{database}"\n'
        f'user = "postgres"\n\n{connections}'
    )
    vault = Vault.beside(path, env={})
    credentials = sandbox_credentials(firm.dataset, "us")
    for name in firm.connections:
        vault.put(
            f"zoho/{name}",
            {
                "client_id": credentials.client_id,
                "client_secret": credentials.client_secret.reveal(),
                "refresh_token": credentials.refresh_token.reveal(),
            },
        )
    return path


def connect(dsn: str, database: str) -> Any:
    params = dict(item.split("=", 1) for item in dsn.split())
    params["dbname"] = database
    return psycopg2.connect(" ".join(f"{k}={v}" for k, v in params.items()))


def numeric_columns(cur: Any, query: str, schema: str) -> dict[str, list[str]]:
    """Table -> its numeric columns, for the (table, column, data type) rows ``query`` lists in ``schema``."""
    cur.execute(query, (schema,))
    columns: dict[str, list[str]] = {}
    for table, column, data_type in cur.fetchall():
        columns.setdefault(table, [])
        if data_type == "numeric":
            columns[table].append(column)
    return columns


def table_figures(cur: Any, relation: str, numeric: list[str], where: str = "") -> dict[str, Any]:
    """The row count and the sum of every numeric column (money, to the cent) of ``relation``."""
    sums = "".join(f', sum("{c}")' for c in numeric)
    cur.execute(f"select count(*){sums} from {relation}{where}")
    row = cur.fetchone()
    assert row is not None
    return {"rows": row[0], **dict(zip(numeric, row[1:], strict=True))}


def raw_figures(dsn: str, database: str) -> dict[str, Any]:
    """Per raw table: the row count and the sum of every numeric column; of an appended snapshot
    (APPENDED_SNAPSHOTS), those of each organization's latest snapshot."""
    con = connect(dsn, database)
    figures: dict[str, Any] = {}
    try:
        with con.cursor() as cur:
            columns = numeric_columns(
                cur,
                "select table_name, column_name, data_type from information_schema.columns "
                "where table_schema = %s and table_name not like '\\_dlt%%' order by 1, 2",
                RAW_DATASET,
            )
            for table, numeric in sorted(columns.items()):
                relation = f'"{RAW_DATASET}"."{table}"'
                # An appended snapshot: each organization's latest, however many syncs appended one.
                latest = (
                    f" where (_zoho_organization_id, _synced_at) in (select _zoho_organization_id, "
                    f"max(_synced_at) from {relation} group by 1)"
                    if table in APPENDED_SNAPSHOTS
                    else ""
                )
                figures[table] = table_figures(cur, relation, numeric, latest)
    finally:
        con.close()
    return figures


def mart_figures(dsn: str, database: str) -> dict[str, Any]:
    """Per table the builds make (intermediate and marts): the row count and the sum of every numeric column;
    and the trial balance, row by row: each organization's accounts by month, to the cent."""
    con = connect(dsn, database)
    figures: dict[str, Any] = {}
    try:
        with con.cursor() as cur:
            columns = numeric_columns(
                cur,
                "select c.table_name, c.column_name, c.data_type from information_schema.columns c "
                "join information_schema.tables t using (table_schema, table_name) "
                "where c.table_schema = %s and t.table_type = 'BASE TABLE' order by 1, 2",
                MARTS_SCHEMA,
            )
            for table, numeric in sorted(columns.items()):
                figures[table] = table_figures(cur, f'"{MARTS_SCHEMA}"."{table}"', numeric)
            cur.execute(
                "select organization_id, account_id, period_month, opening_base, debits_base, credits_base, "
                f'closing_base, closing_reporting from "{MARTS_SCHEMA}"."rpt_trial_balance" order by 1, 2, 3'
            )
            figures["trial balance"] = cur.fetchall()
    finally:
        con.close()
    return figures


def dagster_cli(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "-m", "dagster", "job", *args, "-m", dagster_defs.__name__, "-j", SYNC_JOB]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def dagster_env(home: Path, config_path: Path, database: str) -> dict[str, str]:
    """The environment of an instance as docs/dagster-postgres.yaml configures it, storage in ``database``."""
    home.mkdir()
    shutil.copy(DOCS_POSTGRES_YAML, home / "dagster.yaml")
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ML_CONNECTOR_CONFIG": str(config_path),
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_PORT": "5432",
        "DAGSTER_PG_USER": "postgres",
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_DB": database,
    }


def overlapping(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_runs_of_every_organization_at_once_end_as_one_run_of_all(
    firm: Firm,
    databases: dict[str, str],
    postgres_server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config_path = postgres_config(firm, tmp_path / "dagster-config", databases["warehouse"])
    reference_path = postgres_config(firm, tmp_path / "reference-config", databases["reference"])
    names = sorted(firm.connections)

    env = dagster_env(tmp_path / "dagster_home", config_path, databases["dagster"])
    firm.sandbox.reset_stats()
    # A backfill of every organization (what onboarding a firm is), and one of them launched once more: the
    # tag limit must keep its two runs apart.
    dagster_cli(env, "backfill", "--partitions", ",".join(names), "--noprompt")
    tags = {"dagster/partition": names[0], ORGANIZATION_TAG: names[0]}
    dagster_cli(env, "launch", "--tags", json.dumps(tags))

    for key in ("DAGSTER_HOME", *(k for k in env if k.startswith("DAGSTER_PG_"))):
        monkeypatch.setenv(key, env[key])
    instance = dg.DagsterInstance.get()
    try:
        assert dagster_defs.concurrent_runs_allowed(instance) == 4
        assert {r.status for r in instance.get_runs()} == {dg.DagsterRunStatus.QUEUED}
        daemon = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-m", dagster_defs.__name__],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its code servers and run workers with it, stopped together
        )
        try:
            # Each run syncs, then rebuilds its organization's marts (the first build of the warehouse a full
            # one, the others waiting on it): dbt is most of a run's time on two shared cores.
            deadline = time.monotonic() + 1800
            while time.monotonic() < deadline:
                runs = instance.get_runs()
                if len(runs) == len(names) + 1 and all(r.is_finished for r in runs):
                    break
                time.sleep(2)
        finally:
            os.killpg(daemon.pid, signal.SIGTERM)
            daemon.wait(timeout=60)
        records = instance.get_run_records()
        synced = instance.get_materialized_partitions(dg.AssetKey(SYNC_ASSET))
        # An asset per intermediate and mart model (D169), each materialized by every organization's run.
        models = organization_models(manifest(load_config(config_path, env={}).state_dir))
        rebuilt = {m.name: instance.get_materialized_partitions(dg.AssetKey(m.name)) for m in models}
    finally:
        instance.dispose()

    assert len(records) == len(names) + 1
    assert [r.dagster_run.status for r in records] == [dg.DagsterRunStatus.SUCCESS] * len(records)
    assert synced == set(names)  # every organization's run synced it and rebuilt its marts
    assert "fct_invoices" in rebuilt
    assert "int_gl_entries_unioned" in rebuilt
    assert {name: partitions for name, partitions in rebuilt.items() if partitions != set(names)} == {}
    spans = {}
    for record in records:
        assert record.start_time is not None
        assert record.end_time is not None
        spans[record.dagster_run.run_id] = (
            record.dagster_run.tags[ORGANIZATION_TAG],
            record.start_time,
            record.end_time,
        )
    by_org: dict[str, list[tuple[float, float]]] = {}
    for org, start, end in spans.values():
        by_org.setdefault(org, []).append((start, end))
    assert sorted(by_org) == names
    first, second = by_org[names[0]]
    assert not overlapping(first, second)  # one organization's runs, one after the other
    other = [span for org, spans_ in by_org.items() if org != names[0] for span in spans_]
    assert any(overlapping(a, b) for i, a in enumerate(other) for b in other[i + 1 :])  # others at once
    throttled = firm.sandbox.stats()["throttled"]  # Zoho's 429 codes: daily cap, per minute, in flight
    assert set(throttled) == {"44", "45", "1070"}
    assert sum(throttled.values()) == 0

    # The reference: one `ml-connector run` of every organization (sync, then the full dbt build).
    reference = load_config(reference_path, env={})
    job = run_job(reference, Vault.beside(reference_path, env={}))
    assert job.sync is not None
    assert job.sync.complete
    assert job.stages[:2] == ["sync", "build"]
    figures = raw_figures(postgres_server, databases["warehouse"])
    assert figures["invoices"]["rows"] > 0
    assert figures == raw_figures(postgres_server, databases["reference"])
    marts = mart_figures(postgres_server, databases["warehouse"])
    assert marts["fct_invoices"]["rows"] >= len(names)  # an invoice or more an organization
    assert {row[0] for row in marts["trial balance"]} == set(firm.connections.values())
    assert marts == mart_figures(postgres_server, databases["reference"])


def test_a_run_killed_part_way_then_retried_ends_as_an_uninterrupted_one(
    firm: Firm, databases: dict[str, str], postgres_server: str, tmp_path: Path
) -> None:
    config_path = postgres_config(firm, tmp_path / "dagster-config", databases["warehouse"])
    reference_path = postgres_config(firm, tmp_path / "reference-config", databases["reference"])
    first_name, first_org = next(iter(firm.connections.items()))
    env = dagster_env(tmp_path / "dagster_home", config_path, databases["dagster"])
    tags = json.dumps({"dagster/partition": first_name, ORGANIZATION_TAG: first_name})
    # The run's process: `dagster job execute` runs the job in itself, on the instance's storage.
    command = [sys.executable, "-m", "dagster", "job", "execute", "-m", dagster_defs.__name__, "-j", SYNC_JOB]
    command += ["--tags", tags]

    firm.sandbox.reset_stats()
    # Its own process group: the step runs in a child of the run's process (the multiprocess executor), and
    # SIGKILL of the run must take that child too, as a machine's crash or an OOM kill of the run would.
    run = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 300
    calls = 0
    while run.poll() is None and time.monotonic() < deadline:
        calls = sum(firm.sandbox.stats()["calls"].get(first_org, {}).values())
        if calls >= 15:  # part-way: the organization, lists and some details read
            os.killpg(run.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    assert run.wait(timeout=60) == -signal.SIGKILL, "the run ended before it could be killed part-way"
    assert calls >= 15

    retried = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert retried.returncode == 0, retried.stderr

    reference = load_config(reference_path, env={})
    assert run_sync(reference, Vault.beside(reference_path, env={}), connections=[first_name]).complete
    figures = raw_figures(postgres_server, databases["warehouse"])
    assert figures["invoices"]["rows"] > 0
    assert figures == raw_figures(postgres_server, databases["reference"])
