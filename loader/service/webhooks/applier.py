"""What applying webhook events means, as an interface the service drives, and the coalescing of a burst.

The worker hands an ``EventApplier`` one ``ChangeBatch`` per connection: the documents to fetch by id and the
documents to mark deleted, after coalescing (the latest event of each document wins). Applying must be
idempotent (fetch-by-id and mark-deleted are): a crash between applying and recording it applies the batch
again after the restart, which changes nothing.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from loader.service.webhooks.events import StoredEvent
from loader.service.webhooks.payload import Action
from loader.vault import LOOKER_RECORD
from loader.warehouse import Warehouse

if TYPE_CHECKING:
    from loader.config import Config
    from loader.looker import LookerClient
    from loader.vault import Vault


@dataclass(frozen=True)
class ChangeBatch:
    """The coalesced changes of one connection: entity → document ids."""

    connection: str
    upserts: Mapping[str, frozenset[str]]  # fetch by id (created, edited)
    deletions: Mapping[str, frozenset[str]]  # mark deleted
    event_ids: tuple[int, ...] = field(default=())  # the events this batch settles

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(self.upserts) | frozenset(self.deletions)


class EventApplier(Protocol):
    """Brings the warehouse up to date with Zoho for some documents, or on the schedule."""

    def apply(self, batch: ChangeBatch) -> None:
        """Fetch ``batch.upserts`` by id, mark ``batch.deletions`` deleted, rebuild the affected models and
        refresh Looker's cache. Raise on failure: the batch's events stay pending and are retried."""

    def scheduled_sync(self) -> None:
        """The polling safety net: an incremental sync of every connection, then build and refresh."""


def coalesce(events: Iterable[StoredEvent]) -> list[ChangeBatch]:
    """One batch per connection; per document, the latest event (highest event id) decides."""
    latest: dict[str, dict[tuple[str, str], str]] = {}
    ids: dict[str, list[int]] = {}
    for event in sorted(events, key=lambda e: e.event_id):
        latest.setdefault(event.connection, {})[(event.entity, event.document_id)] = event.action
        ids.setdefault(event.connection, []).append(event.event_id)
    batches = []
    for connection in sorted(latest):
        upserts: dict[str, set[str]] = {}
        deletions: dict[str, set[str]] = {}
        for (entity, document_id), action in latest[connection].items():
            target = deletions if action == Action.DELETED.value else upserts
            target.setdefault(entity, set()).add(document_id)
        batches.append(
            ChangeBatch(
                connection=connection,
                upserts={k: frozenset(v) for k, v in sorted(upserts.items())},
                deletions={k: frozenset(v) for k, v in sorted(deletions.items())},
                event_ids=tuple(ids[connection]),
            )
        )
    return batches


class WarehouseApplier:
    """The production applier: a targeted sync through ``loader.extract``, dbt, then Looker's cache.

    ``apply`` fetches the batch's documents by id and marks its deletions (``sync_documents``), builds the
    dbt models downstream of the raw tables touched (``dbt_selection``), and with Looker configured resets
    the datagroup to the sync's time. ``scheduled_sync`` runs the whole job (``loader.job.run_job``), as
    ``ml-connector run`` does. Any failure raises: the events stay pending and are retried.
    """

    def __init__(self, config: Config, vault: Vault) -> None:
        self._config = config
        self._vault = vault

    def apply(self, batch: ChangeBatch) -> None:
        from loader.extract import sync_documents

        result = sync_documents(
            self._config,
            self._vault,
            connection=batch.connection,
            upserts=batch.upserts,
            deletions=batch.deletions,
        )
        self._build(batch.entities)
        self._refresh_looker(result.synced_at)

    def scheduled_sync(self) -> None:
        from loader.job import run_job

        run_job(self._config, self._vault, looker_client=self._looker_opener())

    def _build(self, entities: frozenset[str]) -> None:
        """dbt run, then dbt test, of the models downstream of ``entities``.

        Models first, tests after: the marts show the change as soon as they are rebuilt, not after every
        test in the DAG; a failing test still fails the apply, so its events stay pending and are retried.
        dbt's unit tests check the SQL against fixed inputs, not the data: they run with full builds only."""
        from loader.transform.dbt_runner import build_lock, run_dbt, vars_from_config

        target = Warehouse(self._config.warehouse, self._vault).dbt_target()
        selection = dbt_selection(entities)
        select = ["--select", *selection] if selection else []
        dbt_vars = vars_from_config(self._config)
        work_dir = self._config.state_dir / "dbt"
        # Every organization's rows of the selected models: alone on the warehouse, as a full build (D164).
        with build_lock(target, exclusive=True):
            run_dbt(["run", *select], target, dbt_vars=dbt_vars, work_dir=work_dir)
            test = ["test", *select, "--exclude-resource-type", "unit_test"]
            run_dbt(test, target, dbt_vars=dbt_vars, work_dir=work_dir)

    def _looker_opener(self) -> Callable[[], LookerClient] | None:
        looker = self._config.looker
        record = self._vault.get(LOOKER_RECORD)
        if looker is None or record is None:
            return None
        from loader.looker import LookerClient

        def open_client() -> LookerClient:
            return LookerClient.from_vault_record(looker.base_url, record)

        return open_client

    def _refresh_looker(self, synced_at: datetime | None) -> None:
        opener = self._looker_opener()
        if opener is None or self._config.looker is None:
            return
        from loader.looker import refresh_datagroup

        looker = self._config.looker
        with opener() as client:
            refresh_datagroup(client, looker.model, looker.datagroup, synced_at or datetime.now(UTC))


def dbt_selection(entities: frozenset[str]) -> list[str]:
    """The dbt selectors downstream of the raw tables a targeted sync touched: each entity's table and its
    nested tables (line items, taxes, applications), and Zoho's ledger, which the sync re-read when a
    posting document changed (the reconciliation test needs both sides)."""
    if not entities:
        return []
    selectors = []
    for entity in sorted(entities | {"account_transactions"}):
        selectors += [f"source:{RAW_SOURCE}.{entity}+", f"source:{RAW_SOURCE}.{entity}__*+"]
    return selectors


RAW_SOURCE: Final = "zoho_books_raw"  # the dbt source over the raw schema (models/staging/zoho_books)


class JournalApplier:
    """Applies nothing: appends each batch as one JSON line to a file, flushed to disk before returning.

    For ``serve`` set-ups whose warehouse is refreshed by other means, for the load test (which counts how
    often each event reached the applier) and for tests of the service.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def apply(self, batch: ChangeBatch) -> None:
        line = {
            "connection": batch.connection,
            "event_ids": list(batch.event_ids),
            "upserts": {k: sorted(v) for k, v in batch.upserts.items()},
            "deletions": {k: sorted(v) for k, v in batch.deletions.items()},
        }
        self._append(line)

    def scheduled_sync(self) -> None:
        self._append({"scheduled_sync": True})

    def _append(self, line: dict[str, Any]) -> None:
        with self._lock, self.path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(line, sort_keys=True) + "\n")
            file.flush()
            os.fsync(file.fileno())

    def batches(self) -> list[dict[str, Any]]:
        """Every line written so far (a line cut by a crash is skipped)."""
        if not self.path.exists():
            return []
        lines = []
        for text in self.path.read_text(encoding="utf-8").splitlines():
            try:
                lines.append(json.loads(text))
            except ValueError:
                continue
        return lines
