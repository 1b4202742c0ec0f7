"""Webhooks end to end on loopback: a sandbox mutation → a signed webhook → ``serve`` with the production
``WarehouseApplier`` (targeted sync, dbt build, no Looker configured) → the marts show the change, within
seconds.

Path: ml_connector_fakes.zoho.server (admin mutation, signed delivery) → loader.service.webhooks.service
(receiver, store, worker) → loader.service.webhooks.applier.WarehouseApplier → loader.extract.sync_documents
(dlt, DuckDB) → loader.transform.dbt_runner.run_dbt (dbtRunner) → zoho_books.fct_invoices / fct_bills /
rpt_gl_reconciliation.

``serve`` runs in a thread of the test process, as ``ml-connector serve`` runs it in its own process: the
event store, the targeted sync and dbt all open the one DuckDB file in that process. DuckDB lets a single
process hold a file read-write, and serve holds it for its whole life, so another process could not read the
marts until serve stopped; within the process a plain ``duckdb.connect`` of the same path joins the same
database instance instead. The test reads the marts that way while serve runs, through a short connection
per look (retried when dbt is swapping a table), and once more through a read-only connection after serve
stopped and let go of the file. The latency from the mutation to the marts (and to the events applied) is
printed, not asserted beyond the generous polling timeout.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pytest

from loader.cli import main
from loader.config import Config, load_config
from loader.extract import run_sync
from loader.service.webhooks.applier import WarehouseApplier
from loader.service.webhooks.service import ServeOptions, WebhookService
from loader.transform.dbt_runner import run_dbt, vars_from_config
from loader.vault import Vault
from loader.warehouse import Warehouse
from loader.zoho.ratelimit import on_zoho_clock
from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.server import SandboxServer
from tests.serve_thread import serving_in_thread

US_ORG = "10234695"  # the generated data set's "us" organization
WEBHOOK_SECRET = "e2eWebhookSecret2026"  # Zoho's shape: 12 to 50 letters and digits
TIMEOUT = 300.0  # generous: the issue asks for "within seconds"; the measured latency is printed

T = TypeVar("T")

pytestmark = pytest.mark.slow  # a full sync and dbt build first (~2 minutes here)


def write_config(directory: Path, sandbox: SandboxServer, database: Path) -> Path:
    path = directory / "ml-connector.toml"
    path.write_text(
        f'[warehouse]\ndestination = "duckdb"\npath = "{database}"\n\n'
        '[reporting]\ncurrency = "USD"\n\n[schedule]\ncron = "0 2 * * *"\n\n'
        f'[[zoho.connections]]\nname = "us"\nregion = "us"\norganization_id = "{US_ORG}"\n'
        f'accounts_url = "{sandbox.accounts_url("us")}"\napi_base_url = "{sandbox.api_base_url("us")}"\n'
        "requests_per_minute = 100\n",  # Zoho's limit, paced on the sandbox's 60x clock (on_zoho_clock)
        encoding="utf-8",
    )
    return path


def store_credentials(dataset: Dataset, config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Zoho OAuth record as `auth zoho` leaves it, and the webhook secret through `auth webhook`."""
    refresh = next(token for token, (_, region) in dataset.refresh_tokens.items() if region == "us")
    client = next(c for c in dataset.oauth_clients if c.client_id == dataset.refresh_tokens[refresh][0])
    Vault.beside(config_path).put(
        "zoho/us",
        {"client_id": client.client_id, "client_secret": client.client_secret, "refresh_token": refresh},
    )
    code = main(
        ["--config", str(config_path), "auth", "webhook", "--connection", "us", "--secret", WEBHOOK_SECRET]
    )
    assert code == 0, capsys.readouterr()
    capsys.readouterr()


def deletable_invoice(dataset: Dataset) -> str:
    """An invoice no payment or credit was applied to: one Zoho lets a user delete."""
    books = dataset.orgs[US_ORG].records
    applied = {row["invoice_id"] for p in books["customerpayments"].values() for row in p["invoices"]}
    applied |= {
        row["invoice_id"] for c in books["creditnotes"].values() for row in c.get("invoices_credited", [])
    }
    return next(i for i, r in books["invoices"].items() if i not in applied and r["status"] != "void")


@contextmanager
def serving(config: Config, vault: Vault) -> Iterator[str]:
    """``serve`` with the production applier and its default debounce, schedule off; yields its URL."""
    service = WebhookService(
        config, vault, WarehouseApplier(config, vault), ServeOptions(port=0, schedule=False)
    )
    with serving_in_thread(service, stop_timeout=TIMEOUT) as url:
        yield url


@contextmanager
def connect(database: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short connection. While serve runs, a read-write ``connect`` of the path joins serve's DuckDB
    instance (one per file and process); DuckDB refuses a read-only one there (a different configuration
    than the open connections'), so that is for after serve stopped."""
    con = duckdb.connect(str(database), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@dataclass(frozen=True)
class MartState:
    invoice_total: Decimal | None  # None: no row
    deleted_invoice_rows: int
    bill_total: Decimal | None


def mart_state(con: duckdb.DuckDBPyConnection, invoice_id: str, deleted_id: str, bill_id: str) -> MartState:
    """What the marts say of the three documents."""

    def rows(sql: str, value: str) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = con.execute(sql, [value]).fetchall()
        return found

    invoice = rows("select total_transaction from zoho_books.fct_invoices where invoice_id = ?", invoice_id)
    deleted = rows("select count(*) from zoho_books.fct_invoices where invoice_id = ?", deleted_id)
    bill = rows("select total_transaction from zoho_books.fct_bills where bill_id = ?", bill_id)
    return MartState(
        invoice_total=invoice[0][0] if invoice else None,
        deleted_invoice_rows=int(deleted[0][0]),
        bill_total=bill[0][0] if bill else None,
    )


def marts_now(database: Path, invoice_id: str, deleted_id: str, bill_id: str) -> MartState:
    with connect(database) as con:
        return mart_state(con, invoice_id, deleted_id, bill_id)


def wait_for(probe: Callable[[], T], expected: T, what: str, timeout: float = TIMEOUT) -> None:
    """Poll ``probe()`` until it returns ``expected``; a DuckDB error (dbt swapping a table) is retried."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            last = probe()
        except duckdb.Error as exc:
            last = exc
        if last == expected:
            return
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s; last seen: {last!r}"
        time.sleep(0.1)


def history_summary(history: str) -> str:
    """The summary line of `webhooks history` (the whole output when there is none, to show what it said)."""
    found = [line.strip() for line in history.splitlines() if "event(s):" in line]
    return found[-1] if found else history


def webhooks_history(config_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """`ml-connector webhooks history` as a user runs it (while serve runs, it asks serve over HTTP)."""
    code = main(
        [
            "--config",
            str(config_path),
            "webhooks",
            "history",
            "--since",
            "2000-01-01",
            "--until",
            "2100-01-01",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def history_rows(listing: str) -> dict[str, tuple[str, str, str, int, int]]:
    """document id → (entity, action, status, attempts, deliveries), from the table `webhooks history`
    prints."""
    rows = re.findall(
        r"│\s*(\w+)\s*│\s*(\d+)\s*│\s*(\w+)\s*│\s*(pending|applied|failed)\s*│\s*(\d+)\s*│\s*(\d+)\s*│",
        listing,
    )
    return {
        document: (entity, action, status, int(attempts), int(deliveries))
        for entity, document, action, status, attempts, deliveries in rows
    }


def test_sandbox_mutations_reach_the_marts_within_seconds(
    tmp_path: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = generate_dataset(seed=5, invoices_per_org=6)
    database = tmp_path / "warehouse.duckdb"
    invoices = dataset.orgs[US_ORG].records["invoices"]
    doomed = deletable_invoice(dataset)
    # A posted invoice (it has ledger entries), so the edit moves the ledger the reconciliation checks.
    edited_id = next(i for i, r in invoices.items() if i != doomed and r["status"] not in ("draft", "void"))
    total_before = Decimal(invoices[edited_id]["total"])

    with on_zoho_clock(60.0), SandboxServer(dataset, SandboxConfig(time_scale=60.0)) as sandbox:
        config_path = write_config(tmp_path, sandbox, database)
        store_credentials(dataset, config_path, capsys)
        config = load_config(config_path)
        vault = Vault.beside(config_path)

        # The warehouse as a first `ml-connector sync` and `build` leave it.
        assert run_sync(config, vault).complete
        built = run_dbt(
            ["build"],
            Warehouse.of(config).dbt_target(),
            dbt_vars=vars_from_config(config),
            work_dir=config.state_dir / "dbt",
        )
        assert built.success, built.summary()
        before = marts_now(database, edited_id, doomed, "no-bill-yet")
        assert before == MartState(invoice_total=total_before, deleted_invoice_rows=1, bill_total=None)

        with serving(config, vault) as url:
            sandbox.configure_webhooks(
                url=f"{url}/webhooks/zoho/us",
                secret=WEBHOOK_SECRET,
                body_format="alternate",
                response_format="alternate",
            )
            try:
                mutated = time.monotonic()
                edited = sandbox.edit(US_ORG, "invoices", edited_id)
                sandbox.delete(US_ORG, "invoices", doomed)
                bill = sandbox.create(US_ORG, "bills")
                bill_id = str(bill["bill_id"])
                expected = MartState(
                    invoice_total=edited["total"], deleted_invoice_rows=0, bill_total=bill["total"]
                )
                wait_for(
                    lambda: marts_now(database, edited_id, doomed, bill_id),
                    expected,
                    "the marts show the edited total, the deletion and the new bill",
                )
                to_marts = time.monotonic() - mutated
                wait_for(
                    lambda: history_summary(webhooks_history(config_path, capsys)),
                    "3 event(s): 3 applied, 0 pending, 0 failed.",
                    "`webhooks history` shows the three events applied",
                )
                to_applied = time.monotonic() - mutated
                listing = webhooks_history(config_path, capsys)
            finally:
                sandbox.configure_webhooks(url=None, secret=None)
            stats = sandbox.webhook_stats()
    with capsys.disabled():
        print(
            f"\nsandbox mutation → marts show it: {to_marts:.1f} s; → events applied (targeted sync, "
            f"dbt build with its tests done): {to_applied:.1f} s (serve's default debounce of "
            f"{ServeOptions().debounce:g} s included)"
        )

    assert edited["total"] != total_before  # the edit changed the invoice's total
    assert (stats["queued"], stats["delivered"], stats["failed"]) == (3, 3, 0)
    # Applied at the first attempt: serve's store, the targeted sync, dbt and the test's reads share the
    # DuckDB file without a conflict.
    assert history_rows(listing) == {
        edited_id: ("invoices", "edited", "applied", 1, 1),
        doomed: ("invoices", "deleted", "applied", 1, 1),
        bill_id: ("bills", "created", "applied", 1, 1),
    }

    # Serve stopped and let go of the file: any reader may open it now, read-only.
    with connect(database, read_only=True) as con:
        final = mart_state(con, edited_id, doomed, bill_id)
        raw = con.execute(
            "select _is_deleted from zoho_books_raw.invoices where invoice_id = ?", [doomed]
        ).fetchall()
        lines = con.execute(
            "select count(*) from zoho_books.fct_invoice_lines where invoice_id = ?", [doomed]
        ).fetchall()
        ledger = con.execute(
            "select source_id, count(*) from zoho_books.fct_general_ledger where source_id in (?, ?)"
            " group by 1",
            [doomed, bill_id],
        ).fetchall()
        reconciliation = con.execute(
            "select count(*), count(*) filter (where net_difference_base <> 0"
            " or debit_difference_base <> 0 or credit_difference_base <> 0)"
            " from zoho_books.rpt_gl_reconciliation"
        ).fetchall()
    assert final == expected
    assert raw == [(True,)]  # the raw row stays, flagged deleted; the marts leave it out
    assert lines == [(0,)]
    assert [source for source, entries in ledger if entries > 0] == [bill_id]  # posted; the deleted is not
    ((rows, differing),) = reconciliation
    assert rows > 0
    assert differing == 0  # the derived ledger still matches Zoho's to the cent, every account and month
