"""The LookML tests' fixture dbt project, compiled once per session with dbt's in-process runner.

``tests/lookml/fixture_project`` is a small dbt project shaped like the connector's marts (a ledger with
money, dates and timestamps, dimensions, a rate table with a compound key, an invoice header and its
lines, a report). ``dbt build`` runs it into a DuckDB file, which gives both a real ``manifest.json`` and
real tables for the SQL check. Never a hand-written manifest.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURE_PROJECT = Path(__file__).parent / "fixture_project"


@dataclass(frozen=True)
class BuiltProject:
    manifest: Path
    duckdb: Path | None = None
    postgres_dsn: str | None = None
    postgres_schema: str | None = None


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build_fixture(work: Path, env: dict[str, str]) -> Path:
    """``dbt build`` of the fixture project; its manifest.json lands in ``work/target``."""
    from dbt.cli.main import dbtRunner

    project = work / "project"
    shutil.copytree(FIXTURE_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb"))
    args = ["build", "--project-dir", str(project), "--profiles-dir", str(project)]
    args += ["--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet"]
    with _environment(env):
        outcome = dbtRunner().invoke(args)
    assert outcome.exception is None, outcome.exception
    assert outcome.success, "the fixture dbt project failed to build"
    return work / "target" / "manifest.json"


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> BuiltProject:
    work = tmp_path_factory.mktemp("lookml_fixture")
    database = work / "fixture.duckdb"
    env = {"LOOKML_FIXTURE_TARGET": "duckdb", "LOOKML_FIXTURE_DUCKDB_PATH": str(database)}
    return BuiltProject(manifest=build_fixture(work, env), duckdb=database)


@pytest.fixture
def postgres_build(postgres_schema: tuple[str, str], tmp_path: Path) -> BuiltProject:
    dsn, schema = postgres_schema
    parts = dict(part.split("=", 1) for part in dsn.split())
    env = {
        "LOOKML_FIXTURE_TARGET": "postgres",
        "LOOKML_FIXTURE_PG_HOST": parts.get("host", "127.0.0.1"),
        "LOOKML_FIXTURE_PG_PORT": parts.get("port", "5432"),
        "LOOKML_FIXTURE_PG_USER": parts.get("user", "postgres"),
        "LOOKML_FIXTURE_PG_DATABASE": parts.get("dbname", "test"),
        "LOOKML_FIXTURE_PG_SCHEMA": schema,
    }
    manifest = build_fixture(tmp_path / "pg", env)
    return BuiltProject(manifest=manifest, postgres_dsn=dsn, postgres_schema=schema)
