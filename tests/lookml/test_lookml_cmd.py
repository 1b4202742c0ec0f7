"""``ml-connector lookml`` end to end through the CLI entry point, on the fixture project's DuckDB marts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from loader.cli import main


def _config(tmp_path: Path, database: Path, looker: str = "") -> Path:
    config = tmp_path / "ml-connector.toml"
    config.write_text(f'[warehouse]\ndestination = "duckdb"\npath = "{database}"\n{looker}')
    return config


def test_out_check_and_lint_pass(
    fixture_build: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, fixture_build.duckdb)
    out = tmp_path / "lookml"
    manifest = str(fixture_build.manifest)
    code = main(
        ["--config", str(config), "lookml", "--out", str(out), "--manifest", manifest, "--check", "--lint"]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "LookML: 8 views, 5 explores, 1 dashboards" in printed
    assert "lint: 0 errors, 0 warnings" in printed
    assert "statements, 0 failing" in printed
    assert (out / "zoho_books.model.lkml").is_file()


def test_check_failure_exits_1_naming_file_and_line(
    fixture_build: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with duckdb.connect(str(fixture_build.duckdb)) as con:
        con.execute("checkpoint")
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(fixture_build.duckdb, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute("alter table zoho_books.fct_invoices drop column status")
    config = _config(tmp_path, broken)
    out = tmp_path / "lookml"
    manifest = str(fixture_build.manifest)
    code = main(["--config", str(config), "lookml", "--out", str(out), "--manifest", manifest, "--check"])
    captured = capsys.readouterr()
    assert code == 1
    assert "generated/views/fct_invoices.view.lkml:" in captured.out
    assert "dimension fct_invoices.status" in captured.out
    assert "1 failing" in captured.out


def test_repo_mode_commits_and_pushes(
    fixture_build: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = tmp_path / "looker.git"
    subprocess.run(["git", "init", "--bare", "--quiet", str(bare)], check=True)
    checkout = tmp_path / "looker-project"
    subprocess.run(["git", "clone", "--quiet", str(bare), str(checkout)], check=True, capture_output=True)
    looker = (
        '[looker]\nbase_url = "https://example.cloud.looker.com"\nproject = "zoho_books"\n'
        'model = "zoho_books"\n'
        f'connection = "warehouse"\nrepo = "{checkout}"\nbranch = "lookml-test"\n'
    )
    config = _config(tmp_path, fixture_build.duckdb, looker)
    code = main(["--config", str(config), "lookml", "--manifest", str(fixture_build.manifest), "--push"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "branch lookml-test: committed" in printed
    assert printed.rstrip().endswith(", pushed")
    subject = subprocess.run(
        ["git", "--git-dir", str(bare), "log", "-1", "--format=%s", "lookml-test"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    assert subject == "LookML from dbt manifest manifest.json of lookml_fixture (sync of 2024-02-01 10:00:00)"


def test_push_without_a_repo_is_bad_usage(fixture_build: Any, tmp_path: Path) -> None:
    config = _config(tmp_path, fixture_build.duckdb)
    assert main(["--config", str(config), "lookml", "--out", str(tmp_path / "x"), "--push"]) == 2


def test_missing_manifest_fails_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, tmp_path / "w.duckdb")
    code = main(
        [
            "--config",
            str(config),
            "lookml",
            "--out",
            str(tmp_path / "x"),
            "--manifest",
            str(tmp_path / "none.json"),
        ]
    )
    assert code == 1
    assert "run `ml-connector build`" in capsys.readouterr().err
