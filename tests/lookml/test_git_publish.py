"""Committing to the Looker project's repository: a real bare repository and a clone, through git."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from lookml.generate import generate_lookml
from lookml.git_publish import GitError, commit_message, publish


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def looker_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A bare 'remote' with one commit on main (a user's README), and a clone of it."""
    bare = tmp_path / "looker.git"
    git("init", "--bare", "--initial-branch=main", str(bare), cwd=tmp_path)
    clone = tmp_path / "checkout"
    git("clone", "--quiet", str(bare), str(clone), cwd=tmp_path)
    git("config", "user.name", "Test User", cwd=clone)
    git("config", "user.email", "test@example.com", cwd=clone)
    git("checkout", "-b", "main", cwd=clone)
    (clone / "README.md").write_text("the Looker project\n")
    (clone / "refinements").mkdir()
    (clone / "refinements" / "mine.lkml").write_text("view: +fct_invoices {\n}\n")
    git("add", "README.md", "refinements", cwd=clone)
    git("commit", "--quiet", "-m", "user commit", cwd=clone)
    git("push", "--quiet", "origin", "main", cwd=clone)
    return bare, clone


def test_commit_on_the_branch_and_push(fixture_build: Any, looker_repo: tuple[Path, Path]) -> None:
    bare, clone = looker_repo
    (clone / "notes.txt").write_text("work in progress, not for the generator to commit\n")
    message = commit_message(
        fixture_build.manifest, "lookml_fixture", "inv-1", "2024-02-01", "sync of 2024-02-01 10:00", "8 marts"
    )

    def write(directory: Path) -> list[str]:
        return list(generate_lookml(fixture_build.manifest, directory).files)

    result = publish(clone, "ml-connector", write, message, push=True)
    assert result.commit is not None
    assert result.pushed
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=clone).strip() == "ml-connector"
    assert git("rev-parse", "refs/heads/ml-connector", cwd=bare).strip() == result.commit
    logged = git("log", "-1", "--format=%s%n%b", "ml-connector", cwd=bare)
    assert logged.startswith(
        "LookML from dbt manifest manifest.json of lookml_fixture (sync of 2024-02-01 10:00)"
    )
    assert f"Manifest: {fixture_build.manifest}" in logged
    files = git("ls-tree", "-r", "--name-only", "ml-connector", cwd=bare).split()
    assert {"zoho_books.model.lkml", "manifest.lkml"} <= set(files)
    assert "generated/views/fct_general_ledger.view.lkml" in files
    assert {"README.md", "refinements/mine.lkml"} <= set(files)  # branched from the user's main
    assert "notes.txt" not in files  # only the generator's paths are staged
    assert git("status", "--porcelain", cwd=clone).strip() == "?? notes.txt"
    # The model includes the user's refinements because they exist in the checkout.
    assert '"/refinements/**/*.lkml"' in (clone / "zoho_books.model.lkml").read_text()

    # Same manifest again: nothing to commit.
    again = publish(clone, "ml-connector", write, message, push=True)
    assert again.commit is None
    assert git("rev-parse", "refs/heads/ml-connector", cwd=bare).strip() == result.commit

    # A changed output is a new commit on top.
    def write_eur(directory: Path) -> list[str]:
        return list(generate_lookml(fixture_build.manifest, directory, reporting_currency="EUR").files)

    third = publish(clone, "ml-connector", write_eur, message, push=False)
    assert third.commit is not None
    assert not third.pushed
    assert git("rev-parse", "HEAD~1", cwd=clone).strip() == result.commit
    assert git("rev-parse", "refs/heads/ml-connector", cwd=bare).strip() == result.commit


def test_an_existing_remote_branch_is_continued(
    fixture_build: Any, looker_repo: tuple[Path, Path], tmp_path: Path
) -> None:
    bare, clone = looker_repo

    def write(directory: Path) -> list[str]:
        return list(generate_lookml(fixture_build.manifest, directory).files)

    first = publish(clone, "ml-connector", write, "first\n", push=True)
    other = tmp_path / "other"
    git("clone", "--quiet", str(bare), str(other), cwd=tmp_path)
    second = publish(
        other,
        "ml-connector",
        lambda d: list(generate_lookml(fixture_build.manifest, d, reporting_currency="GBP").files),
        "second\n",
        push=True,
    )
    assert second.commit is not None
    assert git("rev-parse", "HEAD~1", cwd=other).strip() == first.commit
    assert git("log", "-1", "--format=%s", "origin/ml-connector", cwd=other).strip() == "second"


def test_not_a_checkout_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a git checkout"):
        publish(tmp_path, "ml-connector", lambda d: [], "m\n")
