"""The Zoho Books dlt source: resources generated from the endpoint table, per organization.

A sync is three extractions of this one source (so they share its state, which dlt keeps in the warehouse):

* ``documents``: organizations, currencies (a snapshot, appended) with their rate history, and every list
  endpoint. A list is walked by a resource; a transformer turns each page of changed rows into detail
  records (one call per changed document) and, when the walk ends, advances the watermark in the state.
* ``ledger``: Zoho's account transactions, read per account on every sync: the months touched since the
  last read, with an overlap, and the whole ledger on the delete-scan schedule (``ledger_window``, D61).
* ``deletions``: the ids the walks found gone, into ``zoho_deletions``; the runner then marks the rows.

A targeted sync (what webhooks trigger) runs a ``by_id`` phase instead of ``documents``: the named documents
are fetched by id, and those named deleted (or gone when fetched) are queued as deletions; the ledger is
read only for organizations whose posting documents changed.

A daily cap stops one organization's calls; what was read before it is loaded with state that says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from loader.extract import details, reference_reads
from loader.extract.details import complete_from_list_rows, detail_location
from loader.extract.extraction import (
    LEDGER_TABLE,
    EntityProgress,
    Extraction,
    JsonObject,
    OrgSync,
    Reporter,
    StoredColumns,
    SyncOptions,
    Targets,
    no_columns,
    quiet,
)
from loader.extract.hints import nested_hints, primary_key, table_columns
from loader.extract.ledger_read import ledger, ledger_row_id
from loader.extract.live_ids import LiveIds, version_of
from loader.zoho.endpoints import ALL_ENDPOINTS, Endpoint

# The names the runner, the bench and the tests take from the source, wherever they are defined.
__all__ = [
    "DELETIONS_TABLE",
    "LEDGER_TABLE",
    "PHASES",
    "SOURCE_NAME",
    "EntityProgress",
    "LiveIds",
    "OrgSync",
    "SyncOptions",
    "Targets",
    "complete_from_list_rows",
    "detail_location",
    "endpoint_resource",
    "ledger_row_id",
    "version_of",
    "zoho_books",
]

SOURCE_NAME = "zoho_books"
DELETIONS_TABLE = "zoho_deletions"
PHASES = ("documents", "by_id", "ledger", "deletions")


@dlt.source(name=SOURCE_NAME, max_table_nesting=3)
def zoho_books(
    orgs: Sequence[OrgSync],
    options: SyncOptions,
    live_ids: LiveIds,
    phase: str = "documents",
    report: Reporter = quiet,
    targets: Targets | None = None,
    stored_columns: StoredColumns = no_columns,
) -> Iterator[DltResource]:
    """The resources of one phase (``documents``, ``by_id``, ``ledger`` or ``deletions``) for ``orgs``.

    Rate limits are per organization, so the resources that call Zoho page by page (list walks with their
    details, ledgers) are ``parallelized``: dlt advances each of them on its extract threads, one step at a
    time per resource, so one organization's paced calls do not hold the others up. dlt's context (and so
    the source state) is available on those threads; each resource writes only its own organization's
    state, and what several resources share (pending deletions, reports) is only added to or locked."""
    extractions = [Extraction(org, options, live_ids, report, stored_columns) for org in orgs]
    if phase == "deletions":
        yield _deletions_resource(options.synced_at)
        return
    for endpoint in ALL_ENDPOINTS:
        for ext in extractions:
            if phase == "by_id":
                named = targets or Targets()
                if endpoint.name in named.entities:
                    yield _resource(endpoint, ext, details.by_id(ext, endpoint, named))
            elif endpoint.name not in options.entities:
                continue
            elif phase == "ledger" and endpoint.kind == "per_account":
                yield _resource(endpoint, ext, ledger(ext, endpoint), parallelized=True)
            elif phase == "documents":
                yield from _document_resources(ext, endpoint)


def endpoint_resource(endpoint: Endpoint, data: Any, name: str, *, parallelized: bool = False) -> DltResource:
    """A resource of ``endpoint``'s raw table with its write disposition, key and column hints (the bench
    loads through it too, so it measures what the sync loads)."""
    snapshot = endpoint.kind == "snapshot"
    resource: DltResource = dlt.resource(  # type: ignore[call-overload]
        data,
        name=name,
        parallelized=parallelized,
        table_name=endpoint.name,
        write_disposition="append" if snapshot else "merge",
        primary_key=None if snapshot else primary_key(endpoint),
        columns=table_columns(endpoint),
        nested_hints=nested_hints(endpoint),
    )
    return resource


def _resource(endpoint: Endpoint, ext: Extraction, data: Any, *, parallelized: bool = False) -> DltResource:
    name = f"{endpoint.name}_{ext.organization_id}"
    return endpoint_resource(endpoint, data, name, parallelized=parallelized)


def _document_resources(ext: Extraction, endpoint: Endpoint) -> Iterator[DltResource]:
    if endpoint.kind == "organization":
        yield _resource(endpoint, ext, reference_reads.organization(ext, endpoint))
    elif endpoint.kind == "snapshot":
        currencies = _resource(endpoint, ext, reference_reads.currencies(ext, endpoint))
        yield currencies
        rates = next((e for e in ALL_ENDPOINTS if e.kind == "per_currency"), None)
        if rates is not None and rates.name in ext.options.entities:
            yield dlt.transformer(
                reference_reads.exchange_rates(ext, rates),
                data_from=currencies,
                name=f"{rates.name}_{ext.organization_id}",
                table_name=rates.name,
                write_disposition="merge",
                primary_key=primary_key(rates),
                columns=table_columns(rates),
            )
    elif endpoint.kind == "single":
        yield _resource(endpoint, ext, reference_reads.single(ext, endpoint))
    elif endpoint.kind == "list":
        yield _resource(endpoint, ext, details.walked(ext, endpoint), parallelized=True)


# --- deletions ------------------------------------------------------------------------------------------


def _deletions_resource(synced_at: datetime) -> DltResource:
    """The ids the walks found gone, into ``zoho_deletions``; the runner then marks the rows."""
    return dlt.resource(
        _pending_deletions(synced_at),
        name="zoho_deletions",
        table_name=DELETIONS_TABLE,
        write_disposition="merge",
        primary_key=["entity", "organization_id", "record_id"],
        columns={
            "entity": {"data_type": "text", "nullable": False},
            "organization_id": {"data_type": "text", "nullable": False},
            "record_id": {"data_type": "text", "nullable": False},
            "deleted_at": {"data_type": "timestamp", "timezone": True, "nullable": False},
        },
    )


def _pending_deletions(synced_at: datetime) -> Callable[[], Iterator[list[JsonObject]]]:
    def rows() -> Iterator[list[JsonObject]]:
        state = dlt.current.source_state()
        pending: dict[str, dict[str, dict[str, str]]] = state.get("pending_deletions") or {}
        out = [
            {
                "entity": table,
                "organization_id": organization_id,
                "record_id": record_id,
                "deleted_at": datetime.fromisoformat(seen_at),
            }
            for table, by_org in sorted(pending.items())
            for organization_id, ids in sorted(by_org.items())
            for record_id, seen_at in sorted(ids.items())
        ]
        state["pending_deletions"] = {}
        if out:
            yield out

    return rows
