"""The detail modes (D90): `[sync] details` chooses which documents' details a sync fetches; the ledger stays
complete in every mode, the documents without detail taken whole from Zoho's own ledger.

Path: ml_connector_fakes.zoho.server (HTTP on loopback) → loader.extract.run_sync → zoho_books_raw (DuckDB) →
`ml-connector build` (dbtRunner).
"""

from __future__ import annotations

import contextlib
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from loader.cli import main
from loader.config import load_config
from loader.extract import run_sync
from loader.extract.results import SyncResult
from loader.extract.source import SyncOptions
from loader.vault import Vault
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer

ORGS = {"us": "10234695", "eu": "20088321"}
DETAILED = ("invoices", "bills", "customer_payments", "vendor_payments", "credit_notes", "expenses")


def _config(tmp_path: Path, server: SandboxServer, database: Path, sync: str) -> Path:
    connections = "".join(
        f'[[zoho.connections]]\nname = "{region}"\nregion = "{region}"\norganization_id = "{org}"\n'
        f'accounts_url = "{server.accounts_url(region)}"\n'
        f'api_base_url = "{server.api_base_url(region)}"\n\n'
        for region, org in ORGS.items()
    )
    path = tmp_path / "ml-connector.toml"
    path.write_text(
        f'[warehouse]\ndestination = "duckdb"\npath = "{database}"\n\n[reporting]\ncurrency = "USD"\n\n'
        f"[sync]\n{sync}\n\n" + connections,
        encoding="utf-8",
    )
    return path


def _sync(tmp_path: Path, server: SandboxServer, dataset: Dataset, database: Path, sync: str) -> SyncResult:
    path = _config(tmp_path, server, database, sync)
    config = load_config(path)
    vault = Vault.beside(path, env={})
    client = dataset.oauth_clients[0]
    for region in ORGS:
        refresh = next(t for t, (_, r) in dataset.refresh_tokens.items() if r == region)
        vault.put(
            f"zoho/{region}",
            {"client_id": client.client_id, "client_secret": client.client_secret, "refresh_token": refresh},
        )
    result = run_sync(config, vault)
    assert result.complete
    return result


def _detail_calls(result: SyncResult, entity: str | None = None) -> int:
    return sum(
        p.detail_calls
        for o in result.organizations
        for name, p in o.entities.items()
        if entity is None or name == entity
    )


def _flags(database: Path, table: str) -> dict[str, bool]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(
            f"select _zoho_source_id, _detail_fetched from zoho_books_raw.{table} where not _is_deleted"
        ).fetchall()
    finally:
        con.close()
    return {str(i): bool(f) for i, f in rows}


def _build(path: Path) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["--config", str(path), "build"])
    assert code == 0, out.getvalue()


def _ledger_by_month(database: Path) -> dict[tuple[str, str, str], Decimal]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(
            "select organization_id, account_id, cast(date_trunc('month', posting_date) as date),"
            " sum(net_base)"
            " from zoho_books.fct_general_ledger group by 1, 2, 3"
        ).fetchall()
    finally:
        con.close()
    return {(org, account, str(month)[:7]): Decimal(net) for org, account, month, net in rows if net}


def _zoho_by_month(dataset: Dataset) -> dict[tuple[str, str, str], Decimal]:
    expected: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for org_id, books in dataset.orgs.items():
        if org_id not in ORGS.values():
            continue
        for row in books.account_transactions:
            expected[(org_id, row["account_id"], row["transaction_date"][:7])] += (
                row["debit_amount"] - row["credit_amount"]
            )
    return {k: v for k, v in expected.items() if v}


def test_none_mode_makes_no_detail_calls_and_the_ledger_still_ties_to_zohos(tmp_path: Path) -> None:
    dataset = generate_dataset(seed=5, invoices_per_org=6)
    database = tmp_path / "warehouse.duckdb"
    with SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as server:
        result = _sync(tmp_path, server, dataset, database, 'details = "none"')
    assert _detail_calls(result) == 0
    invoices = _flags(database, "invoices")
    assert invoices
    assert set(invoices.values()) == {False}
    _build(tmp_path / "ml-connector.toml")
    assert _ledger_by_month(database) == _zoho_by_month(dataset)
    con = duckdb.connect(str(database), read_only=True)
    try:
        sources = dict(
            con.execute(
                "select zoho_transaction_type, string_agg(distinct line_source, ',')"
                " from zoho_books.fct_general_ledger where zoho_transaction_type in ('invoice', 'bills')"
                " group by 1"
            ).fetchall()
        )
        headers = dict(
            con.execute("select document_type, count(*) from zoho_books.fct_invoices group by 1").fetchall()
        )
    finally:
        con.close()
    # Every invoice's and bill's lines are Zoho's own (taken whole), none derived from a list row.
    assert sources == {"invoice": "zoho_ledger", "bills": "zoho_ledger"}
    # The header facts are complete from the list rows; customer debit notes (D95) are kept beside them.
    debit_notes = _flags(database, "debit_notes")
    assert set(debit_notes.values()) <= {False}
    assert headers == {"invoice": len(invoices), "debit_note": len(debit_notes)}


def test_recent_fetches_only_recent_documents_and_a_later_mode_fetches_the_missing_details(
    tmp_path: Path,
) -> None:
    dataset = generate_dataset(seed=5, invoices_per_org=6)
    database = tmp_path / "warehouse.duckdb"
    with SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as server:
        recent = _sync(tmp_path, server, dataset, database, 'details = "recent"\ndetails_months = 3')
        assert recent.synced_at is not None
        since = SyncOptions(
            synced_at=recent.synced_at, entities=frozenset(), details="recent", details_months=3
        ).details_from()
        assert since is not None
        invoices = {
            invoice_id: date.fromisoformat(str(invoice["date"])[:10])
            for org_id in ORGS.values()
            for invoice_id, invoice in dataset.orgs[org_id].records["invoices"].items()
        }
        flags = _flags(database, "invoices")
        assert flags == {i: day >= since for i, day in invoices.items()}
        assert True in flags.values()
        assert False in flags.values()
        assert _detail_calls(recent, "invoices") == sum(flags.values())

        # Every detail, later: the documents stored without theirs are fetched, the others are not again.
        whole = _sync(tmp_path, server, dataset, database, 'details = "all"')
        assert _detail_calls(whole, "invoices") == sum(1 for f in flags.values() if not f)
        assert set(_flags(database, "invoices").values()) == {True}
        assert set(_flags(database, "bills").values()) == {True}
    _build(tmp_path / "ml-connector.toml")
    assert _ledger_by_month(database) == _zoho_by_month(dataset)
