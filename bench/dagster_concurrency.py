"""Wall time of a first sync of N organizations on Dagster with 1, 2 and 4 runs at once (D144-D147).

Method (printed with the figures): a sandbox on loopback serving N organizations (clones of the sandbox's US
organization under new ids, so each has its own rate limits and rows); for each concurrency c, fresh
PostgreSQL databases for the warehouse and Dagster's storage, an instance from docs/dagster-postgres.yaml
with ``max_concurrent_runs = c``, one run per organization submitted to the queue (``dagster job backfill``,
not timed), then a real ``dagster-daemon`` started: the wall time runs from the daemon's start until every run
has finished. Each run is a separate process (Dagster's default run launcher), as in production.

The run processes pace Zoho on the real clock while the sandbox's clock runs 60 times faster: Zoho's pacing
(100 calls per minute per organization) is what concurrent runs overlap, and it is lifted here
(``requests_per_minute`` and the sandbox's per-minute limit raised), so the figures measure what Dagster,
dlt and PostgreSQL cost per run and how that shares the machine's cores; with Zoho's real pacing each
organization waits on its own limit and c runs at once approach c times faster.

    .venv/bin/python bench/dagster_concurrency.py [--organizations 20] [--concurrency 1,2,4]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import dagster as dg
import psycopg2
import yaml  # type: ignore[import-untyped]

from loader.demo import sandbox_credentials
from loader.orchestration import dagster_defs
from loader.orchestration.dagster_defs import SYNC_JOB
from loader.vault import Vault
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer

REPO = Path(__file__).resolve().parents[1]
POSTGRES = "host=127.0.0.1 port=5432 user=postgres dbname=test"
PREFIX = "h16a_ml_connector_dagster_bench"
US_ORG = "10234695"
UNPACED = 100_000  # calls per minute: no pacing on either side (see the module's docstring)


def organizations(count: int, invoices: int) -> Dataset:
    """The sandbox's US organization cloned ``count`` times under ids of its own."""
    base = generate_dataset(seed=7, invoices_per_org=invoices)
    us = base.orgs[US_ORG]
    orgs = {}
    for i in range(count):
        org_id = str(9_100_000_000 + i)
        orgs[org_id] = dataclasses.replace(us, organization={**us.organization, "organization_id": org_id})
    return dataclasses.replace(base, orgs=orgs)


def write_config(directory: Path, dataset: Dataset, sandbox: SandboxServer, database: str) -> Path:
    directory.mkdir(parents=True)
    connections = "".join(
        f'[[zoho.connections]]\nname = "org-{i:02d}"\nregion = "us"\norganization_id = "{org_id}"\n'
        f'accounts_url = "{sandbox.accounts_url("us")}"\napi_base_url = "{sandbox.api_base_url("us")}"\n'
        f"requests_per_minute = {UNPACED}\n\n"
        for i, org_id in enumerate(sorted(dataset.orgs))
    )
    path = directory / "ml-connector.toml"
    path.write_text(
        f'[warehouse]\ndestination = "postgres"\nhost = "127.0.0.1"\nport = 5432\ndatabase = "{database}"\n'
        f'user = "postgres"\n\n{connections}'
    )
    vault = Vault.beside(path, env={})
    credentials = sandbox_credentials(dataset, "us")
    for i in range(len(dataset.orgs)):
        vault.put(
            f"zoho/org-{i:02d}",
            {
                "client_id": credentials.client_id,
                "client_secret": credentials.client_secret.reveal(),
                "refresh_token": credentials.refresh_token.reveal(),
            },
        )
    return path


def run_with(concurrency: int, dataset: Dataset, sandbox: SandboxServer, work: Path) -> float:
    suffix = uuid.uuid4().hex[:8]
    warehouse, storage = f"{PREFIX}_wh_{suffix}", f"{PREFIX}_dagster_{suffix}"
    admin = psycopg2.connect(POSTGRES)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'create database "{warehouse}"')
        cur.execute(f'create database "{storage}"')
    try:
        config = write_config(work / f"c{concurrency}", dataset, sandbox, warehouse)
        home = work / f"home{concurrency}"
        home.mkdir()
        instance_config = yaml.safe_load((REPO / "docs" / "dagster-postgres.yaml").read_text())
        instance_config["concurrency"]["runs"]["max_concurrent_runs"] = concurrency
        (home / "dagster.yaml").write_text(yaml.safe_dump(instance_config))
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "ML_CONNECTOR_CONFIG": str(config),
            "DAGSTER_PG_HOST": "127.0.0.1",
            "DAGSTER_PG_PORT": "5432",
            "DAGSTER_PG_USER": "postgres",
            "DAGSTER_PG_PASSWORD": "",
            "DAGSTER_PG_DB": storage,
        }
        names = ",".join(f"org-{i:02d}" for i in range(len(dataset.orgs)))
        submit = [sys.executable, "-m", "dagster", "job", "backfill", "-m", dagster_defs.__name__]
        submit += ["-j", SYNC_JOB, "--partitions", names, "--noprompt"]
        subprocess.run(submit, env=env, check=True, capture_output=True, timeout=600)
        os.environ.update({k: v for k, v in env.items() if k.startswith("DAGSTER_")})
        with dg.DagsterInstance.get() as instance:
            expected = len(instance.get_runs())
            began = time.perf_counter()
            daemon = subprocess.Popen(
                [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-m", dagster_defs.__name__],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its code servers and run workers with it, stopped together
            )
            try:
                while True:
                    runs = instance.get_runs()
                    if len(runs) >= expected and all(r.is_finished for r in runs):
                        break
                    time.sleep(0.5)
                seconds = time.perf_counter() - began
            finally:
                os.killpg(daemon.pid, signal.SIGTERM)
                daemon.wait(timeout=60)
            statuses = sorted({r.status.value for r in runs})
        print(f"  {concurrency} at once: {seconds:7.1f} s for {expected} runs ({', '.join(statuses)})")
        return seconds
    finally:
        with admin.cursor() as cur:
            cur.execute(f'drop database if exists "{warehouse}" with (force)')
            cur.execute(f'drop database if exists "{storage}" with (force)')
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=20)
    parser.add_argument("--invoices", type=int, default=2, help="invoices per organization (few: CI-cheap)")
    parser.add_argument("--concurrency", default="1,2,4")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    dataset = organizations(args.organizations, args.invoices)
    print((__doc__ or "").split("\n\n    ")[0])
    print(f"\n{args.organizations} organizations, {args.invoices} invoices each; {os.cpu_count()} cores")
    work = Path(tempfile.mkdtemp(prefix="h16a-dagster-bench-"))
    try:
        with SandboxServer(dataset, SandboxConfig(time_scale=60.0, per_minute_limit=UNPACED)) as sandbox:
            times = {c: run_with(c, dataset, sandbox, work) for c in levels}
            throttled = sandbox.stats()["throttled"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = times[levels[0]]
    for c, seconds in times.items():
        print(f"  {c} at once: {base / seconds:.2f}x the wall time of {levels[0]} at once")
    print(f"  sandbox 429s: {sum(throttled.values())}")


if __name__ == "__main__":
    main()
