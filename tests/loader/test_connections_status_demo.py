"""Clients built from config and vault, ``status`` and ``demo``: real files, the real vault, the sandbox."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from loader.cli import main
from loader.config import load_config
from loader.connections import open_state, open_zoho_client
from loader.demo import DEMO_SEED, DEMO_TIME_SCALE, demo_world, run_demo
from loader.extract.run import run_sync
from loader.vault import Vault, VaultError
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.server import SandboxServer

US_ORG = "10234695"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ML_CONNECTOR_KEY", "ML_CONNECTOR_CONFIG", "ML_CONNECTOR_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables at the terminal width


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(seed=7, invoices_per_org=20)


@pytest.fixture(scope="module")
def sandbox(dataset: Dataset) -> Iterator[SandboxServer]:
    with SandboxServer(dataset) as server:
        yield server


@pytest.fixture
def config_path(tmp_path: Path, sandbox: SandboxServer) -> Path:
    path = tmp_path / "ml-connector.toml"
    path.write_text(
        "[[zoho.connections]]\n"
        'name = "us"\n'
        'region = "us"\n'
        f'organization_id = "{US_ORG}"\n'
        f'accounts_url = "{sandbox.accounts_url("us")}"\n'
        "daily_call_limit = 1000\n",
        encoding="utf-8",
    )
    return path


def store_credentials(config_path: Path, dataset: Dataset) -> None:
    refresh = next(token for token, (_, region) in dataset.refresh_tokens.items() if region == "us")
    client_id = dataset.refresh_tokens[refresh][0]
    secret = next(c.client_secret for c in dataset.oauth_clients if c.client_id == client_id)
    Vault.beside(config_path, env={}).put(
        "zoho/us", {"client_id": client_id, "client_secret": secret, "refresh_token": refresh}
    )


def test_consecutive_runs_share_one_access_token_through_the_vault(
    config_path: Path, dataset: Dataset, sandbox: SandboxServer
) -> None:
    store_credentials(config_path, dataset)
    config = load_config(config_path, env={})
    vault = Vault.beside(config_path, env={})
    sandbox.reset_stats()
    for _ in range(3):  # three separate runs, each with its own client
        with open_zoho_client(config, vault, "us") as client:
            assert [o["organization_id"] for o in client.list_organizations()] == [US_ORG]
    assert sandbox.stats()["tokens_issued"] == 1
    record = vault.get("zoho/us")
    assert record is not None
    assert float(record["access_token_expires_at"].reveal()) > 0


def test_status_reports_calls_today_and_what_is_left(
    config_path: Path, dataset: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    store_credentials(config_path, dataset)
    config = load_config(config_path, env={})
    with open_zoho_client(config, Vault.beside(config_path, env={}), "us") as client:
        for _ in range(4):
            client.get("settings/taxes")
    [usage] = open_state(config).usage()
    assert (usage.connection, usage.organization_id, usage.calls) == ("us", US_ORG, 4)

    assert main(["--config", str(config_path), "status"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if US_ORG in line)
    assert "stored" in row
    assert " 4 " in row
    # The sandbox's X-Rate-Limit-Remaining, as last seen, not our own arithmetic.
    assert f"{usage.remaining:,} of" in row


def test_status_without_credentials_says_missing_and_zero_calls(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config_path), "status"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if US_ORG in line)
    assert "missing" in row
    assert "1,000 of 1,000" in row  # nothing used of the configured daily limit


def test_a_client_without_stored_credentials_says_which_command_to_run(config_path: Path) -> None:
    config = load_config(config_path, env={})
    with pytest.raises(VaultError, match="ml-connector auth zoho --connection us"):
        open_zoho_client(config, Vault.beside(config_path, env={}), "us")


def test_demo_runs_the_whole_job_on_the_sandbox_and_the_fake_looker(tmp_path: Path) -> None:
    out = io.StringIO()
    result = run_demo(tmp_path / "demo", invoices_per_org=5, console=Console(file=out, width=200))
    printed = out.getvalue()
    expected = generate_dataset(seed=DEMO_SEED, invoices_per_org=5)
    job = result.job
    assert job.stages == ["sync", "build", "lookml", "lookml check", "validate", "deploy", "refresh"]
    assert job.sync is not None
    assert job.sync.complete
    assert sorted(o.organization_id for o in job.sync.organizations) == sorted(expected.orgs)
    con = duckdb.connect(str(result.warehouse), read_only=True)
    try:
        invoices = dict(
            con.execute("select organization_id, count(*) from zoho_books.fct_invoices group by 1").fetchall()
        )
        (differences,) = con.execute(
            "select count(*) from zoho_books.rpt_gl_reconciliation where abs(net_difference_base) > 0.005"
        ).fetchone() or (None,)
    finally:
        con.close()
    # Customer debit notes are invoices of type debit_note (D95).
    assert invoices == {
        org: len(books.records["invoices"]) + len(books.records["debitnotes"])
        for org, books in expected.orgs.items()
    }
    assert differences == 0
    # The LookML was checked on the warehouse, committed, pushed, accepted by Looker and deployed.
    assert job.check is not None
    assert job.check.ok
    assert job.check.checked > 100
    assert job.validation is not None
    assert job.validation.ok
    assert job.validation.broken_content == []  # the stored Look uses fields the generator wrote
    assert job.commit is not None
    assert job.deployed is not None
    assert job.deployed.production_ref == job.commit
    assert job.refreshed is not None
    assert job.sync.synced_at is not None
    assert job.refreshed.triggered_at == int(job.sync.synced_at.timestamp())
    assert (result.directory / "looker-project" / "generated" / "views" / "fct_invoices.view.lkml").is_file()
    assert "debits equal credits in every organization" in printed
    assert "0 differences over 0.005" in printed
    # The reconciliation printed after the build: documents derived in full, the ledger equal to Zoho's.
    assert job.reconciliation is not None
    assert job.reconciliation.reconciled
    shares = {t.transaction_type: t.share_derived for t in job.reconciliation.types}
    assert shares["bills"] == shares["customer_payment"] == Decimal("1.0000")
    # An invoice of a tracked item also moves inventory to cost of goods sold at Zoho's valuation, taken
    # whole (D104); everything else on the invoices is derived.
    assert Decimal("0.9") < shares["invoice"] < Decimal("1.0000")
    # The sandbox's sales receipts and retainer payments name no account a rule could post to: taken whole
    # (D60, D73, D92).
    assert shares["sales_receipt"] == shares["retainer_payment"] == Decimal("0")
    assert "General ledger vs Zoho's ledger, by Zoho transaction type" in printed
    assert "the general ledger equals Zoho's ledger on every type, account and month" in printed
    assert re.search(r"[\d,]+\s+of\s+[\d,]+\s+ledger\s+lines\s+derived", printed)
    assert re.search(r"[1-9][\d,]*\s+taken\s+from\s+Zoho's\s+ledger", printed)
    assert "Accounts receivable aging (USD)" in printed
    assert "Revenue by month (USD)" in printed


def test_demo_command_rejects_a_file_as_its_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "taken"
    target.write_text("not a directory", encoding="utf-8")
    assert main(["demo", "--dir", str(target)]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_a_healthy_time_scaled_sync_retries_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # The demo's world: Zoho's limits on a 60x clock. The clients pace on the same clock (a Zoho-minute is
    # one real second), so nothing is throttled and nothing is retried: every call answered is one used.
    caplog.set_level(logging.WARNING)
    with demo_world(tmp_path / "demo", invoices_per_org=60) as world:
        client = open_zoho_client(world.config, world.vault, world.config.zoho_connections[0].name)
        assert client.limiter.limits.window_seconds == pytest.approx(60.0 / DEMO_TIME_SCALE)
        assert client.limiter.limits.requests_per_window == 100
        client.close()
        world.sandbox.reset_stats()
        result = run_sync(world.config, world.vault)
        stats = world.sandbox.stats()
    assert result.complete
    assert result.rows > 1000
    assert [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()] == []
    assert not any(stats["throttled"].values())
    assert stats["calls_total"] > 700
