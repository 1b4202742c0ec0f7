"""The fake Looker's HTTP app: the API 4.0 endpoints the connector uses, answering as Looker does.

Behaviour kept from Looker: form-body login (query parameters also accepted, as Looker does); 404 for bad
credentials (deliberately vague); 401 ``{"message": "Requires authentication."}`` for a missing, unknown,
expired or logged-out token; ``Authorization: Bearer <t>`` or the older ``token <t>``; a new session starts
in the production workspace; the dev workspace has its own branch checkout that moves only on
``git_branch`` / ``reset_to_remote``; query errors come back as HTTP 200 with a ``looker_error`` row.
Error bodies carry a ``documentation_url`` that is not one of Looker's ``/r/err/`` links (the official SDK
fetches those).
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ml_connector_fakes.looker import git
from ml_connector_fakes.looker.lookml import (
    CompileError,
    LExplore,
    LModel,
    LProject,
    compile_query,
    explore_fields,
)
from ml_connector_fakes.looker.state import (
    ADMIN_PERMISSIONS,
    DEV,
    PRODUCTION,
    Call,
    Datagroup,
    FakeLooker,
    Project,
    Session,
)
from ml_connector_fakes.looker.warehouse import QueryFailed

API: Final = "/api/4.0"
DOCUMENTATION_URL: Final = "https://looker-fake.invalid/docs/api-4.0"
_MAX_QUERY_ROWS: Final = 5000


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def error_body(message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message, "documentation_url": DOCUMENTATION_URL}
    if errors is not None:
        body["errors"] = [{**e, "documentation_url": DOCUMENTATION_URL} for e in errors]
    return body


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "Validation Failed", [{"field": field, "code": "invalid", "message": message}])


def _clean(value: Any) -> Any:
    """Drop None members: the spec marks few members nullable, and Looker omits most empty ones."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


Handler = Callable[[FakeLooker, Request, Session | None, dict[str, Any]], Any]


class _Api:
    """The endpoints; each runs in a worker thread with the state lock as needed."""

    def __init__(self, looker: FakeLooker) -> None:
        self.looker = looker

    # --- plumbing ----------------------------------------------------------------------------------------

    def route(self, method: str, path: str, handler: Callable[..., Any], *, auth: bool = True) -> Route:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            session: Session | None = None
            status = 500
            response: Response
            try:
                if auth:
                    session = self.authenticate(request)
                result = await run_in_threadpool(handler, request, session, raw)
                response = result if isinstance(result, Response) else JSONResponse(_clean(result))
            except ApiError as exc:
                response = JSONResponse(error_body(exc.message, exc.errors), status_code=exc.status)
            status = response.status_code
            body: object = None
            if raw and request.headers.get("content-type", "").startswith("application/json"):
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
            self.looker.record(
                Call(
                    request.method,
                    request.url.path.removeprefix(API),
                    status,
                    session.serial if session else None,
                    session.workspace if session else None,
                    body,
                )
            )
            return response

        return Route(API + path, endpoint, methods=[method])

    def authenticate(self, request: Request) -> Session:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        session = None
        if scheme.lower() in {"bearer", "token"} and token.strip():
            session = self.looker.session_for(token.strip())
        if session is None:
            raise ApiError(401, "Requires authentication.")
        return session

    @staticmethod
    def json_body(raw: bytes) -> dict[str, Any]:
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise ApiError(400, "Looker could not parse the request body as JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object")
        return body

    def project(self, project_id: str) -> Project:
        project = self.looker.projects.get(project_id)
        if project is None:
            raise ApiError(404, "Not found")
        return project

    def session_lookml(self, session: Session, project: Project) -> LProject:
        return self.looker.lookml(project, self.looker.ref_for(session, project))

    def model(self, session: Session, name: str) -> tuple[Project, LProject, LModel]:
        registered = self.looker.models.get(name)
        if registered is None or registered.project_name not in self.looker.projects:
            raise ApiError(404, "Not found")
        project = self.looker.projects[registered.project_name]
        parsed = self.session_lookml(session, project)
        model = parsed.models.get(name)
        if model is None:
            raise ApiError(404, "Not found")
        return project, parsed, model

    # --- auth and session --------------------------------------------------------------------------------

    def login(self, request: Request, session: Session | None, raw: bytes) -> Any:
        form = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        client_id = form.get("client_id") or request.query_params.get("client_id") or ""
        client_secret = form.get("client_secret") or request.query_params.get("client_secret") or ""
        new = self.looker.login(client_id, client_secret)
        if new is None:
            raise ApiError(404, "Not found")
        return {"access_token": new.token, "token_type": "Bearer", "expires_in": self.looker.token_lifetime}

    def logout(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        with self.looker.lock:
            session.logged_out = True
        return Response(status_code=204)

    def get_session(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        return {"workspace_id": session.workspace, "can": {}}

    def patch_session(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        workspace = self.json_body(raw).get("workspace_id")
        if workspace not in {PRODUCTION, DEV}:
            raise _invalid("workspace_id", 'must be "production" or "dev"')
        with self.looker.lock:
            session.workspace = workspace
        return {"workspace_id": session.workspace, "can": {}}

    # --- projects and git --------------------------------------------------------------------------------

    def get_project(self, request: Request, session: Session | None, raw: bytes) -> Any:
        project = self.project(request.path_params["project_id"])
        return {
            "id": project.id,
            "name": project.id,
            "git_production_branch_name": project.production_branch,
            "deploy_secret": None,
            "pull_request_mode": "off",
            "validation_required": True,
            "uses_git": project.git_configured,
            "git_remote_url": project.remote.as_uri() if project.git_configured else None,
            "can": {},
        }

    # --- users, roles and connections (what `ml-connector check` reads) --------------------------------

    def get_me(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        user = session.user
        return {
            "id": user.id,
            "display_name": user.name,
            "role_ids": [user.id],
            "is_disabled": False,
            "can": {},
        }

    def get_user_roles(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        user = next((u for u in self.looker.users.values() if u.id == request.path_params["user_id"]), None)
        if user is None:
            raise ApiError(404, "Not found")
        admin = user.permissions is None
        permission_set = {
            "id": "1" if admin else f"{user.id}00",
            "name": "Admin" if admin else f"{user.name} permissions",
            "all_access": admin,
            "built_in": admin,
            "permissions": list(ADMIN_PERMISSIONS if user.permissions is None else user.permissions),
            "can": {},
        }
        return [
            {
                "id": user.id,
                "name": "Admin" if admin else f"{user.name} role",
                "permission_set": permission_set,
                "model_set": {
                    "id": "1",
                    "name": "All",
                    "all_access": True,
                    "built_in": True,
                    "models": [],
                    "can": {},
                },
                "can": {},
            }
        ]

    def connection_body(self, name: str) -> dict[str, Any]:
        warehouse = self.looker.connections.get(name)
        if warehouse is None:
            raise ApiError(404, "Not found")
        return {"name": warehouse.name, "dialect_name": warehouse.dialect, "can": {}}

    def get_connection(self, request: Request, session: Session | None, raw: bytes) -> Any:
        return self.connection_body(request.path_params["connection_name"])

    def test_connection(self, request: Request, session: Session | None, raw: bytes) -> Any:
        name = request.path_params["connection_name"]
        self.connection_body(name)
        warehouse = self.looker.connections[name]
        try:
            warehouse.run("select 1")
        except QueryFailed as exc:
            return [{"name": "connect", "status": "error", "message": f"Cannot connect: {exc}", "can": {}}]
        return [
            {"name": "connect", "status": "success", "message": "Can connect", "can": {}},
            {"name": "query", "status": "success", "message": "Can use persistent derived tables", "can": {}},
        ]

    def branch_body(self, session: Session, project: Project) -> dict[str, Any]:
        if session.workspace == DEV:
            workspace = self.looker.dev_workspace(session.user, project)
            name = workspace.branch
            ref = workspace.local_refs.get(name)
        else:
            name, ref = project.production_branch, project.production_ref
        remote_ref = git.branch_ref(project.remote, name)
        return {
            "name": name,
            "remote": "origin",
            "remote_name": name,
            "ref": ref,
            "remote_ref": remote_ref,
            "is_local": ref is not None,
            "is_remote": remote_ref is not None,
            "is_production": name == project.production_branch,
            "readonly": session.workspace == PRODUCTION,
            "personal": name.startswith("dev-"),
            "commit_at": git.commit_time(project.remote, ref) if ref else None,
            "can": {},
        }

    def get_git_branch(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        return self.branch_body(session, self.project(request.path_params["project_id"]))

    def put_git_branch(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        project = self.project(request.path_params["project_id"])
        name = self.json_body(raw).get("name")
        if not isinstance(name, str) or not name:
            raise _invalid("name", "is required")
        if session.workspace != DEV:
            raise ApiError(400, "Cannot change branches in production mode: switch the session to dev first")
        with self.looker.lock:
            workspace = self.looker.dev_workspace(session.user, project)
            if name not in workspace.local_refs:
                remote_ref = git.branch_ref(project.remote, name)
                if remote_ref is None:
                    raise ApiError(404, f"Branch {name} not found")
                workspace.local_refs[name] = remote_ref
            workspace.branch = name
        return self.branch_body(session, project)

    def reset_to_remote(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        project = self.project(request.path_params["project_id"])
        if session.workspace != DEV:
            raise ApiError(400, "reset_to_remote needs the dev workspace")
        with self.looker.lock:
            workspace = self.looker.dev_workspace(session.user, project)
            remote_ref = git.branch_ref(project.remote, workspace.branch)
            if remote_ref is None:
                raise _invalid("branch", f"{workspace.branch} has no remote branch")
            workspace.local_refs[workspace.branch] = remote_ref
        return Response(status_code=204)

    def deploy(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        project = self.project(request.path_params["project_id"])
        permissions = session.user.permissions
        if permissions is not None and "deploy" not in permissions:
            # "deploy permission required" (the spec's description); Looker refuses with 403.
            raise ApiError(403, "You do not have permission to deploy this project.")
        branch = request.query_params.get("branch")
        ref = request.query_params.get("ref")
        if (branch is None) == (ref is None):
            raise ApiError(400, "Give exactly one of branch or ref")
        if not project.advanced_deploy:
            raise ApiError(400, "deploy_ref_to_production needs the project in advanced deploy mode")
        target = git.branch_ref(project.remote, branch) if branch else ref
        if target is None or not git.commit_exists(project.remote, target):
            raise _invalid("branch" if branch else "ref", "not found in the project's remote repository")
        with self.looker.lock:
            project.production_ref = target
        return Response(status_code=204)

    # --- validation --------------------------------------------------------------------------------------

    def validation(self, session: Session, project: Project) -> dict[str, Any]:
        started = time.perf_counter()
        ref = self.looker.ref_for(session, project)
        parsed = self.looker.lookml(project, ref)
        errors: list[dict[str, Any]] = [
            {
                "code": p.code,
                "severity": p.severity,
                "kind": p.kind,
                "message": p.message,
                "sanitized_message": p.message,
                "field_name": p.field_name,
                "file_path": f"{project.id}/{p.file_path}",
                "line_number": p.line_number,
                "model_id": p.model_id,
                "explore": p.explore,
                "help_url": DOCUMENTATION_URL,
                "params": {},
            }
            for p in parsed.problems
        ]
        for name, model in sorted(parsed.models.items()):
            registered = self.looker.models.get(name)
            problem = None
            if registered is None or registered.project_name != project.id:
                problem = f'Model "{name}" is not configured: register it with POST /lookml_models'
            elif model.connection is not None:
                allowed = registered.unlimited_db_connections or model.connection in (
                    registered.allowed_db_connection_names
                )
                if model.connection not in self.looker.connections:
                    problem = f'Connection "{model.connection}" does not exist on this instance'
                elif not allowed:
                    problem = f'Model "{name}" is not allowed to use connection "{model.connection}"'
            if problem:
                errors.append(
                    {
                        "code": "model_configuration",
                        "severity": "error",
                        "kind": "model_configuration",
                        "message": problem,
                        "sanitized_message": problem,
                        "file_path": f"{project.id}/{model.file}",
                        "line_number": 1,
                        "model_id": name,
                        "help_url": DOCUMENTATION_URL,
                        "params": {},
                    }
                )
        body = {
            "errors": errors,
            "project_digest": ref or "",
            "models_not_validated": [],
            "computation_time": round(time.perf_counter() - started, 6),
        }
        with self.looker.lock:
            project.last_validation, project.last_validation_ref = body, ref
        return body

    def post_validate(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        return self.validation(session, self.project(request.path_params["project_id"]))

    def get_validate(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        project = self.project(request.path_params["project_id"])
        if project.last_validation is None:
            return Response(status_code=204)
        stale = project.last_validation_ref != self.looker.ref_for(session, project)
        return {**project.last_validation, "stale": stale}

    # --- models and explores -----------------------------------------------------------------------------

    def model_body(self, session: Session, name: str) -> dict[str, Any]:
        registered = self.looker.models[name]
        project = self.looker.projects.get(registered.project_name)
        model = self.session_lookml(session, project).models.get(name) if project else None
        explores = [
            {
                "name": e.name,
                "label": e.node.text("label") or e.name.replace("_", " ").title(),
                "description": e.node.text("description"),
                "hidden": e.node.text("hidden") == "yes",
                "group_label": e.node.text("group_label"),
            }
            for e in (model.explores.values() if model else [])
        ]
        return {
            "name": name,
            "project_name": registered.project_name,
            "allowed_db_connection_names": registered.allowed_db_connection_names,
            "unlimited_db_connections": registered.unlimited_db_connections,
            "has_content": model is not None,
            "label": (model.node.text("label") if model else None) or name.replace("_", " ").title(),
            "explores": explores,
            "can": {},
        }

    def list_models(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        return [self.model_body(session, name) for name in sorted(self.looker.models)]

    def get_model(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        name = request.path_params["model"]
        if name not in self.looker.models:
            raise ApiError(404, "Not found")
        return self.model_body(session, name)

    def create_model(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        body = self.json_body(raw)
        name, project = body.get("name"), body.get("project_name")
        connections = body.get("allowed_db_connection_names") or []
        if not isinstance(name, str) or not name:
            raise _invalid("name", "is required")
        if not isinstance(project, str) or project not in self.looker.projects:
            raise _invalid("project_name", "must name an existing project")
        if not isinstance(connections, list) or not all(isinstance(c, str) for c in connections):
            raise _invalid("allowed_db_connection_names", "must be a list of connection names")
        unknown = [c for c in connections if c not in self.looker.connections]
        if unknown:
            raise _invalid("allowed_db_connection_names", f"unknown connection {unknown[0]}")
        with self.looker.lock:
            if name in self.looker.models:
                raise ApiError(409, f"Model {name} already exists")
            self.looker.register_model(name, project, connections)
            self.looker.models[name].unlimited_db_connections = bool(body.get("unlimited_db_connections"))
        return self.model_body(session, name)

    def get_explore(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        project, _, model = self.model(session, request.path_params["model"])
        explore = model.explores.get(request.path_params["explore"])
        if explore is None:
            raise ApiError(404, "Not found")
        return self.explore_body(project, model, explore)

    def explore_body(self, project: Project, model: LModel, explore: LExplore) -> dict[str, Any]:
        warehouse = self.looker.connections.get(model.connection or "")
        dimensions: list[dict[str, Any]] = []
        measures: list[dict[str, Any]] = []
        for f in explore_fields(model, explore):
            lfield = f.lfield
            if lfield.kind == "dimension_group":
                kind = f"{'date' if lfield.type == 'time' else 'duration'}_{f.part}"
            else:
                kind = lfield.type
            short = f.name.rpartition(".")[2].replace("_", " ").title()
            view_label = f.alias.replace("_", " ").title()
            body = {
                "name": f.name,
                "label": f"{view_label} {short}",
                "label_short": lfield.node.text("label") or short,
                "type": kind,
                "category": "measure" if f.is_measure else "dimension",
                "measure": f.is_measure,
                "view": f.alias,
                "original_view": lfield.view,
                "view_label": view_label,
                "dimension_group": lfield.name if lfield.kind == "dimension_group" else None,
                "hidden": lfield.hidden,
                "primary_key": lfield.primary_key,
                "is_numeric": kind in {"number", "sum", "count", "count_distinct", "average", "min", "max"},
                "is_timeframe": lfield.kind == "dimension_group",
                "sql": lfield.sql,
                "project_name": project.id,
                "source_file": lfield.file,
                "source_file_path": f"{project.id}/{lfield.file}",
                "scope": f.alias,
                "can_filter": True,
                "sortable": True,
                "suggestable": not f.is_measure,
                "description": lfield.node.text("description"),
                "value_format_name": lfield.node.text("value_format_name"),
            }
            (measures if f.is_measure else dimensions).append(body)
        base = model.views.get(explore.view)
        return {
            "id": f"{model.name}::{explore.name}",
            "name": explore.name,
            "label": explore.node.text("label") or explore.name.replace("_", " ").title(),
            "title": explore.node.text("label") or explore.name.replace("_", " ").title(),
            "model_name": model.name,
            "project_name": project.id,
            "view_name": explore.view,
            "connection_name": model.connection,
            "dialect_name": warehouse.dialect if warehouse else None,
            "sql_table_name": base.table_sql if base else None,
            "source_file": explore.file,
            "hidden": explore.node.text("hidden") == "yes",
            "files": model.files,
            "errors": [],
            "fields": {"dimensions": dimensions, "measures": measures, "filters": [], "parameters": []},
            "joins": [
                {
                    "name": j.name,
                    "from": j.view if j.view != j.name else None,
                    "sql_on": j.sql_on,
                    "relationship": j.node.text("relationship") or "many_to_one",
                    "type": j.node.text("type") or "left_outer",
                    "outer_only": False,
                    "dependent_fields": [],
                    "required_joins": [],
                }
                for j in explore.joins
            ],
        }

    # --- queries -----------------------------------------------------------------------------------------

    def run_query(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        result_format = request.path_params["result_format"]
        if result_format not in {"sql", "json"}:
            raise ApiError(400, f"The fake Looker runs sql and json queries, not {result_format}")
        body = self.json_body(raw)
        model_name, view = body.get("model"), body.get("view")
        fields = body.get("fields") or []
        if not isinstance(model_name, str) or not isinstance(view, str):
            raise _invalid("model", "model and view are required")
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise _invalid("fields", "must be a list of field names")
        limit = self._limit(request.query_params.get("limit") or body.get("limit"))
        _, parsed, model = self.model(session, model_name)
        explore = model.explores.get(view)
        if explore is None:
            raise ApiError(404, "Not found")
        try:
            sql = compile_query(parsed, model, explore, fields, limit)
        except CompileError as exc:
            if result_format == "sql":
                raise _invalid("fields", str(exc)) from None
            return JSONResponse([{"looker_error": f"Error compiling the query: {exc}"}])
        if result_format == "sql":
            return PlainTextResponse(sql)
        warehouse = self.looker.connections.get(model.connection or "")
        if warehouse is None:
            return JSONResponse([{"looker_error": f'Connection "{model.connection}" not found'}])
        try:
            names, rows = warehouse.run(sql)
        except QueryFailed as exc:
            return JSONResponse([{"looker_error": f"An error occurred while running the query: {exc}"}])
        return JSONResponse([{n: _json_value(v) for n, v in zip(names, row, strict=True)} for row in rows])

    @staticmethod
    def _limit(value: object) -> int:
        if value is None:
            return 500
        try:
            limit = int(str(value))
        except ValueError:
            raise _invalid("limit", "must be a whole number") from None
        return _MAX_QUERY_ROWS if limit < 0 else min(limit, _MAX_QUERY_ROWS)

    # --- datagroups --------------------------------------------------------------------------------------

    def refresh_datagroups(self) -> list[Datagroup]:
        """The datagroups of every registered model's production LookML (Looker tracks production only)."""
        now = int(self.looker.clock())
        for registered in list(self.looker.models.values()):
            project = self.looker.projects.get(registered.project_name)
            if project is None:
                continue
            model = self.looker.lookml(project, project.production_ref).models.get(registered.name)
            for name in model.datagroups if model else {}:
                key = (registered.name, name)
                with self.looker.lock:
                    if key not in self.looker.datagroups:
                        new_id = str(len(self.looker.datagroups) + 1)
                        self.looker.datagroups[key] = Datagroup(new_id, registered.name, name, now)
        return list(self.looker.datagroups.values())

    @staticmethod
    def datagroup_body(datagroup: Datagroup) -> dict[str, Any]:
        return {
            "id": datagroup.id,
            "model_name": datagroup.model_name,
            "name": datagroup.name,
            "created_at": datagroup.created_at,
            "stale_before": datagroup.stale_before,
            "triggered_at": datagroup.triggered_at,
            "can": {},
        }

    def list_datagroups(self, request: Request, session: Session | None, raw: bytes) -> Any:
        return [self.datagroup_body(d) for d in self.refresh_datagroups()]

    def find_datagroup(self, datagroup_id: str) -> Datagroup:
        found = next((d for d in self.refresh_datagroups() if d.id == datagroup_id), None)
        if found is None:
            raise ApiError(404, "Not found")
        return found

    def get_datagroup(self, request: Request, session: Session | None, raw: bytes) -> Any:
        return self.datagroup_body(self.find_datagroup(request.path_params["datagroup_id"]))

    def patch_datagroup(self, request: Request, session: Session | None, raw: bytes) -> Any:
        datagroup = self.find_datagroup(request.path_params["datagroup_id"])
        body = self.json_body(raw)
        now = self.looker.clock()
        updates: dict[str, int] = {}
        for key in ("stale_before", "triggered_at"):
            if key not in body or body[key] is None:
                continue
            value = body[key]
            if isinstance(value, bool) or not isinstance(value, int):
                raise _invalid(key, "must be a UNIX timestamp in whole seconds")
            if value > now:
                raise _invalid(key, "cannot be in the future")
            updates[key] = value
        with self.looker.lock:
            for key, value in updates.items():
                setattr(datagroup, key, value)
        return self.datagroup_body(datagroup)

    # --- content validation ------------------------------------------------------------------------------

    def content_validation(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        started = time.perf_counter()
        results: list[dict[str, Any]] = []
        explores_seen: set[tuple[str, str]] = set()

        def problems(model_name: str, explore_name: str, fields: list[str]) -> list[dict[str, Any]]:
            explores_seen.add((model_name, explore_name))
            base = {"model_name": model_name, "explore_name": explore_name}
            try:
                _, _, model = self.model(session, model_name)
            except ApiError:
                return [{**base, "message": f'Unknown model "{model_name}"', "removable": False}]
            explore = model.explores.get(explore_name)
            if explore is None:
                return [{**base, "message": f'Unknown explore "{explore_name}"', "removable": False}]
            known = {f.name for f in explore_fields(model, explore)}
            return [
                {**base, "message": f'Unknown field "{name}".', "field_name": name, "removable": True}
                for name in fields
                if name not in known
            ]

        looks = sorted(self.looker.looks.values(), key=lambda x: x.id)
        for look in looks:
            errors = problems(look.model, look.explore, look.fields)
            if errors:
                results.append(
                    {
                        "id": f"look-{look.id}",
                        "look": {
                            "id": look.id,
                            "title": look.title,
                            "short_url": f"/looks/{look.id}",
                            "folder": {"id": look.folder.lower(), "name": look.folder},
                        },
                        "errors": errors,
                    }
                )
        elements = 0
        for dashboard in sorted(self.looker.dashboards.values(), key=lambda x: x.id):
            for element in dashboard.elements:
                elements += 1
                errors = problems(element.model, element.explore, element.fields)
                if errors:
                    results.append(
                        {
                            "id": f"dashboard-element-{element.id}",
                            "dashboard": {
                                "id": dashboard.id,
                                "title": dashboard.title,
                                "url": f"/dashboards/{dashboard.id}",
                                "folder": {"id": dashboard.folder.lower(), "name": dashboard.folder},
                            },
                            "dashboard_element": {"id": element.id, "title": element.title},
                            "errors": errors,
                        }
                    )
        return {
            "content_with_errors": results,
            "computation_time": round(time.perf_counter() - started, 6),
            "total_looks_validated": len(looks),
            "total_dashboard_elements_validated": elements,
            "total_dashboard_filters_validated": 0,
            "total_scheduled_plans_validated": 0,
            "total_alerts_validated": 0,
            "total_explores_validated": len(explores_seen),
        }


def create_app(looker: FakeLooker) -> Starlette:
    api = _Api(looker)
    r = api.route
    routes = [
        r("POST", "/login", api.login, auth=False),
        r("DELETE", "/logout", api.logout),
        r("GET", "/session", api.get_session),
        r("PATCH", "/session", api.patch_session),
        r("GET", "/user", api.get_me),
        r("GET", "/users/{user_id}/roles", api.get_user_roles),
        r("GET", "/connections/{connection_name}", api.get_connection),
        r("PUT", "/connections/{connection_name}/test", api.test_connection),
        r("GET", "/projects/{project_id}", api.get_project),
        r("GET", "/projects/{project_id}/git_branch", api.get_git_branch),
        r("PUT", "/projects/{project_id}/git_branch", api.put_git_branch),
        r("POST", "/projects/{project_id}/reset_to_remote", api.reset_to_remote),
        r("POST", "/projects/{project_id}/deploy_ref_to_production", api.deploy),
        r("POST", "/projects/{project_id}/validate", api.post_validate),
        r("GET", "/projects/{project_id}/validate", api.get_validate),
        r("GET", "/lookml_models", api.list_models),
        r("POST", "/lookml_models", api.create_model),
        r("GET", "/lookml_models/{model}", api.get_model),
        r("GET", "/lookml_models/{model}/explores/{explore}", api.get_explore),
        r("POST", "/queries/run/{result_format}", api.run_query),
        r("GET", "/datagroups", api.list_datagroups),
        r("GET", "/datagroups/{datagroup_id}", api.get_datagroup),
        r("PATCH", "/datagroups/{datagroup_id}", api.patch_datagroup),
        r("GET", "/content_validation", api.content_validation),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return JSONResponse(error_body("Not found"), status_code=404)

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
    app.state.looker = looker
    return app


AsyncEndpoint = Callable[[Request], Awaitable[Response]]
