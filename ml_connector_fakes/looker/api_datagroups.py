"""The fake Looker's API, one area: datagroups: listed, read, and their trigger and stale-before times set."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from ml_connector_fakes.looker.api_base import (
    ApiBase,
    ApiError,
    invalid,
)
from ml_connector_fakes.looker.state import (
    Datagroup,
    Session,
)


class DatagroupApi(ApiBase):
    """Datagroups: listed, read, and their trigger and stale-before times set."""

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
                raise invalid(key, "must be a UNIX timestamp in whole seconds")
            if value > now:
                raise invalid(key, "cannot be in the future")
            updates[key] = value
        with self.looker.lock:
            for key, value in updates.items():
                setattr(datagroup, key, value)
        return self.datagroup_body(datagroup)
