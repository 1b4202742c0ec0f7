"""Every body the fake sent during real runs, checked against the official API 4.0 spec's schemas.

The schemas are closed (see ``spec.py``): a member the spec does not define fails, as does a wrong type or
a null where the spec does not allow one.
"""

from __future__ import annotations

import json

import pytest

from loader.looker import LookerError, deploy, refresh_datagroup, validate
from ml_connector_fakes.looker import Dashboard, DashboardElement
from tests.looker.conftest import BRANCH, DATAGROUP, MODEL, PROJECT, SYNCED_AT, Exchange, LookerWorld
from tests.looker.spec import response_schema, validate_body


def _check(exchange: Exchange) -> str:
    """Validate one exchange; returns the operation checked, for the coverage assertion."""
    key = f"{exchange.method} {exchange.path} {exchange.status}"
    schema = response_schema(exchange.method, exchange.path, exchange.status)
    if exchange.status == 204 or schema is None:
        assert exchange.content == b"", key
        return key
    if exchange.path.startswith("/queries/run/"):
        # The spec types these bodies as plain strings (the SDK hands back raw text): check what they hold.
        if exchange.path.endswith("/sql") and exchange.status == 200:
            assert exchange.content_type.startswith("text/plain")
            assert exchange.content.startswith(b"SELECT")
            return key
        if exchange.status == 200:
            rows = json.loads(exchange.content)
            assert isinstance(rows, list)
            assert all(isinstance(r, dict) for r in rows)
            return key
    assert exchange.content_type.startswith("application/json"), key
    body = json.loads(exchange.content)
    validate_body(exchange.method, exchange.path, exchange.status, body)
    if exchange.status >= 400:
        assert "/r/err/" not in body["documentation_url"]
    return key


def test_bodies_of_a_full_run_match_the_spec(world: LookerWorld) -> None:
    world.looker.add_dashboard(
        Dashboard("7", "Sales", [DashboardElement("71", "By status", MODEL, "orders", ["orders.status"])])
    )
    with world.client() as client:
        report = validate(client, world.settings())
        assert report.ok
        deploy(client, PROJECT, BRANCH, report.ref)
        refresh_datagroup(client, MODEL, DATAGROUP, SYNCED_AT)
        client.explore(MODEL, "no_such_explore")  # 404
        client.lookml_model("no_such_model")  # 404
        assert client.validate_project(PROJECT)["errors"] == []  # production workspace now
        with pytest.raises(LookerError):
            client.update_datagroup("1", stale_before=0, triggered_at=int(SYNCED_AT.timestamp()) * 2)
        with pytest.raises(LookerError):
            client.create_lookml_model(MODEL, PROJECT, ["warehouse"])  # 409: exists
    # A change that breaks the Look and the dashboard tile: content validation with errors, then a token
    # expiry (401) and a failed login (404).
    view = world.repo.file("views/orders.view.lkml").replace("dimension: status {", "dimension: state {")
    world.repo.commit({"views/orders.view.lkml": view}, "rename")
    with world.client() as client:
        report = validate(client, world.settings())
        assert {c.kind for c in report.broken_content} == {"look", "dashboard"}
        world.looker.expire_all_tokens()
        assert client.session()["workspace_id"] == "production"  # after a 401 and a new login
    with world.client(secret="wrong") as client, pytest.raises(LookerError):
        client.session()
    checked = {_check(e) for t in world.transports for e in t.exchanges}
    for expected in (
        "POST /login 200",
        "POST /login 404",
        "PATCH /session 200",
        "GET /session 401",
        "PUT /projects/shop_project/git_branch 200",
        "POST /projects/shop_project/reset_to_remote 204",
        "GET /projects/shop_project/git_branch 200",
        "POST /projects/shop_project/validate 200",
        "GET /lookml_models/shop 404",
        "POST /lookml_models 200",
        "POST /lookml_models 409",
        "GET /lookml_models/shop/explores/orders 200",
        "GET /lookml_models/shop/explores/no_such_explore 404",
        "POST /queries/run/sql 200",
        "POST /queries/run/json 200",
        "GET /content_validation 200",
        "POST /projects/shop_project/deploy_ref_to_production 204",
        "GET /datagroups 200",
        "PATCH /datagroups/1 200",
        "PATCH /datagroups/1 422",
        "DELETE /logout 204",
    ):
        assert expected in checked, expected


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"id": "1", "colour": "blue"}, "Additional properties are not allowed"),
        ({"id": 1}, "is not of type 'string'"),
        ({"id": "1", "created_at": "yesterday"}, "'yesterday' is not of type 'integer'"),
    ],
)
def test_the_spec_check_is_strict(body: dict[str, object], problem: str) -> None:
    with pytest.raises(AssertionError, match=problem):
        validate_body("GET", "/datagroups/1", 200, body)


def test_the_spec_check_allows_documented_nulls() -> None:
    validate_body("GET", "/datagroups/1", 200, {"id": "1", "stale_before": None, "triggered_at": None})
