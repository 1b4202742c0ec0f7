"""load_config on real TOML files: defaults, the documented example, and errors that say what to do."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from loader.config import (
    Config,
    ConfigError,
    LookerConfig,
    PostgresConfig,
    ZohoConnectionConfig,
    load_config,
)

CONTRACT_EXAMPLE = """
[warehouse]
destination = "duckdb"
path = "ml_connector.duckdb"

[reporting]
currency = "USD"

[[zoho.connections]]
name = "us"
region = "us"
organization_id = "10234695"
# accounts_url = "http://127.0.0.1:9000"

[looker]
base_url = "https://example.cloud.looker.com"
project = "zoho_books"
model = "zoho_books"
connection = "warehouse"
repo = "../looker-project"
branch = "ml-connector"
datagroup = "zoho_books_sync"

[schedule]
cron = "0 2 * * *"
"""

ONE_CONNECTION = """
[[zoho.connections]]
name = "us"
region = "us"
organization_id = "10234695"
"""


def write(directory: Path, text: str) -> Path:
    path = directory / "ml-connector.toml"
    path.write_text(text)
    return path


def config_error(directory: Path, text: str) -> str:
    path = write(directory, text)
    with pytest.raises(ConfigError) as error:
        load_config(path, env={})
    message = str(error.value)
    assert str(path) in message
    return message


def test_contract_example_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, CONTRACT_EXAMPLE), env={})

    assert config.path == tmp_path / "ml-connector.toml"
    assert config.warehouse.destination == "duckdb"
    assert config.warehouse.path == tmp_path / "ml_connector.duckdb"
    assert config.reporting.currency == "USD"
    assert config.zoho_connections == (ZohoConnectionConfig("us", "us", "10234695"),)
    assert config.looker == LookerConfig(
        base_url="https://example.cloud.looker.com",
        project="zoho_books",
        model="zoho_books",
        connection="warehouse",
        repo=(tmp_path / "../looker-project").absolute(),
        branch="ml-connector",
        datagroup="zoho_books_sync",
    )
    assert config.schedule.cron == "0 2 * * *"
    assert config.state_dir == tmp_path / ".ml-connector"


def test_looker_organization_attribute_defaults_and_can_be_named_or_turned_off(tmp_path: Path) -> None:
    """The user attribute of the explores' access filters (D112): on by default, named, or "" for off."""
    config = load_config(write(tmp_path, CONTRACT_EXAMPLE), env={})
    assert config.looker is not None
    assert config.looker.organization_attribute == "zoho_books_organization_id"
    for value in ("books_orgs", ""):
        text = CONTRACT_EXAMPLE.replace("[looker]\n", f'[looker]\norganization_attribute = "{value}"\n')
        named = load_config(write(tmp_path, text), env={})
        assert named.looker is not None
        assert named.looker.organization_attribute == value


def test_defaults_fill_what_the_file_leaves_out(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ONE_CONNECTION), env={})

    assert config.warehouse.destination == "duckdb"
    assert config.warehouse.path == tmp_path / "ml_connector.duckdb"
    assert config.warehouse.postgres is None
    assert config.reporting.currency == "USD"
    assert config.reporting.strict_reconciliation is False  # a reconciliation difference warns (D65)
    assert config.looker is None
    assert config.schedule.cron == "0 2 * * *"
    connection = config.connection("us")
    assert (connection.requests_per_minute, connection.max_in_flight, connection.daily_call_limit) == (
        100,
        5,
        None,
    )
    assert (connection.accounts_url, connection.api_base_url) == (None, None)
    assert (config.sync.delete_scan_days, config.sync.overlap_minutes) == (7, 10)
    assert config.sync.ledger_overlap_months == 1
    assert (config.sync.details, config.sync.details_months) == ("all", 12)


def test_the_ledger_overlap_is_set_in_whole_months(tmp_path: Path) -> None:
    text = "[sync]\nledger_overlap_months = 3\n" + ONE_CONNECTION
    assert load_config(write(tmp_path, text), env={}).sync.ledger_overlap_months == 3
    refused = config_error(tmp_path, "[sync]\nledger_overlap_months = 0\n")
    assert ": sync.ledger_overlap_months: must be a whole number of at least 1" in refused


def test_connection_overrides_and_limits(tmp_path: Path) -> None:
    text = """
[[zoho.connections]]
name = "eu-sub"
region = "eu"
organization_id = 70001
accounts_url = "http://127.0.0.1:9000/eu/"
api_base_url = "http://127.0.0.1:9000/eu/books/v3"
requests_per_minute = 60
max_in_flight = 2
daily_call_limit = 1000
"""
    connection = load_config(write(tmp_path, text), env={}).connection("eu-sub")
    assert connection == ZohoConnectionConfig(
        name="eu-sub",
        region="eu",
        organization_id="70001",  # an unquoted number is accepted and kept as text
        accounts_url="http://127.0.0.1:9000/eu",
        api_base_url="http://127.0.0.1:9000/eu/books/v3",
        requests_per_minute=60,
        max_in_flight=2,
        daily_call_limit=1000,
    )


def test_postgres_warehouse(tmp_path: Path) -> None:
    text = '[warehouse]\ndestination = "postgres"\nhost = "db"\ndatabase = "analytics"\nuser = "loader"\n'
    warehouse = load_config(write(tmp_path, text), env={}).warehouse
    assert warehouse.destination == "postgres"
    assert warehouse.path is None
    assert warehouse.postgres == PostgresConfig(host="db", database="analytics", user="loader", port=5432)


def test_config_is_immutable(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ONE_CONNECTION), env={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.reporting = config.reporting  # type: ignore[misc]


def test_path_precedence_flag_then_env_then_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag_dir, env_dir, cwd = tmp_path / "flag", tmp_path / "env", tmp_path / "cwd"
    for directory in (flag_dir, env_dir, cwd):
        directory.mkdir()
        write(directory, ONE_CONNECTION)
    monkeypatch.chdir(cwd)
    env = {"ML_CONNECTOR_CONFIG": str(env_dir / "ml-connector.toml")}

    assert load_config(flag_dir / "ml-connector.toml", env=env).path == flag_dir / "ml-connector.toml"
    assert load_config(None, env=env).path == env_dir / "ml-connector.toml"
    assert load_config(None, env={}).path == cwd / "ml-connector.toml"


def test_relative_paths_are_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "conf").mkdir()
    write(tmp_path / "conf", ONE_CONNECTION)
    monkeypatch.chdir(tmp_path)
    config = load_config(Path("conf/ml-connector.toml"), env={})
    assert config.warehouse.path == tmp_path / "conf" / "ml_connector.duckdb"
    assert config.state_dir == tmp_path / "conf" / ".ml-connector"


def test_missing_file_says_to_run_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"ml-connector init") as error:
        load_config(tmp_path / "absent.toml", env={})
    assert str(tmp_path / "absent.toml") in str(error.value)


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    message = config_error(tmp_path, "[warehouse]\ndestination = duckdb\n")
    assert "not valid TOML" in message
    assert "line 2" in message


def test_unknown_region_lists_the_regions(tmp_path: Path) -> None:
    message = config_error(tmp_path, ONE_CONNECTION.replace('region = "us"', 'region = "gb"'))
    assert "zoho.connections[0].region" in message
    assert "'gb'" in message
    assert "us, eu, in, au, jp, ca, cn, sa, uk, ae" in message


@pytest.mark.parametrize("region", ["uk", "ae"])
def test_the_uk_and_uae_data_centers_are_accepted(tmp_path: Path, region: str) -> None:
    path = write(tmp_path, ONE_CONNECTION.replace('region = "us"', f'region = "{region}"'))
    assert load_config(path, env={}).zoho_connections[0].region == region


def test_duplicate_connection_names(tmp_path: Path) -> None:
    message = config_error(tmp_path, ONE_CONNECTION + ONE_CONNECTION)
    assert "two connections are named 'us'" in message


def test_missing_organization_id(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[[zoho.connections]]\nname = "us"\nregion = "us"\n')
    assert "zoho.connections[0].organization_id: missing" in message
    assert "Organization Profile" in message


def test_non_numeric_organization_id(tmp_path: Path) -> None:
    message = config_error(tmp_path, ONE_CONNECTION.replace('"10234695"', '"acme"'))
    assert "zoho.connections[0].organization_id" in message


@pytest.mark.parametrize(
    ("text", "key", "command"),
    [
        (
            ONE_CONNECTION + 'client_secret = "zz-leaked-1"\n',
            "zoho.connections[0].client_secret",
            "auth zoho",
        ),
        (
            ONE_CONNECTION + 'refresh_token = "zz-leaked-1"\n',
            "zoho.connections[0].refresh_token",
            "auth zoho",
        ),
        ('[warehouse]\ndestination = "postgres"\npassword = "zz-leaked-1"\n', "warehouse.password", "auth"),
        ('[looker]\nclient_secret = "zz-leaked-1"\n', "looker.client_secret", "auth looker"),
        ('secret = "zz-leaked-1"\n', "secret", "auth"),
        (
            ONE_CONNECTION + 'webhook_secret = "zz-leaked-1"\n',
            "zoho.connections[0].webhook_secret",
            "auth webhook",
        ),
    ],
)
def test_secret_in_the_toml_is_refused_without_echoing_it(
    tmp_path: Path, text: str, key: str, command: str
) -> None:
    message = config_error(tmp_path, text)
    assert f": {key}: secrets do not belong in the config file" in message
    assert f"ml-connector {command}" in message
    assert "zz-leaked-1" not in message


def test_unknown_key_is_an_error_not_ignored(tmp_path: Path) -> None:
    message = config_error(tmp_path, ONE_CONNECTION + "requests_per_minut = 50\n")
    assert "zoho.connections[0].requests_per_minut: unknown key" in message
    assert "requests_per_minute" in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (ONE_CONNECTION + "max_in_flight = true\n", "zoho.connections[0].max_in_flight"),
        (ONE_CONNECTION + "requests_per_minute = 0\n", "zoho.connections[0].requests_per_minute"),
        (ONE_CONNECTION + 'accounts_url = "accounts.zoho.eu"\n', "zoho.connections[0].accounts_url"),
        ('[reporting]\ncurrency = "usd"\n', "reporting.currency"),
        ('[reporting]\nstrict_reconciliation = "yes"\n', "reporting.strict_reconciliation"),
        ('[schedule]\ncron = "nightly"\n', "schedule.cron"),
        ('[schedule]\ncron = "61 2 * * *"\n', "schedule.cron"),  # five fields, not a time
        (ONE_CONNECTION + 'webhook_signature = "sha1"\n', "zoho.connections[0].webhook_signature"),
        ('[serve]\nstatus_access = "open"\n', "serve.status_access"),
        ('[warehouse]\nhost = "db"\n', "warehouse.host"),
        ('[warehouse]\ndestination = "postgres"\nhost = "db"\nuser = "u"\n', "warehouse.database"),
        ('[looker]\nbase_url = "https://x.looker.com"\n', "looker.project"),
        (
            '[[zoho.connections]]\nname = "a b"\nregion = "us"\norganization_id = "1"\n',
            "zoho.connections[0].name",
        ),
        ('zoho = "us"\n', "zoho"),
    ],
)
def test_invalid_values_name_their_key(tmp_path: Path, text: str, key: str) -> None:
    assert f": {key}: " in config_error(tmp_path, text)


def test_strict_reconciliation_reaches_dbt_as_a_var(tmp_path: Path) -> None:
    from loader.transform.dbt_runner import vars_from_config

    text = ONE_CONNECTION + '\n[reporting]\ncurrency = "EUR"\nstrict_reconciliation = true\n'
    config = load_config(write(tmp_path, text), env={})
    assert config.reporting.strict_reconciliation is True
    assert vars_from_config(config) == {"reporting_currency": "EUR", "strict_reconciliation": True}


def test_unknown_connection_name_lists_the_configured_ones(tmp_path: Path) -> None:
    config: Config = load_config(write(tmp_path, ONE_CONNECTION), env={})
    with pytest.raises(ConfigError, match=r"no Zoho connection named 'eu' \(configured: us\)"):
        config.connection("eu")


def test_the_detail_mode_is_all_recent_or_none(tmp_path: Path) -> None:
    text = '[sync]\ndetails = "recent"\ndetails_months = 6\n' + ONE_CONNECTION
    sync = load_config(write(tmp_path, text), env={}).sync
    assert (sync.details, sync.details_months) == ("recent", 6)
    refused = config_error(tmp_path, '[sync]\ndetails = "some"\n')
    assert ": sync.details: 'some' is not one of all, recent, none" in refused


def test_every_problem_of_the_file_is_named_at_once(tmp_path: Path) -> None:
    """One message lists each wrong key on its own line, so a user fixes the file in one pass."""
    message = config_error(tmp_path, '[sync]\ndetails = "some"\noverlap_minutes = "10"\n[serve]\nx = 1\n')
    lines = message.splitlines()
    assert len(lines) == 3
    assert any(": sync.details: 'some' is not one of all, recent, none" in line for line in lines)
    assert any(": sync.overlap_minutes: must be a whole number of at least 1" in line for line in lines)
    assert any(": serve.x: unknown key; expected one of status_access" in line for line in lines)
