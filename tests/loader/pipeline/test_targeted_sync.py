"""The targeted sync webhooks trigger: documents fetched by id, deletions marked, no list walked."""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.extract.run import IncompleteSync, sync_organizations, sync_targets
from loader.extract.source import Targets
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.zoho.server import SandboxServer
from tests.loader.pipeline.conftest import (
    EU_ORG,
    US_ORG,
    ClientsFactory,
    duckdb_pipeline,
    query,
)
from tests.loader.pipeline.test_sync_sandbox import (
    _deletable_invoice,
    assert_matches_sandbox,
    column_types,
)


def test_documents_by_id_then_the_next_walk_skips_them(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline).complete
    tables_before = {table for table, _ in column_types(pipeline)}

    edited = next(iter(dataset.orgs[US_ORG].records["invoices"]))
    sandbox.edit(US_ORG, "invoices", edited)
    contact = sandbox.create(US_ORG, "contacts")["contact_id"]
    doomed = _deletable_invoice(dataset, EU_ORG)
    sandbox.delete(EU_ORG, "invoices", doomed)
    bill = sandbox.create(EU_ORG, "bills")["bill_id"]
    sandbox.reset_stats()

    us, eu = make_clients()
    first = sync_targets(
        [us], pipeline, Targets(upserts={"invoices": frozenset({edited}), "contacts": frozenset({contact})})
    )
    second = sync_targets(
        [eu],
        pipeline,
        Targets(upserts={"bills": frozenset({bill})}, deletions={"invoices": frozenset({doomed})}),
    )
    assert first.complete
    assert second.complete
    calls = sandbox.stats()["calls"]
    # One detail call per named document, then Zoho's ledger re-read per account; no list is walked.
    assert calls[US_ORG].pop("/invoices/{invoice_id}") == 1
    assert calls[US_ORG].pop("/contacts/{contact_id}") == 1
    assert calls[EU_ORG].pop("/bills/{bill_id}") == 1
    for org in (US_ORG, EU_ORG):
        accounts = len(dataset.orgs[org].records["chartofaccounts"])
        assert calls[org].pop("/chartofaccounts/transactions") >= accounts
        assert calls[org] == {}, calls[org]
    deleted, deleted_at = query(
        pipeline, "select _is_deleted, _deleted_at from {ds}.invoices where invoice_id = %s", doomed
    )[0]
    assert deleted is True
    assert deleted_at is not None
    assert_matches_sandbox(pipeline, dataset)
    # A contact's detail carries nested lists the list rows do not: they start no new tables (the
    # deletions table is the first deletion's).
    assert {table for table, _ in column_types(pipeline)} == tables_before | {"zoho_deletions"}

    sandbox.reset_stats()
    again = sync_organizations(make_clients(), pipeline)
    assert again.complete
    calls = sandbox.stats()["calls"]
    assert "/invoices/{invoice_id}" not in calls[US_ORG]  # the walk knew the version fetched by id
    assert "/bills/{bill_id}" not in calls[EU_ORG]
    assert_matches_sandbox(pipeline, dataset)


def test_a_daily_cap_leaves_the_targeted_sync_to_retry(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline).complete
    edited = list(dataset.orgs[US_ORG].records["invoices"])[:3]
    for invoice_id in edited:
        sandbox.edit(US_ORG, "invoices", invoice_id)
    sandbox.next_day()
    sandbox.configure(daily_limits={US_ORG: 1})  # one of the three detail calls gets through
    us, _ = make_clients()
    with pytest.raises(IncompleteSync, match="daily API cap"):
        sync_targets([us], pipeline, Targets(upserts={"invoices": frozenset(edited)}))

    sandbox.configure(daily_limits={US_ORG: 10_000})
    sandbox.next_day()
    us, _ = make_clients()
    assert sync_targets([us], pipeline, Targets(upserts={"invoices": frozenset(edited)})).complete
    assert_matches_sandbox(pipeline, dataset)


def test_a_document_of_a_module_zoho_will_not_serve_is_named_and_the_others_load(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline).complete
    invoice = next(iter(dataset.orgs[US_ORG].records["invoices"]))
    edited = sandbox.edit(US_ORG, "invoices", invoice)
    bill = next(iter(dataset.orgs[US_ORG].records["bills"]))
    sandbox.configure(forbidden={"bills": 401})
    try:
        us, _ = make_clients()
        targets = Targets(upserts={"invoices": frozenset({invoice}), "bills": frozenset({bill})})
        with pytest.raises(IncompleteSync, match=r"bills: .*ZohoBooks\.bills\.READ"):
            sync_targets([us], pipeline, targets)
    finally:
        sandbox.configure(forbidden={})
    (total,) = query(pipeline, "select total from {ds}.invoices where invoice_id = %s", invoice)[0]
    assert total == edited["total"]
    (live,) = query(pipeline, "select not _is_deleted from {ds}.bills where bill_id = %s", bill)[0]
    assert live is True  # a refused fetch is not a deletion
