"""Test support: put a generated sandbox data set into ``zoho_books_raw`` as the pipeline would, without HTTP.

Every table follows the product's endpoint table (``loader.zoho.endpoints.ALL_ENDPOINTS``): the records are
what the sandbox serves (its own read functions: list rows, detail records, the ledger per account, rate
histories), typed and hinted by the pipeline's own ``loader.extract.hints``, with the members only list rows
carry kept beside the detail, as the pipeline keeps them. So the dbt project is built on the shapes Zoho
sends, and a member the endpoint table declares exists as a column even when no record has it.

What it skips from the pipeline: HTTP, paging limits, incremental state, the delete scan (``deleted`` marks
records as the scan would).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dlt

from loader.extract.hints import nested_hints, table_columns, typed_record
from loader.extract.refunds import add_refunds
from loader.extract.source import complete_from_list_rows
from loader.zoho.endpoints import ALL_ENDPOINTS, Endpoint
from ml_connector_fakes.world.dataset import Dataset, OrgBooks, Record
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.entities import BY_PATH
from ml_connector_fakes.zoho.envelope import ApiError
from ml_connector_fakes.zoho.ledger_reads import list_account_transactions
from ml_connector_fakes.zoho.reads import Route, get_organization, get_record, list_records, read, resolve

RAW_SCHEMA = "zoho_books_raw"
_PAGE = 200
# Nothing hidden: tests compare with every ledger row the sandbox holds.
_CONFIG = SandboxConfig(hide_transaction_id_per_mille=0)


def _pages(fetch: Any, root: str, params: Mapping[str, str]) -> Iterator[Record]:
    page = 1
    while True:
        answer = fetch({**params, "page": str(page), "per_page": str(_PAGE)})
        yield from answer[root]
        if not answer["page_context"]["has_more_page"]:
            return
        page += 1


def _list_rows(books: OrgBooks, endpoint: Endpoint) -> Iterator[Record]:
    entity = BY_PATH[endpoint.path]
    params = {k: str(v) for k, v in endpoint.list_params.items()}
    yield from _pages(lambda p: list_records(books, entity, p, _CONFIG), endpoint.list_root, params)


class _SandboxGetter:
    """The sandbox's answers to one organization's GETs, without HTTP (the refunds' reads use it)."""

    def __init__(self, books: OrgBooks) -> None:
        self._books = books

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        route = resolve(path)
        assert route is not None, path
        answer: dict[str, Any] = read(
            route, self._books, {k: str(v) for k, v in (params or {}).items()}, _CONFIG
        )
        return answer


def _records(books: OrgBooks, endpoint: Endpoint, synced_at: dt.datetime) -> Iterator[Record]:
    """The records the pipeline would load for one plain-list endpoint of one organization."""
    entity = BY_PATH[endpoint.path]
    for row in _list_rows(books, endpoint):
        if not endpoint.needs_detail:
            yield row
            continue
        record = dict(get_record(books, entity, str(row[endpoint.id_field]))[endpoint.detail_root])
        complete_from_list_rows([row], [record])  # as the pipeline keeps the list row's members
        if endpoint.refunds is not None:
            # A payment's refunds, read as the pipeline reads them (D135).
            records: list[Record | None] = [record]
            add_refunds(_SandboxGetter(books), endpoint.refunds, records, books.organization_id, synced_at)
        yield record


def _ledger(books: OrgBooks) -> Iterator[Record]:
    accounts = {str(r["account_id"]) for r in books.records.get("chartofaccounts", {}).values()}
    for account_id in sorted(accounts):
        fetch = lambda p: list_account_transactions(books, p, _CONFIG)  # noqa: E731
        yield from _pages(fetch, "transactions", {"account_id": account_id})


def _rates(books: OrgBooks) -> Iterator[Record]:
    for history in books.exchange_rates.values():
        yield from history


def _endpoint_records(books: OrgBooks, endpoint: Endpoint, synced_at: dt.datetime) -> Iterator[Record]:
    if endpoint.kind == "organization":
        yield get_organization(books)["organization"]
    elif endpoint.kind == "per_account":
        yield from _ledger(books)
    elif endpoint.kind == "per_currency":
        yield from _rates(books)
    elif endpoint.kind == "single":
        with contextlib.suppress(ApiError):  # an organization without one: Zoho's "not found"
            yield read(Route(f"/{endpoint.path}"), books, {}, _CONFIG)[endpoint.detail_root]
    else:
        yield from _records(books, endpoint, synced_at)


def _source_id(endpoint: Endpoint, record: Record) -> str:
    if endpoint.kind == "per_account":
        # The pipeline keys a ledger row by its posting line (loader.extract.source.ledger_row_id).
        return str(record["categorized_transaction_id"])
    return str(record.get(endpoint.id_field, ""))


def _tables(
    dataset: Dataset, synced_at: dt.datetime, deleted: frozenset[tuple[str, str]]
) -> dict[str, list[Record]]:
    tables: dict[str, list[Record]] = {endpoint.name: [] for endpoint in ALL_ENDPOINTS}
    for org_id, books in dataset.orgs.items():
        for endpoint in ALL_ENDPOINTS:
            for record in _endpoint_records(books, endpoint, synced_at):
                source_id = _source_id(endpoint, record)
                row = typed_record(endpoint, record, org_id, synced_at, source_id=source_id)
                # The delete scan flags a deleted document; Zoho's ledger loses its postings too.
                document = (
                    str(record.get("transaction_id", "")) if endpoint.kind == "per_account" else source_id
                )
                if (org_id, document) in deleted:
                    row["_is_deleted"] = True
                    row["_deleted_at"] = synced_at
                tables[endpoint.name].append(row)
    return tables


def _empty_table() -> Iterator[Any]:
    yield dlt.mark.materialize_table_schema()


def load_dataset(
    dataset: Dataset,
    *,
    destination: Any,
    pipelines_dir: Path,
    synced_at: dt.datetime | None = None,
    pipeline_name: str = "raw_loader",
    deleted: frozenset[tuple[str, str]] = frozenset(),
) -> str:
    """Load every organization of ``dataset`` (replacing what is there); returns the dlt load id.

    ``currencies`` rows are snapshots (appended per sync in the real pipeline): each carries ``_synced_at``.
    ``deleted`` holds (organization id, record id) pairs loaded with ``_is_deleted`` set, as the pipeline
    marks records it found deleted in Zoho.
    """
    synced = synced_at or dt.datetime.now(dt.UTC)
    tables = _tables(dataset, synced, deleted)
    pipeline = dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=destination,
        dataset_name=RAW_SCHEMA,
        pipelines_dir=str(pipelines_dir),
    )
    by_name = {endpoint.name: endpoint for endpoint in ALL_ENDPOINTS}
    resources = [
        dlt.resource(
            # An entity no organization has (refunds in a small data set) still gets its declared columns, as
            # the pipeline creates them, so the models over it build on no rows.
            rows if rows else _empty_table(),
            name=table,
            write_disposition="replace",
            columns=table_columns(by_name[table]),
            nested_hints=nested_hints(by_name[table]),
        )
        for table, rows in tables.items()
    ]
    file_format = "parquet" if pipeline.destination.destination_name == "duckdb" else None
    info = pipeline.run(resources, loader_file_format=file_format)
    info.raise_on_failed_jobs()
    return str(info.loads_ids[-1])
