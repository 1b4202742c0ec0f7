"""``ml-connector status`` on a real warehouse and ``ml-connector auth warehouse``.

Real parts only: the bundled sandbox over HTTP on loopback, ``run_sync`` into a DuckDB file (and into a
PostgreSQL database of the test's own when a server is there), the real vault, the CLI's ``main``. A second
process holds the DuckDB file for the busy-warehouse case, as a running sync or ``serve`` would.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from loader.cli import main
from loader.config import load_config
from loader.extract import run_sync
from loader.service.schedule import CronSchedule
from loader.sync_status import ENTITIES
from loader.vault import VAULT_FILE, Vault
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer
from tests.scratch_database import scratch_database

ORGS = {"us": "10234695", "eu": "20088321"}
CRON = "30 4 * * 1"  # Mondays 04:30 UTC
PASSWORD = "pg-7e21c9-status-private"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ML_CONNECTOR_KEY", "ML_CONNECTOR_CONFIG", "ML_CONNECTOR_DEBUG", "PGPASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables at the terminal width


@pytest.fixture
def dataset() -> Dataset:
    # Function-scoped: the deletion test changes it through the sandbox.
    return generate_dataset(seed=11, invoices_per_org=6)


@pytest.fixture
def sandbox(dataset: Dataset) -> Iterator[SandboxServer]:
    with SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as server:
        yield server


def write_config(directory: Path, sandbox: SandboxServer, warehouse: str) -> Path:
    connections = "".join(
        f'[[zoho.connections]]\nname = "{region}"\nregion = "{region}"\norganization_id = "{org}"\n'
        f'accounts_url = "{sandbox.accounts_url(region)}"\n'
        f'api_base_url = "{sandbox.api_base_url(region)}"\n'
        "requests_per_minute = 3000\n\n"  # the sandbox runs 60 times faster than Zoho
        for region, org in ORGS.items()
    )
    path = directory / "ml-connector.toml"
    path.write_text(f'{warehouse}\n\n[schedule]\ncron = "{CRON}"\n\n{connections}', encoding="utf-8")
    return path


def store_zoho_credentials(config_path: Path, dataset: Dataset) -> None:
    client = dataset.oauth_clients[0]
    vault = Vault.beside(config_path, env={})
    for region in ORGS:
        refresh = next(t for t, (_, r) in dataset.refresh_tokens.items() if r == region)
        vault.put(
            f"zoho/{region}",
            {"client_id": client.client_id, "client_secret": client.client_secret, "refresh_token": refresh},
        )


def deletable_invoice(dataset: Dataset, org: str) -> str:
    """An invoice no payment or credit note was applied to: one Zoho lets a user delete."""
    books = dataset.orgs[org].records
    applied = {a["invoice_id"] for p in books["customerpayments"].values() for a in p.get("invoices", [])}
    applied |= {
        a["invoice_id"] for c in books["creditnotes"].values() for a in c.get("invoices_credited", [])
    }
    return next(i for i in books["invoices"] if i not in applied)


def status(config_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--config", str(config_path), "status"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def table_rows(out: str) -> list[list[str]]:
    """The body rows of the printed tables, as lists of cells."""
    return [
        [c.strip() for c in line.strip("│ ").split("│")] for line in out.splitlines() if line.startswith("│")
    ]


def entity_rows(out: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(organization, entity) -> (rows, last sync), from the per-entity table."""
    return {(r[1], r[2]): (r[3], r[4]) for r in table_rows(out) if len(r) == 5}


def connection_rows(out: str) -> dict[str, list[str]]:
    return {r[0]: r for r in table_rows(out) if len(r) == 8}


def shown(instant: datetime | None) -> str:
    assert instant is not None
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# --- status on a synced DuckDB warehouse --------------------------------------------------------------------


def test_status_shows_rows_and_last_sync_per_org_and_entity_after_a_real_sync(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "warehouse.duckdb"
    config_path = write_config(tmp_path, sandbox, f'[warehouse]\ndestination = "duckdb"\npath = "{database}"')
    store_zoho_credentials(config_path, dataset)
    config = load_config(config_path, env={})
    first = run_sync(config, Vault.beside(config_path, env={}))
    assert first.complete

    code, out, err = status(config_path, capsys)
    assert code == 0, err
    entities = entity_rows(out)
    assert {entity for _, entity in entities} == set(ENTITIES)
    for org in ORGS.values():
        books = dataset.orgs[org]
        assert entities[(org, "invoices")] == (f"{len(books.records['invoices']):,}", shown(first.synced_at))
        assert entities[(org, "contacts")] == (f"{len(books.records['contacts']):,}", shown(first.synced_at))
        assert entities[(org, "bills")][0] == f"{len(books.records['bills']):,}"
        assert entities[(org, "account_transactions")][0] == f"{len(books.account_transactions):,}"
    connections = connection_rows(out)
    assert connections["us"][2] == ORGS["us"]
    assert connections["us"][3] == "stored"
    assert connections["us"][4] == shown(first.synced_at)
    # the sync's calls, counted today ("187 (1 throttled)" when the per-minute limit was met)
    assert int(connections["us"][5].split()[0].replace(",", "")) > 0
    assert f"Warehouse: {database}; last load completed" in out

    # A deletion, seen by the delete scan of a later sync of invoices only, leaves the row flagged in the raw
    # table: status no longer counts it. Invoices now show that sync's time, the other entities the first's.
    doomed = deletable_invoice(dataset, ORGS["eu"])
    sandbox.delete(ORGS["eu"], "invoices", doomed)
    second = run_sync(config, Vault.beside(config_path, env={}), entities=["invoices"], full_refresh=True)
    assert second.complete
    assert second.synced_at != first.synced_at
    code, out, err = status(config_path, capsys)
    assert code == 0, err
    live = len(dataset.orgs[ORGS["eu"]].records["invoices"])
    entities = entity_rows(out)
    assert entities[(ORGS["eu"], "invoices")] == (f"{live:,}", shown(second.synced_at))
    assert entities[(ORGS["eu"], "contacts")][1] == shown(first.synced_at)
    assert connection_rows(out)["eu"][4] == shown(second.synced_at)
    con = duckdb.connect(str(database), read_only=True)
    try:
        held = con.execute(
            "select count(*) from zoho_books_raw.invoices where _zoho_organization_id = ?", [ORGS["eu"]]
        ).fetchone()
    finally:
        con.close()
    assert held == (live + 1,)  # the deleted invoice is still held, flagged


def test_status_before_any_sync_says_so_and_shows_the_next_run(
    tmp_path: Path, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "never.duckdb"
    config_path = write_config(tmp_path, sandbox, f'[warehouse]\ndestination = "duckdb"\npath = "{database}"')
    expected_next = CronSchedule(CRON).next_after(datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")

    code, out, err = status(config_path, capsys)
    assert code == 0, err
    assert f"Warehouse: {database} holds no synced data yet: run `ml-connector sync`." in out
    assert entity_rows(out) == {}
    connections = connection_rows(out)
    assert connections["eu"][4] == "never"
    assert connections["eu"][7] == expected_next
    assert f"next run {expected_next}" in out
    assert not database.exists()  # status created no warehouse


def test_status_on_a_duckdb_file_another_process_holds_says_why_without_a_traceback(
    tmp_path: Path, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "busy.duckdb"
    config_path = write_config(tmp_path, sandbox, f'[warehouse]\ndestination = "duckdb"\npath = "{database}"')
    holder = subprocess.Popen(  # a writer, as a running sync or `ml-connector serve` is
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
            "con.execute('create schema zoho_books_raw'); print('ready', flush=True); sys.stdin.read()",
            str(database),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        code, out, err = status(config_path, capsys)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert code == 0
    assert f"the DuckDB warehouse {database} is in use by another process" in " ".join(err.split())
    assert "Traceback" not in out + err
    assert connection_rows(out)["us"][4] == "unknown"  # last sync: not readable now, not "never"
    assert entity_rows(out) == {}


# --- auth warehouse -----------------------------------------------------------------------------------------


def test_auth_warehouse_stores_the_password_encrypted_from_stdin_without_echoing_it(
    tmp_path: Path,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config_path = write_config(
        tmp_path,
        sandbox,
        '[warehouse]\ndestination = "postgres"\nhost = "db.internal"\n'
        'database = "analytics"\nuser = "loader"',
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code = main(["--config", str(config_path), "auth", "warehouse", "--password", "-"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert PASSWORD not in captured.out + captured.err
    assert "user 'loader' on db.internal:5432/analytics" in captured.out
    assert PASSWORD.encode() not in (tmp_path / VAULT_FILE).read_bytes()
    record = Vault.beside(config_path, env={}).get("warehouse/postgres")
    assert record is not None
    assert list(record) == ["password"]
    assert record["password"].reveal() == PASSWORD


def test_auth_warehouse_takes_pgpassword_replaces_the_old_one_and_refuses_none(
    tmp_path: Path,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config_path = write_config(tmp_path, sandbox, '[warehouse]\ndestination = "duckdb"')
    Vault.beside(config_path, env={}).put("warehouse/postgres", {"password": "the-old-one"})

    code = main(["--config", str(config_path), "auth", "warehouse"])
    captured = capsys.readouterr()
    assert code == 2
    assert "no warehouse password given" in captured.err
    assert "PGPASSWORD" in captured.err

    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    code = main(["--config", str(config_path), "auth", "warehouse"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert PASSWORD not in captured.out + captured.err
    assert 'destination = "duckdb"' in captured.out  # the note that duckdb does not use it
    record = Vault.beside(config_path, env={}).get("warehouse/postgres")
    assert record is not None
    assert record["password"].reveal() == PASSWORD


def test_auth_warehouse_with_empty_stdin_stores_nothing(
    tmp_path: Path,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config_path = write_config(tmp_path, sandbox, '[warehouse]\ndestination = "duckdb"')
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code = main(["--config", str(config_path), "auth", "warehouse", "--password", "-"])
    assert code == 2
    assert "stdin ended before the warehouse password" in capsys.readouterr().err
    assert not (tmp_path / VAULT_FILE).exists()


# --- PostgreSQL: the password from `auth warehouse`, a real sync, status ------------------------------------


@pytest.fixture
def postgres_database(postgres_server: str) -> Iterator[tuple[dict[str, str], str]]:
    """A database of the test's own (the raw schema's name is fixed): (connection parameters, name)."""
    params = dict(item.split("=", 1) for item in postgres_server.split())
    with scratch_database(postgres_server, "ml_connector_status") as name:
        yield params, name


def test_status_on_postgres_after_a_sync_with_the_stored_password(
    tmp_path: Path,
    dataset: Dataset,
    sandbox: SandboxServer,
    postgres_database: tuple[dict[str, str], str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    params, name = postgres_database
    config_path = write_config(
        tmp_path,
        sandbox,
        f'[warehouse]\ndestination = "postgres"\nhost = "{params.get("host", "127.0.0.1")}"\n'
        f'port = {params.get("port", "5432")}\ndatabase = "{name}"\n'
        f'user = "{params.get("user", "postgres")}"',
    )
    store_zoho_credentials(config_path, dataset)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--config", str(config_path), "auth", "warehouse", "--password", "-"]) == 0
    capsys.readouterr()

    code, out, err = status(config_path, capsys)
    assert code == 0, err
    assert "holds no synced data yet" in out  # the database is there, the raw schema is not

    sync = run_sync(load_config(config_path, env={}), Vault.beside(config_path, env={}))
    assert sync.complete
    code, out, err = status(config_path, capsys)
    assert code == 0, err
    assert PASSWORD not in out + err
    entities = entity_rows(out)
    for org in ORGS.values():
        books = dataset.orgs[org]
        assert entities[(org, "invoices")] == (f"{len(books.records['invoices']):,}", shown(sync.synced_at))
        assert entities[(org, "journals")][0] == f"{len(books.records['journals']):,}"
    assert f"/{name}; last load completed" in out
