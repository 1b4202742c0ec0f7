"""What a fake Looker instance holds: API users and their sessions, projects and their git state, registered
models, connections, stored content, datagroups, and a log of every call for tests to inspect.

Tests and the demo set it up through plain methods (``add_api_user``, ``add_project``, ``add_look`` ...);
clients reach it only over HTTP.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ml_connector_fakes.looker import git
from ml_connector_fakes.looker.lookml import LProject, load_project
from ml_connector_fakes.looker.warehouse import Warehouse

PRODUCTION = "production"
DEV = "dev"


# What an Admin's permission set holds that the connector uses (Looker's permission names); a user given
# ``permissions`` has a role with exactly those, one without has the Admin role (``all_access``).
ADMIN_PERMISSIONS = ("access_data", "see_lookml", "develop", "deploy", "see_datagroups", "update_datagroups")


@dataclass
class ApiUser:
    client_id: str
    client_secret: str
    name: str
    id: str = "1"
    permissions: tuple[str, ...] | None = None  # None: the Admin role


@dataclass
class Session:
    """One login: its token, expiry and workspace (a new login starts in production, as Looker's do)."""

    serial: int  # the n-th login on this instance, from 1
    token: str
    user: ApiUser
    expires_at: float
    workspace: str = PRODUCTION
    logged_out: bool = False


@dataclass
class DevWorkspace:
    """A user's development copy of a project: the checked-out branch and the local branch heads."""

    branch: str
    local_refs: dict[str, str | None]


@dataclass
class Project:
    id: str
    remote: Path  # the bare repository Looker pulls from and deploys
    production_branch: str = "main"
    production_ref: str | None = None
    git_configured: bool = True  # False: a project whose git connection was never set up
    advanced_deploy: bool = True  # deploy_ref_to_production needs Looker's advanced deploy mode
    last_validation: dict[str, object] | None = None
    last_validation_ref: str | None = None


@dataclass
class RegisteredModel:
    name: str
    project_name: str
    allowed_db_connection_names: list[str]
    unlimited_db_connections: bool = False


@dataclass
class Look:
    id: str
    title: str
    model: str
    explore: str
    fields: list[str]
    folder: str = "Shared"


@dataclass
class DashboardElement:
    id: str
    title: str
    model: str
    explore: str
    fields: list[str]


@dataclass
class Dashboard:
    id: str
    title: str
    elements: list[DashboardElement]
    folder: str = "Shared"


@dataclass
class Datagroup:
    id: str
    model_name: str
    name: str
    created_at: int
    stale_before: int | None = None
    triggered_at: int | None = None


@dataclass(frozen=True)
class Call:
    """One API call as the fake saw it."""

    method: str
    path: str
    status: int
    session: int | None  # the login serial of the token used, if any
    workspace: str | None
    body: object = None


class FakeLooker:
    """The state of one fake Looker instance. Thread-safe: the HTTP app and the test share it."""

    def __init__(self, *, clock: Callable[[], float] = time.time, token_lifetime: int = 3600) -> None:
        self.clock = clock
        self.token_lifetime = token_lifetime
        self.lock = threading.RLock()
        self.users: dict[str, ApiUser] = {}
        self.sessions: dict[str, Session] = {}
        self.projects: dict[str, Project] = {}
        self.dev: dict[tuple[str, str], DevWorkspace] = {}
        self.models: dict[str, RegisteredModel] = {}
        self.connections: dict[str, Warehouse] = {}
        self.looks: dict[str, Look] = {}
        self.dashboards: dict[str, Dashboard] = {}
        self.datagroups: dict[tuple[str, str], Datagroup] = {}
        self.calls: list[Call] = []
        self.logins = 0
        self._lookml_cache: dict[tuple[str, str], LProject] = {}

    # --- set-up ------------------------------------------------------------------------------------------

    def add_api_user(
        self,
        client_id: str,
        client_secret: str,
        name: str = "api",
        *,
        permissions: tuple[str, ...] | None = None,
    ) -> None:
        with self.lock:
            user_id = str(len(self.users) + 1)
            self.users[client_id] = ApiUser(client_id, client_secret, name, user_id, permissions)

    def add_connection(self, warehouse: Warehouse) -> None:
        with self.lock:
            self.connections[warehouse.name] = warehouse

    def add_project(self, project_id: str, remote: Path, production_branch: str = "main") -> Project:
        with self.lock:
            project = Project(project_id, Path(remote), production_branch)
            project.production_ref = git.branch_ref(project.remote, production_branch)
            self.projects[project_id] = project
            return project

    def register_model(self, name: str, project: str, connections: list[str]) -> None:
        with self.lock:
            self.models[name] = RegisteredModel(name, project, list(connections))

    def add_look(self, look: Look) -> None:
        with self.lock:
            self.looks[look.id] = look

    def add_dashboard(self, dashboard: Dashboard) -> None:
        with self.lock:
            self.dashboards[dashboard.id] = dashboard

    # --- sessions ----------------------------------------------------------------------------------------

    def login(self, client_id: str, client_secret: str) -> Session | None:
        with self.lock:
            user = self.users.get(client_id)
            if user is None or not secrets.compare_digest(user.client_secret, client_secret):
                return None
            self.logins += 1
            token = secrets.token_urlsafe(24)
            session = Session(self.logins, token, user, self.clock() + self.token_lifetime)
            self.sessions[token] = session
            return session

    def session_for(self, token: str) -> Session | None:
        """The live session of ``token``; None when unknown, expired or logged out (Looker's 401)."""
        with self.lock:
            session = self.sessions.get(token)
            if session is None or session.logged_out or self.clock() >= session.expires_at:
                return None
            return session

    def expire_all_tokens(self) -> None:
        with self.lock:
            for session in self.sessions.values():
                session.expires_at = 0.0

    # --- LookML as a session sees it -------------------------------------------------------------------

    def dev_workspace(self, user: ApiUser, project: Project) -> DevWorkspace:
        with self.lock:
            key = (user.client_id, project.id)
            if key not in self.dev:
                # Looker gives each developer a personal branch cut from production.
                personal = f"dev-{user.name}"
                self.dev[key] = DevWorkspace(personal, {personal: project.production_ref})
            return self.dev[key]

    def ref_for(self, session: Session, project: Project) -> str | None:
        if session.workspace == DEV:
            workspace = self.dev_workspace(session.user, project)
            return workspace.local_refs.get(workspace.branch)
        return project.production_ref

    def lookml(self, project: Project, ref: str | None) -> LProject:
        if ref is None:
            return load_project({})
        key = (project.id, ref)
        with self.lock:
            cached = self._lookml_cache.get(key)
        if cached is not None:
            return cached
        parsed = load_project(git.read_tree(project.remote, ref))
        with self.lock:
            self._lookml_cache[key] = parsed
        return parsed

    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def calls_to(self, method: str, path_prefix: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method and c.path.startswith(path_prefix)]
