"""``ml-connector init`` and ``auth`` end to end: real files, the real vault, the sandbox's token endpoint."""

from __future__ import annotations

import base64
import io
import logging
import os
import re
import secrets
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from loader.cli import main
from loader.config import load_config
from loader.vault import Vault
from ml_connector_fakes.world.dataset import Dataset, OAuthClient
from ml_connector_fakes.zoho.server import SandboxServer

CLIENT_ID = "1000.CLITESTCLIENT"
CLIENT_SECRET = "cs-7d41e2-cli-private"
REFRESH_TOKEN = "1000.rt-9c3b5a-cli-private"
LOOKER_SECRET = "lk-2f8e6d-cli-private"
WEBHOOK_SECRET = "Wh00kSecret7731Private"
ALL_SECRETS = (CLIENT_SECRET, REFRESH_TOKEN, LOOKER_SECRET, WEBHOOK_SECRET)

_ENV_VARS = (
    "ML_CONNECTOR_KEY",
    "ML_CONNECTOR_CONFIG",
    "ML_CONNECTOR_DEBUG",
    "ZOHO_CLIENT_SECRET",
    "ZOHO_REFRESH_TOKEN",
    "LOOKER_CLIENT_SECRET",
    "ZOHO_WEBHOOK_SECRET",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "ml-connector.toml"
    assert main(["--config", str(path), "init"]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in ALL_SECRETS:
            assert secret not in text


def record(config: Path, name: str) -> dict[str, str] | None:
    stored = Vault.beside(config, env={}).get(name)
    return None if stored is None else {field: value.reveal() for field, value in stored.items()}


def zoho_args(config: Path, *extra: str) -> list[str]:
    return ["--config", str(config), "auth", "zoho", "--connection", "us", "--client-id", CLIENT_ID, *extra]


# --- init ---------------------------------------------------------------------------------------------------


def test_init_writes_a_starter_that_load_config_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ml-connector.toml"
    code, out, _ = run(capsys, "init", "--config", str(path))

    assert code == 0
    assert f"Wrote {path}." in out
    config = load_config(path, env={})
    assert [c.name for c in config.zoho_connections] == ["us"]
    assert config.connection("us").organization_id == "10234695"
    assert config.warehouse.path == tmp_path / "ml_connector.duckdb"
    assert config.looker is None  # commented out until the user has a Looker instance
    assert "client_secret =" not in path.read_text()


def test_every_commented_key_of_the_starter_is_valid(config: Path) -> None:
    # Uncomment the optional connection keys and the whole [looker] table: the result must still load.
    text = config.read_text()
    optional = (
        "requests_per_minute",
        "max_in_flight",
        "daily_call_limit",
        "accounts_url",
        "api_base_url",
        "webhook_signature",
    )
    for key in optional:
        text = re.sub(rf"^# ({key} = )", r"\1", text, flags=re.MULTILINE)
    head, looker = text.split("# [looker]")
    looker = "[looker]" + re.sub(r"^# (\w+ = )", r"\1", looker, flags=re.MULTILINE)
    config.write_text(head + looker)

    loaded = load_config(config, env={})
    assert loaded.looker is not None
    assert loaded.looker.datagroup == "zoho_books_sync"
    assert loaded.connection("us").daily_call_limit == 1000
    assert loaded.connection("us").webhook_signature == "billing-hex"


def test_init_keeps_an_existing_file_unless_forced(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.write_text("# mine\n")

    code, _, err = run(capsys, "--config", str(config), "init")
    assert code == 2
    assert "already exists" in err
    assert "--force" in err
    assert config.read_text() == "# mine\n"

    code, _, _ = run(capsys, "--config", str(config), "init", "--force")
    assert code == 0
    assert "[[zoho.connections]]" in config.read_text()


def test_init_uses_ml_connector_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("ML_CONNECTOR_CONFIG", str(target))
    assert run(capsys, "init")[0] == 0
    assert target.exists()


# --- auth zoho ----------------------------------------------------------------------------------------------


def test_auth_zoho_from_argv_stores_the_record_and_reports_the_new_key(
    config: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code, out, err = run(
        capsys, *zoho_args(config, "--client-secret", CLIENT_SECRET, "--refresh-token", REFRESH_TOKEN)
    )

    assert code == 0
    assert record(config, "zoho/us") == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
    }
    key_path = config.parent / "ml-connector.key"
    assert "Stored Zoho credentials of connection 'us'" in out
    assert f"Created the vault key {key_path}" in out
    assert "Back it up" in out
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert_no_secret(out, err, caplog.text)

    # The second run uses the key; it does not announce one.
    code, out, _ = run(capsys, *zoho_args(config, "--client-secret", CLIENT_SECRET, "--refresh-token", "new"))
    assert code == 0
    assert "Created the vault key" not in out
    stored = record(config, "zoho/us")
    assert stored is not None
    assert stored["refresh_token"] == "new"


def test_auth_zoho_from_env(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZOHO_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("ZOHO_REFRESH_TOKEN", REFRESH_TOKEN)
    code, out, err = run(capsys, *zoho_args(config))

    assert code == 0
    stored = record(config, "zoho/us")
    assert stored is not None
    assert (stored["client_secret"], stored["refresh_token"]) == (CLIENT_SECRET, REFRESH_TOKEN)
    assert_no_secret(out, err)


def test_auth_zoho_reads_secrets_from_stdin_one_per_line(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{CLIENT_SECRET}\n{REFRESH_TOKEN}\n"))
    code, out, err = run(capsys, *zoho_args(config, "--client-secret", "-", "--refresh-token", "-"))

    assert code == 0
    stored = record(config, "zoho/us")
    assert stored is not None
    assert (stored["client_secret"], stored["refresh_token"]) == (CLIENT_SECRET, REFRESH_TOKEN)
    assert_no_secret(out, err)


def test_stdin_that_ends_early_is_bad_usage(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{CLIENT_SECRET}\n"))
    code, out, err = run(capsys, *zoho_args(config, "--client-secret", "-", "--refresh-token", "-"))

    assert code == 2
    assert "stdin ended before the refresh token" in err
    assert not (config.parent / "ml-connector.vault").exists()
    assert_no_secret(out, err)


def test_missing_secret_says_where_it_can_come_from(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *zoho_args(config, "--refresh-token", REFRESH_TOKEN))
    assert code == 2
    assert "no client secret given" in err
    assert "ZOHO_CLIENT_SECRET" in err
    assert "--client-secret -" in err

    code, _, err = run(capsys, *zoho_args(config, "--client-secret", CLIENT_SECRET))
    assert code == 2
    assert "ZOHO_REFRESH_TOKEN" in err
    assert "--grant-code" in err


def test_auth_zoho_needs_a_configured_connection(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = zoho_args(config, "--client-secret", CLIENT_SECRET, "--refresh-token", REFRESH_TOKEN)
    argv[argv.index("us")] = "eu"
    code, out, err = run(capsys, *argv)

    assert code == 2
    assert "no Zoho connection named 'eu'" in err
    assert not (config.parent / "ml-connector.vault").exists()
    assert_no_secret(out, err)


def test_auth_without_config_says_to_run_init(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, *zoho_args(tmp_path / "absent.toml", "--client-secret", "x", "--refresh-token", "y")
    )
    assert code == 2
    assert "ml-connector init" in err


def test_refresh_token_and_grant_code_are_exclusive(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, *zoho_args(config, "--client-secret", "s", "--refresh-token", "t", "--grant-code", "c")
    )
    assert code == 2
    assert "not allowed with argument" in err


def test_a_bad_env_key_is_a_configuration_error(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ML_CONNECTOR_KEY", "too-short")
    code, out, err = run(capsys, *zoho_args(config, "--client-secret", CLIENT_SECRET, "--refresh-token", "t"))
    assert code == 2
    assert "ML_CONNECTOR_KEY is set but is not a vault key" in err
    assert "Traceback" not in err
    assert_no_secret(out, err)


def test_env_key_means_no_key_file(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    monkeypatch.setenv("ML_CONNECTOR_KEY", key)
    code, out, _ = run(capsys, *zoho_args(config, "--client-secret", CLIENT_SECRET, "--refresh-token", "t"))

    assert code == 0
    assert "Created the vault key" not in out
    assert not (config.parent / "ml-connector.key").exists()
    assert Vault.beside(config, env={"ML_CONNECTOR_KEY": key}).names() == ["zoho/us"]


# --- auth zoho --grant-code against the sandbox's accounts server -------------------------------------------


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    dataset = Dataset(orgs={}, oauth_clients=[OAuthClient(CLIENT_ID, CLIENT_SECRET)], refresh_tokens={})
    with SandboxServer(dataset) as server:
        yield server


@pytest.fixture
def sandbox_config(config: Path, sandbox: SandboxServer) -> Path:
    text = config.read_text().replace(
        '# accounts_url = "http://127.0.0.1:9000"', f'accounts_url = "{sandbox.accounts_url("us")}"'
    )
    config.write_text(text)
    assert load_config(config, env={}).connection("us").accounts_url == sandbox.accounts_url("us")
    return config


def test_grant_code_is_exchanged_for_a_refresh_token(
    sandbox_config: Path,
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    code_value = sandbox.grant_code("us", CLIENT_ID)
    code, out, err = run(
        capsys, *zoho_args(sandbox_config, "--client-secret", CLIENT_SECRET, "--grant-code", code_value)
    )

    assert code == 0, err
    stored = record(sandbox_config, "zoho/us")
    assert stored is not None
    assert stored["client_id"] == CLIENT_ID
    assert stored["client_secret"] == CLIENT_SECRET
    # The accounts server now knows this refresh token, for this client and data center.
    assert sandbox.dataset.refresh_tokens[stored["refresh_token"]] == (CLIENT_ID, "us")
    assert stored["api_domain"] == sandbox.accounts_url("us")
    assert f"api domain {sandbox.accounts_url('us')}" in out
    for text in (out, err, caplog.text):
        assert stored["refresh_token"] not in text
        assert code_value not in text
        assert CLIENT_SECRET not in text


def test_a_used_grant_code_fails_the_run_and_keeps_the_vault(
    sandbox_config: Path, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code_value = sandbox.grant_code("us", CLIENT_ID)
    argv = zoho_args(sandbox_config, "--client-secret", CLIENT_SECRET, "--grant-code", code_value)
    assert run(capsys, *argv)[0] == 0
    vault_bytes = (sandbox_config.parent / "ml-connector.vault").read_bytes()

    code, out, err = run(capsys, *argv)

    assert code == 1
    assert "grant-code exchange" in err
    assert "invalid_code" in err
    assert "generate a new one" in err
    assert (sandbox_config.parent / "ml-connector.vault").read_bytes() == vault_bytes
    assert code_value not in out + err


def test_grant_code_is_not_spent_when_the_vault_is_unreadable(
    sandbox_config: Path,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        run(capsys, *zoho_args(sandbox_config, "--client-secret", CLIENT_SECRET, "--refresh-token", "t"))[0]
        == 0
    )
    monkeypatch.setenv("ML_CONNECTOR_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    tokens_before = sandbox.stats()

    code_value = sandbox.grant_code("us", CLIENT_ID)
    code, _, err = run(
        capsys, *zoho_args(sandbox_config, "--client-secret", CLIENT_SECRET, "--grant-code", code_value)
    )

    assert code == 2
    assert "wrong key or file modified" in err
    assert sandbox.stats() == tokens_before  # no token request reached the accounts server
    # The code is still good for a run with the right key.
    monkeypatch.delenv("ML_CONNECTOR_KEY")
    assert (
        run(capsys, *zoho_args(sandbox_config, "--client-secret", CLIENT_SECRET, "--grant-code", code_value))[
            0
        ]
        == 0
    )


# --- auth looker / webhook ----------------------------------------------------------------------------------


def test_auth_looker_stores_its_record(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOOKER_CLIENT_SECRET", LOOKER_SECRET)
    code, out, err = run(capsys, "--config", str(config), "auth", "looker", "--client-id", "lk-id")

    assert code == 0
    assert record(config, "looker") == {"client_id": "lk-id", "client_secret": LOOKER_SECRET}
    assert "Stored Looker API credentials (client id lk-id)" in out
    assert "has no [looker] table" in out
    assert_no_secret(out, err)


def test_auth_webhook_stores_a_valid_secret(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(WEBHOOK_SECRET + "\n"))
    code, out, err = run(
        capsys, "auth", "webhook", "--connection", "us", "--secret", "-", "--config", str(config)
    )

    assert code == 0
    assert record(config, "webhook/us") == {"secret": WEBHOOK_SECRET}
    assert "Stored the webhook secret of connection 'us'" in out
    assert_no_secret(out, err)


@pytest.mark.parametrize("bad", ["Short1", "has-a-dash-in-it-1234", "x" * 51], ids=["short", "dash", "long"])
def test_auth_webhook_refuses_what_zoho_would_never_issue(
    config: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    code, out, err = run(
        capsys, "--config", str(config), "auth", "webhook", "--connection", "us", "--secret", bad
    )

    assert code == 2
    assert "12 to 50 letters and digits" in err
    assert bad not in out + err
    assert not (config.parent / "ml-connector.vault").exists()


# --- the CLI as a whole -------------------------------------------------------------------------------------


def test_usage_errors_exit_2_and_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            capsys,
        )[0]
        == 2
    )
    assert run(capsys, "auth")[0] == 2
    assert run(capsys, "no-such-command")[0] == 2
    code, out, _ = run(capsys, "auth", "zoho", "--help")
    assert code == 0
    assert "--grant-code" in out


def test_debug_shows_the_traceback_but_still_no_secret(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(config), "auth", "webhook", "--connection", "us", "--secret", "not-valid!"]
    _, _, plain = run(capsys, *argv)
    assert "Traceback" not in plain

    monkeypatch.setenv("ML_CONNECTOR_DEBUG", "1")
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert "Traceback" in err
    assert "not-valid!" not in out + err


def test_console_script_in_a_subprocess(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "ml-connector"
    env = {k: v for k, v in os.environ.items() if k not in _ENV_VARS}
    init = subprocess.run(
        [script, "init"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert init.returncode == 0, init.stderr

    auth = subprocess.run(
        [
            script,
            "auth",
            "zoho",
            "--connection",
            "us",
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            "-",
            "--refresh-token",
            "-",
        ],
        cwd=tmp_path,
        env=env,
        input=f"{CLIENT_SECRET}\n{REFRESH_TOKEN}\n",
        capture_output=True,
        text=True,
        check=False,
    )

    assert auth.returncode == 0, auth.stderr
    assert "Created the vault key" in auth.stdout
    assert_no_secret(auth.stdout, auth.stderr)
    assert record(tmp_path / "ml-connector.toml", "zoho/us") == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
    }
    again = subprocess.run(
        [script, "init"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 2
    assert "already exists" in again.stderr
