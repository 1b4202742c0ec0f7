"""The pipeline against the sandbox over HTTP, into real DuckDB and PostgreSQL."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import pytest
from dlt.pipeline.pipeline import Pipeline

from loader.extract.pipelines import make_pipeline
from loader.extract.results import SyncResult
from loader.extract.run import sync_organizations
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.zoho.server import SandboxServer
from tests.loader.pipeline.conftest import (
    EU_ORG,
    LEDGER_ROUTE,
    ORGS,
    TABLES,
    US_ORG,
    ClientsFactory,
    duckdb_pipeline,
    expected_counts,
    expected_money,
    query,
)

MONEY = {  # sandbox entity -> money field whose per-org sum must match exactly
    "invoices": "total",
    "creditnotes": "total",
    "customerpayments": "amount",
    "bills": "total",
    "vendorcredits": "total",
    "vendorpayments": "amount",
    "purchaseorders": "total",
    "expenses": "total",
    "journals": "total",
    "creditnoterefunds": "amount",
    "vendorcreditrefunds": "amount",
    "salesreceipts": "total",
    "retainerinvoices": "total",
    "debitnotes": "total",
}


def live_counts(pipeline: Pipeline) -> dict[tuple[str, str], int]:
    tables = [*TABLES.values(), "account_transactions", "exchange_rates"]
    out = {(table, org): 0 for table in tables for org in ORGS}  # an organization without any: none loaded
    for table in tables:
        for org, count in query(
            pipeline,
            f"select _zoho_organization_id, count(*) from {{ds}}.{table} where not _is_deleted group by 1",
        ):
            out[(table, str(org))] = int(count)
    return out


def assert_matches_sandbox(pipeline: Pipeline, dataset: Dataset) -> None:
    assert live_counts(pipeline) == expected_counts(dataset)
    for entity, field in MONEY.items():
        table = TABLES[entity]
        for org in ORGS:
            (total,) = query(
                pipeline,
                f"select coalesce(sum({field}), 0) from {{ds}}.{table} "
                "where _zoho_organization_id = %s and not _is_deleted",
                org,
            )[0]
            assert Decimal(total) == expected_money(dataset, org, entity, field), (table, org)
    for org in ORGS:
        lines = sum(len(r["line_items"]) for r in dataset.orgs[org].records["invoices"].values())
        (loaded,) = query(
            pipeline,
            "select count(*) from {ds}.invoices__line_items l "
            "join {ds}.invoices i on l._dlt_parent_id = i._dlt_id "
            "where i._zoho_organization_id = %s and not i._is_deleted",
            org,
        )[0]
        assert loaded == lines
        debit = sum((r["debit_amount"] for r in dataset.orgs[org].account_transactions), Decimal(0))
        (stored,) = query(
            pipeline,
            "select sum(debit_amount) from {ds}.account_transactions where _zoho_organization_id = %s "
            "and not _is_deleted",
            org,
        )[0]
        assert Decimal(stored) == debit


def column_types(pipeline: Pipeline) -> dict[tuple[str, str], str]:
    with pipeline.sql_client() as client:
        schema = client.dataset_name
        rows = client.execute_sql(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = %s",
            schema,
        )
    return {(str(t), str(c)): str(d).lower() for t, c, d in rows or []}


def full_sync_checks(
    pipeline: Pipeline, dataset: Dataset, make_clients: ClientsFactory, **options: Any
) -> SyncResult:
    result = sync_organizations(make_clients(), pipeline, **options)
    assert result.complete
    assert_matches_sandbox(pipeline, dataset)
    types = column_types(pipeline)
    assert not [c for (_, c) in types if "__v_" in c]  # no variant columns, ever
    assert types[("invoices", "total")].startswith(("decimal", "numeric"))
    assert types[("invoices__line_items", "quantity")].startswith(("decimal", "numeric"))
    assert types[("journals__line_items", "bcy_amount")].startswith(("decimal", "numeric"))
    assert types[("invoices", "date")] == "date"
    assert "timestamp with time zone" in types[("invoices", "last_modified_time")] or types[
        ("invoices", "last_modified_time")
    ].startswith("timestamp")
    assert ("invoices", "cf_legacy_region") in types  # schema drift: a new Zoho field is a new column
    assert ("journals__line_items__tags", "tag_option_name") in types
    # Audit columns on every parent row.
    (bad,) = query(
        pipeline,
        "select count(*) from {ds}.invoices where _zoho_source_id <> invoice_id or _synced_at is null "
        "or _is_deleted or _deleted_at is not null",
    )[0]
    assert bad == 0
    (currencies,) = query(pipeline, "select count(*) from {ds}.currencies")[0]
    assert currencies == sum(len(dataset.orgs[o].records["currencies"]) for o in ORGS)
    return result


CUSTOMER_REFUNDS_ROUTE = "/customerpayments/{customer_payment_id}/refunds"
VENDOR_REFUNDS_ROUTE = "/vendorpayments/{payment_id}/refunds"


def assert_payment_refunds_loaded(pipeline: Pipeline, dataset: Dataset, calls: dict[str, Any]) -> None:
    """D135: a first sync reads one refunds list per refunded customer payment and one detail per refund
    (customer and vendor), nothing under any other payment; the refunds are the payments' nested rows with
    their bank account, amounts and audit columns."""
    customer: list[tuple[str, str, str, Decimal, Decimal]] = []
    vendor: list[tuple[str, str, str, Decimal, Decimal]] = []
    for org in ORGS:
        books = dataset.orgs[org]
        refunds = list(books.records["customerpaymentrefunds"].values())
        vendor_refunds = list(books.records["vendorpaymentrefunds"].values())
        routes = calls[org]
        assert routes[CUSTOMER_REFUNDS_ROUTE] == len({r["payment_id"] for r in refunds}) > 0
        assert routes[f"{CUSTOMER_REFUNDS_ROUTE}/{{refund_id}}"] == len(refunds)
        assert routes[f"{VENDOR_REFUNDS_ROUTE}/{{vendorpayment_refund_id}}"] == len(vendor_refunds) > 0
        assert VENDOR_REFUNDS_ROUTE not in routes  # the vendor payment's detail lists them
        customer += [
            (org, r["payment_refund_id"], r["from_account_id"], r["amount"], r["amount_bcy"]) for r in refunds
        ]
        vendor += [
            (org, r["vendorpayment_refund_id"], r["to_account_id"], r["amount"], r["amount_bcy"])
            for r in vendor_refunds
        ]
    for table, account, expected in (
        ("customer_payments__payment_refunds", "from_account_id", customer),
        ("vendor_payments__vendorpayment_refunds", "to_account_id", vendor),
    ):
        stored = query(
            pipeline,
            f"select _zoho_organization_id, _zoho_source_id, {account}, amount, amount_bcy"
            f" from {{ds}}.{table} where _synced_at is not null order by 1, 2",
        )
        assert [(o, i, a, Decimal(x), Decimal(b)) for o, i, a, x, b in stored] == sorted(expected)


def test_full_sync_then_nothing_new_on_duckdb(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    sandbox.reset_stats()
    full_sync_checks(pipeline, dataset, make_clients)
    assert_payment_refunds_loaded(pipeline, dataset, sandbox.stats()["calls"])
    snapshot = query(pipeline, "select invoice_id, total, _dlt_load_id from {ds}.invoices order by 1")

    sandbox.reset_stats()
    again = sync_organizations(make_clients(), pipeline)
    assert again.complete
    calls = sandbox.stats()["calls"]
    for org in ORGS:
        routes = calls[org]
        # One page per list, one per foreign currency's rates, one page of Zoho's ledger per account in
        # its window (D61), and nothing else: no detail call (journals too: their list rows match the
        # stored versions).
        assert routes.pop("/settings/currencies/{currency_id}/exchangerates") == len(
            dataset.orgs[org].exchange_rates
        )
        assert routes.pop(LEDGER_ROUTE) == len(dataset.orgs[org].records["chartofaccounts"])
        # The invoices list is read twice: the invoices, then the customer debit notes (filter_by, D95).
        assert routes.pop("/invoices") == 2
        assert set(routes.values()) == {1}, {r: n for r, n in routes.items() if n != 1}
        assert not any("{" in route for route in routes)
    assert sorted(r["params"].get("filter_by", "") for r in sandbox.requests("/invoices")) == [
        "",
        "",
        "Type.DebitNote",
        "Type.DebitNote",
    ]
    assert {tuple(sorted(r["params"])) for r in sandbox.requests(LEDGER_ROUTE)} == {
        ("account_id", "date.end", "date.start", "organization_id", "page", "per_page")
    }
    assert query(pipeline, "select invoice_id, total, _dlt_load_id from {ds}.invoices order by 1") == snapshot
    assert_matches_sandbox(pipeline, dataset)
    (snapshots,) = query(pipeline, "select count(distinct _synced_at) from {ds}.currencies")[0]
    assert snapshots == 2  # rates as of each sync are kept


def test_a_deleted_payment_refund_goes_with_its_payments_next_read(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    """D135: refunds are the payment's nested rows. A refund deleted in Zoho modifies its payment; the next
    incremental sync reads that payment's detail again, and the stored refunds are replaced with what it shows
    now (none: no refunds call at all). The refunds of the other payments stay."""
    us_only = [client for client in make_clients() if client.organization_id == US_ORG]
    pipeline = duckdb_pipeline(tmp_path)
    entities = {"customer_payments"}
    assert sync_organizations(us_only, pipeline, entities=entities).complete
    table = "{ds}.customer_payments__payment_refunds"
    before = {row[0] for row in query(pipeline, f"select payment_refund_id from {table}")}
    books = dataset.orgs[US_ORG]
    refunds = books.records["customerpaymentrefunds"]
    assert before == set(refunds)
    refund_id, refund = next(iter(refunds.items()))
    payment = books.records["customerpayments"][refund["payment_id"]]
    kept = dict(payment)
    with dataset.lock:
        del refunds[refund_id]
        payment["amount_refunded"] -= refund["amount"]
        payment["bcy_refunded_amount"] -= refund["amount_bcy"]
        payment["unused_amount"] += refund["amount"]
        payment["last_modified_time"] = "2027-01-04T09:00:00-0800"
    try:
        sandbox.reset_stats()
        assert sync_organizations(us_only, pipeline, entities=entities).complete
        routes = sandbox.stats()["calls"][US_ORG]
        assert routes["/customerpayments/{payment_id}"] == 1
        assert CUSTOMER_REFUNDS_ROUTE not in routes
        after = {row[0] for row in query(pipeline, f"select payment_refund_id from {table}")}
        assert after == before - {refund_id}
    finally:
        with dataset.lock:
            refunds[refund_id] = refund
            payment.clear()
            payment.update(kept)


@pytest.mark.postgres
def test_full_sync_on_postgres(
    postgres_pipeline: Pipeline, dataset: Dataset, make_clients: ClientsFactory
) -> None:
    full_sync_checks(postgres_pipeline, dataset, make_clients)
    again = sync_organizations(make_clients(), postgres_pipeline)
    assert again.complete
    assert sum(o.entities["invoices"].rows for o in again.organizations) == 0
    assert_matches_sandbox(postgres_pipeline, dataset)


def test_a_new_machine_resumes_from_the_state_in_the_warehouse(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    first = make_pipeline(dlt.destinations.duckdb(str(tmp_path / "db.duckdb")), tmp_path / "machine-a")
    assert sync_organizations(make_clients(), first).complete
    # Another machine: the same warehouse, no local dlt state at all.
    other = make_pipeline(dlt.destinations.duckdb(str(tmp_path / "db.duckdb")), tmp_path / "machine-b")
    sandbox.reset_stats()
    again = sync_organizations(make_clients(), other)
    assert again.complete
    assert sum(o.entities["invoices"].rows for o in again.organizations) == 0
    calls = sandbox.stats()["calls"]
    for org in ORGS:
        assert "/invoices/{invoice_id}" not in calls[org]  # the watermarks came back: no detail re-read
    # The ledger's state came back too: only its window is read.
    assert all("date.start" in r["params"] for r in sandbox.requests(LEDGER_ROUTE))
    assert_matches_sandbox(other, dataset)


def test_two_normalize_processes_load_exactly_what_one_does(
    tmp_path: Path, dataset: Dataset, make_clients: ClientsFactory
) -> None:
    # The test data set is small, so the sync normalizes in-process; from one record on, a phase gets
    # dlt's second process, which splits the package's files between them.
    one = duckdb_pipeline(tmp_path, "one")
    single = full_sync_checks(one, dataset, make_clients)
    assert single.normalize_workers == [1, 1, 1]
    two = duckdb_pipeline(tmp_path, "two")
    parallel = full_sync_checks(two, dataset, make_clients, parallel_normalize_from=1)
    assert parallel.normalize_workers[:2] == [min(2, os.cpu_count() or 1)] * 2  # documents, ledger
    assert column_types(two) == column_types(one)
    lines = (
        "select i._zoho_organization_id, i.invoice_id, l.line_item_id, l.quantity, l.item_total "
        "from {ds}.invoices__line_items l join {ds}.invoices i on l._dlt_parent_id = i._dlt_id "
        "order by 1, 2, 3"
    )
    assert query(two, lines) == query(one, lines)
    ledger = (
        "select _zoho_organization_id, categorized_transaction_id, debit_amount, credit_amount "
        "from {ds}.account_transactions order by 1, 2"
    )
    assert query(two, ledger) == query(one, ledger)
    again = sync_organizations(make_clients(), two, parallel_normalize_from=1)
    assert again.complete
    assert_matches_sandbox(two, dataset)  # merged, not duplicated


def _deletable_invoice(dataset: Dataset, org: str) -> str:
    applied = {
        a["invoice_id"]
        for p in dataset.orgs[org].records["customerpayments"].values()
        for a in p.get("invoices", [])
    } | {
        a["invoice_id"]
        for c in dataset.orgs[org].records["creditnotes"].values()
        for a in c.get("invoices_credited", [])
    }
    return next(i for i in dataset.orgs[org].records["invoices"] if i not in applied)


def test_mutations_are_picked_up_with_details_only_for_changed_documents(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline).complete

    edited = next(iter(dataset.orgs[US_ORG].records["invoices"]))
    sandbox.edit(US_ORG, "invoices", edited)
    created = sandbox.create(EU_ORG, "bills")
    doomed = _deletable_invoice(dataset, EU_ORG)
    sandbox.delete(EU_ORG, "invoices", doomed)
    voidable = next(
        i
        for i, r in dataset.orgs[US_ORG].records["bills"].items()
        if r["status"] not in ("paid", "partially_paid")
    )
    sandbox.void(US_ORG, "bills", voidable)
    sandbox.reset_stats()

    result = sync_organizations(make_clients(), pipeline)
    assert result.complete
    calls = sandbox.stats()["calls"]
    assert calls[US_ORG].get("/invoices/{invoice_id}") == 1
    assert calls[US_ORG].get("/bills/{bill_id}") == 1
    assert calls[EU_ORG].get("/bills/{bill_id}") == 1
    assert "/invoices/{invoice_id}" not in calls[EU_ORG]
    assert calls[US_ORG].get(LEDGER_ROUTE, 0) >= 1
    (status,) = query(pipeline, "select status from {ds}.bills where bill_id = %s", voidable)[0]
    assert status == "void"
    (new_bill,) = query(pipeline, "select count(*) from {ds}.bills where bill_id = %s", created["bill_id"])[0]
    assert new_bill == 1
    # Not a delete-scan run: the deleted invoice is still live here.
    (still,) = query(pipeline, "select _is_deleted from {ds}.invoices where invoice_id = %s", doomed)[0]
    assert still is False

    sandbox.reset_stats()
    scanned = sync_organizations(make_clients(), pipeline, delete_scan_interval=timedelta(0))
    assert scanned.complete
    assert "/invoices/{invoice_id}" not in sandbox.stats()["calls"][EU_ORG]  # a scan reads lists, not details
    deleted, deleted_at = query(
        pipeline, "select _is_deleted, _deleted_at from {ds}.invoices where invoice_id = %s", doomed
    )[0]
    assert deleted is True
    assert deleted_at is not None
    assert_matches_sandbox(pipeline, dataset)


def test_daily_cap_stops_cleanly_and_the_next_run_completes(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    sandbox.configure(daily_limits={US_ORG: 30})
    first = sync_organizations(make_clients(), pipeline)
    assert not first.complete
    us = next(o for o in first.organizations if o.organization_id == US_ORG)
    eu = next(o for o in first.organizations if o.organization_id == EU_ORG)
    assert us.stopped is not None
    assert "daily" in us.stopped
    assert eu.complete  # another organization's cap is its own
    assert sandbox.stats()["throttled"]["45"] >= 1

    sandbox.configure(daily_limits={US_ORG: 10_000})
    sandbox.next_day()
    second = sync_organizations(make_clients(), pipeline)
    assert second.complete
    assert_matches_sandbox(pipeline, dataset)
    (dupes,) = query(
        pipeline,
        "select count(*) from (select invoice_id, _zoho_organization_id from {ds}.invoices "
        "group by 1, 2 having count(*) > 1) d",
    )[0]
    assert dupes == 0
    (line_dupes,) = query(
        pipeline,
        "select count(*) from (select line_item_id from {ds}.invoices__line_items "
        "group by 1 having count(*) > 1) d",
    )[0]
    assert line_dupes == 0


def test_refunds_sync_by_list_versions_and_an_org_without_any_gets_empty_tables(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    refunds = ("credit_note_refunds", "vendor_credit_refunds")
    assert not dataset.orgs[EU_ORG].records["creditnoterefunds"]
    assert not dataset.orgs[EU_ORG].records["vendorcreditrefunds"]
    eu_only = [client for client in make_clients() if client.organization_id == EU_ORG]
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(eu_only, pipeline, entities=refunds).complete
    types = column_types(pipeline)
    for table in refunds:
        assert query(pipeline, f"select count(*) from {{ds}}.{table}") == [(0,)]
    # The declared members are columns although no refund was ever loaded: the models build on no rows.
    assert types[("credit_note_refunds", "from_account_id")] in ("varchar", "text")
    assert types[("vendor_credit_refunds", "amount_bcy")].startswith(("decimal", "numeric"))

    # The organization with refunds: each detail read once under its parent, then none while the list
    # rows keep their versions (no last_modified_time anywhere: D56, D72).
    us_only = [client for client in make_clients() if client.organization_id == US_ORG]
    sandbox.reset_stats()
    assert sync_organizations(us_only, pipeline, entities=refunds).complete
    routes = sandbox.stats()["calls"][US_ORG]
    books = dataset.orgs[US_ORG]
    detail = "/creditnotes/{creditnote_id}/refunds/{creditnote_refund_id}"
    assert routes[detail] == len(books.records["creditnoterefunds"]) > 0
    vendor_detail = "/vendorcredits/{vendor_credit_id}/refunds/{vendor_credit_refund_id}"
    assert routes[vendor_detail] == len(books.records["vendorcreditrefunds"]) > 0
    stored = query(
        pipeline,
        "select creditnote_refund_id, from_account_id, amount, amount_bcy, exchange_rate"
        " from {ds}.credit_note_refunds order by 1",
    )
    assert [(r[0], r[1], Decimal(r[2]), Decimal(r[3])) for r in stored] == [
        (r["creditnote_refund_id"], r["from_account_id"], r["amount"], r["amount_bcy"])
        for r in sorted(books.records["creditnoterefunds"].values(), key=lambda r: r["creditnote_refund_id"])
    ]
    sandbox.reset_stats()
    assert sync_organizations(us_only, pipeline, entities=refunds).complete
    routes = sandbox.stats()["calls"][US_ORG]
    assert routes == {"/creditnotes/refunds": 1, "/vendorcredits/refunds": 1}
