"""End to end: the sandbox over HTTP on loopback → `run_sync` (the product's pipeline) → `ml-connector build`.

Path: ml_connector_fakes.zoho.server → loader.extract.run_sync → zoho_books_raw (DuckDB) →
loader.cli build (dbtRunner).
"""

from __future__ import annotations

import contextlib
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb

from loader.cli import main
from loader.config import load_config
from loader.extract import run_sync
from loader.vault import Vault
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer

ORGS = {"us": "10234695", "eu": "20088321", "in": "60012345"}


def test_sandbox_to_run_sync_to_dbt_build_reconciles(tmp_path: Path) -> None:
    dataset = generate_dataset(seed=5, invoices_per_org=6)
    database = tmp_path / "warehouse.duckdb"
    with SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as server:
        connections = "".join(
            f'[[zoho.connections]]\nname = "{region}"\nregion = "{region}"\norganization_id = "{org}"\n'
            f'accounts_url = "{server.accounts_url(region)}"\n'
            f'api_base_url = "{server.api_base_url(region)}"\n\n'
            for region, org in ORGS.items()
        )
        config_path = tmp_path / "ml-connector.toml"
        config_path.write_text(
            f'[warehouse]\ndestination = "duckdb"\npath = "{database}"\n\n[reporting]\ncurrency = "USD"\n\n'
            + connections,
            encoding="utf-8",
        )
        config = load_config(config_path)
        vault = Vault.beside(config_path, env={})
        client = dataset.oauth_clients[0]
        for region in ORGS:
            refresh = next(t for t, (_, r) in dataset.refresh_tokens.items() if r == region)
            vault.put(
                f"zoho/{region}",
                {
                    "client_id": client.client_id,
                    "client_secret": client.client_secret,
                    "refresh_token": refresh,
                },
            )
        sync = run_sync(config, vault)
        assert sync.complete
        expected: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
        for org_id, books in dataset.orgs.items():
            for row in books.account_transactions:
                key = (org_id, row["account_id"], row["transaction_date"][:7])
                expected[key] += row["debit_amount"] - row["credit_amount"]

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["--config", str(config_path), "build"])
    assert code == 0, out.getvalue()
    con = duckdb.connect(str(database), read_only=True)
    try:
        derived = {
            (org, account, str(month)[:7]): Decimal(net)
            for org, account, month, net in con.execute(
                "select organization_id, account_id, cast(date_trunc('month', posting_date) as date),"
                " sum(net_base) from zoho_books.fct_general_ledger group by 1, 2, 3"
            ).fetchall()
        }
        differences = con.execute(
            "select count(*), max(abs(net_difference_base)) from zoho_books.rpt_gl_reconciliation"
        ).fetchone()
        # Banking synced over HTTP is derived by its rules (D68-D70), none of it taken from Zoho's ledger.
        banking = dict(
            con.execute(
                "select zoho_transaction_type, string_agg(distinct line_source, ',')"
                " from zoho_books.fct_general_ledger where zoho_transaction_type in"
                " ('transfer_fund', 'owner_contribution', 'card_payment', 'interest_income',"
                " 'opening_balance', 'base_currency_adjustment') group by 1"
            ).fetchall()
        )
    finally:
        con.close()
    assert {k: v for k, v in derived.items() if v} == {k: v for k, v in expected.items() if v}
    assert differences is not None
    assert Decimal(differences[1]) == 0
    assert banking == {
        kind: "derived"
        for kind in (
            "transfer_fund",
            "owner_contribution",
            "card_payment",
            "interest_income",
            "opening_balance",
            "base_currency_adjustment",
        )
    }
