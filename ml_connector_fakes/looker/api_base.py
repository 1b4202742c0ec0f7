"""The fake Looker's API plumbing: errors in Looker's shape, the route wrapper, shared lookups."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ml_connector_fakes.looker.lookml import (
    LModel,
    LProject,
)
from ml_connector_fakes.looker.state import (
    Call,
    FakeLooker,
    Project,
    Session,
)

API: Final = "/api/4.0"
DOCUMENTATION_URL: Final = "https://looker-fake.invalid/docs/api-4.0"


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


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "Validation Failed", [{"field": field, "code": "invalid", "message": message}])


def _clean(value: Any) -> Any:
    """Drop None members: the spec marks few members nullable, and Looker omits most empty ones."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


Handler = Callable[[FakeLooker, Request, Session | None, dict[str, Any]], Any]


class ApiBase:
    """What every API area shares: the state, the route wrapper (authentication, errors, the call log) and
    lookups of projects and models that answer 404 as Looker does. Each endpoint runs in a worker thread."""

    def __init__(self, looker: FakeLooker) -> None:
        self.looker = looker

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
