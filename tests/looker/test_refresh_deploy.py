"""Datagroup reset after a sync: the right datagroup, both timestamps at the sync time, never in the
future; and deploy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from loader.cli import main
from loader.looker import LookerError, deploy, refresh_datagroup, validate
from loader.looker.refresh import reset_timestamp
from tests.looker.conftest import (
    BRANCH,
    CLIENT_ID,
    CLIENT_SECRET,
    DATAGROUP,
    MODEL,
    PROJECT,
    SYNCED_AT,
    LookerWorld,
)


def _deployed(world: LookerWorld) -> None:
    with world.client() as client:
        report = validate(client, world.settings())
        assert report.ok
        deploy(client, PROJECT, BRANCH, report.ref)


def test_each_sync_resets_the_datagroup_to_its_sync_time(world: LookerWorld) -> None:
    _deployed(world)
    second_sync = SYNCED_AT + timedelta(hours=6)
    with world.client() as client:
        first = refresh_datagroup(client, MODEL, DATAGROUP, SYNCED_AT)
        second = refresh_datagroup(client, MODEL, DATAGROUP, second_sync)
    assert (first.stale_before, first.triggered_at) == (int(SYNCED_AT.timestamp()),) * 2
    assert (second.stale_before, second.triggered_at) == (int(second_sync.timestamp()),) * 2
    patches = world.looker.calls_to("PATCH", "/datagroups/")
    assert [(c.path, c.status, c.body) for c in patches] == [
        (f"/datagroups/{first.id}", 200, {"stale_before": 1792029600, "triggered_at": 1792029600}),
        (f"/datagroups/{first.id}", 200, {"stale_before": 1792051200, "triggered_at": 1792051200}),
    ]
    stored = world.looker.datagroups[(MODEL, DATAGROUP)]
    assert (stored.stale_before, stored.triggered_at) == (1792051200, 1792051200)


def test_a_sync_time_in_the_future_is_capped_at_now(world: LookerWorld) -> None:
    _deployed(world)
    now = datetime(2026, 10, 15, 3, 0, tzinfo=UTC)
    with world.client() as client:
        reset = refresh_datagroup(client, MODEL, DATAGROUP, now + timedelta(minutes=5), now=lambda: now)
    assert reset.triggered_at == reset.stale_before == int(now.timestamp())
    assert reset_timestamp(datetime(2026, 10, 15, 2, 0), now) == 1792029600  # naive means UTC


def test_the_fake_refuses_timestamps_in_the_future_as_looker_does(world: LookerWorld) -> None:
    _deployed(world)
    with world.client() as client:
        datagroup_id = next(d["id"] for d in client.datagroups() if d["name"] == DATAGROUP)
        future = int(datetime.now(UTC).timestamp()) + 3600
        with pytest.raises(LookerError, match="triggered_at: cannot be in the future"):
            client.update_datagroup(datagroup_id, stale_before=future - 7200, triggered_at=future)


def test_refresh_before_any_deploy_says_what_to_do(world: LookerWorld) -> None:
    # Production has the fixture LookML but the model was never registered: no datagroup is tracked.
    with world.client() as client, pytest.raises(LookerError, match="deploy the LookML"):
        refresh_datagroup(client, MODEL, DATAGROUP, SYNCED_AT)


def test_cli_refresh_reads_the_sync_time_from_the_warehouse(
    world: LookerWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    monkeypatch.delenv("ML_CONNECTOR_KEY", raising=False)
    _deployed(world)
    warehouse = tmp_path / "marts.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema zoho_books")
    con.execute("create table zoho_books.fct_general_ledger (gl_entry_id varchar, _synced_at timestamp)")
    con.execute(
        "insert into zoho_books.fct_general_ledger values "
        "('a', '2026-10-14 02:00:00'), ('b', '2026-10-15 02:00:00')"
    )
    con.close()
    config = tmp_path / "ml-connector.toml"
    config.write_text(
        f'[warehouse]\npath = "{warehouse}"\n\n[looker]\nbase_url = "{world.base_url}"\n'
        f'project = "{PROJECT}"\n'
        f'model = "{MODEL}"\nconnection = "warehouse"\ndatagroup = "{DATAGROUP}"\n'
    )
    base = ["--config", str(config)]
    assert main([*base, "auth", "looker", "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]) == 0
    assert main([*base, "looker", "refresh"]) == 0
    assert main([*base, "looker", "refresh", "--synced-at", "2026-10-15T04:30:00+02:00"]) == 0
    out, _ = capsys.readouterr()
    bodies = [c.body for c in world.looker.calls_to("PATCH", "/datagroups/")]
    assert bodies == [
        {"stale_before": 1792029600, "triggered_at": 1792029600},
        {"stale_before": 1792031400, "triggered_at": 1792031400},
    ]
    assert (
        "Reset datagroup shop/shop_sync (id 1): results cached before 2026-10-15T02:00:00+00:00 are stale."
        in out
    )
    assert main([*base, "looker", "refresh", "--synced-at", "yesterday"]) == 2


def test_the_fake_deploys_only_known_refs(world: LookerWorld) -> None:
    api = world.base_url + "/api/4.0"
    token = httpx.post(api + "/login", data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    missing = httpx.post(api + f"/projects/{PROJECT}/deploy_ref_to_production?branch=nope", headers=headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "branch"
