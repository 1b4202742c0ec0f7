"""Every failure a user can cause: one line naming the cause and what to do, exit 2 for configuration and
paths, 1 for a failed run (each probe through ``ml-connector``'s own ``main``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from loader.cli import main
from loader.vault import KEY_ENV, Vault
from loader.zoho.ratelimit import on_zoho_clock
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer

ORG = "10234695"
KEY = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="  # urlsafe base64 of 32 bytes


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ML_CONNECTOR_CONFIG", "ML_CONNECTOR_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(KEY_ENV, KEY)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(seed=11, invoices_per_org=2)


@pytest.fixture(scope="module")
def sandbox(dataset: Dataset) -> Iterator[SandboxServer]:
    with on_zoho_clock(60.0), SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as server:
        yield server


@dataclass
class Setup:
    directory: Path
    sandbox: SandboxServer
    dataset: Dataset

    def config(self, warehouse: str = "warehouse.duckdb", cron: str = "0 2 * * *") -> Path:
        path = self.directory / "ml-connector.toml"
        path.write_text(
            f'[warehouse]\npath = "{warehouse}"\n[schedule]\ncron = "{cron}"\n'
            f'[[zoho.connections]]\nname = "us"\nregion = "us"\norganization_id = "{ORG}"\n'
            f'accounts_url = "{self.sandbox.accounts_url("us")}"\n'
            f'api_base_url = "{self.sandbox.api_base_url("us")}"\n',
            encoding="utf-8",
        )
        return path

    def credentials(self, *, rejected: bool = False) -> None:
        refresh = next(t for t, (_, r) in self.dataset.refresh_tokens.items() if r == "us")
        client_id = self.dataset.refresh_tokens[refresh][0]
        secret = next(c.client_secret for c in self.dataset.oauth_clients if c.client_id == client_id)
        record = {
            "client_id": client_id,
            "client_secret": "wrong" if rejected else secret,
            "refresh_token": refresh,
        }
        Vault.beside(self.directory / "ml-connector.toml", env={KEY_ENV: KEY}).put("zoho/us", record)


@pytest.fixture
def setup(tmp_path: Path, sandbox: SandboxServer, dataset: Dataset) -> Setup:
    return Setup(tmp_path, sandbox, dataset)


def sync(setup: Setup) -> list[str]:
    return ["sync", "--entities", "currencies"]


def warehouse_is_a_directory(setup: Setup) -> list[str]:
    (setup.directory / "warehouse").mkdir()
    setup.config(warehouse="warehouse")
    setup.credentials()
    return sync(setup)


def file_in_the_warehouse_path(setup: Setup) -> list[str]:
    (setup.directory / "data").write_text("not a directory")
    setup.config(warehouse="data/warehouse.duckdb")
    setup.credentials()
    return sync(setup)


def unwritable_warehouse_directory(setup: Setup) -> list[str]:
    (setup.directory / "locked").mkdir(mode=0o500)
    setup.config(warehouse="locked/warehouse.duckdb")
    setup.credentials()
    return sync(setup)


def rejected_credentials(setup: Setup) -> list[str]:
    setup.config()
    setup.credentials(rejected=True)
    return sync(setup)


def serve_with_a_file_for_its_state_directory(setup: Setup) -> list[str]:
    setup.config()
    (setup.directory / ".ml-connector").write_text("in the way")
    return ["serve", "--port", "0", "--no-schedule"]


def serve_with_a_directory_for_its_warehouse(setup: Setup) -> list[str]:
    (setup.directory / "warehouse").mkdir()
    setup.config(warehouse="warehouse")
    return ["serve", "--port", "0", "--no-schedule"]


def invalid_cron_in_check(setup: Setup) -> list[str]:
    setup.config(cron="61 2 * * *")
    return ["check"]


def invalid_cron_without_the_schedule(setup: Setup) -> list[str]:
    setup.config(cron="0 25 * * *")
    return ["serve", "--port", "0", "--no-schedule"]


Probe = Callable[[Setup], list[str]]
root = os.geteuid() == 0


@pytest.mark.parametrize(
    ("probe", "code", "says"),
    [
        (
            warehouse_is_a_directory,
            2,
            ["cannot open the DuckDB warehouse", "Is a directory", "[warehouse] path"],
        ),
        (file_in_the_warehouse_path, 2, ["data", "a file is where a directory must be"]),
        pytest.param(
            unwritable_warehouse_directory,
            2,
            ["locked", "Permission denied"],
            marks=pytest.mark.skipif(root, reason="root writes anywhere"),
        ),
        (rejected_credentials, 1, ["Zoho rejected the credentials", "ml-connector auth zoho"]),
        (
            serve_with_a_file_for_its_state_directory,
            2,
            [".ml-connector", "a file is where a directory must be"],
        ),
        (
            serve_with_a_directory_for_its_warehouse,
            2,
            ["cannot open the DuckDB warehouse", "[warehouse] path"],
        ),
        (invalid_cron_in_check, 2, ["schedule.cron", "'61 2 * * *' is not a valid cron expression"]),
        (invalid_cron_without_the_schedule, 2, ["schedule.cron", "'0 25 * * *'"]),
    ],
)
def test_a_user_caused_failure_is_one_line_with_the_cause_and_the_right_exit_code(
    setup: Setup, capsys: pytest.CaptureFixture[str], probe: Probe, code: int, says: list[str]
) -> None:
    argv = probe(setup)
    assert main(["--config", str(setup.directory / "ml-connector.toml"), *argv]) == code
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, errors
    for text in says:
        assert text in errors[0]
    for wrapper in ("unexpected", "PipelineStepFailed", "check the credentials", "cannot listen"):
        assert wrapper not in errors[0]


def test_a_warehouse_held_by_another_process_says_so(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    config = setup.config()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "sys.stdin.read()",
            str(setup.directory / "warehouse.duckdb"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        argv = [
            "--config",
            str(config),
            "webhooks",
            "history",
            "--since",
            "2026-01-01",
            "--until",
            "2026-01-02",
        ]
        assert main(argv) == 1
    finally:
        holder.communicate("", timeout=10)
    (error,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert "is open in another process" in error


def test_a_port_in_use_is_named_with_what_to_do(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    config = setup.config()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--config", str(config), "serve", "--port", str(port), "--no-schedule"]) == 1
    (error,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert f"cannot listen on 127.0.0.1:{port}" in error
    assert "choose another --host or --port" in error
    assert not (setup.directory / "warehouse.duckdb").exists()  # nothing opened before the port was had
