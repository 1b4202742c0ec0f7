"""The fake Looker's API, one area: projects, their git branches and deploys, the connections they query."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ml_connector_fakes.looker import git
from ml_connector_fakes.looker.api_base import (
    ApiBase,
    ApiError,
    invalid,
)
from ml_connector_fakes.looker.state import (
    DEV,
    PRODUCTION,
    Project,
    Session,
)
from ml_connector_fakes.looker.warehouse import QueryFailed


class ProjectApi(ApiBase):
    """Projects, their git branches and deploys, and the connections they query."""

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
            raise invalid("name", "is required")
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
                raise invalid("branch", f"{workspace.branch} has no remote branch")
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
            raise invalid("branch" if branch else "ref", "not found in the project's remote repository")
        with self.looker.lock:
            project.production_ref = target
        return Response(status_code=204)
