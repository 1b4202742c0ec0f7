"""Benchmark: a first sync's API calls and Zoho-minutes in each detail mode (`[sync] details`, D90).

For each mode (all, recent N months, none) a first sync of the same sandbox data set into a fresh DuckDB,
through the sandbox's HTTP API at Zoho's 100 calls per minute (time-scaled). Reported per mode:
    calls         the client's count (retries and 429s included)
    Zoho-minutes  calls ÷ 100: the least time Zoho's per-minute limit allows for them
    minimum       1 (GET /organizations) + currency and rate-history pages + list pages + ledger pages
                  + one detail call per document the mode fetches (all: every document of a detailed
                  endpoint; recent: those dated from the cutoff or undated; none: no document)
    ratio         calls ÷ minimum
The ledger (Zoho's account transactions), the lists (header facts) and the reports are complete in every
mode; only line-level facts are missing from documents whose detail is not fetched.

    .venv/bin/python bench/first_sync_modes.py --invoices-per-org 1000 --orgs 1 --months 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import dlt
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_bench import ZOHO_PER_MINUTE, minimum_calls, records_key

from loader.config import ZohoConnectionConfig
from loader.demo import sandbox_credentials
from loader.extract.pipelines import make_pipeline
from loader.extract.run import sync_organizations
from loader.extract.source import SyncOptions
from loader.zoho.client import ZohoBooksClient
from loader.zoho.endpoints import ALL_ENDPOINTS
from loader.zoho.ratelimit import LimiterRegistry, RateLimits
from ml_connector_fakes.world.dataset import Dataset, OrgBooks
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer


def details_needed(books: OrgBooks, since: date | None, mode: str) -> int:
    """Detail calls the mode needs: one per document of a detailed endpoint it fetches."""
    if mode == "none":
        return 0
    count = 0
    for endpoint in ALL_ENDPOINTS:
        if endpoint.kind != "list" or not endpoint.needs_detail:
            continue
        for record in books.records.get(records_key(endpoint), {}).values():
            raw = record.get("date") or record.get("journal_date")
            if since is None or not raw or date.fromisoformat(str(raw)[:10]) >= since:
                count += 1
    return count


def first_sync(
    dataset: Dataset, chosen: list[OrgBooks], mode: str, months: int, time_scale: float, directory: Path
) -> dict[str, int]:
    window = 60.0 / time_scale
    config = SandboxConfig(time_scale=time_scale, daily_limits={b.organization_id: 10**9 for b in chosen})
    with SandboxServer(dataset, config) as sandbox:
        clients = [
            ZohoBooksClient(
                ZohoConnectionConfig(
                    f"bench-{b.region}",
                    b.region,
                    b.organization_id,
                    accounts_url=sandbox.accounts_url(b.region),
                ),
                sandbox_credentials(dataset, b.region),
                limiters=LimiterRegistry(),
                limits=RateLimits(
                    requests_per_window=ZOHO_PER_MINUTE, window_seconds=window, max_in_flight=5
                ),
            )
            for b in chosen
        ]
        for client in clients:
            client.list_organizations()  # the token, outside the count
        before = {c.organization_id: c.calls_made for c in clients}
        pipeline = make_pipeline(
            dlt.destinations.duckdb(str(directory / f"{mode}.duckdb")), directory / f"{mode}-dlt"
        )
        result = sync_organizations(clients, pipeline, details=mode, details_months=months)
        used = {c.organization_id: c.calls_made - before[c.organization_id] for c in clients}
        for client in clients:
            client.close()
    if not result.complete:
        raise SystemExit(f"the {mode} sync did not complete: {', '.join(result.incomplete)}")
    return used


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices-per-org", type=int, default=1000)
    parser.add_argument("--orgs", type=int, default=1, choices=(1, 2, 3))
    parser.add_argument("--months", type=int, default=3, help="details_months of the recent mode")
    parser.add_argument("--time-scale", type=float, default=60.0, help="Zoho-seconds per real second")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    console = Console(highlight=False)
    dataset = generate_dataset(seed=args.seed, invoices_per_org=args.invoices_per_org)
    chosen = list(dataset.orgs.values())[: args.orgs]
    table = Table(title=f"first sync per detail mode, {args.invoices_per_org} invoices per organization")
    for column in ("mode", "calls", "Zoho-minutes", "minimum", "of which details", "ratio", "wall s"):
        table.add_column(column, justify="left" if column == "mode" else "right")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="first-sync-modes-") as tmp:
        for mode in ("all", "recent", "none"):
            since = SyncOptions(
                synced_at=now, entities=frozenset(), details=mode, details_months=args.months
            ).details_from()
            began = time.perf_counter()
            used = first_sync(dataset, chosen, mode, args.months, args.time_scale, Path(tmp))
            wall = time.perf_counter() - began
            calls = sum(used.values())
            base = sum(sum(v for k, v in minimum_calls(b).items() if k != "details") for b in chosen)
            details = sum(details_needed(b, since, mode) for b in chosen)
            floor = base + details
            label = f"recent ({args.months} months, from {since})" if mode == "recent" else mode
            table.add_row(
                label,
                f"{calls:,}",
                f"{calls / ZOHO_PER_MINUTE:.1f}",
                f"{floor:,}",
                f"{details:,}",
                f"{calls / floor:.3f}",
                f"{wall:.0f}",
            )
    console.print(table)
    console.print(
        "Zoho-minutes = calls ÷ 100 (Zoho's per-minute limit per organization, summed over organizations).",
        style="dim",
    )


if __name__ == "__main__":
    main()
