"""``ml-connector serve`` as a real process: killed with SIGKILL and restarted, it applies every acknowledged
event exactly once; SIGTERM stops it gracefully; ``webhooks history | replay`` work with and without it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from loader.cli import main
from loader.config import Config
from loader.service.webhooks.applier import JournalApplier
from loader.service.webhooks.events import APPLIED, JOURNAL, JOURNALED, PENDING
from loader.service.webhooks.store import EventStore

from .conftest import invoice, signed_json

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def start_serve(config: Config, journal: Path, debounce: float) -> tuple[subprocess.Popen[bytes], str]:
    serve_file = config.state_dir / "serve.json"
    serve_file.unlink(missing_ok=True)
    command = [
        sys.executable, "-c", "import sys; from loader.cli import main; sys.exit(main())",
        "serve", "--config", str(config.path), "--port", "0", "--no-schedule",
        "--debounce", str(debounce), "--journal", str(journal),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "serve did not start"
        try:
            url = str(json.loads(serve_file.read_text())["url"])
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return process, url
        except (OSError, ValueError, KeyError, httpx.HTTPError):
            pass
        time.sleep(0.05)


def journal_event_ids(journal: Path) -> list[int]:
    return [i for batch in JournalApplier(journal).batches() for i in batch.get("event_ids", [])]


def test_killed_serve_resumes_pending_events_and_applies_each_once(
    config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "journal.jsonl"
    process, url = start_serve(config, journal, debounce=60)  # nothing is applied before the kill
    try:
        with httpx.Client(timeout=10) as http:
            answers = [signed_json({"invoice": invoice(str(900 + i))}).post(http, url) for i in range(12)]
        assert [a.status_code for a in answers] == [200] * 12
        accepted = sorted(a.json()["event_id"] for a in answers)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert journal_event_ids(journal) == []

    # Dead process, stale serve.json: the CLI opens the store itself.
    assert (
        main(
            [
                "webhooks",
                "history",
                "--config",
                str(config.path),
                "--since",
                "2000-01-01",
                "--until",
                "2100-01-01",
            ]
        )
        == 0
    )
    # Received under --journal: they wait as "journal", never as real pending events.
    assert "12 event(s): 0 applied, 0 pending, 0 failed, 12 journal." in capsys.readouterr().out

    process, url = start_serve(config, journal, debounce=0.1)
    try:
        deadline = time.monotonic() + 20
        while sorted(journal_event_ids(journal)) != accepted:
            assert time.monotonic() < deadline, f"applied so far: {journal_event_ids(journal)}"
            time.sleep(0.05)
        # While serve holds the warehouse, history and replay go through it.
        assert (
            main(
                [
                    "webhooks",
                    "history",
                    "--config",
                    str(config.path),
                    "--since",
                    "2000-01-01",
                    "--until",
                    "2100-01-01",
                ]
            )
            == 0
        )
        assert "12 event(s): 0 applied, 0 pending, 0 failed, 12 journaled." in capsys.readouterr().out
        assert main(["webhooks", "replay", "--config", str(config.path), str(accepted[0])]) == 0
        assert "queued again" in capsys.readouterr().out
        deadline = time.monotonic() + 10
        while journal_event_ids(journal).count(accepted[0]) < 2:
            assert time.monotonic() < deadline, "the replayed event was not applied"
            time.sleep(0.05)
        assert main(["webhooks", "replay", "--config", str(config.path), "9999"]) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
    assert not (config.state_dir / "serve.json").exists()
    ids = journal_event_ids(journal)
    assert sorted(set(ids)) == accepted
    assert {i: ids.count(i) for i in accepted} == {i: 2 if i == accepted[0] else 1 for i in accepted}
    assert config.warehouse.path is not None
    store = EventStore.duckdb(config.warehouse.path)
    try:
        counts = store.counts()
    finally:
        store.close()
    assert (counts[JOURNALED], counts[APPLIED], counts[PENDING]) == (12, 0, 0)


def test_sigterm_while_events_wait_keeps_them_waiting(config: Config, tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    process, url = start_serve(config, journal, debounce=60)
    with httpx.Client(timeout=10) as http:
        assert signed_json({"invoice": invoice("1")}).post(http, url).status_code == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(20) == 0
    assert config.warehouse.path is not None
    store = EventStore.duckdb(config.warehouse.path)
    try:
        assert store.counts()[JOURNAL] == 1
    finally:
        store.close()
    assert os.path.exists(config.warehouse.path)
