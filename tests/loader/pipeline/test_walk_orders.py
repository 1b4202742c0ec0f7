"""Incremental walks that cannot silently miss an edit: Zoho may ignore ``sort_column=last_modified_time``
(documented only for contacts, sales orders and vendor credits; recorded for invoices), and then a walk that
stopped at the first row older than its watermark would miss every edited old document. Over HTTP against the
sandbox, which (like Zoho) answers an undocumented sort column in its default order and says so."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from dlt.pipeline.pipeline import Pipeline

from loader.extract.run import sync_organizations
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.zoho.server import SandboxServer
from tests.loader.pipeline.conftest import EU_ORG, US_ORG, ClientsFactory, duckdb_pipeline, query


def _oldest(dataset: Dataset, org: str, entity: str) -> str:
    records = dataset.orgs[org].records[entity]
    return min(records, key=lambda i: (str(records[i]["date"]), i))


def test_the_sandbox_says_which_column_it_really_sorted_by(make_clients: ClientsFactory) -> None:
    client = make_clients()[0]
    wanted = {"sort_column": "last_modified_time", "sort_order": "D"}
    bills = next(client.iter_pages("bills", "bills", wanted))
    invoices = next(client.iter_pages("invoices", "invoices", wanted))
    journals = next(client.iter_pages("journals", "journals", {**wanted, "filter_by": "JournalDate.All"}))
    assert (bills.sort_column, invoices.sort_column, journals.sort_column) == (
        "date",  # not a documented bills column: ignored, the default order is used and named
        "last_modified_time",  # invoices do sort by it, as real Zoho does
        "journal_date",
    )


def test_an_edit_to_an_old_document_in_an_unsorted_list_is_picked_up_with_one_detail_call(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline).complete

    # The oldest bill and payment by date: last in the lists' default order (date, newest first), so a walk
    # trusting an order Zoho did not apply would stop at the first row (older than the watermark) and miss
    # them.
    bill = _oldest(dataset, US_ORG, "bills")
    payment = _oldest(dataset, EU_ORG, "customerpayments")
    edited_bill = sandbox.edit(US_ORG, "bills", bill)
    edited_payment = sandbox.edit(EU_ORG, "customerpayments", payment)
    sandbox.reset_stats()

    result = sync_organizations(make_clients(), pipeline)
    assert result.complete
    calls = sandbox.stats()["calls"]
    assert calls[US_ORG].get("/bills/{bill_id}") == 1
    assert calls[EU_ORG].get("/customerpayments/{payment_id}") == 1
    assert "/bills/{bill_id}" not in calls[EU_ORG]
    assert "/customerpayments/{payment_id}" not in calls[US_ORG]
    for org in (US_ORG, EU_ORG):  # nothing else changed: no other detail call at all
        details = {route for route in calls[org] if route.endswith("_id}")}
        assert details <= {"/bills/{bill_id}", "/customerpayments/{payment_id}"}, details
    (total,) = query(pipeline, "select total from {ds}.bills where bill_id = %s", bill)[0]
    assert total == edited_bill["total"]
    (amount,) = query(pipeline, "select amount from {ds}.customer_payments where payment_id = %s", payment)[0]
    assert amount == edited_payment["amount"]
    by_org = {o.organization_id: o for o in result.organizations}
    assert by_org[US_ORG].entities["bills"].rows == 1
    assert by_org[EU_ORG].entities["customer_payments"].rows == 1


def test_an_edited_journal_is_found_by_its_list_row_without_reading_every_journal(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    # Journals cannot be listed by last_modified_time, and their list rows carry none: the walk compares
    # the list row's documented members (date, number, totals...) with the stored record.
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline).complete
    journal = _oldest_journal(dataset, US_ORG)
    edited = sandbox.edit(US_ORG, "journals", journal)
    sandbox.reset_stats()
    assert sync_organizations(make_clients(), pipeline).complete
    calls = sandbox.stats()["calls"]
    assert calls[US_ORG].get("/journals/{journal_id}") == 1
    assert "/journals/{journal_id}" not in calls[EU_ORG]
    (total,) = query(pipeline, "select total from {ds}.journals where journal_id = %s", journal)[0]
    assert total == edited["total"]


def _oldest_journal(dataset: Dataset, org: str) -> str:
    records = dataset.orgs[org].records["journals"]
    return min(records, key=lambda i: (str(records[i]["journal_date"]), i))


def test_deactivated_contacts_are_listed_and_not_taken_for_deleted(
    tmp_path: Path, dataset: Dataset, make_clients: ClientsFactory
) -> None:
    inactive = {
        (org, contact_id)
        for org in (US_ORG, EU_ORG)
        for contact_id, record in dataset.orgs[org].records["contacts"].items()
        if record["status"] != "active"
    }
    assert inactive  # the data set has some
    client = make_clients()[0]
    default = {r["contact_id"] for r in client.iter_records("contacts", "contacts", "contact_id")}
    assert not {c for o, c in inactive if o == US_ORG} & default  # Zoho's default hides them
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline, delete_scan_interval=timedelta(0)).complete
    assert sync_organizations(make_clients(), pipeline, delete_scan_interval=timedelta(0)).complete
    rows = set(query(pipeline, "select _zoho_organization_id, contact_id, _is_deleted from {ds}.contacts"))
    for org, contact_id in inactive:
        assert (org, contact_id, False) in rows


def test_a_list_read_whole_finds_its_deletions_without_waiting_for_the_scan(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline).complete
    applied = {
        a["bill_id"] for p in dataset.orgs[US_ORG].records["vendorpayments"].values() for a in p["bills"]
    }
    applied |= {
        a["bill_id"]
        for c in dataset.orgs[US_ORG].records["vendorcredits"].values()
        for a in c["bills_credited"]
    }
    doomed = next(b for b in dataset.orgs[US_ORG].records["bills"] if b not in applied)
    sandbox.delete(US_ORG, "bills", doomed)
    # The weekly delete scan is not due, but bills are not listed by last_modified_time: the walk reads
    # every bill anyway, so it knows which are gone.
    result = sync_organizations(make_clients(), pipeline, delete_scan_interval=timedelta(days=7))
    assert result.complete
    (deleted,) = query(pipeline, "select _is_deleted from {ds}.bills where bill_id = %s", doomed)[0]
    assert deleted is True
    by_org = {o.organization_id: o for o in result.organizations}
    assert by_org[US_ORG].entities["bills"].deletions == 1


@pytest.mark.postgres
def test_stored_versions_read_back_from_postgresql_match_the_list_rows(
    postgres_pipeline: Pipeline, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    # timestamptz, numeric(38,10), date and text come back from PostgreSQL as the list rows' values do:
    # a sync with nothing changed fetches no detail, journals and unsorted lists included.
    assert sync_organizations(make_clients(), postgres_pipeline).complete
    bill = _oldest(dataset, US_ORG, "bills")
    sandbox.edit(US_ORG, "bills", bill)
    sandbox.reset_stats()
    assert sync_organizations(make_clients(), postgres_pipeline).complete
    calls = sandbox.stats()["calls"]
    for org in (US_ORG, EU_ORG):
        details = {route: n for route, n in calls[org].items() if route.endswith("_id}")}
        assert details == ({"/bills/{bill_id}": 1} if org == US_ORG else {}), details


def test_the_periodic_scan_rereads_every_journal_detail(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    # An edit that moves an amount between two lines' accounts leaves a journal's list row as it was; the
    # scan (weekly by default) reads every journal's detail, so such an edit waits at most that long.
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline).complete
    sandbox.reset_stats()
    assert sync_organizations(make_clients(), pipeline).complete
    assert "/journals/{journal_id}" not in sandbox.stats()["calls"][US_ORG]  # not due: list rows compared
    sandbox.reset_stats()
    assert sync_organizations(make_clients(), pipeline, delete_scan_interval=timedelta(0)).complete
    journals = dataset.orgs[US_ORG].records["journals"]
    assert sandbox.stats()["calls"][US_ORG]["/journals/{journal_id}"] == len(journals)


def test_a_list_that_refuses_the_sort_column_is_walked_without_it(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    # Should Zoho answer an unsupported sort_column with 400 code 2 instead of ignoring it, the walk asks
    # again without it and compares with the warehouse: nothing is reported as unreadable, nothing missed.
    sandbox.configure(refuse_undocumented_sort=True)
    try:
        pipeline = duckdb_pipeline(tmp_path)
        first = sync_organizations(make_clients(), pipeline)
        assert first.complete
        assert first.failed == []
        bill = _oldest(dataset, US_ORG, "bills")
        edited = sandbox.edit(US_ORG, "bills", bill)
        sandbox.reset_stats()
        assert sync_organizations(make_clients(), pipeline).complete
    finally:
        sandbox.configure(refuse_undocumented_sort=False)
    calls = sandbox.stats()["calls"]
    assert calls[US_ORG].get("/bills/{bill_id}") == 1
    assert calls[US_ORG]["/bills"] == 2  # refused with the sort column, then read without it
    (total,) = query(pipeline, "select total from {ds}.bills where bill_id = %s", bill)[0]
    assert total == edited["total"]
