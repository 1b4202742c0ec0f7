"""A sync's loads: one dlt run per phase, then the deletions marked and the result counted."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dlt.common.pipeline import LoadInfo
from dlt.pipeline.pipeline import Pipeline
from rich.console import Console

from loader.extract.budget import BudgetEstimate
from loader.extract.pipelines import file_format
from loader.extract.progress import SyncProgress
from loader.extract.results import OrgResult, SyncResult
from loader.extract.shared_dataset import load_lock
from loader.extract.source import DELETIONS_TABLE, LiveIds, OrgSync, SyncOptions, Targets, zoho_books
from loader.extract.warehouse_reads import stored_columns
from loader.extract.workers import PARALLEL_FROM_RECORDS, extracted_records, normalize_workers
from loader.raw_contract import (
    DELETED_AT_COLUMN,
    IS_DELETED_COLUMN,
    ORGANIZATION_COLUMN,
    SOURCE_ID_COLUMN,
    SYNCED_AT_COLUMN,
)


@dataclass
class PhaseRuns:
    load_ids: list[str] = field(default_factory=list)
    normalize_workers: list[int] = field(default_factory=list)


def run_phases(
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
            stored_columns=stored_columns(pipeline),
        )
        # pipeline.run's steps one by one, so normalize's workers fit what was extracted.
        extracted = pipeline.extract(source, loader_file_format=file_format(pipeline))
        workers = normalize_workers(extracted_records(extracted), parallel_normalize_from)
        pipeline.normalize(workers=workers)
        with load_lock(pipeline):
            info: LoadInfo = pipeline.load()
        info.raise_on_failed_jobs()
        runs.load_ids.extend(info.loads_ids)
        runs.normalize_workers.append(workers)
    return runs


def finish_sync(
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
