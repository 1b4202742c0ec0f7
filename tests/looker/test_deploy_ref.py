"""Deploy ships the commit that was validated (``deploy_ref_to_production?ref=``), and only for a user who may
deploy: a push that lands on the branch between validation and deploy stays out of production (D133)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from loader.cli import main
from loader.looker import LookerClient, LookerCredentials, LookerError, deploy, validate
from loader.secret import Secret
from ml_connector_fakes.looker import FakeLooker, FakeLookerServer, Warehouse, git
from ml_connector_fakes.looker.state import Call
from tests.looker.conftest import (
    BRANCH,
    CLIENT_ID,
    CLIENT_SECRET,
    CONNECTION,
    PROJECT,
    LookerRepo,
    LookerWorld,
    build_world,
    make_duckdb,
)
from tests.looker.test_auth_session import _write_config


def _city(world_repo: LookerRepo, name: str) -> dict[str, str]:
    """A change to push: one more dimension on customers."""
    view = world_repo.file("views/customers.view.lkml").replace(
        "  measure: count {",
        f"  dimension: {name} {{\n    type: string\n    sql: ${{TABLE}}.name ;;\n  }}\n\n  measure: count {{",
    )
    return {"views/customers.view.lkml": view}


def test_a_push_between_validation_and_deploy_is_not_deployed(world: LookerWorld) -> None:
    validated = world.repo.commit(_city(world.repo, "city"), "add city")
    with world.client() as client:
        report = validate(client, world.settings())
        assert (report.ok, report.ref) == (True, validated)
        # Someone pushes to the branch after validation; their commit was never validated.
        later = world.repo.commit(_city(world.repo, "town"), "add town, unvalidated")
        result = deploy(client, PROJECT, BRANCH, report.ref)
    assert git.branch_ref(world.repo.remote, BRANCH) == later != validated  # the head moved on
    assert result.production_ref == validated
    assert world.looker.projects[PROJECT].production_ref == validated
    deploys = world.looker.calls_to("POST", f"/projects/{PROJECT}/deploy_ref_to_production")
    assert [c.status for c in deploys] == [204]


class _PushDuringValidation(FakeLooker):
    """A fake Looker whose project validation is followed, before it answers, by a push to the branch."""

    def __init__(self, push: Callable[[], str]) -> None:
        super().__init__()
        self.push = push
        self.pushed: list[str] = []

    def record(self, call: Call) -> None:
        super().record(call)
        if call.method == "POST" and call.path == f"/projects/{PROJECT}/validate" and not self.pushed:
            self.pushed.append(self.push())


def test_cli_deploy_ships_the_validated_commit_when_a_push_lands_during_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ML_CONNECTOR_KEY", raising=False)
    warehouse = make_duckdb(tmp_path / "warehouse.duckdb")
    holder: list[LookerRepo] = []
    looker = _PushDuringValidation(lambda: holder[0].commit(_city(holder[0], "town"), "concurrent push"))
    repo = build_world(tmp_path, looker, Warehouse(CONNECTION, duckdb_path=warehouse))
    holder.append(repo)
    validated = repo.commit(_city(repo, "city"), "add city")
    with FakeLookerServer(looker) as server:
        config = _write_config(tmp_path, server.base_url, repo.checkout, warehouse)
        login = ["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
        assert main(["--config", str(config), "auth", "looker", *login]) == 0
        assert main(["--config", str(config), "looker", "deploy"]) == 0
    out = capsys.readouterr().out
    assert len(looker.pushed) == 1
    assert git.branch_ref(repo.remote, BRANCH) == looker.pushed[0] != validated  # the head moved on
    assert looker.projects[PROJECT].production_ref == validated
    assert f"(commit {validated[:12]})" in out
    deploys = looker.calls_to("POST", f"/projects/{PROJECT}/deploy_ref_to_production")
    assert [c.status for c in deploys] == [204]


def test_a_user_without_the_deploy_permission_gets_403(world: LookerWorld) -> None:
    world.looker.add_api_user(
        "no-deploy", "no-deploy-secret", permissions=("access_data", "see_lookml", "develop")
    )
    before = world.looker.projects[PROJECT].production_ref
    head = world.repo.commit(_city(world.repo, "city"), "add city")
    api = world.base_url + "/api/4.0"
    token = httpx.post(
        api + "/login", data={"client_id": "no-deploy", "client_secret": "no-deploy-secret"}
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    refused = httpx.post(
        api + f"/projects/{PROJECT}/deploy_ref_to_production", params={"ref": head}, headers=headers
    )
    assert refused.status_code == 403
    assert "permission to deploy" in refused.json()["message"]
    assert world.looker.projects[PROJECT].production_ref == before
    # The admin API user of the world may: the same request deploys.
    with world.client() as client:
        client.deploy_ref_to_production(PROJECT, ref=head)
    assert world.looker.projects[PROJECT].production_ref == head


def test_the_client_refuses_to_guess_between_a_ref_and_a_branch(world: LookerWorld) -> None:
    with world.client() as client, pytest.raises(ValueError, match="exactly one"):
        client.deploy_ref_to_production(PROJECT, ref="abc", branch=BRANCH)
    assert world.looker.calls_to("POST", f"/projects/{PROJECT}/deploy_ref_to_production") == []


def test_a_refused_deploy_is_a_looker_error(world: LookerWorld) -> None:
    world.looker.add_api_user("no-deploy", "no-deploy-secret", permissions=("access_data", "develop"))
    client = LookerClient(world.base_url, LookerCredentials("no-deploy", Secret("no-deploy-secret")))
    with client, pytest.raises(LookerError, match="permission to deploy"):
        deploy(client, PROJECT, BRANCH, world.repo.commit({}, "empty"))
