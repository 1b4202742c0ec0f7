"""The fake Looker's API, one area: login, logout, the session's workspace, and who the session's user is
(``check`` reads its roles).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from ml_connector_fakes.looker.api_base import (
    ApiBase,
    ApiError,
    invalid,
)
from ml_connector_fakes.looker.state import (
    ADMIN_PERMISSIONS,
    DEV,
    PRODUCTION,
    Session,
)


class SessionApi(ApiBase):
    """Login, logout, the session's workspace, and who the session's user is (``check`` reads its roles)."""

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
            raise invalid("workspace_id", 'must be "production" or "dev"')
        with self.looker.lock:
            session.workspace = workspace
        return {"workspace_id": session.workspace, "can": {}}

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
