"""``ml-connector sync`` end to end: a real config and vault, the sandbox over loopback, a DuckDB file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from loader.cli import main
from loader.extract.packages import LOADED_FOLDER
from loader.vault import Vault
from loader.zoho.ratelimit import on_zoho_clock
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer

ORGS = {"us": "10234695", "eu": "20088321"}
RAW = "zoho_books_raw"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ML_CONNECTOR_KEY", "ML_CONNECTOR_CONFIG", "ML_CONNECTOR_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps the summary table at the terminal width


@pytest.fixture(autouse=True)
def zoho_clock() -> Iterator[None]:
    # The sandbox runs Zoho's limits 60x faster; the clients pace on the same clock (a 1 s minute).
    with on_zoho_clock(60.0):
        yield


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(seed=11, invoices_per_org=4)


@pytest.fixture(scope="module")
def sandbox(dataset: Dataset) -> Iterator[SandboxServer]:
    with SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as server:
        yield server


@pytest.fixture
def config_path(tmp_path: Path, sandbox: SandboxServer, dataset: Dataset) -> Path:
    """A config with two connections and their credentials in the vault beside it."""
    connections = "".join(
        f'[[zoho.connections]]\nname = "{region}"\nregion = "{region}"\norganization_id = "{org}"\n'
        f'accounts_url = "{sandbox.accounts_url(region)}"\n'
        f'api_base_url = "{sandbox.api_base_url(region)}"\n\n'
        for region, org in ORGS.items()
    )
    path = tmp_path / "ml-connector.toml"
    path.write_text(
        f'[warehouse]\ndestination = "duckdb"\npath = "{tmp_path / "warehouse.duckdb"}"\n\n{connections}',
        encoding="utf-8",
    )
    vault = Vault.beside(path, env={})
    for region in ORGS:
        refresh = next(t for t, (_, r) in dataset.refresh_tokens.items() if r == region)
        client_id = dataset.refresh_tokens[refresh][0]
        secret = next(c.client_secret for c in dataset.oauth_clients if c.client_id == client_id)
        vault.put(
            f"zoho/{region}", {"client_id": client_id, "client_secret": secret, "refresh_token": refresh}
        )
    sandbox.reset_stats()
    return path


def warehouse(config_path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(config_path.parent / "warehouse.duckdb"), read_only=True)
    try:
        return [tuple(r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def raw_tables(config_path: Path) -> set[str]:
    rows = warehouse(
        config_path,
        f"select table_name from information_schema.tables where table_schema = '{RAW}' "
        "and table_name not like '\\_dlt%' escape '\\'",
    )
    return {str(r[0]) for r in rows}


def summary_row(out: str, entity: str) -> list[str]:
    """The cells of one entity's row in the summary table (one per organization)."""
    line = next(line for line in out.splitlines() if line.strip("│ ").startswith(f"{entity} "))
    return [cell.strip() for cell in line.strip().strip("│").split("│")[1:]]


def test_sync_loads_everything_then_a_second_run_loads_no_invoice(
    config_path: Path, dataset: Dataset, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config_path), "sync"]) == 0
    out = capsys.readouterr().out
    assert "Sync summary: rows loaded" in out
    invoices = {org: len(dataset.orgs[org].records["invoices"]) for org in ORGS.values()}
    assert summary_row(out, "invoices") == [str(invoices[org]) for org in ORGS.values()]
    # The sandbox counts org-scoped calls; GET /organizations (one per organization) is not one of them.
    assert summary_row(out, "API calls") == [
        f"{sum(sandbox.stats()['calls'][org].values()) + 1:,}" for org in ORGS.values()
    ]
    assert "rows," in out
    assert "API calls," in out
    stored = {
        str(org): count
        for org, count in warehouse(
            config_path, f"select _zoho_organization_id, count(*) from {RAW}.invoices group by 1"
        )
    }
    assert stored == invoices
    # One load per organization: each syncs under its own pipeline (D144).
    first_loads = warehouse(config_path, f"select distinct _dlt_load_id from {RAW}.invoices order by 1")
    assert len(first_loads) == len(ORGS)

    sandbox.reset_stats()
    assert main(["--config", str(config_path), "sync"]) == 0
    out = capsys.readouterr().out
    assert summary_row(out, "invoices") == ["0", "0"]
    for org in ORGS.values():
        assert "/invoices/{invoice_id}" not in sandbox.stats()["calls"][org]  # no detail fetched again
    # Every invoice row is still the one the first run loaded.
    again = warehouse(config_path, f"select distinct _dlt_load_id from {RAW}.invoices order by 1")
    assert again == first_loads


def test_entities_limits_the_sync_to_those_entities(
    config_path: Path, dataset: Dataset, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config_path), "sync", "--entities", "invoices,bills"]) == 0
    out = capsys.readouterr().out
    assert {t.split("__")[0] for t in raw_tables(config_path)} == {"invoices", "bills"}
    routes = {route for org in ORGS.values() for route in sandbox.stats()["calls"][org]}
    assert routes == {"/invoices", "/invoices/{invoice_id}", "/bills", "/bills/{bill_id}"}
    assert summary_row(out, "bills") == [
        str(len(dataset.orgs[org].records["bills"])) for org in ORGS.values()
    ]
    # Entities not asked for are not in the summary either.
    assert not [line for line in out.splitlines() if line.strip("│ ").startswith("contacts ")]


def test_an_unknown_entity_is_a_usage_error(
    config_path: Path, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config_path), "sync", "--entities", "invoices,widgets"]) == 2
    err = capsys.readouterr().err
    assert "--entities: unknown entity widgets; choose from" in err
    assert "invoices" in err.split("choose from", 1)[1]  # the valid names are listed
    assert "Traceback" not in err
    assert sandbox.stats()["calls_total"] == 0  # refused before any call
    assert not (config_path.parent / "warehouse.duckdb").exists()


def test_an_unknown_connection_is_a_usage_error(
    config_path: Path, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config_path), "sync", "--connection", "apac"]) == 2
    err = capsys.readouterr().err
    assert "no Zoho connection named 'apac' (configured: us, eu)" in err
    assert sandbox.stats()["calls_total"] == 0
    assert not (config_path.parent / "warehouse.duckdb").exists()


def test_modules_zoho_will_not_serve_are_named_and_everything_else_loads(
    config_path: Path, dataset: Dataset, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A token without the vendor credits scope (401 code 57), a role without expenses (the 400 variant), a
    # plan without purchase orders (404).
    sandbox.configure(forbidden={"vendorcredits": 401, "expenses": 400}, unavailable=["purchaseorders"])
    try:
        assert main(["--config", str(config_path), "sync"]) == 1
    finally:
        sandbox.configure(forbidden={}, unavailable=[])
    captured = capsys.readouterr()
    for region in ORGS:
        assert f"{region}/vendor_credits" in captured.err
        assert f"{region}/expenses" in captured.err
        assert f"{region}/purchase_orders" in captured.err
    assert "ZohoBooks.debitnotes.READ" in captured.err  # Zoho's scope for vendor credits
    assert "ZohoBooks.expenses.READ" in captured.err
    assert "role" in captured.err
    assert "plan" in captured.err
    assert "every other entity was loaded" in captured.err
    assert summary_row(captured.out, "vendor_credits") == ["0 (not read)", "0 (not read)"]
    assert "Traceback" not in captured.err
    for table in ("vendor_credits", "expenses", "purchase_orders"):
        # Created empty with their declared columns, so the models over them build on no rows.
        assert warehouse(config_path, f"select count(*) from {RAW}.{table}") == [(0,)]
    for entity, table in (("invoices", "invoices"), ("bills", "bills"), ("journals", "journals")):
        stored = dict(
            warehouse(config_path, f"select _zoho_organization_id, count(*) from {RAW}.{table} group by 1")
        )
        assert stored == {org: len(dataset.orgs[org].records[entity]) for org in ORGS.values()}
    (ledger,) = warehouse(config_path, f"select count(*) from {RAW}.account_transactions")[0]
    assert ledger > 0

    # Once the connection may read them, the next sync loads them and succeeds.
    assert main(["--config", str(config_path), "sync"]) == 0
    stored = dict(
        warehouse(config_path, f"select _zoho_organization_id, count(*) from {RAW}.expenses group by 1")
    )
    assert stored == {org: len(dataset.orgs[org].records["expenses"]) for org in ORGS.values()}


# --- files (D128) ---


def group_or_other(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode) & (stat.S_IRWXG | stat.S_IRWXO)


def test_a_sync_leaves_owner_only_files_and_no_finished_packages(config_path: Path) -> None:
    warehouse = config_path.parent / "warehouse.duckdb"
    previous = os.umask(0o022)  # the usual mask: on main every file came out 0644
    try:
        assert main(["--config", str(config_path), "sync", "--entities", "currencies"]) == 0
        assert os.umask(0o022) == 0o022  # the CLI gave the caller's mask back
    finally:
        os.umask(previous)
    state_dir = config_path.parent / ".ml-connector"
    written = [warehouse, state_dir / "state.db", *state_dir.rglob("*")]
    assert [p for p in written if group_or_other(p)] == []
    pipelines = [p for p in (state_dir / "dlt").iterdir() if p.is_dir()]
    assert pipelines
    for pipeline in pipelines:
        loaded = pipeline / LOADED_FOLDER
        assert not loaded.exists() or list(loaded.iterdir()) == []


def test_an_existing_world_readable_state_db_is_narrowed(config_path: Path) -> None:
    state_dir = config_path.parent / ".ml-connector"
    assert main(["--config", str(config_path), "sync", "--entities", "currencies"]) == 0
    (state_dir / "state.db").chmod(0o644)
    assert main(["--config", str(config_path), "status"]) == 0
    assert group_or_other(state_dir / "state.db") == 0


# --- output for scripts ---


def test_sync_summary_and_status_as_json_and_csv(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    import io
    import json

    sync = ["--config", str(config_path), "sync", "--entities", "currencies"]
    assert main([*sync, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)  # the summary alone: no progress, no table
    by_connection = {org["connection"]: org for org in document["organizations"]}
    assert set(by_connection) == set(ORGS)
    assert by_connection["us"]["entities"]["currencies"]["state"] == "loaded"
    assert document["rows"] == sum(o["entities"]["currencies"]["rows"] for o in document["organizations"]) > 0

    assert main(["--config", str(config_path), "status", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    currencies = {r["connection"]: r for r in rows if r["entity"] == "currencies"}
    assert int(currencies["us"]["rows"]) > 0  # a number, not "1,234"
    assert currencies["us"]["entity last sync"].endswith("UTC")

    assert main([*sync, "--format", "csv"]) == 0
    summary = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted((r["connection"], r["entity"], r["state"]) for r in summary) == [
        ("eu", "currencies", "loaded"),
        ("us", "currencies", "loaded"),
    ]


def test_daily_call_limit_stops_the_sync_before_the_cap(
    config_path: Path, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The us connection may send 12 calls a day: the sync stops there, eu is not held back, and a second
    run the same day sends nothing to us."""
    text = config_path.read_text(encoding="utf-8")
    us_block = f'organization_id = "{ORGS["us"]}"\n'
    config_path.write_text(text.replace(us_block, us_block + "daily_call_limit = 12\n"), encoding="utf-8")

    assert main(["--config", str(config_path), "sync"]) == 1
    captured = capsys.readouterr()
    assert "us: stopped at the daily API cap" in captured.out
    assert "daily_call_limit" in captured.err
    calls = sandbox.stats()["calls"]
    # The sandbox counts org-scoped calls; GET /organizations is the twelfth.
    assert sum(calls[ORGS["us"]].values()) == 11
    assert sum(calls[ORGS["eu"]].values()) > 12  # the other connection has no cap and completes

    sandbox.reset_stats()
    assert main(["--config", str(config_path), "sync", "--connection", "us"]) == 1
    assert sum(sandbox.stats()["calls"].get(ORGS["us"], {}).values()) == 0
