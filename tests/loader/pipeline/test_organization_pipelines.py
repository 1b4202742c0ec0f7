"""A dlt pipeline per organization (D144): a warehouse the shared pipeline loaded keeps its watermarks."""

from __future__ import annotations

from pathlib import Path

import dlt
import pytest
from dlt.pipeline.pipeline import Pipeline

from loader.extract.pipelines import PIPELINE_NAME, RAW_DATASET, make_pipeline
from loader.extract.run import sync_organizations
from loader.extract.shared_dataset import organization_pipeline_name
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.zoho.server import SandboxServer
from tests.loader.pipeline.conftest import LEDGER_ROUTE, ORGS, ClientsFactory, query

RATES_ROUTE = "/settings/currencies/{currency_id}/exchangerates"


def assert_only_incremental_calls(sandbox: SandboxServer, dataset: Dataset) -> None:
    """Nothing changed in Zoho: a page per list, the rates, the ledger's window, and no detail call."""
    calls = sandbox.stats()["calls"]
    for org in ORGS:
        routes = dict(calls[org])
        assert routes.pop(RATES_ROUTE) == len(dataset.orgs[org].exchange_rates)
        assert routes.pop(LEDGER_ROUTE) == len(dataset.orgs[org].records["chartofaccounts"])
        assert routes.pop("/invoices") == 2  # the invoices, then the customer debit notes
        assert {r: n for r, n in routes.items() if "{" in r} == {}  # no detail call at all
        assert set(routes.values()) == {1}
    assert all("date.start" in r["params"] for r in sandbox.requests(LEDGER_ROUTE))  # the window only


def sync_each_under_its_own_pipeline(
    destination: object, directory: Path, make_clients: ClientsFactory, dataset_name: str = RAW_DATASET
) -> dict[str, Pipeline]:
    pipelines = {}
    for client in make_clients():
        own = make_pipeline(
            destination,
            directory,
            dataset_name=dataset_name,
            pipeline_name=organization_pipeline_name(client.organization_id),
        )
        result = sync_organizations([client], own)
        assert result.complete
        assert [o.organization_id for o in result.organizations] == [client.organization_id]
        assert result.organizations[0].entities["invoices"].rows == 0
        pipelines[client.organization_id] = own
    return pipelines


def test_a_warehouse_the_shared_pipeline_loaded_is_synced_incrementally_per_organization(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    warehouse = str(tmp_path / "db.duckdb")
    shared = make_pipeline(dlt.destinations.duckdb(warehouse), tmp_path / "dlt")
    assert shared.pipeline_name == PIPELINE_NAME
    assert sync_organizations(make_clients(), shared).complete
    invoices = query(shared, "select count(*), sum(total) from {ds}.invoices")

    sandbox.reset_stats()
    pipelines = sync_each_under_its_own_pipeline(
        dlt.destinations.duckdb(warehouse), tmp_path / "dlt", make_clients
    )
    assert_only_incremental_calls(sandbox, dataset)
    any_pipeline = next(iter(pipelines.values()))
    assert query(any_pipeline, "select count(*), sum(total) from {ds}.invoices") == invoices

    # Each organization's state is now its own row in the warehouse: a new machine (no local dlt state)
    # restores it, and the organization's pipeline no longer needs the shared one.
    stored = query(any_pipeline, "select distinct pipeline_name from {ds}._dlt_pipeline_state")
    assert {name for (name,) in stored} == {PIPELINE_NAME, *(organization_pipeline_name(o) for o in ORGS)}
    sandbox.reset_stats()
    sync_each_under_its_own_pipeline(dlt.destinations.duckdb(warehouse), tmp_path / "machine-b", make_clients)
    assert_only_incremental_calls(sandbox, dataset)


@pytest.mark.postgres
def test_the_same_on_postgres(
    postgres_pipeline: Pipeline,
    tmp_path: Path,
    dataset: Dataset,
    sandbox: SandboxServer,
    make_clients: ClientsFactory,
) -> None:
    assert sync_organizations(make_clients(), postgres_pipeline).complete
    invoices = query(postgres_pipeline, "select count(*), sum(total) from {ds}.invoices")
    sandbox.reset_stats()
    pipelines = sync_each_under_its_own_pipeline(
        postgres_pipeline.destination, tmp_path / "own", make_clients, postgres_pipeline.dataset_name
    )
    assert_only_incremental_calls(sandbox, dataset)
    assert query(next(iter(pipelines.values())), "select count(*), sum(total) from {ds}.invoices") == invoices
