"""The fake Looker rejects what Looker rejects, over HTTP through the product's validation: two primary keys,
undefined constants, unknown value formats, unknown fields in filters, field lists and access filters, and
LookML dashboards naming what the model does not have. Measures of a joined view without a primary key do
not come through the join (D134)."""

from __future__ import annotations

import pytest

from loader.looker import LookerError, validate
from tests.looker.conftest import BRANCH, MODEL, PROJECT, LookerWorld

CUSTOMERS = "views/customers.view.lkml"
ORDERS = "views/orders.view.lkml"
SHOP = "shop.model.lkml"
DASHBOARD = "dashboards/sales.dashboard.lookml"

GOOD_DASHBOARD = """- dashboard: sales
  title: Sales
  filters:
  - name: status
    type: field_filter
    model: shop
    explore: orders
    field: orders.status
  elements:
  - name: by_month
    model: shop
    explore: orders
    type: looker_grid
    fields: [orders.created_month, orders.total_amount_usd, customers.name]
    sorts: [orders.created_month desc]
    listen:
      status: orders.status
"""


def _errors(world: LookerWorld, changes: dict[str, str]) -> set[tuple[str | None, int | None, str]]:
    world.repo.commit(changes, "change")
    with world.client() as client:
        report = validate(client, world.settings())
    return {(f.file, f.line, f.message) for f in report.errors}


def _with_dashboard(world: LookerWorld, dashboard: str) -> dict[str, str]:
    model = world.repo.file(SHOP).replace(
        'include: "/views/*.view.lkml"\n',
        'include: "/views/*.view.lkml"\ninclude: "/dashboards/*.dashboard"\n',
    )
    return {SHOP: model, DASHBOARD: dashboard}


def test_a_valid_dashboard_and_a_named_value_format_pass(world: LookerWorld) -> None:
    changes = _with_dashboard(world, GOOD_DASHBOARD)
    changes[SHOP] += '\nnamed_value_format: big_money {\n  value_format: "$#,##0,,\\"M\\""\n}\n'
    changes[ORDERS] = world.repo.file(ORDERS).replace(
        "value_format_name: usd", "value_format_name: big_money"
    )
    assert _errors(world, changes) == set()


def test_two_primary_keys_in_one_view(world: LookerWorld) -> None:
    view = world.repo.file(CUSTOMERS).replace(
        "    type: string\n    sql: ${TABLE}.name ;;",
        "    primary_key: yes\n    type: string\n    sql: ${TABLE}.name ;;",
    )
    message = 'View "customers" declares more than one primary key: id, name'
    assert _errors(world, {CUSTOMERS: view}) == {(CUSTOMERS, 11, message)}


def test_an_undefined_constant(world: LookerWorld) -> None:
    view = world.repo.file(CUSTOMERS).replace("@{schema}.customers", "@{shop_schema}.customers")
    message = 'Constant "shop_schema" is not defined in the manifest (manifest.lkml)'
    assert (CUSTOMERS, 2, message) in _errors(world, {CUSTOMERS: view})


def test_an_unknown_value_format_name(world: LookerWorld) -> None:
    view = world.repo.file(ORDERS).replace("value_format_name: usd", "value_format_name: dollars")
    message = 'Unknown value_format_name "dollars" in measure "orders.total_amount_usd"'
    assert _errors(world, {ORDERS: view}) == {(ORDERS, 38, message)}


def test_unknown_fields_in_filters_field_lists_and_access_filters(world: LookerWorld) -> None:
    view = world.repo.file(ORDERS).replace(
        "  measure: count {\n    type: count\n",
        '  measure: count {\n    type: count\n    filters: [idd: "NOT NULL"]\n',
    )
    model = (
        world.repo.file(SHOP)
        .replace(
            '  label: "Orders"\n',
            '  label: "Orders"\n  fields: [orders.status, orders.nope]\n'
            '  always_filter: {\n    filters: [orders.stat: "paid"]\n  }\n'
            "  access_filter: {\n    field: customers.region\n    user_attribute: region\n  }\n",
        )
        .replace(
            "    relationship: many_to_one\n", "    relationship: many_to_one\n    fields: [name, nickname]\n"
        )
    )
    found = {(file, message.split(" referenced in ")[0], message.split(" referenced in ")[1].split(".")[0])
             for file, _, message in _errors(world, {ORDERS: view, SHOP: model})}  # fmt: skip
    assert found == {
        (ORDERS, 'Unknown or inaccessible field "orders.idd"', 'the filters of "orders'),
        (SHOP, 'Unknown or inaccessible field "orders.nope"', 'the fields of explore "orders"'),
        (SHOP, 'Unknown or inaccessible field "orders.stat"', 'the always_filter of explore "orders"'),
        (SHOP, 'Unknown or inaccessible field "customers.region"', 'the access_filter of explore "orders"'),
        (SHOP, 'Unknown or inaccessible field "customers.nickname"', 'the fields of join "customers"'),
    }


def test_a_dashboard_naming_unknown_fields_explores_and_filters(world: LookerWorld) -> None:
    dashboard = (
        GOOD_DASHBOARD.replace("field: orders.status", "field: orders.state")
        .replace("customers.name]", "customers.nickname]")
        .replace("[orders.created_month desc]", "[orders.created_week desc]")
        .replace("listen:\n      status:", "listen:\n      region:")
    )
    dashboard += "  - name: elsewhere\n    model: shop\n    explore: invoices\n    fields: [invoices.total]\n"
    errors = _errors(world, _with_dashboard(world, dashboard))
    tile = 'Dashboard "sales" tile "by_month"'
    assert errors == {
        (DASHBOARD, 8, 'Dashboard "sales" filter "status": unknown field "orders.state"'),
        (DASHBOARD, 14, f'{tile}: unknown field "customers.nickname"'),
        (DASHBOARD, 15, f'{tile}: unknown field "orders.created_week"'),
        (DASHBOARD, 17, f'{tile} listens to filter "region", which the dashboard does not have'),
        (DASHBOARD, 20, 'Dashboard "sales" tile "elsewhere": unknown explore "invoices" in model "shop"'),
    }


def test_measures_of_a_joined_view_without_a_primary_key_do_not_come_through(world: LookerWorld) -> None:
    view = world.repo.file(CUSTOMERS).replace("    primary_key: yes\n", "")
    assert _errors(world, {CUSTOMERS: view}) == set()
    with world.client() as client:
        client.dev_mode()
        client.checkout_branch(PROJECT, BRANCH)
        orders = client.explore(MODEL, "orders")
        customers = client.explore(MODEL, "customers")
        assert orders is not None
        assert customers is not None
        offered = {f["name"] for f in orders["fields"]["measures"]}
        assert offered == {"orders.total_amount_usd", "orders.count"}  # customers.count is gone
        assert "customers.name" in {f["name"] for f in orders["fields"]["dimensions"]}
        assert {f["name"] for f in customers["fields"]["measures"]} == {"customers.count"}  # its own explore
        with pytest.raises(LookerError, match="has no primary key"):
            client.query_sql(MODEL, "orders", ["orders.status", "customers.count"])
