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

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ml_connector_fakes.looker.api_base import error_body
from ml_connector_fakes.looker.api_datagroups import DatagroupApi
from ml_connector_fakes.looker.api_models import ModelApi
from ml_connector_fakes.looker.api_projects import ProjectApi
from ml_connector_fakes.looker.api_session import SessionApi
from ml_connector_fakes.looker.api_validation import ValidationApi
from ml_connector_fakes.looker.state import FakeLooker


class _Api(SessionApi, ProjectApi, ValidationApi, ModelApi, DatagroupApi):
    """The endpoints the connector uses, one mixin per API area."""


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
