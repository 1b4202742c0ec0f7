"""Banking over HTTP against the sandbox: bank transactions of every status, base currency adjustments and the
opening balance are loaded; bank transactions and adjustments are versioned by their list members, so a sync
with nothing changed makes no detail call for them and an edited one costs one (D67)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from loader.extract.run import sync_organizations
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.zoho.server import SandboxServer
from tests.loader.pipeline.conftest import EU_ORG, US_ORG, ClientsFactory, duckdb_pipeline, query

BANK_DETAIL = "/banktransactions/{transaction_id}"
ADJUSTMENT_DETAIL = "/basecurrencyadjustment/{base_currency_adjustment_id}"


def test_banking_is_loaded_whole_then_only_what_changed(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    first = sync_organizations(make_clients(), pipeline)
    assert first.complete
    calls = sandbox.stats()["calls"]
    for org in (US_ORG, EU_ORG):
        books = dataset.orgs[org]
        transactions = books.records["banktransactions"]
        loaded = query(
            pipeline,
            "select transaction_id, status, from_account_id, to_account_id, bcy_total"
            " from {ds}.bank_transactions where _zoho_organization_id = %s",
            org,
        )
        assert {row[0] for row in loaded} == set(transactions)
        # Every status: the uncategorized and excluded statement lines too.
        assert {row[1] for row in loaded} >= {"categorized", "uncategorized"}
        for transaction_id, _status, source, target, bcy_total in loaded:
            record = transactions[transaction_id]
            assert (source or "", target or "", bcy_total) == (
                record["from_account_id"],
                record["to_account_id"],
                record["bcy_total"],
            )
        assert calls[org][BANK_DETAIL] == len(transactions)
        (opening,) = books.records["openingbalances"].values()
        lines = query(
            pipeline,
            "select a.account_id, a.debit_or_credit, a.bcy_amount from {ds}.opening_balances o"
            " join {ds}.opening_balances__accounts a on a._dlt_parent_id = o._dlt_id"
            " where o._zoho_organization_id = %s order by a._dlt_list_idx",
            org,
        )
        assert lines == [
            (a["account_id"], a["debit_or_credit"], a["bcy_amount"]) for a in opening["accounts"]
        ]
        adjustments = query(
            pipeline,
            "select b.base_currency_adjustment_id, a.account_id, a.gain_or_loss"
            " from {ds}.base_currency_adjustments b join {ds}.base_currency_adjustments__accounts a"
            " on a._dlt_parent_id = b._dlt_id where b._zoho_organization_id = %s",
            org,
        )
        assert sorted(adjustments) == sorted(
            (adjustment_id, row["account_id"], row["gain_or_loss"])
            for adjustment_id, record in books.records["basecurrencyadjustments"].items()
            for row in record["accounts"]
        )
    assert any(dataset.orgs[org].records["basecurrencyadjustments"] for org in (US_ORG, EU_ORG))

    transfer = next(
        i
        for i, r in dataset.orgs[US_ORG].records["banktransactions"].items()
        if r["transaction_type"] == "transfer_fund"
    )
    edited = sandbox.edit(US_ORG, "banktransactions", transfer)
    sandbox.reset_stats()
    assert sync_organizations(make_clients(), pipeline).complete
    calls = sandbox.stats()["calls"]
    assert calls[US_ORG].get(BANK_DETAIL) == 1
    for org in (US_ORG, EU_ORG):
        assert ADJUSTMENT_DETAIL not in calls[org]
        assert calls[org].get("/settings/openingbalances") == 1
    assert BANK_DETAIL not in calls[EU_ORG]
    (amount,) = query(
        pipeline, "select bcy_total from {ds}.bank_transactions where transaction_id = %s", transfer
    )[0]
    assert amount == edited["bcy_total"] != Decimal(0)
