"""The fake's LookML engine on its own: parse problems with file and line, listings, compiled SQL."""

from __future__ import annotations

import pytest

from ml_connector_fakes.looker.lookml import CompileError, compile_query, explore_fields, load_project
from tests.looker.conftest import fixture_files


def test_the_fixture_project_has_no_problems() -> None:
    project = load_project(fixture_files())
    assert project.problems == []
    assert sorted(project.models["shop"].explores) == ["customers", "orders"]
    assert list(project.models["shop"].datagroups) == ["shop_sync"]
    assert project.constants == {"schema": "shop"}


def test_a_syntax_error_is_reported_with_its_line() -> None:
    files = fixture_files()
    files["views/customers.view.lkml"] = files["views/customers.view.lkml"].rstrip().removesuffix("}")
    problems = load_project(files).problems
    syntax = [p for p in problems if p.kind == "syntax"]
    assert len(syntax) == 1
    assert (syntax[0].file_path, syntax[0].severity) == ("views/customers.view.lkml", "error")
    assert syntax[0].line_number == 19


def test_invalid_types_and_missing_views() -> None:
    files = fixture_files()
    files["views/orders.view.lkml"] = files["views/orders.view.lkml"].replace("type: sum", "type: total")
    files["shop.model.lkml"] = files["shop.model.lkml"].replace("join: customers {", "join: clients {")
    problems = {(p.code, p.file_path, p.line_number) for p in load_project(files).problems}
    assert ("invalid_type", "views/orders.view.lkml", 36) in problems
    assert ("unknown_view", "shop.model.lkml", 13) in problems


def test_refinements_add_fields_and_fields_lists_narrow_joins() -> None:
    files = fixture_files()
    files["views/orders_custom.view.lkml"] = (
        "view: +orders {\n  dimension: is_big {\n    type: yesno\n    sql: ${amount_usd} > 1000 ;;\n  }\n}\n"
    )
    files["shop.model.lkml"] = files["shop.model.lkml"].replace(
        "    relationship: many_to_one\n", "    relationship: many_to_one\n    fields: [customers.name]\n"
    )
    project = load_project(files)
    assert project.problems == []
    model = project.models["shop"]
    names = [f.name for f in explore_fields(model, model.explores["orders"])]
    assert "orders.is_big" in names
    assert [n for n in names if n.startswith("customers.")] == ["customers.name"]
    sql = compile_query(project, model, model.explores["orders"], ["orders.is_big", "orders.count"], 10)
    assert sql == (
        "SELECT\n"
        "    CASE WHEN orders.amount > 1000 THEN 'Yes' ELSE 'No' END AS \"orders.is_big\",\n"
        '    COUNT(DISTINCT orders.id) AS "orders.count"\n'
        "FROM shop.orders AS orders\n"
        "GROUP BY 1\n"
        "LIMIT 10"
    )


def test_joins_are_pruned_to_what_the_fields_need() -> None:
    project = load_project(fixture_files())
    model = project.models["shop"]
    explore = model.explores["orders"]
    alone = compile_query(project, model, explore, ["orders.status"], 0)
    assert "JOIN" not in alone
    joined = compile_query(project, model, explore, ["customers.name", "orders.created_month"], 0)
    assert "LEFT JOIN shop.customers AS customers ON orders.customer_id = customers.id" in joined
    assert "CAST(DATE_TRUNC('month', orders.created_on) AS DATE)" in joined
    with pytest.raises(CompileError, match=r'Unknown or inaccessible field "orders\.nope"'):
        compile_query(project, model, explore, ["orders.nope"], 0)
