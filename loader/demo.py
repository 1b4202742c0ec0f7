"""``ml-connector demo``: the job on the embedded default, with no credentials and no network.

Starts the bundled Zoho Books sandbox on loopback with a generated multi-org, multi-currency data set
and reads it through the real client (OAuth, pacing, paging) exactly as it would read Zoho. At this
stage it lists the organizations and counts their documents; later stages sync, build and write LookML.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from loader.secret import Secret
from loader.state import StateStore
from loader.zoho.auth import ZohoCredentials
from loader.zoho.client import ZohoBooksClient
from loader.zoho.endpoints import ENDPOINTS
from zoho_sandbox.dataset import Dataset
from zoho_sandbox.generator import generate_dataset
from zoho_sandbox.server import SandboxServer

DEMO_SEED = 42


@dataclass(frozen=True)
class SandboxConnection:
    """A connection pointed at the sandbox's data center for one organization."""

    name: str
    region: str
    organization_id: str
    accounts_url: str
    api_base_url: str | None = None
    requests_per_minute: int = 100
    max_in_flight: int = 5


@dataclass
class OrgSummary:
    organization_id: str
    name: str
    region: str
    base_currency: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class DemoSummary:
    organizations: list[OrgSummary]
    api_calls: int
    tokens_minted: int
    seconds: float


def sandbox_credentials(dataset: Dataset, region: str) -> ZohoCredentials:
    refresh = next(token for token, (_, reg) in dataset.refresh_tokens.items() if reg == region)
    client_id = dataset.refresh_tokens[refresh][0]
    secret = next(c.client_secret for c in dataset.oauth_clients if c.client_id == client_id)
    return ZohoCredentials(client_id, Secret(secret), Secret(refresh))


def run_demo(directory: Path, *, invoices_per_org: int = 60, console: Console | None = None) -> DemoSummary:
    console = console or Console()
    began = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    state = StateStore(directory / ".ml-connector" / "state.db")
    dataset = generate_dataset(seed=DEMO_SEED, invoices_per_org=invoices_per_org)
    console.print(
        f"[bold]Zoho Books sandbox[/]: {len(dataset.orgs)} organizations, {invoices_per_org} invoices each, "
        f"seed {DEMO_SEED}"
    )
    summaries: list[OrgSummary] = []
    calls = tokens = 0
    with SandboxServer(dataset) as sandbox, Progress(console=console, transient=True) as progress:
        for org_id, books in sorted(dataset.orgs.items()):
            connection = SandboxConnection(
                f"sandbox-{books.region}", books.region, org_id, sandbox.accounts_url(books.region)
            )
            with ZohoBooksClient(
                connection, sandbox_credentials(dataset, books.region), usage=state
            ) as client:
                listed = {o["organization_id"]: o for o in client.list_organizations()}
                org = listed[org_id]
                org_summary = OrgSummary(org_id, str(org["name"]), books.region, str(org["currency_code"]))
                task = progress.add_task(org_summary.name, total=len(ENDPOINTS))
                for endpoint in ENDPOINTS:
                    rows = client.iter_records(
                        endpoint.path, endpoint.list_root, endpoint.id_field, endpoint.list_params
                    )
                    org_summary.counts[endpoint.name] = sum(1 for _ in rows)
                    progress.advance(task)
                summaries.append(org_summary)
                calls += client.calls_made
                tokens += client.auth.tokens_minted
    summary = DemoSummary(summaries, calls, tokens, time.perf_counter() - began)
    print_summary(summary, console)
    return summary


def print_summary(summary: DemoSummary, console: Console) -> None:
    table = Table(title="Documents in the sandbox, read through the Zoho client")
    table.add_column("entity")
    for org in summary.organizations:
        table.add_column(f"{org.name}\n{org.region} · {org.base_currency}", justify="right")
    for endpoint in ENDPOINTS:
        table.add_row(endpoint.name, *(f"{org.counts[endpoint.name]:,}" for org in summary.organizations))
    console.print(table)
    console.print(
        f"{summary.api_calls} API calls, {summary.tokens_minted} access tokens, {summary.seconds:.1f} s. "
        "Next stages of the demo (sync, build, LookML) come with the pipeline."
    )
