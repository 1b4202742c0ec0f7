"""``ml-connector check`` over HTTP: the demo's sandbox and fake Looker, each failure switched on in them
(or in the configuration), the CLI's ``main`` reading the real config and vault. One test per verdict."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from loader.check import Verdict
from loader.check.run import run_checks
from loader.cli import main
from loader.config import load_config
from loader.demo import LOOKER_CLIENT_ID, LOOKER_CONNECTION, LOOKER_PROJECT, DemoWorld, demo_world
from loader.vault import LOOKER_RECORD, Vault
from ml_connector_fakes.looker import Warehouse
from tests.looker.spec import validate_body

US = "sandbox-us"
EU = "sandbox-eu"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ML_CONNECTOR_KEY", "ML_CONNECTOR_CONFIG", "ML_CONNECTOR_DEBUG", "PGPASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[DemoWorld]:
    with demo_world(tmp_path / "demo", invoices_per_org=3) as running:
        yield running


def check(world: DemoWorld, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["--config", str(world.config.path), "check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def verdicts(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["subject"], c["check"]): c for c in document["checks"]}


def failed(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["subject"], c["check"]) for c in document["checks"] if c["verdict"] == "fail"]


def edit_config(world: DemoWorld, old: str, new: str) -> None:
    text = world.config.path.read_text(encoding="utf-8")
    assert old in text
    world.config.path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_demo_configuration_passes_and_says_the_calls_it_used(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(world.config.path), "check"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert "all checks passed. API calls used:" in out
    # The organizations list and one list per entity read (each an OK line of its own).
    readable = re.findall(r"^OK\s+zoho sandbox-us/\S+", out, flags=re.MULTILINE)
    assert len(readable) >= 20
    assert f"zoho sandbox-us {1 + len(readable)}" in out
    assert "looker 8" in out

    code, document = check(world, capsys)
    assert code == 0
    assert document["passed"] is True
    assert document["calls_total"] == sum(document["calls"].values())
    found = verdicts(document)
    assert found[(f"{US}/invoices", "readable")]["verdict"] == "ok"
    assert found[(f"{US}/exchange_rates", "readable")]["verdict"] == "ok"
    assert found[(US, "daily quota")]["detail"].endswith("calls left today")
    assert found[(f"connection {LOOKER_CONNECTION}", "Looker's connection test")]["verdict"] == "ok"


def test_one_connection_only_and_an_unknown_one_is_a_configuration_error(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = check(world, capsys, "--connection", EU)
    assert code == 0
    assert set(document["calls"]) == {f"zoho {EU}", "warehouse", "looker"}
    assert main(["--config", str(world.config.path), "check", "--connection", "nope"]) == 2
    assert "no Zoho connection named 'nope'" in capsys.readouterr().err


def test_a_forbidden_module_names_the_scope_to_grant(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.sandbox.configure(forbidden={"bills": 401, "settings/taxes": 400})
    code, document = check(world, capsys, "--connection", US)
    assert code == 1
    assert failed(document) == [(f"{US}/taxes", "readable"), (f"{US}/bills", "readable")]
    bills = verdicts(document)[(f"{US}/bills", "readable")]
    assert bills["detail"] == "no access for this login (HTTP 401, code 57)"
    assert "ZohoBooks.bills.READ" in bills["fix"]
    assert "ZohoBooks.settings.READ" in verdicts(document)[(f"{US}/taxes", "readable")]["fix"]


def test_a_module_outside_the_plan(world: DemoWorld, capsys: pytest.CaptureFixture[str]) -> None:
    world.sandbox.configure(unavailable=["purchaseorders"])
    code, document = check(world, capsys, "--connection", US)
    assert code == 1
    assert failed(document) == [(f"{US}/purchase_orders", "readable")]
    found = verdicts(document)[(f"{US}/purchase_orders", "readable")]
    assert found["detail"] == "not in this organization's plan or edition (HTTP 404)"


def test_a_wrong_region_says_where_the_account_lives(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_config(world, 'region = "us"', 'region = "eu"')
    code, document = check(world, capsys, "--connection", US)
    assert code == 1
    assert failed(document) == [(US, "data center")]
    found = verdicts(document)[(US, "data center")]
    assert found["detail"].startswith("the account lives in the 'us' data center")
    assert found["fix"].startswith('set region = "us"')
    assert document["calls"][f"zoho {US}"] == 0  # the token call only: nothing read from the wrong place


def test_an_invisible_organization_lists_the_visible_ones(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    organization = world.config.connection(US).organization_id
    edit_config(world, f'organization_id = "{organization}"', 'organization_id = "999000111"')
    code, document = check(world, capsys, "--connection", US)
    assert code == 1
    assert failed(document) == [(US, "organization")]
    found = verdicts(document)[(US, "organization")]
    assert found["detail"].startswith(
        f"organization 999000111 is not visible to this login; it sees: {organization}"
    )
    assert not any(c["subject"].startswith(f"{US}/") for c in document["checks"])


def test_an_exhausted_daily_quota_stops_the_entity_calls(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    organization = world.config.connection(US).organization_id
    world.sandbox.configure(daily_limits={organization: 3})
    code, document = check(world, capsys, "--connection", US)
    assert code == 1
    assert failed(document) == [(US, "daily quota")]
    entities = [c for c in document["checks"] if c["subject"].startswith(f"{US}/")]
    assert [c["verdict"] for c in entities[:3]] == ["ok", "ok", "ok"]
    assert {c["detail"] for c in entities[3:]} == {"not checked: the daily quota is spent"}
    assert world.sandbox.stats()["throttled"]["45"] == 1  # one refusal, then no more calls


def test_a_missing_webhook_secret_where_webhooks_are_in_use(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.vault.put(f"webhook/{EU}", {"secret": "Abcdef123456"})
    code, document = check(world, capsys)
    assert code == 1
    assert (US, "webhook secret") in failed(document)
    assert (EU, "webhook secret") not in failed(document)
    fix = verdicts(document)[(US, "webhook secret")]["fix"]
    assert f"ml-connector auth webhook --connection {US}" in fix


def test_an_unreachable_warehouse(world: DemoWorld, capsys: pytest.CaptureFixture[str]) -> None:
    edit_config(
        world,
        'destination = "duckdb"\npath = "warehouse.duckdb"',
        'destination = "postgres"\nhost = "127.0.0.1"\nport = 1\ndatabase = "test"\nuser = "postgres"',
    )
    code, document = check(world, capsys, "--connection", US)
    assert code == 1
    assert failed(document) == [("postgresql://postgres@127.0.0.1:1/test", "reachable")]
    found = verdicts(document)[("postgresql://postgres@127.0.0.1:1/test", "reachable")]
    assert found["detail"].startswith("cannot connect:")
    assert "ml-connector auth warehouse" in found["fix"]


def test_a_looker_user_without_deploy(world: DemoWorld, capsys: pytest.CaptureFixture[str]) -> None:
    secret = (world.vault.get(LOOKER_RECORD) or {})["client_secret"].reveal()
    world.looker.add_api_user(
        LOOKER_CLIENT_ID, secret, permissions=("access_data", "see_lookml", "develop", "update_datagroups")
    )
    code, document = check(world, capsys, "--connection", US)
    assert code == 1
    assert failed(document) == [(world.looker_url, "permissions")]
    found = verdicts(document)[(world.looker_url, "permissions")]
    assert found["detail"] == "the API user lacks deploy (deploy: deploys the validated branch to production)"


def test_a_looker_connection_that_fails_its_test(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    dsn = "host=127.0.0.1 port=1 dbname=test user=postgres connect_timeout=2"
    world.looker.add_connection(Warehouse(LOOKER_CONNECTION, postgres_dsn=dsn))
    code, document = check(world, capsys, "--connection", US)
    assert code == 1
    subject = f"connection {LOOKER_CONNECTION}"
    assert failed(document) == [(subject, "Looker's connection test")]
    assert verdicts(document)[(subject, "Looker's connection test")]["detail"].startswith(
        "connect: Cannot connect"
    )


def test_a_looker_project_without_git(world: DemoWorld, capsys: pytest.CaptureFixture[str]) -> None:
    world.looker.projects[LOOKER_PROJECT].git_configured = False
    code, document = check(world, capsys, "--connection", US)
    assert code == 1
    assert failed(document) == [(f"project {LOOKER_PROJECT}", "git")]
    assert "Configure Git" in verdicts(document)[(f"project {LOOKER_PROJECT}", "git")]["fix"]


class Recording(httpx.BaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.exchanges: list[tuple[str, str, int, bytes]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        self.exchanges.append((request.method, request.url.path, response.status_code, content))
        return httpx.Response(response.status_code, headers=response.headers, content=content)


def test_the_looker_answers_match_the_official_spec(world: DemoWorld) -> None:
    # The model exists in this run, so its allowed connections are read too.
    world.looker.register_model("zoho_books", LOOKER_PROJECT, [LOOKER_CONNECTION])
    recording = Recording()
    config = load_config(world.config.path, env={})
    report = run_checks(config, Vault.beside(config.path, env={}), connection=US, looker_transport=recording)
    assert report.passed
    assert [c.verdict for c in report.checks if c.service == "looker"] == [Verdict.OK] * 5
    checked = set()
    for method, path, status, content in recording.exchanges:
        path = path.removeprefix("/api/4.0")
        if path in ("/login", "/logout"):
            continue
        validate_body(method, path, status, json.loads(content))
        checked.add(f"{method} {path}")
    assert checked == {
        "GET /user",
        "GET /users/1/roles",
        f"GET /projects/{LOOKER_PROJECT}",
        f"GET /connections/{LOOKER_CONNECTION}",
        f"PUT /connections/{LOOKER_CONNECTION}/test",
        "GET /lookml_models/zoho_books",
    }


def test_run_stops_before_any_sync_with_the_same_messages(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.looker.projects[LOOKER_PROJECT].git_configured = False
    assert main(["--config", str(world.config.path), "run"]) == 1
    err = capsys.readouterr().err
    assert "the checks before the run failed, nothing was synced" in err
    assert (
        f"FAIL    looker project {LOOKER_PROJECT}: git: the project has no git repository configured" in err
    )
    assert world.config.warehouse.path is not None
    # No sync, no build (the file is there: the fake Looker's connection test opened it).
    con = duckdb.connect(str(world.config.warehouse.path), read_only=True)
    try:
        schemas = {
            row[0] for row in con.execute("select schema_name from information_schema.schemata").fetchall()
        }
    finally:
        con.close()
    assert not schemas & {"zoho_books_raw", "zoho_books_staging", "zoho_books"}
    assert world.looker.calls_to("PATCH", "/session") == []  # nothing done in Looker either


def test_run_reports_an_unreadable_entity_and_goes_on(
    world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.sandbox.configure(forbidden={"expenses": 401})
    world.looker.projects[LOOKER_PROJECT].git_configured = True
    assert main(["--config", str(world.config.path), "run", "--no-deploy"]) == 1
    captured = capsys.readouterr()
    assert (
        f"FAIL    zoho {US}/expenses: readable: no access for this login (HTTP 401, code 57)" in captured.err
    )
    assert "Checks before the run passed. API calls used:" in captured.out
    assert "dbt build passed" in captured.out  # the rest was synced and built


def test_a_terminal_gets_a_table_and_a_pipe_plain_lines() -> None:
    import io

    from rich.console import Console

    from loader.check import Check, Report

    report = Report()
    report.add(Check("zoho", "us", "token renews", Verdict.OK, "a new access token was issued"))
    report.add(Check("zoho", "us/bills", "readable", Verdict.FAIL, "no access", "grant ZohoBooks.bills.READ"))
    report.count_calls("zoho us", 2)
    pipe, terminal = io.StringIO(), io.StringIO()
    report.print(Console(file=pipe, width=200))
    report.print(Console(file=terminal, width=200, force_terminal=True, color_system=None))
    assert pipe.getvalue().splitlines() == [
        "OK      zoho us: token renews: a new access token was issued",
        "FAIL    zoho us/bills: readable: no access → grant ZohoBooks.bills.READ",
        "1 check(s) failed. API calls used: 2 (zoho us 2).",
    ]
    table = terminal.getvalue()
    assert "ml-connector check" in table
    assert "┃ service" in table
    assert "grant ZohoBooks.bills.READ" in table
    with pytest.raises(ValueError, match="a failed check says what to do"):
        Check("zoho", "us", "x", Verdict.FAIL, "no fix")
