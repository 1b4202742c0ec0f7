"""The fake Looker's API, one area: lookML validation of a project, and content validation of saved Looks and
dashboards.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ml_connector_fakes.looker.api_base import (
    DOCUMENTATION_URL,
    ApiBase,
    ApiError,
)
from ml_connector_fakes.looker.lookml import explore_fields
from ml_connector_fakes.looker.state import (
    Project,
    Session,
)


class ValidationApi(ApiBase):
    """LookML validation of a project, and content validation of saved Looks and dashboards."""

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

    def content_problems(
        self, session: Session, model_name: str, explore_name: str, fields: list[str]
    ) -> list[dict[str, Any]]:
        """What content validation reports of one Look or tile: its model, explore or fields unknown."""
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

    def content_validation(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        started = time.perf_counter()
        results: list[dict[str, Any]] = []
        explores_seen: set[tuple[str, str]] = set()

        def problems(model_name: str, explore_name: str, fields: list[str]) -> list[dict[str, Any]]:
            explores_seen.add((model_name, explore_name))
            return self.content_problems(session, model_name, explore_name, fields)

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
