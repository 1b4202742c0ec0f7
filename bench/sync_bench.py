"""Benchmark: a full sync of a large sandbox data set, reported as three figures with their method.

(a) API calls a first full sync used ÷ the minimum any connector needs for the same data (goal ≤ 1.05).
    The minimum is computed from the data set, per organization:
        1 (GET /organizations)
      + pages(currencies) + Σ over foreign currencies pages(rate history rows)
      + Σ over list endpoints pages(rows), the invoice list paged with Zoho's repeated boundary row
      + one detail call per document of an endpoint whose list rows lack line items
      + Σ over accounts of the chart pages(that account's ledger rows)
    where pages(n) = max(1, ⌈n / 200⌉) and the invoice list needs 1 + ⌈(n − 200) / 199⌉ pages past 200 rows.
(b) Calls per Zoho-minute under Zoho's real 100/min per organization, time-scaled, ÷ 100 (goal ≥ 0.9), and
    the 429s received (goal: none). The sandbox's clock and the client's rate window are scaled the same
    way: at --time-scale 10 a Zoho-minute lasts 6 real seconds. dlt's local work (normalize, load) is not
    scaled, so it is left out: the rate is taken over each phase's API span (first to last call start of
    the documents phase, then of the ledger phase). Zoho's window is rolling, so a phase may open with a
    burst of 100 calls; '÷ allowed' divides by what the window admits in the same spans instead, which
    keeps short phases from reading above 1. The whole-sync figure (wall time) is printed beside them.
(c) Local load throughput: dlt's normalize + load (parquet into DuckDB, merge dispositions and hints as the
    sync gives them, normalize processes as the sync chooses them) of the records a sync extracts, in
    rows/s (root and nested rows), against DuckDB's own read_json of the same records written as JSON
    lines, with every list unnested into its own table (the near-physical limit). Reported as DuckDB's
    rows/s ÷ dlt's (goal ≤ 3×), median of --repeat runs.
    Neither side's time includes producing the input (dlt's extract, writing the JSON files).

Figures move with the machine: on a busy 2-core machine expect noise of ±10 % or more.

    .venv/bin/python bench/sync_bench.py --invoices-per-org 2000 --orgs 2 --time-scale 10
    .venv/bin/python bench/sync_bench.py --invoices-per-org 2000 --load-only   # (c) alone, in seconds
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt
import duckdb
import httpx
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.extract.resource import DltResource
from dlt.pipeline.pipeline import Pipeline
from rich.console import Console
from rich.table import Table

from loader.config import ZohoConnectionConfig
from loader.demo import sandbox_credentials
from loader.extract.arrow_batches import arrow_batch
from loader.extract.hints import table_columns, typed_record
from loader.extract.pipelines import make_pipeline
from loader.extract.run import sync_organizations
from loader.extract.source import endpoint_resource, ledger_row_id
from loader.extract.workers import extracted_records, normalize_workers
from loader.zoho.client import MAX_PER_PAGE, ZohoBooksClient
from loader.zoho.endpoints import ALL_ENDPOINTS, Endpoint
from loader.zoho.ratelimit import LimiterRegistry, RateLimits
from ml_connector_fakes.world.dataset import Dataset, OrgBooks, Record
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho import jsonenc
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.entities import ENTITIES
from ml_connector_fakes.zoho.reads import DEBIT_NOTES
from ml_connector_fakes.zoho.server import SandboxServer

LEDGER_ROUTE = "/chartofaccounts/transactions"
ZOHO_PER_MINUTE = 100
SANDBOX_ENTITY = {e.path: e for e in ENTITIES}  # the loader's endpoint path -> the sandbox's entity
# Endpoints that share a path with another, told apart by a list filter, keep their own sandbox records:
# debit notes are Zoho's invoices list with filter_by=Type.DebitNote, so no path-keyed entity can name them.
_SHARED_PATH_RECORDS = {"debit_notes": DEBIT_NOTES}


def records_key(endpoint: Endpoint) -> str:
    """The key of ``OrgBooks.records`` holding what an endpoint reads."""
    return _SHARED_PATH_RECORDS.get(endpoint.name) or SANDBOX_ENTITY[endpoint.path].name


class RecordingTransport(httpx.HTTPTransport):
    """Notes when each API request starts (token requests aside): the client's own send path, untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: list[tuple[float, str, str]] = []  # (monotonic time, organization id, path)
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        org = request.url.params.get("organization_id")
        if org:
            with self._lock:
                self.starts.append((time.monotonic(), org, request.url.path))
        return super().handle_request(request)


# --- (a) the minimum ------------------------------------------------------------------------------------


def pages(rows: int) -> int:
    return max(1, math.ceil(rows / MAX_PER_PAGE))


def invoice_pages(rows: int) -> int:
    # Zoho repeats page n's last invoice at the top of page n + 1: pages advance by 199 rows.
    return 1 if rows <= MAX_PER_PAGE else 1 + math.ceil((rows - MAX_PER_PAGE) / (MAX_PER_PAGE - 1))


def minimum_calls(books: OrgBooks) -> dict[str, int]:
    """The calls no connector can avoid for a first full sync of ``books``, by kind."""
    out = {"organizations": 1}
    currencies = books.records.get("currencies", {})
    out["currencies"] = pages(len(currencies))
    out["exchange rates"] = sum(
        pages(len(books.exchange_rates.get(cid, [])))
        for cid, currency in currencies.items()
        if not currency.get("is_base_currency")
    )
    lists = details = 0
    for endpoint in ALL_ENDPOINTS:
        if endpoint.kind != "list":
            continue
        rows = len(books.records.get(records_key(endpoint), {}))
        lists += invoice_pages(rows) if endpoint.name == "invoices" else pages(rows)
        details += rows if endpoint.needs_detail else 0
    out["list pages"] = lists
    out["details"] = details
    per_account: dict[str, int] = defaultdict(int)
    for row in books.account_transactions:
        per_account[str(row["account_id"])] += 1
    out["ledger pages"] = sum(pages(per_account[a]) for a in books.records.get("chartofaccounts", {}))
    return out


# --- (b) the rate ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pace:
    calls: int
    seconds: float  # Σ over phases of last call start − first call start
    allowed: float  # the most calls Zoho's rolling window admits in those spans


def pace(starts: Sequence[tuple[float, str, str]], window: float, per_window: int) -> Pace:
    """The API work of the phases (documents, ledger): calls, span, and what the limit allows in it.

    A rolling window admits ``per_window`` calls at a span's first instant and ``per_window`` more per
    window after it, so a span of T allows per_window × (T / window + 1)."""
    by_phase: dict[bool, list[float]] = defaultdict(list)
    for at, _, path in starts:
        by_phase[path.endswith(LEDGER_ROUTE)].append(at)
    spans = [max(times) - min(times) for times in by_phase.values() if times]
    allowed = sum(per_window * (span / window + 1) for span in spans)
    return Pace(sum(len(times) for times in by_phase.values()), sum(spans), allowed)


# --- (c) the same records, two ways ---------------------------------------------------------------------


def sync_records(books: OrgBooks, synced_at: datetime) -> Iterator[tuple[Endpoint, list[dict[str, Any]]]]:
    """What a first full sync extracts for one organization, typed as the source types it."""
    org = books.organization_id
    for endpoint in ALL_ENDPOINTS:
        if endpoint.kind == "organization":
            rows: list[Record] = [books.organization]
        elif endpoint.kind == "per_currency":
            rows = [r for history in books.exchange_rates.values() for r in history]
        elif endpoint.kind == "per_account":
            yield endpoint, ledger_records(endpoint, books, synced_at)
            continue
        else:
            entity = SANDBOX_ENTITY[endpoint.path]
            rows = list(books.records.get(records_key(endpoint), {}).values())
            if not endpoint.needs_detail:  # the sync stores list rows: detail-only fields are absent
                rows = [{k: v for k, v in r.items() if k not in entity.detail_only} for r in rows]
        yield endpoint, [typed_record(endpoint, r, org, synced_at) for r in rows]


def ledger_records(endpoint: Endpoint, books: OrgBooks, synced_at: datetime) -> list[dict[str, Any]]:
    seen: dict[str, int] = defaultdict(int)
    out = []
    for row in books.account_transactions:
        key = ledger_row_id(row)
        seen[key] += 1
        key = key if seen[key] == 1 else f"{key}-{seen[key]}"
        record = dict(row, categorized_transaction_id=key)
        out.append(typed_record(endpoint, record, books.organization_id, synced_at, source_id=key))
    return out


def as_the_source_yields(endpoint: Endpoint, rows: list[dict[str, Any]]) -> Iterator[Any]:
    """The ledger comes in one batch per account, each an Arrow table where it fits (as ``_ledger`` yields
    it, converted during extract); every other endpoint's records as they are."""
    if endpoint.kind != "per_account":
        yield rows
        return
    by_account: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_account[str(row["account_id"])].append(row)
    columns = table_columns(endpoint)
    for batch in by_account.values():
        table = arrow_batch(batch, columns)
        yield table if table is not None else batch


def dlt_resources(records: dict[str, tuple[Endpoint, list[dict[str, Any]]]]) -> list[DltResource]:
    return [
        endpoint_resource(endpoint, as_the_source_yields(endpoint, rows), name)
        for name, (endpoint, rows) in records.items()
    ]


def warehouse_rows(pipeline: Pipeline) -> int:
    total = 0
    with pipeline.sql_client() as client:
        for table in pipeline.default_schema.data_tables():
            name = client.make_qualified_table_name(str(table["name"]))
            try:
                found = client.execute_sql(f"select count(*) from {name}")  # noqa: S608
            except DatabaseUndefinedRelation:
                continue  # hinted in the schema, never loaded
            total += int(found[0][0]) if found else 0
    return total


@dataclass(frozen=True)
class DltLoad:
    rows: int
    seconds: float  # normalize + load
    extract_seconds: float  # extract, with the ledger's Arrow conversion the source does in it
    records: int  # as extracted: a document with its lines is one
    workers: int  # normalize processes, as the sync chooses them for this package


def time_dlt(records: dict[str, tuple[Endpoint, list[dict[str, Any]]]], directory: Path) -> DltLoad:
    pipeline = make_pipeline(dlt.destinations.duckdb(str(directory / "dlt.duckdb")), directory / "dlt")

    @dlt.source(name="zoho_books", max_table_nesting=3)
    def source() -> Iterator[DltResource]:
        yield from dlt_resources(records)

    began = time.perf_counter()
    extracted = extracted_records(pipeline.extract(source(), loader_file_format="parquet"))
    extract_seconds = time.perf_counter() - began
    workers = normalize_workers(extracted)  # as the sync chooses them
    began = time.perf_counter()
    pipeline.normalize(workers=workers)
    pipeline.load().raise_on_failed_jobs()
    seconds = time.perf_counter() - began
    return DltLoad(warehouse_rows(pipeline), seconds, extract_seconds, extracted, workers)


def write_json_lines(
    records: dict[str, tuple[Endpoint, list[dict[str, Any]]]], directory: Path
) -> list[Path]:
    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for endpoint, rows in records.values():
        by_table[endpoint.name].extend(rows)
    files = []
    for table, rows in by_table.items():
        path = directory / f"{table}.jsonl"
        path.write_text("\n".join(jsonenc.dumps(r) for r in rows) + "\n", encoding="utf-8")
        files.append(path)
    return files


def time_duckdb(files: Sequence[Path], directory: Path) -> tuple[int, float]:
    """read_json of each file into a table, then every list column unnested into a child table (three
    levels deep, as dlt nests)."""
    con = duckdb.connect(str(directory / "read_json.duckdb"))
    try:
        began = time.perf_counter()
        tables = []
        for path in files:
            con.execute(
                f"create table {path.stem} as select * from read_json('{path}', "  # noqa: S608
                "format = 'newline_delimited', sample_size = -1)"
            )
            tables.append((path.stem, 0))
        while tables:
            table, depth = tables.pop()
            if depth >= 3:
                continue
            for column, kind in con.execute(
                f"select column_name, column_type from (describe {table})"  # noqa: S608
            ).fetchall():
                if str(kind).endswith("[]"):
                    child = f"{table}__{column}"
                    inner = "u.*" if str(kind).startswith("STRUCT") else "u"
                    con.execute(
                        f'create table {child} as select {inner} from (select unnest("{column}") as u '  # noqa: S608
                        f"from {table})"
                    )
                    tables.append((child, depth + 1))
        seconds = time.perf_counter() - began
        names = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
        rows = sum(int(con.execute(f'select count(*) from "{n}"').fetchall()[0][0]) for n in names)  # noqa: S608
    finally:
        con.close()
    return rows, seconds


# --- the run --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices-per-org", type=int, default=2000)
    parser.add_argument("--orgs", type=int, default=2, choices=(1, 2, 3), help="organizations to sync")
    parser.add_argument("--time-scale", type=float, default=10.0, help="Zoho-seconds per real second")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the load comparison (median)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--load-only", action="store_true", help="only (c): skip the sync through the sandbox's API"
    )
    args = parser.parse_args()
    console = Console(highlight=False)

    began = time.perf_counter()
    dataset = generate_dataset(seed=args.seed, invoices_per_org=args.invoices_per_org)
    chosen = list(dataset.orgs.values())[: args.orgs]
    console.print(
        f"generated {args.invoices_per_org} invoices per organization ({len(chosen)} synced) "
        f"in {time.perf_counter() - began:.1f} s"
    )
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp:
        directory = Path(tmp)
        if not args.load_only:
            sync_figures(console, dataset, chosen, args.time_scale, directory)
        load_figures(console, chosen, args.repeat, directory)


def sync_figures(
    console: Console, dataset: Dataset, chosen: Sequence[OrgBooks], time_scale: float, directory: Path
) -> None:
    window = 60.0 / time_scale
    # The plan's daily cap would stop a large first sync part-way; the run measures pacing, not the cap.
    config = SandboxConfig(time_scale=time_scale, daily_limits={b.organization_id: 10**9 for b in chosen})
    transport = RecordingTransport()
    with SandboxServer(dataset, config) as sandbox:
        clients = []
        for books in chosen:
            clients.append(
                ZohoBooksClient(
                    ZohoConnectionConfig(
                        f"bench-{books.region}",
                        books.region,
                        books.organization_id,
                        accounts_url=sandbox.accounts_url(books.region),
                    ),
                    sandbox_credentials(dataset, books.region),
                    limiters=LimiterRegistry(),
                    limits=RateLimits(
                        requests_per_window=ZOHO_PER_MINUTE, window_seconds=window, max_in_flight=5
                    ),
                    transport=transport,
                )
            )
        for client in clients:
            client.list_organizations()  # the token, outside the measurement (not an org-scoped call)
        pipeline = make_pipeline(
            dlt.destinations.duckdb(str(directory / "sync.duckdb")), directory / "sync-dlt"
        )
        transport.starts.clear()
        sandbox.reset_stats()
        began = time.perf_counter()
        result = sync_organizations(clients, pipeline)
        elapsed = time.perf_counter() - began
        stats = sandbox.stats()
        throttled_by_client = sum(c.throttled for c in clients)
        for client in clients:
            client.close()
    if not result.complete:
        console.print(f"the sync did not complete: {', '.join(result.incomplete)}", style="red")

    table = Table(title="(a) API calls of a first full sync ÷ the minimum for the same data")
    for column in ("organization", "used", "minimum", "of which: details / lists / ledger / rest", "ratio"):
        table.add_column(column, justify="right" if column != "organization" else "left")
    used_total = minimum_total = 0
    for books, org in zip(chosen, result.organizations, strict=True):
        minimum = minimum_calls(books)
        floor = sum(minimum.values())
        rest = floor - minimum["details"] - minimum["list pages"] - minimum["ledger pages"]
        used_total += org.api_calls
        minimum_total += floor
        table.add_row(
            f"{books.region} {books.organization_id}",
            f"{org.api_calls:,}",
            f"{floor:,}",
            f"{minimum['details']:,} / {minimum['list pages']} / {minimum['ledger pages']} / {rest}",
            f"{org.api_calls / floor:.3f}",
        )
    table.add_row(
        "all", f"{used_total:,}", f"{minimum_total:,}", "", f"{used_total / minimum_total:.3f}", style="bold"
    )
    console.print(table)
    console.print(
        "used = the client's count (retries, 401 replays and 429s included); minimum = 1 organizations call"
        " + currency pages + rate-history pages per foreign currency + list pages (200 rows, invoices 199"
        " past the first page) + one detail per document of a detailed endpoint + ledger pages per account.",
        style="dim",
    )

    table = Table(
        title=f"(b) calls per Zoho-minute ÷ {ZOHO_PER_MINUTE} "
        f"(time scale {time_scale:g}: a Zoho-minute lasts {window:g} s)"
    )
    for column in (
        "organization",
        "calls",
        "API span",
        "per Zoho-minute ÷ 100",
        "÷ allowed",
        "whole sync ÷ 100",
    ):
        table.add_column(column, justify="right" if column != "organization" else "left")
    groups = [(f"{b.region} {b.organization_id}", [b.organization_id]) for b in chosen]
    if len(chosen) > 1:
        groups.append((f"all {len(chosen)} together", [b.organization_id for b in chosen]))
    for label, ids in groups:
        budget = ZOHO_PER_MINUTE * len(ids)
        found = pace([s for s in transport.starts if s[1] in ids], window, budget)
        minutes = found.seconds / window
        table.add_row(
            label,
            f"{found.calls:,}",
            f"{minutes:.1f} Zoho-min",
            f"{found.calls / minutes / budget:.3f}" if minutes else "",
            f"{found.calls / found.allowed:.3f}",
            f"{found.calls / (elapsed / window) / budget:.3f}",
            style="bold" if len(ids) > 1 else None,
        )
    console.print(table)
    throttled = stats["throttled"]
    console.print(
        f"429s: sandbox refused {throttled['44']} per-minute (44), {throttled['45']} daily (45), "
        f"{throttled['1070']} concurrency (1070); the clients saw {throttled_by_client}. "
        f"Sync wall time {elapsed:.1f} s ({elapsed / window:.1f} Zoho-min), {result.rows:,} rows.",
        highlight=False,
    )
    console.print(
        "API span = Σ over phases (documents, ledger) of last call start − first call start, per"
        " organization. '÷ allowed' divides by what the rolling window admits in those spans (100 at a"
        " phase's first instant, 100 more per Zoho-minute after), so a phase's opening burst does not lift it"
        " past 1; 'whole sync' divides by the wall time, dlt's unscaled local work included. Several"
        " organizations are measured against their summed budgets.",
        style="dim",
    )


def load_figures(console: Console, chosen: Sequence[OrgBooks], repeat: int, directory: Path) -> None:
    synced_at = datetime.now(UTC)
    records: dict[str, tuple[Endpoint, list[dict[str, Any]]]] = {}
    for books in chosen:
        for endpoint, rows in sync_records(books, synced_at):
            records[f"{endpoint.name}_{books.organization_id}"] = (endpoint, rows)
    json_dir = directory / "json"
    json_dir.mkdir()
    files = write_json_lines(records, json_dir)
    size = sum(f.stat().st_size for f in files)
    dlt_runs, duck_runs = [], []
    for run in range(repeat):
        run_dir = directory / f"load-{run}"
        run_dir.mkdir()
        dlt_runs.append(time_dlt(records, run_dir))
        duck_runs.append(time_duckdb(files, run_dir))
    dlt_rows, duck_rows = dlt_runs[0].rows, duck_runs[0][0]
    dlt_seconds = statistics.median(run.seconds for run in dlt_runs)
    duck_seconds = statistics.median(s for _, s in duck_runs)
    dlt_rate, duck_rate = dlt_rows / dlt_seconds, duck_rows / duck_seconds
    table = Table(title=f"(c) local load throughput, median of {repeat}")
    for column in ("path", "rows", "seconds", "rows/s"):
        table.add_column(column, justify="right" if column != "path" else "left")
    workers = "/".join(sorted({str(run.workers) for run in dlt_runs}))
    table.add_row(
        f"dlt normalize ({workers} worker(s) for {dlt_runs[0].records:,} records) + load"
        " (parquet → DuckDB, merge)",
        f"{dlt_rows:,}",
        f"{dlt_seconds:.2f}",
        f"{dlt_rate:,.0f}",
    )
    table.add_row(
        f"DuckDB read_json + unnest ({size / 1e6:.1f} MB of JSON lines)",
        f"{duck_rows:,}",
        f"{duck_seconds:.2f}",
        f"{duck_rate:,.0f}",
    )
    with_extract = dlt_seconds + statistics.median(run.extract_seconds for run in dlt_runs)
    table.add_row(
        "dlt extract + normalize + load (for reference: the extract from typed records included)",
        f"{dlt_rows:,}",
        f"{with_extract:.2f}",
        f"{dlt_rows / with_extract:,.0f}",
        style="dim",
    )
    console.print(table)
    console.print(
        f"DuckDB rows/s ÷ dlt rows/s = {duck_rate / dlt_rate:.2f}× (goal ≤ 3×). Rows count root and nested"
        " rows on each side; they differ where dlt and DuckDB nest differently (dlt flattens dicts into"
        " columns and skips empty lists; DuckDB keeps structs and unnests every list).",
        highlight=False,
    )


if __name__ == "__main__":
    main()
