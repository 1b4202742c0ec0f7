"""The claim marker of the Dagster hand-over, on a real PostgreSQL store and a real Dagster instance.

No event is claimed twice, however many claimers race; none is lost when the run of its claim fails or is
killed: the sensor gives the claim back and claims the events again.
"""

# No ``from __future__ import annotations``: Dagster reads the op's ``context`` annotation at definition.

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from loader.cli import main
from loader.orchestration.dagster_defs import ORGANIZATION_TAG
from loader.orchestration.webhook_sensor import CLAIM_TAG, evaluate
from loader.service.webhooks.events import APPLIED, CLAIMED, PENDING, IncomingEvent
from loader.service.webhooks.store import EventStore
from loader.service.webhooks.worker import RetryPolicy

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
NO_WAIT = RetryPolicy(base_seconds=0.0, cap_seconds=0.0, max_attempts=3)


@pytest.fixture
def store(postgres_schema: tuple[str, str]) -> Iterator[EventStore]:
    dsn, schema = postgres_schema
    opened = EventStore.postgres(dsn, schema)
    yield opened
    opened.close()


def incoming(number: int, connection: str = "us", entity: str = "invoices") -> IncomingEvent:
    return IncomingEvent(
        dedup_key=f"{connection}-{entity}-{number}",
        connection=connection,
        entity=entity,
        document_id=str(number),
        action="edited",
        received_at=NOW - timedelta(minutes=1),
        content_type="application/json",
        headers={},
        query_string="",
        body=b"{}",
    )


def test_racing_claimers_never_take_one_event_twice(
    store: EventStore, postgres_schema: tuple[str, str]
) -> None:
    for number in range(300):
        store.record(incoming(number))
    dsn, schema = postgres_schema
    taken: dict[str, list[int]] = {}
    lock = threading.Lock()

    def claimer(name: str) -> None:
        own = EventStore.postgres(dsn, schema)  # a connection of its own, as another sensor process has
        try:
            round_ = 0
            while events := own.claim("us", f"{name}-{round_}", NOW, limit=7):
                with lock:
                    taken.setdefault(name, []).extend(e.event_id for e in events)
                round_ += 1
        finally:
            own.close()

    threads = [threading.Thread(target=claimer, args=(f"claimer{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    claimed = [event_id for ids in taken.values() for event_id in ids]
    assert len(claimed) == 300
    assert len(set(claimed)) == 300  # each event in exactly one claim
    assert store.counts()[CLAIMED] == 300
    assert store.due_connections(NOW) == []


def test_a_claim_waits_for_its_run_and_is_settled_once_the_run_succeeded(store: EventStore) -> None:
    store.record(incoming(1))
    store.record(incoming(2, connection="eu"))
    with dg.DagsterInstance.ephemeral() as instance:
        requests = evaluate(store, instance, ORGANIZATION_TAG, retry=NO_WAIT, now=NOW, log=lambda _m: None)
        assert sorted(r.partition_key or "" for r in requests) == ["eu", "us"]
        us = next(r for r in requests if r.partition_key == "us")

        # Its run is in progress: nothing is asked for again, nothing claimed again.
        run_claimed(instance, us.tags[CLAIM_TAG], succeed=None)
        again = evaluate(store, instance, ORGANIZATION_TAG, retry=NO_WAIT, now=NOW, log=lambda _m: None)
        assert [r.run_key for r in again] == [r.run_key for r in requests if r.partition_key == "eu"]

        # The run succeeded but could not mark its events: the sensor does.
        run_claimed(instance, us.tags[CLAIM_TAG], succeed=True)
        evaluate(store, instance, ORGANIZATION_TAG, retry=NO_WAIT, now=NOW, log=lambda _m: None)
    (event,) = [e for e in store.history(NOW - timedelta(days=1), NOW) if e.connection == "us"]
    assert (event.status, event.claim) == (APPLIED, us.tags[CLAIM_TAG])


def test_a_killed_run_gives_its_events_back_and_they_are_claimed_again(store: EventStore) -> None:
    store.record(incoming(1))
    store.record(incoming(2))
    with dg.DagsterInstance.ephemeral() as instance:
        (first,) = evaluate(store, instance, ORGANIZATION_TAG, retry=NO_WAIT, now=NOW, log=lambda _m: None)
        claim = first.tags[CLAIM_TAG]
        run_claimed(instance, claim, succeed=False)  # the run's process died: nothing gave the claim back

        (second,) = evaluate(store, instance, ORGANIZATION_TAG, retry=NO_WAIT, now=NOW, log=lambda _m: None)
    assert second.partition_key == "us"
    assert second.run_key != first.run_key  # a new claim, so Dagster launches a new run
    events = store.history(NOW - timedelta(days=1), NOW)
    assert [(e.status, e.claim, e.attempts) for e in events] == [(CLAIMED, second.tags[CLAIM_TAG], 1)] * 2
    assert all(e.last_error and claim in e.last_error for e in events)


def test_past_the_retry_budget_the_events_fail_and_wait_for_a_replay(store: EventStore) -> None:
    store.record(incoming(1))
    with dg.DagsterInstance.ephemeral() as instance:
        for _attempt in range(NO_WAIT.max_attempts):
            requests = evaluate(
                store, instance, ORGANIZATION_TAG, retry=NO_WAIT, now=NOW, log=lambda _m: None
            )
            for request in requests:
                run_claimed(instance, request.tags[CLAIM_TAG], succeed=False)
        assert evaluate(store, instance, ORGANIZATION_TAG, retry=NO_WAIT, now=NOW, log=lambda _m: None) == []
    (event,) = store.history(NOW - timedelta(days=1), NOW)
    assert (event.status, event.attempts) == ("failed", NO_WAIT.max_attempts)
    store.replay(event.event_id, NOW)  # `ml-connector webhooks replay`: pending again
    assert store.due(NOW)[0].status == PENDING


@dg.op
def stand_in(context: dg.OpExecutionContext) -> None:
    """What a run of the claim did: failed (as a killed run is marked), or succeeded."""
    if context.run.tags["outcome"] == "fail":
        raise RuntimeError("the run's process was killed")


stand_in_job = dg.GraphDefinition(name="stand_in", node_defs=[stand_in]).to_job()


def run_claimed(instance: dg.DagsterInstance, claim: str, *, succeed: bool | None) -> None:
    """A run carrying the claim's tag: succeeded, failed, or (None) still queued."""
    tags = {CLAIM_TAG: claim, "outcome": "fail" if succeed is False else "pass"}
    if succeed is None:
        instance.create_run_for_job(stand_in_job, tags=tags)
        return
    result = stand_in_job.execute_in_process(instance=instance, tags=tags, raise_on_error=False)
    assert result.success is succeed


def test_serve_refuses_to_hand_over_from_a_duckdb_warehouse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "ml-connector.toml"
    config.write_text(
        f'[warehouse]\npath = "{tmp_path / "warehouse.duckdb"}"\n'
        '[[zoho.connections]]\nname = "us"\nregion = "us"\norganization_id = "10234695"\n',
        encoding="utf-8",
    )
    code = main(["--config", str(config), "serve", "--dagster", "--port", "0"])
    assert code == 2
    assert "needs the PostgreSQL warehouse" in capsys.readouterr().err
    assert not (tmp_path / "warehouse.duckdb").exists()  # refused before anything was opened


def test_a_table_stored_by_an_earlier_version_gains_the_claim_columns(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    EventStore.duckdb(path).close()
    con = duckdb.connect(str(path))
    con.execute("drop index zoho_books_raw.webhook_events_due")  # DuckDB drops no column under an index
    con.execute("alter table zoho_books_raw.webhook_events drop column claim")
    con.execute("alter table zoho_books_raw.webhook_events drop column claimed_at")
    con.close()

    reopened = EventStore.duckdb(path)
    try:
        reopened.record(incoming(1))
        (event,) = reopened.claim("us", "a-claim", NOW)
    finally:
        reopened.close()
    assert (event.status, event.claim) == (CLAIMED, "a-claim")
