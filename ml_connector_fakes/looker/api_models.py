"""The fake Looker's API, one area: lookML models, their explores and fields, and queries run against the
warehouse.
"""

from __future__ import annotations

from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse

from ml_connector_fakes.looker.api_base import (
    ApiBase,
    ApiError,
    invalid,
    json_value,
)
from ml_connector_fakes.looker.lookml import (
    CompileError,
    ExploreField,
    LExplore,
    LModel,
    compile_query,
    explore_fields,
)
from ml_connector_fakes.looker.state import (
    Project,
    Session,
)
from ml_connector_fakes.looker.warehouse import QueryFailed

_MAX_QUERY_ROWS: Final = 5000


class ModelApi(ApiBase):
    """LookML models, their explores and fields, and queries run against the warehouse."""

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
            raise invalid("name", "is required")
        if not isinstance(project, str) or project not in self.looker.projects:
            raise invalid("project_name", "must name an existing project")
        if not isinstance(connections, list) or not all(isinstance(c, str) for c in connections):
            raise invalid("allowed_db_connection_names", "must be a list of connection names")
        unknown = [c for c in connections if c not in self.looker.connections]
        if unknown:
            raise invalid("allowed_db_connection_names", f"unknown connection {unknown[0]}")
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
            body = _field_body(project, f)
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

    def run_query(self, request: Request, session: Session | None, raw: bytes) -> Any:
        assert session is not None
        result_format = request.path_params["result_format"]
        if result_format not in {"sql", "json"}:
            raise ApiError(400, f"The fake Looker runs sql and json queries, not {result_format}")
        body = self.json_body(raw)
        model_name, view = body.get("model"), body.get("view")
        fields = body.get("fields") or []
        if not isinstance(model_name, str) or not isinstance(view, str):
            raise invalid("model", "model and view are required")
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise invalid("fields", "must be a list of field names")
        limit = self._limit(request.query_params.get("limit") or body.get("limit"))
        _, parsed, model = self.model(session, model_name)
        explore = model.explores.get(view)
        if explore is None:
            raise ApiError(404, "Not found")
        try:
            sql = compile_query(parsed, model, explore, fields, limit)
        except CompileError as exc:
            if result_format == "sql":
                raise invalid("fields", str(exc)) from None
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
        return JSONResponse([{n: json_value(v) for n, v in zip(names, row, strict=True)} for row in rows])

    @staticmethod
    def _limit(value: object) -> int:
        if value is None:
            return 500
        try:
            limit = int(str(value))
        except ValueError:
            raise invalid("limit", "must be a whole number") from None
        return _MAX_QUERY_ROWS if limit < 0 else min(limit, _MAX_QUERY_ROWS)


def _field_body(project: Project, f: ExploreField) -> dict[str, Any]:
    """One explore field as the explore's ``fields`` list shows it."""
    lfield = f.lfield
    if lfield.kind == "dimension_group":
        kind = f"{'date' if lfield.type == 'time' else 'duration'}_{f.part}"
    else:
        kind = lfield.type
    short = f.name.rpartition(".")[2].replace("_", " ").title()
    view_label = f.alias.replace("_", " ").title()
    return {
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
