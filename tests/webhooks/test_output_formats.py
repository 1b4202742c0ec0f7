"""``webhooks history`` and ``status`` for scripts: json and csv, and tables never cut to a
terminal's width when the output is a file or a pipe."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from loader.cli import main
from loader.config import Config
from loader.service.webhooks.events import IncomingEvent

from .conftest import open_store

LONG_ID = "460000000012345678"
ERROR = "RuntimeError: the warehouse was unavailable while applying the batch; retried with back-off"


@pytest.fixture
def stored(config: Config, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("COLUMNS", "60")  # a narrow terminal's width: ignored, the output is not a terminal
    store = open_store(config)
    try:
        event_id = store.record(
            IncomingEvent(
                dedup_key="k1",
                connection="us",
                entity="invoices",
                document_id=LONG_ID,
                action="edited",
                received_at=datetime(2026, 10, 15, 10, 0, tzinfo=UTC),
                content_type="application/json",
                headers={},
                query_string="",
                body=b"{}",
            )
        ).event_id
        store.mark_failed([event_id], ERROR, datetime(2026, 10, 15, 10, 1, tzinfo=UTC), None)
    finally:
        store.close()
    return config


def history(config: Config, *extra: str) -> list[str]:
    return [
        "webhooks",
        "history",
        "--config",
        str(config.path),
        "--since",
        "2026-10-15",
        "--until",
        "2026-10-15",
        *extra,
    ]


def test_history_table_in_a_pipe_is_not_cut(stored: Config, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(history(stored)) == 0
    out = capsys.readouterr().out
    assert LONG_ID in out
    assert ERROR in out
    assert "…" not in out


def test_history_as_json_and_csv(stored: Config, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(history(stored, "--format", "json")) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["counts"] == {"failed": 1}
    (event,) = document["events"]
    assert (event["document_id"], event["status"], event["last_error"]) == (LONG_ID, "failed", ERROR)

    assert main(history(stored, "--format", "csv")) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1
    assert (rows[0]["document_id"], rows[0]["status"], rows[0]["last_error"]) == (LONG_ID, "failed", ERROR)
    assert rows[0]["received_at"] == "2026-10-15T10:00:00+00:00"


def test_status_as_json_and_csv(config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--config", str(config.path), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [c["connection"] for c in document["connections"]] == ["us", "eu"]
    assert document["connections"][0]["credentials"] == "missing"
    assert document["schedule"]["cron"] == "0 2 * * *"
    assert document["entities"] == []

    assert main(["status", "--config", str(config.path), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["connection"], r["organization"], r["entity"]) for r in rows] == [
        ("us", "10234695", ""),
        ("eu", "20234695", ""),
    ]
