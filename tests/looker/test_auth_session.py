"""Sessions: login with the form body, renewal mid-run (on 401 and before expiry), the dev workspace
re-selected after each login, logout at the end, bad credentials, and no secret in logs or output."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import httpx
import pytest

from loader.cli import main
from loader.looker import LookerAuthError, validate
from ml_connector_fakes.looker import FakeLooker, FakeLookerServer, Warehouse
from tests.looker.conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    CONNECTION,
    LookerWorld,
    build_world,
    make_duckdb,
)


class TickingClock:
    """Advances ``step`` seconds each time it is read: time passes with every request."""

    def __init__(self, step: float, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_token_expiring_mid_run_is_replaced_and_dev_mode_restored(tmp_path: Path) -> None:
    # The fake's clock moves 10 s per read and tokens live 60 s: a token dies every few calls, while the
    # client (on real time) believes its token is fresh and learns otherwise from a 401.
    looker = FakeLooker(clock=TickingClock(10.0), token_lifetime=60)
    repo = build_world(
        tmp_path, looker, Warehouse(CONNECTION, duckdb_path=make_duckdb(tmp_path / "w.duckdb"))
    )
    with FakeLookerServer(looker) as server:
        world = LookerWorld(repo, looker, server)
        with world.client() as client:
            report = validate(client, world.settings())
    assert report.ok, report.lines()
    # (The logout at the end may find its token expired too: that one needs no new login.)
    expired = [c for c in looker.calls if c.status == 401 and c.path != "/logout"]
    assert len(expired) >= 2
    assert looker.logins == client.auth.logins == len(expired) + 1
    # Every login after the first is followed by the workspace switch before anything else.
    for index, call in enumerate(looker.calls):
        if call.path == "/login" and index and call.status == 200:
            follow = looker.calls[index + 1]
            assert (follow.method, follow.path, follow.body) == ("PATCH", "/session", {"workspace_id": "dev"})
    # So no dev-mode call ever ran in production by accident.
    checks = [c for c in looker.calls if c.path.startswith(("/queries", "/lookml_models/shop/explores"))]
    assert checks
    assert {c.workspace for c in checks if c.status == 200} == {"dev"}


def test_the_token_is_renewed_before_expiry_without_a_401(world: LookerWorld) -> None:
    # Tokens last 3600 s; the client's clock jumps 400 s per read, so it logs in again before expiry.
    with world.client(clock=TickingClock(400.0)) as client:
        report = validate(client, world.settings())
    assert report.ok
    assert [c for c in world.looker.calls if c.status == 401] == []
    assert world.looker.logins >= 2


def test_logout_ends_the_session(world: LookerWorld) -> None:
    with world.client() as client:
        client.session()
        token = client.auth.token
        assert token is not None
    logout = world.looker.calls_to("DELETE", "/logout")
    assert len(logout) == 1
    assert logout[0].status == 204
    assert world.looker.session_for(token.value.reveal()) is None


def test_login_sends_the_secret_in_the_form_body_only(world: LookerWorld) -> None:
    with world.client() as client:
        client.session()
    transport = world.transports[-1]
    login = transport.exchanges[0]
    assert (login.method, login.path, login.status) == ("POST", "/login", 200)
    assert all(CLIENT_SECRET not in e.path for e in transport.exchanges)


def test_the_fake_accepts_bearer_and_token_schemes(world: LookerWorld) -> None:
    api = world.base_url + "/api/4.0"
    token = httpx.post(api + "/login", data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}).json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    for scheme in ("Bearer", "token"):
        answer = httpx.get(api + "/session", headers={"Authorization": f"{scheme} {token['access_token']}"})
        assert answer.json()["workspace_id"] == "production"
    missing = httpx.get(api + "/session")
    assert missing.status_code == 401
    assert missing.json()["message"] == "Requires authentication."
    world.looker.expire_all_tokens()
    expired = httpx.get(api + "/session", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert expired.status_code == 401


def test_bad_credentials_raise_a_clear_error(world: LookerWorld) -> None:
    with world.client(secret="wrong") as client, pytest.raises(LookerAuthError) as caught:
        client.session()
    assert "rejected the API credentials (client id looker-client-id)" in str(caught.value)
    assert world.looker.calls_to("POST", "/login")[0].status == 404


def _write_config(tmp_path: Path, base_url: str, repo: Path, warehouse: Path) -> Path:
    config = tmp_path / "ml-connector.toml"
    config.write_text(
        f'[warehouse]\ndestination = "duckdb"\npath = "{warehouse}"\n\n'
        f'[looker]\nbase_url = "{base_url}"\nproject = "shop_project"\nmodel = "shop"\n'
        f'connection = "warehouse"\nrepo = "{repo}"\nbranch = "ml-connector"\ndatagroup = "shop_sync"\n'
    )
    return config


def test_cli_bad_credentials_exit_1_without_leaking_the_secret(
    world: LookerWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("ML_CONNECTOR_KEY", raising=False)
    assert world.warehouse_path is not None
    config = _write_config(tmp_path, world.base_url, world.repo.checkout, world.warehouse_path)
    wrong = "wrong-secret-value-123456"
    assert (
        main(["--config", str(config), "auth", "looker", "--client-id", CLIENT_ID, "--client-secret", wrong])
        == 0
    )
    capsys.readouterr()
    caplog.set_level(logging.DEBUG)
    code = main(["--config", str(config), "--debug", "looker", "validate"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Looker rejected the API credentials" in err
    assert "ml-connector auth looker" in err
    everything = out + err + caplog.text
    assert wrong not in everything
    assert CLIENT_SECRET not in everything


def test_cli_validate_and_deploy_succeed_without_leaking_secrets(
    world: LookerWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("ML_CONNECTOR_KEY", raising=False)
    assert world.warehouse_path is not None
    config = _write_config(tmp_path, world.base_url, world.repo.checkout, world.warehouse_path)
    args = [
        "--config",
        str(config),
        "auth",
        "looker",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
    ]
    assert main(args) == 0
    caplog.set_level(logging.DEBUG)
    assert main(["--config", str(config), "--debug", "looker", "validate"]) == 0
    assert main(["--config", str(config), "looker", "deploy"]) == 0
    out, err = capsys.readouterr()
    assert "Looker validation passed: branch ml-connector" in out
    assert "Deployed branch ml-connector of project shop_project to production" in out
    tokens = [s.token for s in world.looker.sessions.values()]
    everything = out + err + caplog.text
    assert CLIENT_SECRET not in everything
    assert tokens
    assert not any(token in everything for token in tokens)
    # Each command used one session and ended it.
    assert world.looker.logins == len(world.looker.calls_to("DELETE", "/logout")) == 2


def test_cli_deploy_refuses_a_branch_that_breaks_a_look(
    world: LookerWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ML_CONNECTOR_KEY", raising=False)
    assert world.warehouse_path is not None
    view = world.repo.file("views/orders.view.lkml").replace("dimension: status {", "dimension: state {")
    world.repo.commit({"views/orders.view.lkml": view}, "rename status")
    config = _write_config(tmp_path, world.base_url, world.repo.checkout, world.warehouse_path)
    args = [
        "--config",
        str(config),
        "auth",
        "looker",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
    ]
    assert main(args) == 0
    production = world.looker.projects["shop_project"].production_ref
    assert main(["--config", str(config), "looker", "deploy"]) == 1
    out, err = capsys.readouterr()
    assert "would break look 2 'Orders by status' in folder Finance: Unknown field \"orders.status\"." in out
    assert "Nothing was deployed" in err
    assert world.looker.calls_to("POST", "/projects/shop_project/deploy_ref_to_production") == []
    assert world.looker.projects["shop_project"].production_ref == production


def test_unused_helpers_are_deterministic() -> None:
    clock = TickingClock(5.0, start=0.0)
    assert list(itertools.islice(iter(clock, None), 3)) == [5.0, 10.0, 15.0]
