"""Validation end to end: the connector's client against the fake Looker over loopback HTTP."""

from __future__ import annotations

from loader.looker import deploy, read_generated_model, validate
from ml_connector_fakes.looker import Look
from tests.looker.conftest import BRANCH, MODEL, PROJECT, LookerWorld, git


def test_generated_lookml_validates_and_registers_the_model(world: LookerWorld) -> None:
    assert MODEL not in world.looker.models
    with world.client() as client:
        report = validate(client, world.settings())
    assert report.ok, report.lines()
    assert report.model_registered
    assert world.looker.models[MODEL].allowed_db_connection_names == ["warehouse"]
    assert [e.name for e in report.explores] == ["orders", "customers"]
    orders = report.explores[0]
    assert orders.missing_fields == ()
    assert orders.unexpected_fields == ()
    assert orders.sql is not None
    assert "LEFT JOIN shop.customers AS customers ON orders.customer_id = customers.id" in orders.sql
    assert orders.sql.rstrip().endswith("LIMIT 0")
    assert report.errors == []
    assert report.broken_content == []
    # Everything ran in the dev workspace on the connector's branch, pulled from the remote.
    queries = world.looker.calls_to("POST", "/queries/run/")
    assert len(queries) == 4
    assert {c.workspace for c in queries} == {"dev"}
    assert world.looker.calls_to("POST", f"/projects/{PROJECT}/reset_to_remote")[0].status == 204


def test_explore_field_listing_expands_dimension_groups(world: LookerWorld) -> None:
    generated = read_generated_model(world.repo.checkout, BRANCH, MODEL)
    orders = next(e for e in generated.explores if e.name == "orders")
    assert {"orders.created_raw", "orders.created_date", "orders.created_month", "orders.created_year"} <= (
        orders.fields
    )
    assert "customers.name" in orders.fields
    assert "orders.created_time" not in orders.fields
    assert generated.ref == git(world.repo.checkout, "rev-parse", BRANCH)


def test_dropping_a_field_used_by_a_look_is_caught_before_deploy(world: LookerWorld) -> None:
    view = world.repo.file("views/orders.view.lkml")
    start = view.index("  measure: total_amount_usd {")
    end = view.index("  measure: count {")
    world.repo.commit({"views/orders.view.lkml": view[:start] + view[end:]}, "drop total_amount_usd")
    production_before = world.looker.projects[PROJECT].production_ref
    with world.client() as client:
        report = validate(client, world.settings())
    assert not report.ok
    assert report.errors == []
    assert all(e.ok for e in report.explores)
    assert len(report.broken_content) == 1
    broken = report.broken_content[0]
    assert (broken.kind, broken.id, broken.title) == ("look", "1", "Revenue by month")
    assert broken.errors == ('Unknown field "orders.total_amount_usd".',)
    assert any("would break look 1 'Revenue by month'" in line for line in report.lines())
    assert world.looker.projects[PROJECT].production_ref == production_before


def test_content_already_broken_in_production_does_not_block(world: LookerWorld) -> None:
    world.looker.register_model(MODEL, PROJECT, ["warehouse"])
    world.looker.add_look(Look("9", "Old look", MODEL, "orders", ["orders.gone_long_ago"]))
    with world.client() as client:
        report = validate(client, world.settings())
    assert report.ok, report.lines()
    assert [c.id for c in report.already_broken] == ["9"]


def test_lookml_errors_fail_with_file_and_line(world: LookerWorld) -> None:
    view = world.repo.file("views/customers.view.lkml")
    view = view.replace("sql: ${TABLE}.name ;;", "sql: ${TABLE}.name || ${nickname} ;;")
    view = view.replace("  measure: count {\n", "  measure: count {\n    colour: blue\n")
    model = world.repo.file("shop.model.lkml").replace("    relationship: many_to_one\n", "")
    model += "\nexplore: invoices {}\n"
    world.repo.commit({"views/customers.view.lkml": view, "shop.model.lkml": model}, "broken")
    with world.client() as client:
        report = validate(client, world.settings())
    assert not report.ok
    messages = {(f.file, f.line, f.message) for f in report.errors}
    unknown = (
        'Unknown or inaccessible field "customers.nickname" referenced in "customers.name". '
        "Check for typos and missing joins."
    )
    assert ("views/customers.view.lkml", 13, unknown) in messages
    colour = 'Unknown or disallowed parameter "colour" in measure "customers.count"'
    assert ("views/customers.view.lkml", 17, colour) in messages
    assert ("shop.model.lkml", 20, 'Could not find a view named "invoices"') in messages
    assert [str(w) for w in report.warnings] == [
        'shop.model.lkml:13: warning: Join "customers" states no relationship; Looker assumes many_to_one'
    ]
    assert report.skipped is not None
    assert report.explores == []


def test_a_database_error_in_the_zero_row_query_fails_the_explore(world: LookerWorld) -> None:
    view = world.repo.file("views/orders.view.lkml").replace("${TABLE}.status", "${TABLE}.state")
    world.repo.commit({"views/orders.view.lkml": view}, "column renamed in LookML only")
    with world.client() as client:
        report = validate(client, world.settings())
    orders = next(e for e in report.explores if e.name == "orders")
    assert not report.ok
    assert report.errors == []
    assert orders.error is not None
    assert orders.error.startswith("the zero-row query failed: An error occurred")
    assert "state" in orders.error
    customers = next(e for e in report.explores if e.name == "customers")
    assert customers.ok


def test_field_diff_reports_what_looker_lacks(world: LookerWorld) -> None:
    generated = read_generated_model(world.repo.checkout, BRANCH, MODEL)
    explores = tuple(
        type(e)(e.name, e.fields | {"orders.margin_usd"}) if e.name == "orders" else e
        for e in generated.explores
    )
    tampered = type(generated)(generated.name, generated.ref, generated.connection, explores)
    with world.client() as client:
        report = validate(client, world.settings(), generated=tampered)
    orders = next(e for e in report.explores if e.name == "orders")
    assert orders.missing_fields == ("orders.margin_usd",)
    assert not report.ok


def test_an_unpushed_branch_is_refused(world: LookerWorld) -> None:
    local = world.repo.commit({"README.md": "local only\n"}, "not pushed", push=False)
    with world.client() as client:
        report = validate(client, world.settings())
    assert not report.ok
    assert local in report.errors[0].message
    assert "push the branch" in report.errors[0].message


def test_deploy_moves_production_to_the_branch(world: LookerWorld) -> None:
    view = world.repo.file("views/customers.view.lkml").replace(
        "  measure: count {",
        "  dimension: city {\n    type: string\n    sql: ${TABLE}.name ;;\n  }\n\n  measure: count {",
    )
    head = world.repo.commit({"views/customers.view.lkml": view}, "add city")
    with world.client() as client:
        report = validate(client, world.settings())
        assert report.ok
        result = deploy(client, PROJECT, BRANCH, report.ref)
    assert result.production_ref == head
    assert world.looker.projects[PROJECT].production_ref == head
