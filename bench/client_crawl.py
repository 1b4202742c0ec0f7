"""Benchmark: the Zoho client crawling a sandbox organization under Zoho's real limits, time-scaled.

Prints, for one organization: API calls used ÷ the minimum needed (list pages + one detail call per
document), calls per Zoho-minute achieved ÷ the 100/min limit, and the 429s received (goal: none).
With --time-scale 10 a Zoho minute lasts six real seconds, so the figures are Zoho's, compressed. At
higher scales the client's 0.5 % window margin (0.3 s of a Zoho minute, 30 ms of real time at scale 10)
shrinks to a few milliseconds, below the scheduling jitter of a busy machine, and the run measures the
machine rather than the client.

    .venv/bin/python bench/client_crawl.py --invoices-per-org 2000 --time-scale 10
"""

from __future__ import annotations

import argparse
import math
import time
from concurrent.futures import ThreadPoolExecutor

from rich.console import Console
from rich.table import Table

from loader.config import ZohoConnectionConfig
from loader.demo import sandbox_credentials
from loader.zoho.client import ZohoBooksClient
from loader.zoho.ratelimit import LimiterRegistry, RateLimits
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.entities import BY_NAME
from ml_connector_fakes.zoho.server import SandboxServer

US_ORG = "10234695"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices-per-org", type=int, default=2000)
    parser.add_argument("--time-scale", type=float, default=10.0)
    parser.add_argument("--details", type=int, default=1500, help="detail calls to make (invoices)")
    args = parser.parse_args()
    console = Console()

    began = time.perf_counter()
    dataset = generate_dataset(seed=3, invoices_per_org=args.invoices_per_org)
    console.print(
        f"generated {args.invoices_per_org} invoices per org in {time.perf_counter() - began:.1f} s"
    )
    window = 60.0 / args.time_scale

    with SandboxServer(dataset, SandboxConfig(time_scale=args.time_scale)) as sandbox:
        client = ZohoBooksClient(
            ZohoConnectionConfig("bench", "us", US_ORG, accounts_url=sandbox.accounts_url("us")),
            sandbox_credentials(dataset, "us"),
            limiters=LimiterRegistry(),
            limits=RateLimits(requests_per_window=100, window_seconds=window, max_in_flight=5),
        )
        client.get("settings/taxes")  # the token, outside the measurement
        sandbox.reset_stats()
        entity = BY_NAME["invoices"]
        began = time.perf_counter()
        ids = [
            r[entity.id_field] for r in client.iter_records(entity.path, entity.list_root, entity.id_field)
        ]
        list_calls = client.calls_made - 1
        targets = ids[: args.details]
        with ThreadPoolExecutor(max_workers=5) as pool:
            list(pool.map(lambda i: client.get_record(entity.path, i, entity.detail_root), targets))
        elapsed = time.perf_counter() - began
        stats = sandbox.stats()
        client.close()

    calls = sum(stats["calls"].get(US_ORG, {}).values())
    minimum = math.ceil(len(ids) / 200) + len(targets)
    per_zoho_minute = calls / (elapsed / window)
    table = Table(title="Zoho client under time-scaled limits (one organization)")
    for column in ("figure", "value"):
        table.add_column(column)
    table.add_row("invoices listed", f"{len(ids)} in {list_calls} list calls")
    table.add_row("detail calls", str(len(targets)))
    table.add_row("API calls used ÷ minimum", f"{calls} ÷ {minimum} = {calls / minimum:.3f}")
    table.add_row("calls per Zoho-minute ÷ 100", f"{per_zoho_minute:.1f} ÷ 100 = {per_zoho_minute / 100:.3f}")
    table.add_row(
        "429s received (44 / 45 / 1070)", " / ".join(str(stats["throttled"][c]) for c in ("44", "45", "1070"))
    )
    table.add_row("real time", f"{elapsed:.1f} s (Zoho time ≈ {elapsed / window:.1f} min)")
    console.print(table)


if __name__ == "__main__":
    main()
