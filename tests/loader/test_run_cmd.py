"""``ml-connector run`` against the sandbox and the fake Looker: the whole job, and the stop before deploy."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import duckdb
import lkml
import pytest

from loader.cli import main
from loader.demo import LOOKER_PROJECT, LOOKER_REMOTE, demo_world
from loader.looker import deploy
from ml_connector_fakes.looker import Look


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ML_CONNECTOR_KEY", "ML_CONNECTOR_CONFIG", "ML_CONNECTOR_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")


def git(cwd: Path, *args: str) -> str:
    identity = ["-c", "user.name=analyst", "-c", "user.email=analyst@example.com"]
    done = subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def hotfix_in_production(directory: Path, tmp_path: Path) -> str:
    """An analyst adds a dimension to the invoices view on a branch of their own (not the connector's)."""
    clone = tmp_path / "analyst"
    git(tmp_path, "clone", "--quiet", str(directory / LOOKER_REMOTE), str(clone))
    git(clone, "checkout", "--quiet", "-b", "hotfix", "origin/ml-connector")
    view_path = clone / "generated" / "views" / "fct_invoices.view.lkml"
    parsed = lkml.load(view_path.read_text(encoding="utf-8"))
    parsed["views"][0]["dimensions"].append(
        {"name": "is_large", "type": "yesno", "sql": "${TABLE}.total_reporting > 1000"}
    )
    view_path.write_text(lkml.dump(parsed) or "", encoding="utf-8")
    git(clone, "commit", "--quiet", "-am", "is_large for the sales dashboard")
    git(clone, "push", "--quiet", "origin", "hotfix")
    return git(clone, "rev-parse", "HEAD")


def test_run_deploys_a_valid_change_and_stops_before_deploy_when_a_look_would_break(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "world"
    with demo_world(directory, invoices_per_org=3) as world:
        config = str(world.config.path)
        assert main(["--config", config, "run"]) == 0
        out = capsys.readouterr().out
        assert "Run complete: sync → build → lookml → lookml check → validate → deploy → refresh" in out
        project = world.looker.projects[LOOKER_PROJECT]
        first = project.production_ref
        assert first == git(directory / "looker-project", "rev-parse", "ml-connector")
        resets = len(world.looker.calls_to("PATCH", "/datagroups/"))
        assert resets == 1

        # Production moves to the analyst's branch, and a saved Look starts using the new field.
        hotfix = hotfix_in_production(directory, tmp_path)
        with world.open_looker() as client:
            deploy(client, LOOKER_PROJECT, "hotfix", hotfix)
        world.looker.add_look(
            Look("2", "Large invoices", "zoho_books", "fct_invoices", ["fct_invoices.is_large"])
        )

        # The connector's branch does not have it: the run stops before deploy and before the reset.
        assert main(["--config", config, "run"]) == 1
        captured = capsys.readouterr()
        assert "Large invoices" in captured.out
        assert "nothing was deployed" in captured.err
        assert project.production_ref == hotfix
        assert len(world.looker.calls_to("PATCH", "/datagroups/")) == resets
        secret = (world.vault.get("looker") or {})["client_secret"].reveal()
        assert secret not in captured.out + captured.err


def test_a_module_zoho_will_not_serve_fails_the_run_after_the_build_ran_on_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with demo_world(tmp_path / "world", invoices_per_org=3) as world:
        config = str(world.config.path)
        assert main(["--config", config, "run"]) == 0
        capsys.readouterr()
        # The Zoho user's role loses access to expenses (code 57 with HTTP 400): every other entity syncs,
        # the build and the rest of the job run on what the warehouse holds, and the run fails naming it.
        world.sandbox.configure(forbidden={"expenses": 400})
        world.sandbox.create(next(iter(world.dataset.orgs)), "invoices")
        assert main(["--config", config, "run"]) == 1
        captured = capsys.readouterr()
    assert "dbt build passed" in captured.out
    assert "LookML check:" in captured.out
    assert "sandbox-us/expenses" in captured.err
    assert "ZohoBooks.expenses.READ" in captured.err
    assert "the other stages ran on everything else" in captured.err
    assert "Run complete" not in captured.out
    assert "1 (not read)" not in captured.out  # nothing was loaded for expenses
    assert "0 (not read)" in captured.out


def test_a_first_run_without_a_module_builds_its_models_empty_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # On a first run the unreadable entity was never loaded: its raw table is created empty with the
    # declared columns, so the models over it build on no rows, and the general ledger takes the expenses'
    # lines from Zoho's own ledger (D60): the build passes, and the run fails naming what it could not read.
    with demo_world(tmp_path / "world", invoices_per_org=3) as world:
        world.sandbox.configure(forbidden={"expenses": 401})
        assert main(["--config", str(world.config.path), "run"]) == 1
        captured = capsys.readouterr()
        con = duckdb.connect(str(world.config.warehouse.path), read_only=True)
        try:
            (expenses,) = con.execute("select count(*) from zoho_books_raw.expenses").fetchone() or (None,)
            columns = {r[0] for r in con.execute("describe zoho_books_raw.expenses").fetchall()}
        finally:
            con.close()
    assert expenses == 0
    assert {"expense_id", "total", "date", "_zoho_organization_id", "_is_deleted"} <= columns
    assert "stg_zoho_books__expenses" not in captured.err  # the staging model built
    assert "dbt build passed" in captured.out
    # The run prints the reconciliation: the expenses' lines all taken from Zoho's ledger (0% derived), the
    # invoices' derived, and the ledger equal to Zoho's.
    assert "General ledger vs Zoho's ledger, by Zoho transaction type" in captured.out
    assert re.search(r"│ expense\s+│\s+[1-9][\d,]*\s+│\s+0\s+│\s+[1-9][\d,]*\s+│\s+0\.0%\s+│", captured.out)
    # Invoices: derived but for the inventory cost Zoho adds to an invoice of a tracked item, taken (D104).
    counted = r"\s+│\s+[1-9][\d,]*"
    assert re.search(rf"│ invoice{counted * 3}\s+│\s+9\d\.\d%\s+│", captured.out)
    assert "the general ledger equals Zoho's ledger on every type, account and month" in captured.out
    assert "sandbox-us/expenses" in captured.err
    assert "ZohoBooks.expenses.READ" in captured.err
    assert "Run complete" not in captured.out
