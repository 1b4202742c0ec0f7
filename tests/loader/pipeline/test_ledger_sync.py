"""Zoho's ledger kept current on its own terms (D61), over real HTTP against the sandbox, into DuckDB.

A transfer between two bank accounts is no document the loader syncs: only Zoho's ledger carries it. The
first sync reads the whole ledger; the next ones only the months touched since (one month either side),
which the sandbox's request log shows; deletions are found inside that window only; a full refresh reads
everything again. A targeted (webhook) sync reads the ledger only after a posting document changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.pipeline import Pipeline

from loader.extract.run import sync_organizations, sync_targets
from loader.extract.source import Targets
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.zoho.server import SandboxServer
from tests.loader.pipeline.conftest import (
    EU_ORG,
    LEDGER_ROUTE,
    ORGS,
    US_ORG,
    ClientsFactory,
    duckdb_pipeline,
    query,
)

CHECKING = f"{US_ORG}0000000001"
SAVINGS = f"{US_ORG}0000000002"
FIRST_SYNC = datetime(2026, 6, 14, 10, 0, tzinfo=UTC)


def _clock(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def _ledger_params(sandbox: SandboxServer, org: str) -> list[dict[str, Any]]:
    return [r["params"] for r in sandbox.requests(LEDGER_ROUTE) if r["organization_id"] == org]


def _lines(pipeline: Any, transaction_id: str) -> list[tuple[Any, ...]]:
    return query(
        pipeline,
        "select account_id, transaction_type, debit_amount, credit_amount, _is_deleted "
        "from {ds}.account_transactions where _zoho_organization_id = %s and transaction_id = %s "
        "order by debit_amount desc",
        US_ORG,
        transaction_id,
    )


def _transfer(sandbox: SandboxServer, day: str, amount: str) -> str:
    lines = sandbox.post_ledger_transaction(
        US_ORG, debit_account_id=SAVINGS, credit_account_id=CHECKING, amount=amount, date=day
    )
    return str(lines[0]["transaction_id"])


def test_the_ledger_is_read_whole_then_in_its_window_and_whole_again_on_full_refresh(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    accounts = {org: len(dataset.orgs[org].records["chartofaccounts"]) for org in ORGS}
    outside = _transfer(sandbox, "2026-01-15", "70.00")  # before the later syncs' window
    pipeline = duckdb_pipeline(tmp_path)

    # First sync: every account, no date range.
    assert sync_organizations(make_clients(), pipeline, now=_clock(FIRST_SYNC)).complete
    for org in ORGS:
        first = _ledger_params(sandbox, org)
        assert {p["account_id"] for p in first} == {a for a in dataset.orgs[org].records["chartofaccounts"]}
        assert not any("date.start" in p or "date.end" in p for p in first)
    assert _lines(pipeline, outside) == [
        (SAVINGS, "transfer_fund", Decimal("70.00"), Decimal("0E-10"), False),
        (CHECKING, "transfer_fund", Decimal("0E-10"), Decimal("70.00"), False),
    ]

    # Between syncs, a transfer only Zoho's ledger carries.
    inside = _transfer(sandbox, "2026-06-14", "1234.56")
    sandbox.reset_stats()
    second = sync_organizations(make_clients(), pipeline, now=_clock(FIRST_SYNC + timedelta(days=1)))
    assert second.complete
    for org in ORGS:
        asked = _ledger_params(sandbox, org)
        assert len(asked) == accounts[org]  # one page per account
        # Last read June 14, this sync June 15: June, and one month either side.
        assert {(p["date.start"], p["date.end"]) for p in asked} == {("2026-05-01", "2026-07-31")}
    assert _lines(pipeline, inside) == [
        (SAVINGS, "transfer_fund", Decimal("1234.56"), Decimal("0E-10"), False),
        (CHECKING, "transfer_fund", Decimal("0E-10"), Decimal("1234.56"), False),
    ]

    # Both transfers deleted in Zoho: the windowed read sees the one inside its window go; the one dated
    # in January is outside it and stays as it was.
    sandbox.delete_ledger_transaction(US_ORG, inside)
    sandbox.delete_ledger_transaction(US_ORG, outside)
    third = sync_organizations(make_clients(), pipeline, now=_clock(FIRST_SYNC + timedelta(days=2)))
    assert third.complete
    assert [row[-1] for row in _lines(pipeline, inside)] == [True, True]
    assert [row[-1] for row in _lines(pipeline, outside)] == [False, False]
    us = next(o for o in third.organizations if o.organization_id == US_ORG)
    assert us.entities["account_transactions"].deletions == 2

    # A full refresh reads the whole ledger again, and so finds the January transfer gone.
    sandbox.reset_stats()
    full = sync_organizations(
        make_clients(), pipeline, full_refresh=True, now=_clock(FIRST_SYNC + timedelta(days=3))
    )
    assert full.complete
    assert not any("date.start" in p for p in _ledger_params(sandbox, US_ORG))
    assert len(_ledger_params(sandbox, US_ORG)) >= accounts[US_ORG]
    assert [row[-1] for row in _lines(pipeline, outside)] == [True, True]
    live = query(
        pipeline,
        "select count(*) from {ds}.account_transactions where not _is_deleted and _zoho_organization_id = %s",
        US_ORG,
    )[0][0]
    assert live == len(dataset.orgs[US_ORG].account_transactions)


def test_the_delete_scan_schedule_reads_the_whole_ledger_and_a_targeted_sync_only_after_postings(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    _schedule_and_targeted(duckdb_pipeline(tmp_path), dataset, sandbox, make_clients)


@pytest.mark.postgres
def test_the_same_on_postgres(
    postgres_pipeline: Pipeline, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    _schedule_and_targeted(postgres_pipeline, dataset, sandbox, make_clients)


def _schedule_and_targeted(
    pipeline: Pipeline, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    week = timedelta(days=7)
    assert sync_organizations(make_clients(), pipeline, now=_clock(FIRST_SYNC)).complete

    # A contact changed: no posting document, so the targeted sync reads no ledger.
    contact = next(iter(dataset.orgs[EU_ORG].records["contacts"]))
    sandbox.reset_stats()
    targets = Targets(upserts={"contacts": frozenset({contact})})
    eu = [c for c in make_clients() if c.organization_id == EU_ORG]
    sync_targets(eu, pipeline, targets, now=_clock(FIRST_SYNC + timedelta(hours=1)))
    assert sandbox.requests(LEDGER_ROUTE) == []

    # An invoice changed: the ledger is read in its window, which reaches back to the invoice's month.
    invoice_id, invoice = min(
        dataset.orgs[EU_ORG].records["invoices"].items(), key=lambda item: str(item[1]["date"])
    )
    sandbox.edit(EU_ORG, "invoices", invoice_id)
    sandbox.reset_stats()
    targets = Targets(upserts={"invoices": frozenset({invoice_id})})
    sync_targets(eu, pipeline, targets, now=_clock(FIRST_SYNC + timedelta(hours=2)))
    asked = _ledger_params(sandbox, EU_ORG)
    assert len(asked) == len(dataset.orgs[EU_ORG].records["chartofaccounts"])
    month = str(invoice["date"])[:7]
    starts = {p["date.start"] for p in asked}
    assert len(starts) == 1
    assert min(starts) <= f"{month}-01"
    assert {p["date.end"] for p in asked} == {"2026-07-31"}

    # A week after the last whole read, with the documents' delete scan, the whole ledger again.
    sandbox.reset_stats()
    later = sync_organizations(
        make_clients(), pipeline, delete_scan_interval=week, now=_clock(FIRST_SYNC + week)
    )
    assert later.complete
    assert sandbox.requests(LEDGER_ROUTE)
    assert not any("date.start" in r["params"] for r in sandbox.requests(LEDGER_ROUTE))


def test_a_ledger_pass_the_daily_cap_cuts_goes_on_with_its_window_on_the_next_run(
    tmp_path: Path, dataset: Dataset, sandbox: SandboxServer, make_clients: ClientsFactory
) -> None:
    pipeline = duckdb_pipeline(tmp_path)
    assert sync_organizations(make_clients(), pipeline, now=_clock(FIRST_SYNC)).complete
    sandbox.reset_stats()
    assert sync_organizations(make_clients(), pipeline, now=_clock(FIRST_SYNC + timedelta(days=1))).complete
    documents_calls = sum(n for route, n in sandbox.stats()["calls"][US_ORG].items() if route != LEDGER_ROUTE)

    # The day's cap leaves room for the documents and ten ledger pages.
    transfer = _transfer(sandbox, "2026-06-15", "88.10")
    sandbox.next_day()
    sandbox.reset_stats()
    sandbox.configure(daily_limits={US_ORG: documents_calls + 10})
    cut = sync_organizations(make_clients(), pipeline, now=_clock(FIRST_SYNC + timedelta(days=2)))
    assert not cut.complete
    us = next(o for o in cut.organizations if o.organization_id == US_ORG)
    assert us.stopped is not None
    assert not us.entities["account_transactions"].complete
    first_part = _ledger_params(sandbox, US_ORG)
    assert 0 < len(first_part) <= 10
    window = {(p["date.start"], p["date.end"]) for p in first_part}
    assert window == {("2026-05-01", "2026-07-31")}

    # Forty days later (a delete scan is due): the cut pass goes on first, with its own window, over the
    # accounts it had left; the transfer is loaded.
    sandbox.configure(daily_limits={US_ORG: 10_000})
    sandbox.next_day()
    sandbox.reset_stats()
    later = FIRST_SYNC + timedelta(days=40)
    assert sync_organizations(make_clients(), pipeline, now=_clock(later)).complete
    rest = _ledger_params(sandbox, US_ORG)
    read_before = {p["account_id"] for p in first_part}
    assert {p["account_id"] for p in rest} == set(
        dataset.orgs[US_ORG].records["chartofaccounts"]
    ) - read_before
    assert {(p["date.start"], p["date.end"]) for p in rest} == window
    assert [row[2:] for row in _lines(pipeline, transfer)] == [
        (Decimal("88.10"), Decimal("0E-10"), False),
        (Decimal("0E-10"), Decimal("88.10"), False),
    ]
    # The pass it finished was a window: the next one is the whole read the schedule asks for.
    sandbox.reset_stats()
    assert sync_organizations(make_clients(), pipeline, now=_clock(later + timedelta(hours=1))).complete
    assert not any("date.start" in p for p in _ledger_params(sandbox, US_ORG))
