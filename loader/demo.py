"""``ml-connector demo``: the whole job on the embedded default, with no credentials and no network.

Starts the bundled Zoho Books sandbox and the fake Looker on loopback, writes an ordinary configuration and
vault for them into the demo directory, and runs the product's own job (``loader.job.run_job``): the dlt
sync into DuckDB, dbt build, LookML written to a local Looker project repository and checked against the
warehouse, validated by the fake Looker, deployed, and the datagroup reset. Then it prints a short finance
summary from the marts.

The sandbox runs its clock ``DEMO_TIME_SCALE`` times faster than real time (a Zoho-minute lasts one real
second), and the clients made inside the demo's world run on the same clock (``on_zoho_clock``): they pace at
Zoho's 100 calls per Zoho-minute and back off in Zoho seconds, so a healthy demo retries nothing.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rich.console import Console

from loader.config import Config, load_config
from loader.job import JobResult, run_job
from loader.looker import LookerClient
from loader.vault import LOOKER_RECORD, Vault
from loader.zoho.auth import ZohoCredentials
from loader.zoho.ratelimit import on_zoho_clock
from lookml.git import git
from ml_connector_fakes.looker import FakeLooker, FakeLookerServer, Look, Warehouse
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer

DEMO_SEED: Final = 42
DEMO_TIME_SCALE: Final = 60.0
ZOHO_CALLS_PER_MINUTE: Final = 100
CONFIG_NAME: Final = "ml-connector.toml"
WAREHOUSE_NAME: Final = "warehouse.duckdb"
LOOKER_REMOTE: Final = "looker-remote.git"  # what the fake Looker pulls from and deploys
LOOKER_CHECKOUT: Final = "looker-project"  # the connector's clone: [looker] repo
LOOKER_PROJECT: Final = "zoho_books"
LOOKER_MODEL: Final = "zoho_books"
LOOKER_CONNECTION: Final = "warehouse"
LOOKER_CLIENT_ID: Final = "demo-looker-client"
# Everything the demo writes, removed when it starts again (the vault and its key stay: nothing else).
DEMO_OWNED: Final = (
    CONFIG_NAME,
    WAREHOUSE_NAME,
    f"{WAREHOUSE_NAME}.wal",
    ".ml-connector/dlt",
    ".ml-connector/dbt",
    ".ml-connector/state.db",
    LOOKER_REMOTE,
    LOOKER_CHECKOUT,
)


@dataclass(frozen=True)
class DemoResult:
    job: JobResult
    directory: Path
    warehouse: Path
    organizations: int
    seconds: float


def sandbox_credentials(dataset: Dataset, region: str) -> ZohoCredentials:
    from loader.secret import Secret

    refresh = next(token for token, (_, reg) in dataset.refresh_tokens.items() if reg == region)
    client_id = dataset.refresh_tokens[refresh][0]
    secret = next(c.client_secret for c in dataset.oauth_clients if c.client_id == client_id)
    return ZohoCredentials(client_id, Secret(secret), Secret(refresh))


def _clear(directory: Path) -> None:
    for name in DEMO_OWNED:
        path = directory / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _git(cwd: Path, *args: str) -> None:
    git(cwd, "-c", "init.defaultBranch=main", *args)


def _looker_repository(directory: Path) -> tuple[Path, Path]:
    """A bare repository standing for the Looker project's remote, with an initial production commit, and
    the connector's clone of it."""
    remote, checkout = directory / LOOKER_REMOTE, directory / LOOKER_CHECKOUT
    _git(directory, "init", "--quiet", "--bare", str(remote))
    _git(directory, "clone", "--quiet", str(remote), str(checkout))
    (checkout / "README.md").write_text(
        "Looker project for Zoho Books (ml-connector demo)\n", encoding="utf-8"
    )
    identity = ("-c", "user.name=ml-connector demo", "-c", "user.email=demo@ml-connector.invalid")
    _git(checkout, "add", "README.md")
    _git(checkout, *identity, "commit", "--quiet", "-m", "Looker project")
    _git(checkout, "push", "--quiet", "origin", "main")
    return remote, checkout


def _write_config(directory: Path, dataset: Dataset, sandbox: SandboxServer, looker_url: str) -> Path:
    connections = []
    for org_id, books in sorted(dataset.orgs.items()):
        connections.append(
            "[[zoho.connections]]\n"
            f'name = "sandbox-{books.region}"\n'
            f'region = "{books.region}"\n'
            f'organization_id = "{org_id}"\n'
            f'accounts_url = "{sandbox.accounts_url(books.region)}"\n'
            f'api_base_url = "{sandbox.api_base_url(books.region)}"\n'
            # Zoho's 100 calls per minute; the minute is the sandbox's (see on_zoho_clock in demo_world).
            f"requests_per_minute = {ZOHO_CALLS_PER_MINUTE}\n"
        )
    text = (
        "# Written by `ml-connector demo` for its sandbox and fake Looker (their ports change every run).\n"
        f'[warehouse]\ndestination = "duckdb"\npath = "{WAREHOUSE_NAME}"\n\n'
        '[reporting]\ncurrency = "USD"\n\n' + "\n".join(connections) + "\n[looker]\n"
        f'base_url = "{looker_url}"\n'
        f'project = "{LOOKER_PROJECT}"\nmodel = "{LOOKER_MODEL}"\nconnection = "{LOOKER_CONNECTION}"\n'
        f'repo = "{LOOKER_CHECKOUT}"\n'
    )
    path = directory / CONFIG_NAME
    path.write_text(text, encoding="utf-8")
    return path


def _fill_vault(vault: Vault, dataset: Dataset, looker_secret: str) -> None:
    for books in dataset.orgs.values():
        credentials = sandbox_credentials(dataset, books.region)
        vault.put(
            f"zoho/sandbox-{books.region}",
            {
                "client_id": credentials.client_id,
                "client_secret": credentials.client_secret.reveal(),
                "refresh_token": credentials.refresh_token.reveal(),
            },
        )
    vault.put(LOOKER_RECORD, {"client_id": LOOKER_CLIENT_ID, "client_secret": looker_secret})


@dataclass(frozen=True)
class DemoWorld:
    """The sandbox and the fake Looker running, and a configuration and vault that point at them."""

    config: Config
    vault: Vault
    dataset: Dataset
    sandbox: SandboxServer
    looker: FakeLooker
    looker_url: str

    def open_looker(self) -> LookerClient:
        return LookerClient.from_vault_record(self.looker_url, self.vault.get(LOOKER_RECORD) or {})


@contextmanager
def demo_world(
    directory: Path, *, invoices_per_org: int, console: Console | None = None
) -> Iterator[DemoWorld]:
    """Start the stand-ins and write the demo's config, vault and Looker repository into ``directory``
    (clearing what an earlier demo wrote there); stop the stand-ins on exit."""
    import secrets

    directory.mkdir(parents=True, exist_ok=True)
    _clear(directory)
    dataset = generate_dataset(seed=DEMO_SEED, invoices_per_org=invoices_per_org)
    if console is not None:
        console.print(
            f"[bold]Zoho Books sandbox[/]: {len(dataset.orgs)} organizations, {invoices_per_org} invoices "
            f"each, seed {DEMO_SEED}, clock ×{DEMO_TIME_SCALE:g}; [bold]fake Looker[/] on loopback; "
            f"everything goes to {directory}",
            highlight=False,
        )
    remote, _ = _looker_repository(directory)
    looker_secret = secrets.token_urlsafe(24)  # minted per run: the demo's Looker accepts only this one
    looker = FakeLooker()
    looker.add_api_user(LOOKER_CLIENT_ID, looker_secret, name="ml-connector demo")
    looker.add_connection(Warehouse(LOOKER_CONNECTION, duckdb_path=directory / WAREHOUSE_NAME))
    looker.add_project(LOOKER_PROJECT, remote)
    looker.add_look(
        Look(
            "1",
            "Revenue by month (reporting currency)",
            LOOKER_MODEL,
            "fct_invoices",
            ["fct_invoices.invoice_month", "fct_invoices.sum_total_reporting"],
            folder="Finance",
        )
    )
    with (
        SandboxServer(dataset, SandboxConfig(time_scale=DEMO_TIME_SCALE)) as sandbox,
        FakeLookerServer(looker) as looker_server,
        on_zoho_clock(DEMO_TIME_SCALE),
    ):
        config = load_config(_write_config(directory, dataset, sandbox, looker_server.base_url), env={})
        vault = Vault.beside(config.path, env={})
        _fill_vault(vault, dataset, looker_secret)
        yield DemoWorld(config, vault, dataset, sandbox, looker, looker_server.base_url)


def run_demo(directory: Path, *, invoices_per_org: int = 60, console: Console | None = None) -> DemoResult:
    from loader.demo_summary import print_finance_summary

    console = console or Console()
    began = time.perf_counter()
    directory = directory.absolute()
    with demo_world(directory, invoices_per_org=invoices_per_org, console=console) as world:
        job = run_job(world.config, world.vault, console=console, looker_client=world.open_looker)
    warehouse = directory / WAREHOUSE_NAME
    print_finance_summary(warehouse, world.config.reporting.currency, console)
    result = DemoResult(job, directory, warehouse, len(world.dataset.orgs), time.perf_counter() - began)
    sync = job.sync
    console.print(
        f"Demo done in {result.seconds:.1f} s: "
        + (f"{sync.rows:,} rows in {sync.api_calls:,} API calls; " if sync else "")
        + f"warehouse {warehouse.name}, LookML in {LOOKER_CHECKOUT}/, config {CONFIG_NAME} "
        f"(try `ml-connector --config {directory / CONFIG_NAME} status`).",
        highlight=False,
    )
    return result
