"""The built-in LAMS lint: the generated project is clean; each rule fires on a project that breaks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lkml

from lookml.generate import generate_lookml
from lookml.lint import lint_lookml


def test_generated_project_has_no_lint_errors_or_warnings(fixture_build: Any, tmp_path: Path) -> None:
    generate_lookml(fixture_build.manifest, tmp_path)
    assert [str(f) for f in lint_lookml(tmp_path)] == []


def test_each_rule_fires_where_it_is_broken(tmp_path: Path) -> None:
    view = {
        "views": [
            {
                "name": "orders",
                "sql_table_name": "s.orders",
                "dimensions": [
                    {"name": "status", "type": "string", "sql": "${TABLE}.status", "description": "d"},
                    {"name": "id", "primary_key": "yes", "type": "string", "sql": "${TABLE}.id"},
                    {"name": "user_name", "type": "string", "sql": "${users.name}", "description": "d"},
                ],
            },
            {"name": "no_key", "sql_table_name": "s.no_key",
             "dimensions": [{"name": "x", "type": "string", "hidden": "yes"}]},
            {
                "name": "lines",
                "sql_table_name": "s.lines",
                "dimensions": [
                    {"name": "pk", "primary_key": "yes", "hidden": "yes", "type": "string",
                     "sql": "${TABLE}.order_id || ${TABLE}.line_no"},
                    {"name": "order_id", "type": "string", "sql": "${TABLE}.order_id", "description": "d"},
                ],
            },
        ]
    }  # fmt: skip
    (tmp_path / "v.view.lkml").write_text(lkml.dump(view) + "\n")
    model = {
        "connection": "c",
        "explores": [
            {
                "name": "orders",
                "joins": [
                    {"name": "no_key", "relationship": "many_to_one", "sql_on": "orders.id = no_key.x"},
                    {
                        "name": "lines",
                        "relationship": "many_to_one",
                        "sql_on": "${orders.id} = ${lines.order_id}",
                    },
                ],
            }
        ],
    }
    (tmp_path / "m.model.lkml").write_text(lkml.dump(model) + "\n")
    (tmp_path / "bad_indent.view.lkml").write_text("view: z {\n   sql_table_name: s.z ;;\n}\n")
    rules = {(f.rule, f.file, f.message.split(":")[0]) for f in lint_lookml(tmp_path)}
    assert ("K1", "v.view.lkml", "view no_key has 0 primary keys, not 1") in rules
    assert ("K3", "v.view.lkml", "primary key orders.id is not the first field") in rules
    assert ("K4", "v.view.lkml", "primary key orders.id is not hidden") in rules
    assert ("F1", "v.view.lkml", "orders.user_name references another view") in rules
    assert ("F4", "v.view.lkml", "orders.id has no description") in rules
    assert ("E1", "m.model.lkml", "explore orders join no_key") in rules
    assert ("E2", "m.model.lkml", "explore orders join lines") in rules
    assert ("T1", "m.model.lkml", "model m defines no datagroup") in rules
    assert ("W1", "bad_indent.view.lkml", "indentation is not a multiple of two spaces") in rules
    e2 = next(f for f in lint_lookml(tmp_path) if f.rule == "E2")
    assert "missing line_no" in e2.message
