"""Running a sync: finish what a killed run left, extract and load the three phases, mark deletions.

``sync_organizations`` works on clients and a dlt pipeline (what tests and the bench drive);
``run_sync`` builds both from the configuration and the vault (what the CLI, the scheduler and Dagster call):
one dlt pipeline per organization (its own name and state, the same raw dataset), so two organizations can be
synced at once by two processes (D144).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt
from dlt.common.destination.exceptions import DestinationTerminalException
from dlt.common.pipeline import LoadInfo
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.pipeline.exceptions import PipelineStepFailed
from dlt.pipeline.pipeline import Pipeline
from rich.console import Console

from loader.config import Config
from loader.extract.budget import BudgetEstimate, estimate_calls
from loader.extract.ledger_window import DEFAULT_OVERLAP_MONTHS
from loader.extract.packages import prune_loaded_packages
from loader.extract.progress import SyncProgress
from loader.extract.shared_dataset import (
    SHARED_PIPELINE_NAME,
    adopt_shared_state,
    load_lock,
    organization_pipeline_name,
    source_state,
    warehouse_columns,
)
from loader.extract.source import (
    DELETIONS_TABLE,
    EntityProgress,
    LiveIds,
    OrgSync,
    SyncOptions,
    Targets,
    zoho_books,
)
from loader.extract.telemetry import telemetry_off_by_default
from loader.extract.workers import PARALLEL_FROM_RECORDS, extracted_records, normalize_workers
from loader.raw_contract import (
    DELETED_AT_COLUMN,
    IS_DELETED_COLUMN,
    ORGANIZATION_COLUMN,
    RAW_SCHEMA,
    SOURCE_ID_COLUMN,
    SYNCED_AT_COLUMN,
)
from loader.vault import Vault
from loader.warehouse import Warehouse
from loader.zoho.client import ZohoBooksClient
from loader.zoho.endpoints import ALL_ENDPOINTS

log = logging.getLogger(__name__)

RAW_DATASET = RAW_SCHEMA
PIPELINE_NAME = SHARED_PIPELINE_NAME  # what tests and benches on one pipeline of several organizations use
ALL_ENTITIES = frozenset(e.name for e in ALL_ENDPOINTS)
DEFAULT_OVERLAP = timedelta(minutes=10)
DEFAULT_DELETE_SCAN_INTERVAL = timedelta(days=7)
_KEYS_PER_QUERY = 500


@dataclass(frozen=True)
class OrgResult:
    connection: str
    organization_id: str
    entities: dict[str, EntityProgress]
    api_calls: int
    stopped: str | None  # the daily-cap message when the cap stopped this organization

    @property
    def complete(self) -> bool:
        return self.stopped is None and all(p.complete for p in self.entities.values())


@dataclass(frozen=True)
class SyncResult:
    organizations: list[OrgResult]
    seconds: float
    load_ids: list[str]
    estimate: BudgetEstimate
    deletions_marked: int = 0
    full_refresh: bool = False
    incomplete: list[str] = field(default_factory=list)  # "connection/entity" left for the next run
    synced_at: datetime | None = None  # the _synced_at stamped on this run's rows
    normalize_workers: list[int] = field(default_factory=list)  # processes dlt normalized with, per phase

    @property
    def complete(self) -> bool:
        return all(o.complete for o in self.organizations)

    @property
    def rows(self) -> int:
        return sum(p.rows for o in self.organizations for p in o.entities.values())

    @property
    def api_calls(self) -> int:
        return sum(o.api_calls for o in self.organizations)

    @property
    def failed(self) -> list[str]:
        """``connection/entity: what Zoho answered and what to do``, for each entity Zoho would not serve
        (the other entities were loaded)."""
        return [
            f"{o.connection}/{name}: {p.error}"
            for o in self.organizations
            for name, p in sorted(o.entities.items())
            if p.error
        ]


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


def make_pipeline(
    destination: Any,
    pipelines_dir: Path,
    *,
    dataset_name: str = RAW_DATASET,
    pipeline_name: str = PIPELINE_NAME,
) -> Pipeline:
    # Arrow batches (loader.extract.arrow_batches) get the row id and load id dlt's row path gives every
    # row: merges, the replay clean-up (D39) and the models' audit columns rely on them.
    telemetry_off_by_default()
    dlt.config["normalize.parquet_normalizer.add_dlt_id"] = True
    dlt.config["normalize.parquet_normalizer.add_dlt_load_id"] = True
    pipeline: Pipeline = dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=destination,
        dataset_name=dataset_name,
        pipelines_dir=str(pipelines_dir),
    )
    return pipeline


def _file_format(pipeline: Pipeline) -> Any:
    # DuckDB loads parquet several times faster than dlt's default INSERT statements.
    destination = pipeline.destination.destination_name if pipeline.destination else ""
    return "parquet" if destination == "duckdb" else None


def _live_ids(pipeline: Pipeline) -> LiveIds:
    def query(table: str, columns: Sequence[str], organization_id: str) -> list[tuple[Any, ...]]:
        extra = "".join(f", {column}" for column in columns)
        try:
            with pipeline.sql_client() as client:
                name = client.make_qualified_table_name(table)
                rows = client.execute_sql(
                    f"select {SOURCE_ID_COLUMN}{extra} from {name} "  # noqa: S608 (names are ours)
                    f"where {ORGANIZATION_COLUMN} = %s and not {IS_DELETED_COLUMN}",
                    organization_id,
                )
        except Exception as exc:  # the table does not exist yet: nothing is stored, nothing can be gone
            log.debug("no stored ids", extra={"table": table, "problem": type(exc).__name__})
            return []
        return [tuple(r) for r in rows or []]

    def earliest(
        table: str, date_column: str, key_column: str, keys: Sequence[str], organization_id: str
    ) -> Any:
        found = []
        try:
            with pipeline.sql_client() as client:
                name = client.make_qualified_table_name(table)
                for start in range(0, len(keys), _KEYS_PER_QUERY):
                    chunk = list(keys[start : start + _KEYS_PER_QUERY])
                    marks = ", ".join(["%s"] * len(chunk))
                    rows = client.execute_sql(
                        f"select min({date_column}) from {name} "  # noqa: S608 (names are ours)
                        f"where {ORGANIZATION_COLUMN} = %s and not {IS_DELETED_COLUMN} "
                        f"and {key_column} in ({marks})",
                        organization_id,
                        *chunk,
                    )
                    if rows and rows[0][0] is not None:
                        found.append(rows[0][0])
        except Exception as exc:  # the table does not exist yet: nothing is stored
            log.debug("no stored dates", extra={"table": table, "problem": type(exc).__name__})
            return None
        return min(found, default=None)

    return LiveIds(query, earliest)


def _restore_state(pipeline: Pipeline) -> None:
    """On a machine without local dlt state (a new one, a wiped directory), take the watermarks and the rest
    of the sync state from the warehouse, where every load stores it. ``run`` without data does only that
    once nothing is pending; the phases then extract, normalize and load step by step."""
    with load_lock(pipeline):
        pipeline.run()


def _finish_pending(pipeline: Pipeline) -> None:
    """A killed run can leave extracted or normalized packages behind: load them before extracting anew."""
    if not pipeline.has_pending_data:
        return
    log.warning("finishing the load a previous run left pending")
    pipeline.normalize()
    with load_lock(pipeline):
        _load_pending(pipeline)


def _load_pending(pipeline: Pipeline) -> None:
    try:
        pipeline.load().raise_on_failed_jobs()
    except PipelineStepFailed as exc:
        if not isinstance(exc.exception, DestinationTerminalException):
            raise  # the destination is away or busy: the next run finishes the package
        # A job the kill caught between its commit and dlt's record of it runs again on resume; where a
        # unique _dlt_id refuses its rows twice (PostgreSQL) it fails terminally, and would on every run.
        # Give the package up: dlt rewinds the local state to before it, so this run reads its data again.
        log.warning(
            "the load a previous run left pending cannot be finished; abandoning it, this run reads its "
            "data again",
            extra={"problem": type(exc.exception).__name__},
        )
        pipeline.abort_packages()
        return
    _drop_replayed_copies(pipeline)


def _drop_replayed_copies(pipeline: Pipeline) -> int:
    """Remove the second copies of rows a resumed load inserted twice; returns how many were removed.

    dlt (1.31) re-runs, on resume, a load job whose insert had committed when the process died but which
    was not yet marked done. The merge from the staging dataset then deduplicates nested tables and
    single-table chains, but not the root table of a chain with nested tables (it inserts every staged row
    whose ``_dlt_id`` it selected), and appended tables get the rows twice outright. The copies are
    identical, ``_dlt_id`` included, so keeping one of each restores what an uninterrupted load holds."""
    removed = 0
    with pipeline.sql_client() as client:
        for table in pipeline.default_schema.data_tables():
            table_name = table.get("name")
            if not table_name or "_dlt_id" not in table.get("columns", {}):
                continue
            name = client.make_qualified_table_name(table_name)
            try:
                found = client.execute_sql(f"select count(*) - count(distinct _dlt_id) from {name}")  # noqa: S608
            except DatabaseUndefinedRelation:
                continue  # hinted in the schema, never loaded
            extra = int(found[0][0]) if found else 0
            if not extra:
                continue
            twice = f"select _dlt_id from {name} group by _dlt_id having count(*) > 1"  # noqa: S608
            with client.begin_transaction():
                client.execute_sql(
                    f"create temporary table ml_connector_replayed as "  # noqa: S608
                    f"select distinct * from {name} where _dlt_id in ({twice})"
                )
                client.execute_sql(
                    f"delete from {name} where _dlt_id in (select _dlt_id from ml_connector_replayed)"  # noqa: S608
                )
                client.execute_sql(f"insert into {name} select * from ml_connector_replayed")  # noqa: S608
                client.execute_sql("drop table ml_connector_replayed")
            log.warning(
                "removed rows the resumed load inserted twice",
                extra={"table": table_name, "rows": extra},
            )
            removed += extra
    return removed


def mark_deletions(pipeline: Pipeline) -> int:
    """Flag rows whose deletion was seen after they were last synced; idempotent. Returns rows flagged."""
    if not pipeline.schema_names:
        return 0
    schema = pipeline.default_schema
    if DELETIONS_TABLE not in schema.tables:
        return 0
    flagged = 0
    with pipeline.sql_client() as client:
        deletions = client.make_qualified_table_name(DELETIONS_TABLE)
        entities = [r[0] for r in client.execute_sql(f"select distinct entity from {deletions}") or []]  # noqa: S608
        for entity in entities:
            if entity not in schema.tables:
                continue
            table = client.make_qualified_table_name(entity)
            sql = (
                f"update {table} set {IS_DELETED_COLUMN} = true, {DELETED_AT_COLUMN} = d.deleted_at "  # noqa: S608
                f"from {deletions} d where d.entity = %s "
                f"and d.organization_id = {table}.{ORGANIZATION_COLUMN} "
                f"and d.record_id = {table}.{SOURCE_ID_COLUMN} "
                f"and {table}.{SYNCED_AT_COLUMN} < d.deleted_at and not {table}.{IS_DELETED_COLUMN}"
            )
            client.execute_sql(sql, entity)
            count = client.execute_sql(
                f"select count(*) from {table} where {IS_DELETED_COLUMN}"  # noqa: S608
            )
            flagged += int(count[0][0]) if count else 0
    return flagged


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
    _finish_pending(pipeline)
    _restore_state(pipeline)
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
    live = _live_ids(pipeline)
    with progress:
        phases = ("documents", "ledger", "deletions")
        runs = _run_phases(
            pipeline, orgs, options, live, phases, progress, parallel_normalize_from=parallel_normalize_from
        )
    return _finish(
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
    _finish_pending(pipeline)
    _restore_state(pipeline)
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
    live = _live_ids(pipeline)
    with progress:
        runs = _run_phases(pipeline, orgs, options, live, ("by_id", "ledger", "deletions"), progress, targets)
    result = _finish(pipeline, orgs, calls_before, began, runs, estimate, options, progress, console)
    if result.failed:
        raise IncompleteSync("Zoho would not serve what the targeted sync needs: " + "; ".join(result.failed))
    if not result.complete:
        raise IncompleteSync(
            "the daily API cap stopped the targeted sync; left for the next try: "
            + ", ".join(result.incomplete)
        )
    return result


def _run_phases(
    pipeline: Pipeline,
    orgs: list[OrgSync],
    options: SyncOptions,
    live: LiveIds,
    phases: Sequence[str],
    progress: SyncProgress,
    targets: Targets | None = None,
    parallel_normalize_from: int = PARALLEL_FROM_RECORDS,
) -> PhaseRuns:
    """One dlt run per phase (each a complete load: a failure leaves the warehouse as the last phase did)."""
    runs = PhaseRuns()
    for phase in phases:
        if phase == "ledger" and "account_transactions" not in options.entities:
            continue
        source = zoho_books(
            orgs,
            options,
            live,
            phase=phase,
            report=progress.update,
            targets=targets,
            stored_columns=_stored_columns(pipeline),
        )
        # pipeline.run's steps one by one, so normalize's workers fit what was extracted.
        extracted = pipeline.extract(source, loader_file_format=_file_format(pipeline))
        workers = normalize_workers(extracted_records(extracted), parallel_normalize_from)
        pipeline.normalize(workers=workers)
        with load_lock(pipeline):
            info: LoadInfo = pipeline.load()
        info.raise_on_failed_jobs()
        runs.load_ids.extend(info.loads_ids)
        runs.normalize_workers.append(workers)
    return runs


@dataclass
class PhaseRuns:
    load_ids: list[str] = field(default_factory=list)
    normalize_workers: list[int] = field(default_factory=list)


def _stored_columns(pipeline: Pipeline) -> Callable[[str], Mapping[str, str]]:
    """The columns each table has in the warehouse, read once on this thread before the extract starts.

    The resources ask from dlt's extract threads, while dlt may be replacing the live schema's content on
    another: reading ``default_schema`` there raced with it (dlt's normalizer saw a schema half reset). The
    snapshot is also the right answer: what earlier loads stored, not what this extract is adding.
    """
    own: dict[str, dict[str, str]] = {}
    if pipeline.schema_names:
        for table, schema_table in pipeline.default_schema.tables.items():
            found = schema_table.get("columns", {})
            own[table] = {name: str(column.get("data_type", "")) for name, column in found.items()}
    # What the warehouse holds beside: an organization's pipeline (D144) knows only what its own loads added.
    snapshot = warehouse_columns(pipeline, sorted(set(own) | ALL_ENTITIES))
    for table, known in own.items():
        snapshot[table] = {**snapshot.get(table, {}), **known}

    def columns(table: str) -> Mapping[str, str]:
        return snapshot.get(table, {})

    return columns


def _finish(
    pipeline: Pipeline,
    orgs: list[OrgSync],
    calls_before: Mapping[int, int],
    began: float,
    runs: PhaseRuns,
    estimate: BudgetEstimate,
    options: SyncOptions,
    progress: SyncProgress,
    console: Console | None,
) -> SyncResult:
    """Mark deletions, count what each organization did, save the quota and print the summary."""
    with load_lock(pipeline):
        flagged = mark_deletions(pipeline)
    results = [
        OrgResult(
            o.connection,
            o.organization_id,
            dict(o.entities),
            o.client.calls_made - calls_before[id(o)],
            o.stopped,
        )
        for o in orgs
    ]
    for o in orgs:
        o.client.flush_usage()
    incomplete = [
        f"{r.connection}/{name}" for r in results for name, p in r.entities.items() if not p.complete
    ]
    result = SyncResult(
        results,
        time.perf_counter() - began,
        runs.load_ids,
        estimate,
        flagged,
        options.full_refresh,
        incomplete,
        options.synced_at,
        runs.normalize_workers,
    )
    if console is not None:
        progress.print_summary(result)
    return result


# --- from configuration ---------------------------------------------------------------------------------


def organization_pipeline(config: Config, destination: Any, organization_id: str) -> Pipeline:
    """The dlt pipeline of one configured organization: its own name and state, the raw dataset (D144)."""
    return make_pipeline(
        destination,
        config.state_dir / "dlt",
        pipeline_name=organization_pipeline_name(organization_id),
    )


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


def combined(results: Sequence[SyncResult]) -> SyncResult:
    """One result for syncs of several organizations run one after the other."""
    if len(results) == 1:
        return results[0]
    estimates = [r.estimate for r in results]
    first = estimates[0]
    return SyncResult(
        [o for r in results for o in r.organizations],
        sum(r.seconds for r in results),
        [i for r in results for i in r.load_ids],
        BudgetEstimate(
            {k: v for e in estimates for k, v in e.calls.items()},
            {k: v for e in estimates for k, v in e.first_sync.items()},
            first.details,
            first.details_from,
        ),
        sum(r.deletions_marked for r in results),
        results[0].full_refresh,
        [i for r in results for i in r.incomplete],
        results[0].synced_at,
        [w for r in results for w in r.normalize_workers],
    )


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
