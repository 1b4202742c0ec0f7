"""The cron schedule (UTC, croniter) and the ``webhooks`` commands without a running service."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from loader.cli import main
from loader.config import Config
from loader.service.schedule import CronError, CronSchedule, Scheduler
from loader.service.webhooks.events import PENDING, IncomingEvent

from .conftest import open_store


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 2 * * *", datetime(2026, 3, 1, 1, 59, tzinfo=UTC), datetime(2026, 3, 1, 2, 0, tzinfo=UTC)),
        ("0 2 * * *", datetime(2026, 3, 1, 2, 0, tzinfo=UTC), datetime(2026, 3, 2, 2, 0, tzinfo=UTC)),
        # An instant in another zone is the same instant: 03:30+02:00 is 01:30 UTC.
        (
            "0 2 * * *",
            datetime(2026, 3, 1, 3, 30, tzinfo=timezone(timedelta(hours=2))),
            datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
        ),
        ("*/15 * * * 1-5", datetime(2026, 3, 6, 23, 50, tzinfo=UTC), datetime(2026, 3, 9, 0, 0, tzinfo=UTC)),
    ],
)
def test_next_run_is_evaluated_in_utc(expression: str, after: datetime, expected: datetime) -> None:
    assert CronSchedule(expression).next_after(after) == expected


@pytest.mark.parametrize("expression", ["0 2 * *", "61 2 * * *", "@nightly", "0 2 * * * *"])
def test_invalid_cron_expressions_are_refused(expression: str) -> None:
    with pytest.raises(CronError, match="five-field cron"):
        CronSchedule(expression)


def test_the_scheduler_fires_at_the_firing_time() -> None:
    fired = threading.Event()
    # A clock 0.2 s before a minute boundary: the next "* * * * *" run is 0.2 s away.
    offset = datetime(2026, 1, 1, 0, 0, 59, 800000, tzinfo=UTC) - datetime.now(UTC)
    scheduler = Scheduler(CronSchedule("* * * * *"), fired.set, now=lambda: datetime.now(UTC) + offset)
    scheduler.start()
    try:
        assert scheduler.next_run == datetime(2026, 1, 1, 0, 1, tzinfo=UTC)
        assert fired.wait(5)
    finally:
        scheduler.stop()
    assert scheduler.last_run == datetime(2026, 1, 1, 0, 1, tzinfo=UTC)
    assert scheduler.next_run == datetime(2026, 1, 1, 0, 2, tzinfo=UTC)


def test_history_needs_an_ordered_range_and_a_known_connection(
    config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["webhooks", "history", "--config", str(config.path)]
    assert main([*base, "--since", "2026-02-01", "--until", "2026-01-01"]) == 2
    assert "--until must not be before --since" in capsys.readouterr().err
    assert main([*base, "--since", "yesterday", "--until", "2026-01-01"]) == 2
    assert "is not a date" in capsys.readouterr().err
    assert main([*base, "--since", "2026-01-01", "--until", "2026-01-02", "--connection", "mars"]) == 2
    assert "no Zoho connection named 'mars'" in capsys.readouterr().err


def test_replay_without_serve_applies_now_and_keeps_the_event_when_it_cannot(
    config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(config)
    now = datetime.now(UTC)
    event_id = store.record(
        IncomingEvent("k", "us", "invoices", "1", "edited", now, "application/json", {}, "", b"{}")
    ).event_id
    store.mark_failed([event_id], "old failure", now, None)
    store.close()
    # The vault holds no Zoho credentials for "us": the targeted sync cannot start, and says why.
    code = main(["webhooks", "replay", "--config", str(config.path), str(event_id)])
    err = capsys.readouterr().err
    store = open_store(config)
    event = store.get(event_id)
    store.close()
    assert event is not None
    assert code == 1
    assert "could not be applied" in err
    assert "no Zoho credentials stored for connection 'us'" in err
    assert "It stays pending" in err
    assert (event.status, event.attempts) == (PENDING, 2)
    assert main(["webhooks", "replay", "--config", str(config.path), "42"]) == 1
    assert "there is no webhook event 42" in capsys.readouterr().err
