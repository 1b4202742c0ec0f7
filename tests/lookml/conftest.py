"""The LookML tests' dbt projects, each built once per session with dbt's in-process runner.

``tests/lookml/fixture_project`` is a small dbt project shaped like the connector's marts (a ledger with
money, dates and timestamps, dimensions, a rate table with a compound key, an invoice header and its
lines, a report). ``dbt build`` runs it into a DuckDB file, which gives both a real ``manifest.json`` and
real tables for the SQL check. Never a hand-written manifest.

The connector's own dbt project (``dbt_project/``) is built from the data set tests/dbt uses: the sandbox data
loaded into ``zoho_books_raw`` with dlt, then ``dbt run`` through the product's runner
(``loader.transform.dbt_runner``), on DuckDB and on PostgreSQL (a database of its own: the project's schema
names are fixed). ``run``, not ``build``: the LookML needs the manifest and the tables, and the data tests
(about half of a build's time) are tests/dbt's job.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dlt
import lkml
import pytest

from loader.transform.dbt_runner import DbtTarget, run_dbt
from tests.dbt.conftest import load_sandbox
from tests.scratch_database import scratch_database

FIXTURE_PROJECT = Path(__file__).parent / "fixture_project"
GOLDEN_ROOT = Path(__file__).parent / "golden"


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


def _run_marts(work: Path, target: DbtTarget) -> Path:
    """``dbt run`` of the connector's project into ``target``; the path of the manifest it wrote."""
    result = run_dbt(["run"], target, dbt_vars={"reporting_currency": "USD"}, work_dir=work)
    assert result.success, result.summary()
    return work / "target" / "manifest.json"


@pytest.fixture(scope="session")
def sandbox_duckdb_build(tmp_path_factory: pytest.TempPathFactory) -> BuiltProject:
    """The connector's dbt project built on DuckDB from sandbox data: its manifest and its warehouse file."""
    work = tmp_path_factory.mktemp("sandbox_duckdb")
    database = work / "warehouse.duckdb"
    load_sandbox(dlt.destinations.duckdb(str(database)), work)
    manifest = _run_marts(work, DbtTarget("duckdb", duckdb_path=database))
    return BuiltProject(manifest=manifest, duckdb=database)


@pytest.fixture(scope="session")
def sandbox_postgres_build(
    postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BuiltProject]:
    """The same on PostgreSQL, in a database created for the session and dropped afterwards."""
    with scratch_database(postgres_server, "ml_connector_lookml") as name:
        work = tmp_path_factory.mktemp("sandbox_postgres")
        parts = {**dict(part.split("=", 1) for part in postgres_server.split()), "dbname": name}
        host, port, user = parts.get("host", "127.0.0.1"), parts.get("port", "5432"), parts["user"]
        dsn = " ".join(f"{key}={value}" for key, value in parts.items())
        load_sandbox(dlt.destinations.postgres(f"postgresql://{user}:@{host}:{port}/{name}"), work)
        target = DbtTarget("postgres", host=host, port=int(port), user=user, database=name)
        manifest = _run_marts(work, target)
        yield BuiltProject(manifest=manifest, postgres_dsn=dsn, postgres_schema="zoho_books")


def assert_matches_golden(produced_dir: Path, golden_dir: Path, *, may_update: bool = True) -> None:
    """Each file under ``produced_dir`` equals its golden copy byte for byte; none is missing or extra.

    With ``LOOKML_UPDATE_GOLDEN=1`` (and ``may_update``) the golden directory is first replaced by what was
    produced: review the diff before committing it.
    """
    produced = sorted(p.relative_to(produced_dir).as_posix() for p in produced_dir.rglob("*") if p.is_file())
    if may_update and os.environ.get("LOOKML_UPDATE_GOLDEN"):
        shutil.rmtree(golden_dir, ignore_errors=True)
        for relative in produced:
            (golden_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(produced_dir / relative, golden_dir / relative)
    golden = sorted(p.relative_to(golden_dir).as_posix() for p in golden_dir.rglob("*") if p.is_file())
    assert produced == golden
    for relative in produced:
        assert (produced_dir / relative).read_bytes() == (golden_dir / relative).read_bytes(), relative


def count_statements(out: Path) -> int:
    """What the SQL check must run: every field of every view, every join, the datagroup."""
    total = 1
    for path in out.rglob("*.lkml"):
        parsed = lkml.load(path.read_text())
        for view in parsed.get("views", []):
            total += sum(len(view.get(k, [])) for k in ("dimensions", "dimension_groups", "measures"))
        total += sum(len(e.get("joins", [])) for e in parsed.get("explores", []))
    return total


def line_of(path: Path, needle: str) -> int:
    """The 1-based number of the first line of ``path`` that contains ``needle``."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)
