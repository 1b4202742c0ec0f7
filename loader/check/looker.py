"""The Looker checks: the API user logs in and holds the permissions the job needs, the project exists with
git set up, the configured connection exists and passes Looker's own test, and the model allows it.

Read-only but for ``PUT /connections/{name}/test``, which runs Looker's connection tests and changes
nothing. Endpoints are API 4.0's (``GET /user``, ``/users/{id}/roles``, ``/projects/{id}``,
``/connections/{name}``, ``/lookml_models/{name}``).
"""

from __future__ import annotations

from typing import Final

import httpx

from loader.check import Check, Verdict
from loader.config import LookerConfig
from loader.looker import LookerClient
from loader.looker.errors import LookerError
from loader.vault import LOOKER_RECORD, Vault, VaultError

SERVICE: Final = "looker"
# Looker's permission names and what the job does with each.
NEEDED_PERMISSIONS: Final = {
    "develop": "writes LookML in dev mode and runs the content validator",
    "deploy": "deploys the validated branch to production",
    "see_lookml": "reads the project's LookML and validation",
    "update_datagroups": "resets the datagroup so caches refresh",
}


class CountingTransport(httpx.BaseTransport):
    """Counts the requests a client sends (login and logout included)."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def check_looker(
    looker: LookerConfig, vault: Vault, *, transport: httpx.BaseTransport | None = None
) -> tuple[list[Check], int]:
    subject = looker.base_url
    try:
        record = vault.get(LOOKER_RECORD)
    except VaultError as exc:
        return [Check(SERVICE, subject, "credentials", Verdict.FAIL, "the vault cannot be read", str(exc))], 0
    if record is None:
        return [
            Check(
                SERVICE,
                subject,
                "credentials",
                Verdict.FAIL,
                "[looker] is configured but the vault has no Looker API credentials",
                "run `ml-connector auth looker`",
            )
        ], 0
    counter = CountingTransport(transport)
    checks: list[Check] = []
    try:
        with LookerClient.from_vault_record(
            looker.base_url, record, transport=counter, timeout=30.0
        ) as client:
            _all(client, looker, checks)
    except LookerError as exc:
        step = "login" if not checks else "reading the set-up"
        checks.append(Check(SERVICE, subject, step, Verdict.FAIL, str(exc), _login_fix(exc)))
    return checks, counter.requests


def _login_fix(exc: LookerError) -> str:
    if "could not reach" in str(exc):
        return "check [looker] base_url and the network"
    return (
        "check the API client id and secret (Admin → Users → Edit → API Keys), then "
        "`ml-connector auth looker`"
    )


def _all(client: LookerClient, looker: LookerConfig, checks: list[Check]) -> None:
    me = client.me()  # logs in first: a refused login raises here
    checks.append(
        Check(
            SERVICE,
            looker.base_url,
            "login",
            Verdict.OK,
            f"logged in as {me.get('display_name') or me.get('id')}",
        )
    )
    checks.append(_permissions(client, looker, str(me.get("id"))))
    checks.append(_project(client, looker))
    checks.extend(_connection(client, looker))
    checks.append(_model(client, looker))


def _permissions(client: LookerClient, looker: LookerConfig, user_id: str) -> Check:
    held: set[str] = set()
    all_access = False
    for role in client.user_roles(user_id):
        permission_set = role.get("permission_set") or {}
        all_access = all_access or bool(permission_set.get("all_access"))
        held.update(str(p) for p in permission_set.get("permissions") or [])
    missing = [p for p in NEEDED_PERMISSIONS if p not in held]
    if all_access or not missing:
        return Check(SERVICE, looker.base_url, "permissions", Verdict.OK, ", ".join(NEEDED_PERMISSIONS))
    why = "; ".join(f"{p}: {NEEDED_PERMISSIONS[p]}" for p in missing)
    return Check(
        SERVICE,
        looker.base_url,
        "permissions",
        Verdict.FAIL,
        f"the API user lacks {', '.join(missing)} ({why})",
        "add them to a permission set of the API user's role (Admin → Roles), on a model set that holds "
        f"model {looker.model}",
    )


def _project(client: LookerClient, looker: LookerConfig) -> Check:
    project = client.project(looker.project)
    subject = f"project {looker.project}"
    if project is None:
        return Check(
            SERVICE,
            subject,
            "exists",
            Verdict.FAIL,
            "Looker has no such project, or the API user may not see it",
            "create the LookML project in Looker (Develop → Projects) or fix [looker] project",
        )
    if not project.get("uses_git") or not project.get("git_remote_url"):
        return Check(
            SERVICE,
            subject,
            "git",
            Verdict.FAIL,
            "the project has no git repository configured",
            "configure git for the project (Develop → Projects → Configure Git) with the repository of "
            "[looker] repo",
        )
    return Check(SERVICE, subject, "git", Verdict.OK, f"git at {project.get('git_remote_url')}")


def _connection(client: LookerClient, looker: LookerConfig) -> list[Check]:
    subject = f"connection {looker.connection}"
    if client.connection(looker.connection) is None:
        return [
            Check(
                SERVICE,
                subject,
                "exists",
                Verdict.FAIL,
                "Looker has no connection of that name",
                "create it (Admin → Connections) pointing at the warehouse, or fix [looker] connection",
            )
        ]
    results = client.test_connection(looker.connection)
    failed = [r for r in results if str(r.get("status")) == "error"]
    if failed:
        messages = "; ".join(f"{r.get('name')}: {r.get('message')}" for r in failed)
        return [
            Check(
                SERVICE,
                subject,
                "Looker's connection test",
                Verdict.FAIL,
                messages,
                "fix the connection's host, credentials or network access in Admin → Connections so Looker "
                "reaches the warehouse",
            )
        ]
    names = ", ".join(str(r.get("name")) for r in results) or "no tests"
    return [Check(SERVICE, subject, "Looker's connection test", Verdict.OK, f"passed ({names})")]


def _model(client: LookerClient, looker: LookerConfig) -> Check:
    subject = f"model {looker.model}"
    model = client.lookml_model(looker.model)
    if model is None:
        return Check(
            SERVICE,
            subject,
            "allows the connection",
            Verdict.OK,
            "not configured yet: the first run creates it",
        )
    allowed = [str(c) for c in model.get("allowed_db_connection_names") or []]
    if model.get("unlimited_db_connections") or looker.connection in allowed:
        return Check(SERVICE, subject, "allows the connection", Verdict.OK, f"{looker.connection} allowed")
    return Check(
        SERVICE,
        subject,
        "allows the connection",
        Verdict.FAIL,
        f"the model allows {', '.join(allowed) or 'no connection'}, not {looker.connection}",
        f"add {looker.connection} to the model's allowed connections (Develop → Projects → Configure model)",
    )
