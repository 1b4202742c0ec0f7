"""Stored webhook events handed over to Dagster: a sensor claims them, a run of the organization applies them.

``ml-connector serve --dagster`` verifies and stores each Zoho delivery (pending) and applies nothing. On each
evaluation the sensor ``zoho_webhooks``:

1. looks at the claims still open: a claim whose runs all ended without success (and will not be retried by
   Dagster) goes back to pending, counted as a failed attempt with the same back-off ``serve`` uses; a claim
   with no run yet (the daemon stopped between the claim and the launch) is asked for again under the same
   run key, which Dagster launches at most once;
2. claims the due pending events of each connection under a new claim (one statement, so no event is taken
   twice) and asks for one run of that organization's partition, its run key the claim.

The run is the ordinary sync job of the partition (same tag, so it waits behind that organization's other
runs); its tag ``ml_connector/webhook_claim`` makes the sync asset fetch only the claimed documents
(``apply_claim``: the targeted sync ``serve`` runs, ``sync_documents``) and mark them applied. A failing
run puts its events back to pending itself; a run killed outright is caught by step 1.

The events table has to be open to ``serve``, the sensor and the runs at once: PostgreSQL only (D152).
"""

# No ``from __future__ import annotations``: Dagster reads the ``context`` annotations at definition time.

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Final

import dagster as dg

# What define_asset_job returns; dagster does not export the class at its top level.
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition
from dagster._core.storage.tags import WILL_RETRY_TAG  # set on a failed run Dagster will retry

from loader.config import Config
from loader.service.webhooks.applier import ChangeBatch, coalesce
from loader.service.webhooks.events import StoredEvent
from loader.service.webhooks.store import EventStore
from loader.service.webhooks.worker import RetryPolicy
from loader.vault import Vault

WEBHOOK_SENSOR: Final = "zoho_webhooks"
CLAIM_TAG: Final = "ml_connector/webhook_claim"
DOCUMENTS_TAG: Final = "ml_connector/webhook_documents"  # a readable summary for the UI, not read back
_DOCUMENTS_TAG_CHARS: Final = 200
_UNSUCCESSFUL: Final = frozenset({dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED})


def _now() -> datetime:
    return datetime.now(UTC)


def new_claim(connection: str) -> str:
    """A claim id: names the connection for the reader, unique for the run key."""
    return f"webhook:{connection}:{uuid.uuid4().hex}"


def documents_summary(batch: ChangeBatch) -> str:
    """``invoices 2, contacts 1 (deleted 1)``-style text for the run's tag, cut to a tag's sensible length."""
    parts = [f"{entity} {len(ids)}" for entity, ids in batch.upserts.items()]
    parts += [f"{entity} deleted {len(ids)}" for entity, ids in batch.deletions.items()]
    text = ", ".join(parts)
    return text if len(text) <= _DOCUMENTS_TAG_CHARS else text[: _DOCUMENTS_TAG_CHARS - 1] + "…"


def run_request(claim: str, events: list[StoredEvent], organization_tag: str) -> dg.RunRequest:
    """The run of one organization's partition that applies ``events`` (all of one connection)."""
    (batch,) = coalesce(events)
    return dg.RunRequest(
        run_key=claim,
        partition_key=batch.connection,
        tags={organization_tag: batch.connection, CLAIM_TAG: claim, DOCUMENTS_TAG: documents_summary(batch)},
    )


def release_claim(store: EventStore, claim: str, error: str, retry: RetryPolicy, now: datetime) -> int:
    """Put what ``claim`` still holds back to pending (or failed, past the retry budget); how many."""
    events = store.claimed(claim)
    by_retry: dict[datetime | None, list[int]] = {}
    for event in events:
        by_retry.setdefault(retry.next_attempt(event.attempts, now), []).append(event.event_id)
    for retry_at, ids in by_retry.items():
        store.mark_failed(ids, error, now, retry_at)
    return len(events)


def _runs_of(instance: dg.DagsterInstance, claim: str) -> list[dg.DagsterRun]:
    return list(instance.get_runs(dg.RunsFilter(tags={CLAIM_TAG: claim})))


def _gave_up(runs: Iterable[dg.DagsterRun]) -> bool:
    """Every run of the claim ended without success, and Dagster will not retry the last of them."""
    runs = list(runs)
    return bool(runs) and all(
        run.status in _UNSUCCESSFUL and run.tags.get(WILL_RETRY_TAG) != "true" for run in runs
    )


def evaluate(
    store: EventStore,
    instance: dg.DagsterInstance,
    organization_tag: str,
    *,
    retry: RetryPolicy,
    now: datetime,
    log: Callable[[str], None],
) -> list[dg.RunRequest]:
    """One sensor tick against ``store`` (see the module's docstring); the run requests to make."""
    requests = []
    for claim, events in store.open_claims().items():
        runs = _runs_of(instance, claim)
        if not runs:
            requests.append(run_request(claim, events, organization_tag))  # same run key: launched once
        elif _gave_up(runs):
            released = release_claim(store, claim, f"the Dagster run(s) of {claim} failed", retry, now)
            log(f"{claim}: its run failed; {released} event(s) back to pending")
        elif any(run.status == dg.DagsterRunStatus.SUCCESS for run in runs):
            # The run applied them but was stopped before it could say so: applying again is harmless, but
            # the run succeeded, so they are applied.
            store.settle_claim(claim, now)
    for connection in store.due_connections(now):
        claim = new_claim(connection)
        events = store.claim(connection, claim, now)
        if events:
            log(f"{claim}: {len(events)} event(s) claimed")
            requests.append(run_request(claim, events, organization_tag))
    return requests


def build_webhook_sensor(
    job: UnresolvedAssetJobDefinition,
    open_store: Callable[[], EventStore],
    organization_tag: str,
    *,
    minimum_interval_seconds: int = 30,
    retry: RetryPolicy | None = None,
) -> dg.SensorDefinition:
    """The ``zoho_webhooks`` sensor asking ``job`` (the partitioned sync job) for runs."""
    policy = retry or RetryPolicy()

    @dg.sensor(
        name=WEBHOOK_SENSOR,
        job=job,
        minimum_interval_seconds=minimum_interval_seconds,
        description="Runs one organization's sync for the documents its stored webhook events name "
        "(`ml-connector serve --dagster` stores them; PostgreSQL warehouse).",
    )
    def zoho_webhooks(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        with _opened(open_store) as store:
            requests = evaluate(
                store, context.instance, organization_tag, retry=policy, now=_now(), log=context.log.info
            )
        return dg.SensorResult(run_requests=requests)

    return zoho_webhooks


@contextmanager
def _opened(open_store: Callable[[], EventStore]) -> Iterator[EventStore]:
    store = open_store()
    try:
        yield store
    finally:
        store.close()


def claim_of(context: dg.AssetExecutionContext) -> str | None:
    """The webhook claim the run was launched for; None for a run of the whole organization."""
    return context.run.tags.get(CLAIM_TAG)


def apply_claim(
    context: dg.AssetExecutionContext,
    config: Config,
    vault: Vault,
    claim: str,
    *,
    retry: RetryPolicy | None = None,
) -> dg.MaterializeResult[None]:
    """In the sync asset: fetch by id and mark deleted just the documents of ``claim``, then settle it.

    The same targeted sync ``serve`` runs for a batch (``sync_documents``). On failure the events go back to
    pending at once, then the run fails; the sensor claims them again after the back-off."""
    from loader.extract import sync_documents
    from loader.service.webhooks.service import open_event_store

    connection = context.partition_key
    with _opened(lambda: open_event_store(config, vault)) as store:
        events = store.claimed(claim)
        if not events:
            context.log.info(f"{claim}: nothing left to apply (settled or released before this run)")
            return dg.MaterializeResult(metadata={"claim": claim, "events": 0, "documents": 0})
        (batch,) = coalesce(events)
        if batch.connection != connection:
            raise dg.Failure(f"{claim} holds events of {batch.connection!r}, not of partition {connection!r}")
        try:
            result = sync_documents(
                config, vault, connection=connection, upserts=batch.upserts, deletions=batch.deletions
            )
        except Exception as exc:
            release_claim(store, claim, f"{type(exc).__name__}: {exc}", retry or RetryPolicy(), _now())
            raise
        settled = store.settle_claim(claim, _now())
    return dg.MaterializeResult(
        metadata={
            "claim": claim,
            "events": settled,
            "documents": sum(map(len, batch.upserts.values())) + sum(map(len, batch.deletions.values())),
            "entities": ", ".join(sorted(batch.entities)),
            "rows": result.rows,
            "api_calls": result.api_calls,
        }
    )


__all__ = [
    "CLAIM_TAG",
    "DOCUMENTS_TAG",
    "WEBHOOK_SENSOR",
    "apply_claim",
    "build_webhook_sensor",
    "claim_of",
    "evaluate",
    "release_claim",
]
