"""Running a sync: finish what a killed run left, extract and load the three phases, mark deletions.

``sync_organizations`` works on clients and a dlt pipeline (what tests and the bench drive);
``run_sync`` builds both from the configuration and the vault (what the CLI, the scheduler and Dagster call):
one dlt pipeline per organization (its own name and state, the same raw dataset), so two organizations can be
synced at once by two processes (D144).

The steps live beside: ``resume`` (what a killed run left), ``phases`` (the loads, the deletions marked),
``warehouse_reads`` (what the resources ask of the warehouse), ``pipelines`` and ``results``; the names
callers import from here are re-exported.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dlt.pipeline.pipeline import Pipeline
from rich.console import Console

from loader.config import Config
from loader.extract.budget import BudgetEstimate, estimate_calls
from loader.extract.ledger_window import DEFAULT_OVERLAP_MONTHS
from loader.extract.packages import prune_loaded_packages
from loader.extract.phases import finish_sync, mark_deletions, run_phases
from loader.extract.pipelines import PIPELINE_NAME, RAW_DATASET, make_pipeline, organization_pipeline
from loader.extract.progress import SyncProgress
from loader.extract.results import OrgResult, SyncResult, combined
from loader.extract.resume import finish_pending, restore_state
from loader.extract.shared_dataset import adopt_shared_state, source_state
from loader.extract.source import OrgSync, SyncOptions, Targets
from loader.extract.warehouse_reads import stored_live_ids
from loader.extract.workers import PARALLEL_FROM_RECORDS
from loader.vault import Vault
from loader.warehouse import Warehouse
from loader.zoho.client import ZohoBooksClient
from loader.zoho.endpoints import ALL_ENDPOINTS

__all__ = [
    "ALL_ENTITIES",
    "DEFAULT_DELETE_SCAN_INTERVAL",
    "DEFAULT_OVERLAP",
    "PIPELINE_NAME",
    "RAW_DATASET",
    "IncompleteSync",
    "OrgResult",
    "SyncResult",
    "combined",
    "make_pipeline",
    "mark_deletions",
    "organization_pipeline",
    "parse_entities",
    "run_sync",
    "sync_documents",
    "sync_organizations",
    "sync_targets",
]

log = logging.getLogger(__name__)

ALL_ENTITIES = frozenset(e.name for e in ALL_ENDPOINTS)
DEFAULT_OVERLAP = timedelta(minutes=10)
DEFAULT_DELETE_SCAN_INTERVAL = timedelta(days=7)


def parse_entities(text: str | None) -> frozenset[str]:
    """``--entities invoices,bills`` → the names; unknown names are a usage error (ValueError)."""
    if not text:
        return ALL_ENTITIES
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    unknown = sorted(names - ALL_ENTITIES)
    if unknown:
        raise ValueError(
            f"unknown entit{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}; "
            f"choose from {', '.join(sorted(ALL_ENTITIES))}"
        )
    return names


def sync_organizations(
    clients: Sequence[ZohoBooksClient],
    pipeline: Pipeline,
    *,
    entities: Iterable[str] | None = None,
    full_refresh: bool = False,
    overlap: timedelta = DEFAULT_OVERLAP,
    delete_scan_interval: timedelta = DEFAULT_DELETE_SCAN_INTERVAL,
    ledger_overlap_months: int = DEFAULT_OVERLAP_MONTHS,
    details: str = "all",
    details_months: int = 12,
    parallel_normalize_from: int = PARALLEL_FROM_RECORDS,
    console: Console | None = None,
    summary: bool = True,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SyncResult:
    """Sync every organization of ``clients`` into ``pipeline``'s dataset; returns what was done.

    ``summary=False`` leaves the summary table to the caller (``run_sync`` prints one for all organizations).

    Stops an organization cleanly at Zoho's daily cap (``SyncResult.complete`` is then False and the next
    run continues); other errors raise after the warehouse was left as before the failed phase."""
    began = time.perf_counter()
    selected = frozenset(entities) if entities is not None else ALL_ENTITIES
    finish_pending(pipeline)
    restore_state(pipeline)
    adopt_shared_state(pipeline, [c.organization_id for c in clients])
    options = SyncOptions(
        synced_at=now(),
        entities=selected,
        full_refresh=full_refresh,
        overlap=overlap,
        delete_scan_interval=delete_scan_interval,
        ledger_overlap_months=ledger_overlap_months,
        details=details,
        details_months=details_months,
    )
    orgs = [OrgSync(client) for client in clients]
    calls_before = {id(o): o.client.calls_made for o in orgs}
    estimate = estimate_calls(source_state(pipeline), orgs, options)
    progress = SyncProgress(console, orgs, selected)
    for line in estimate.describe(orgs):
        log.info(line)
        if console is not None:
            console.print(line, highlight=False)
    live = stored_live_ids(pipeline)
    with progress:
        phases = ("documents", "ledger", "deletions")
        runs = run_phases(
            pipeline, orgs, options, live, phases, progress, parallel_normalize_from=parallel_normalize_from
        )
    return finish_sync(
        pipeline, orgs, calls_before, began, runs, estimate, options, progress, console if summary else None
    )


class IncompleteSync(RuntimeError):
    """A targeted sync the daily cap stopped part-way, or with documents Zoho would not serve: what it loaded
    stays, the rest needs another try."""


def sync_targets(
    clients: Sequence[ZohoBooksClient],
    pipeline: Pipeline,
    targets: Targets,
    *,
    ledger_overlap_months: int = DEFAULT_OVERLAP_MONTHS,
    console: Console | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SyncResult:
    """Fetch the documents ``targets`` names by id, queue its deletions, read the ledger of organizations
    whose postings changed (its window, D61), and mark deletions: what a webhook needs, without walking any
    list.

    Raises ``IncompleteSync`` when the daily cap stopped it (what was fetched is loaded; a retry is safe)."""
    began = time.perf_counter()
    finish_pending(pipeline)
    restore_state(pipeline)
    adopt_shared_state(pipeline, [c.organization_id for c in clients])
    options = SyncOptions(
        synced_at=now(),
        entities=targets.entities | {"account_transactions"},
        ledger_overlap_months=ledger_overlap_months,
        ledger_on_postings_only=True,
    )
    orgs = [OrgSync(client) for client in clients]
    calls_before = {id(o): o.client.calls_made for o in orgs}
    estimate = BudgetEstimate()
    progress = SyncProgress(console, orgs, options.entities)
    live = stored_live_ids(pipeline)
    with progress:
        runs = run_phases(pipeline, orgs, options, live, ("by_id", "ledger", "deletions"), progress, targets)
    result = finish_sync(pipeline, orgs, calls_before, began, runs, estimate, options, progress, console)
    if result.failed:
        raise IncompleteSync("Zoho would not serve what the targeted sync needs: " + "; ".join(result.failed))
    if not result.complete:
        raise IncompleteSync(
            "the daily API cap stopped the targeted sync; left for the next try: "
            + ", ".join(result.incomplete)
        )
    return result


# --- from configuration ---------------------------------------------------------------------------------


def run_sync(
    config: Config,
    vault: Vault,
    *,
    connections: Sequence[str] | None = None,
    entities: Iterable[str] | None = None,
    full_refresh: bool = False,
    console: Console | None = None,
) -> SyncResult:
    """Sync the configured connections (all, or those named) into the configured warehouse.

    Each organization is synced under its own pipeline (D144), one after the other; a Dagster run syncs one
    (``connections=[name]``), the same code path. A failure stops at the organization that raised; the ones
    before it were loaded."""
    from loader.connections import open_state

    names = list(connections) if connections else [c.name for c in config.zoho_connections]
    if not names:
        raise ValueError(f"{config.path}: no [[zoho.connections]] configured: add one, then run the sync")
    state = open_state(config)
    clients = [_open_client(config, vault, name, state) for name in names]
    sync = config.sync
    results = []
    # One instant for the whole run: every organization's rows carry the run's _synced_at, as one pipeline's
    # did, so status and the Looker datagroup see one sync; an earlier stamp only widens the next overlap.
    started = datetime.now(UTC)
    try:
        destination = Warehouse.of(config, vault).dlt_destination()
        for client in clients:
            pipeline = organization_pipeline(config, destination, client.organization_id)
            results.append(
                sync_organizations(
                    [client],
                    pipeline,
                    entities=entities,
                    full_refresh=full_refresh,
                    overlap=timedelta(minutes=sync.overlap_minutes),
                    delete_scan_interval=timedelta(days=sync.delete_scan_days),
                    ledger_overlap_months=sync.ledger_overlap_months,
                    details=sync.details,
                    details_months=sync.details_months,
                    console=console,
                    summary=False,
                    now=lambda: started,
                )
            )
            prune_loaded_packages(Path(pipeline.working_dir))
    finally:
        for client in clients:
            client.close()
    result = combined(results)
    SyncProgress(console, [], frozenset()).print_summary(result)
    return result


def _open_client(config: Config, vault: Vault, name: str, state: Any) -> ZohoBooksClient:
    from loader.connections import open_zoho_client

    return open_zoho_client(config, vault, name, state=state)


def sync_documents(
    config: Config,
    vault: Vault,
    *,
    connection: str,
    upserts: Mapping[str, Iterable[str]],
    deletions: Mapping[str, Iterable[str]],
    console: Console | None = None,
) -> SyncResult:
    """The targeted sync of one connection's documents (entity → ids), as webhooks ask for it."""
    from loader.connections import open_state

    targets = Targets(
        upserts={entity: frozenset(ids) for entity, ids in upserts.items() if ids},
        deletions={entity: frozenset(ids) for entity, ids in deletions.items() if ids},
    )
    unknown = sorted(targets.entities - ALL_ENTITIES)
    if unknown:
        raise ValueError(f"not entities the loader syncs: {', '.join(unknown)}")
    client = _open_client(config, vault, connection, open_state(config))
    try:
        destination = Warehouse.of(config, vault).dlt_destination()
        pipeline = organization_pipeline(config, destination, client.organization_id)
        result = sync_targets(
            [client],
            pipeline,
            targets,
            ledger_overlap_months=config.sync.ledger_overlap_months,
            console=console,
        )
        prune_loaded_packages(Path(pipeline.working_dir))
        return result
    finally:
        client.close()
