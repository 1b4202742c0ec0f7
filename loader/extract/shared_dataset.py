"""One dlt pipeline per organization, all loading the same raw dataset (D144, D145).

Each organization's sync runs under its own pipeline name, so its state (watermarks, ledger window,
pending deletions) is its own row in ``_dlt_pipeline_state`` and two processes syncing two organizations
never overwrite each other's. The tables, ``_dlt_version`` and ``_dlt_loads`` stay shared; what could race
there is kept from racing by ``load_lock``.

Before D144 every organization shared the pipeline ``ml_connector_zoho_books``; an organization's own
pipeline that has no state for it yet takes that organization's part of the shared state
(``adopt_shared_state``), so an existing warehouse keeps its watermarks and syncs incrementally.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from dlt.common.destination.client import WithStateSync
from dlt.common.destination.exceptions import DestinationUndefinedEntity
from dlt.destinations.job_client_impl import SqlJobClientBase
from dlt.pipeline.pipeline import Pipeline
from dlt.pipeline.state_sync import load_pipeline_state_from_destination

from loader.extract.source import SOURCE_NAME

log = logging.getLogger(__name__)

# The pipeline every organization shared before D144.
SHARED_PIPELINE_NAME = "ml_connector_zoho_books"


def organization_pipeline_name(organization_id: str) -> str:
    """The pipeline of one organization: named by its id, so renaming the connection keeps its state."""
    return f"{SHARED_PIPELINE_NAME}_org_{organization_id}"


def source_state(pipeline: Pipeline) -> dict[str, Any]:
    """The Zoho source's part of the pipeline's local state ({} for a pipeline never run)."""
    try:
        sources: dict[str, Any] = pipeline.state.get("sources", {})
    except Exception:  # a pipeline never run has no state yet
        return {}
    found: dict[str, Any] = sources.get(SOURCE_NAME, {})
    return found


def _shared_source_state(pipeline: Pipeline) -> dict[str, Any]:
    """The shared pipeline's Zoho source state as its last complete load stored it in the warehouse."""
    try:
        with pipeline.destination_client() as client:
            if not isinstance(client, WithStateSync):
                return {}
            state = load_pipeline_state_from_destination(SHARED_PIPELINE_NAME, client)
    except DestinationUndefinedEntity:  # no dataset or no state table yet: a new warehouse
        return {}
    if not state:
        return {}
    found: dict[str, Any] = state.get("sources", {}).get(SOURCE_NAME, {})
    return found


def adopt_shared_state(pipeline: Pipeline, organization_ids: Sequence[str]) -> list[str]:
    """Give ``pipeline`` the shared pipeline's state of each organization it has none for; returns those.

    The state is saved locally and goes to the warehouse with this pipeline's next load, so it is taken once.
    A package the shared pipeline left pending (a killed run) is not loaded: its state was never stored, so
    the organization's pipeline starts from the last complete load and reads those changes again."""
    if pipeline.pipeline_name == SHARED_PIPELINE_NAME:
        return []
    known = source_state(pipeline).get("organizations", {})
    missing = [o for o in organization_ids if o not in known]
    if not missing:
        return []
    shared = _shared_source_state(pipeline)
    shared_orgs: dict[str, Any] = shared.get("organizations", {})
    taken = [o for o in missing if o in shared_orgs]
    if not taken:
        return []
    with pipeline.managed_state() as state:
        ours = state.setdefault("sources", {}).setdefault(SOURCE_NAME, {})
        organizations = ours.setdefault("organizations", {})
        pending = ours.setdefault("pending_deletions", {})
        for organization_id in taken:
            organizations[organization_id] = copy.deepcopy(shared_orgs[organization_id])
            for table, by_org in (shared.get("pending_deletions") or {}).items():
                ids = by_org.get(organization_id)
                if ids:
                    pending.setdefault(table, {}).setdefault(organization_id, {}).update(ids)
    log.info(
        "took the watermarks of the shared pipeline",
        extra={"pipeline": pipeline.pipeline_name, "organizations": taken},
    )
    return taken


def warehouse_columns(pipeline: Pipeline, tables: Iterable[str]) -> dict[str, dict[str, str]]:
    """table → column → dlt data type of the tables as the warehouse holds them (absent tables left out).

    A pipeline's own schema knows only the columns its own loads brought: an organization's pipeline knows
    nothing of what the shared pipeline (or, on a column seen only there, another organization) added, yet
    its rows are in those tables and the unordered walks compare the versions stored there (D56)."""
    try:
        with pipeline.destination_client() as client:
            if not isinstance(client, SqlJobClientBase):
                return {}
            found = list(client.get_storage_tables(list(tables)))
    except DestinationUndefinedEntity:  # no dataset yet
        return {}
    return {
        table: {name: str(column.get("data_type", "")) for name, column in columns.items()}
        for table, columns in found
        if columns
    }


@contextmanager
def load_lock(pipeline: Pipeline) -> Iterator[None]:
    """Hold the dataset's load lock while loading: one load at a time into one PostgreSQL dataset.

    Pipelines loading one dataset at once would race where dlt does not expect company: two ``CREATE TABLE``
    or ``ALTER TABLE ADD COLUMN`` of the same new table or column (the second fails), and the merge's staging
    dataset (``<dataset>_staging``), which every pipeline truncates, fills and merges from, so one load could
    merge or wipe another's staged rows. A PostgreSQL session advisory lock keyed by the dataset serializes
    the load step only; extraction (Zoho's paced calls, most of a sync) and normalization stay parallel. The
    server releases the lock when the holder's connection ends, a killed process's included. DuckDB takes one
    writer process anyway (D146), so it needs none."""
    destination = pipeline.destination.destination_name if pipeline.destination else ""
    if destination != "postgres":
        yield
        return
    key = f"ml_connector:{pipeline.dataset_name}"
    with pipeline.sql_client() as client:
        client.execute_sql("select pg_advisory_lock(hashtext(%s))", key)
        try:
            yield
        finally:
            client.execute_sql("select pg_advisory_unlock(hashtext(%s))", key)
