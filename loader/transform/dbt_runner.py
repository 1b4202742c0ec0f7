"""Run the dbt project in-process with dbt's ``dbtRunner`` and the project's own ``profiles.yml``.

Not dlt's dbt runner: its venv helper installs an unpinned dbt-core and its DuckDB profile downloads the
``httpfs`` extension, both of which fail here (docs in the shared stack notes). The profile reads its
connection settings from ``ML_CONNECTOR_DBT_*`` environment variables, which :func:`run_dbt` sets for the
duration of one invocation only (and restores), so a password never lands in a file or on a command line.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loader.config import Config
from loader.secret import Secret

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[2]  # dbt_project.yml and profiles.yml live here

_ENV_LOCK = threading.Lock()  # dbt reads os.environ; one invocation at a time per process


class DbtError(Exception):
    """dbt could not run, or the build failed. The message names the failing models and tests."""


@dataclass(frozen=True)
class DbtTarget:
    """Where dbt builds: ``duckdb`` (a file) or ``postgres`` (password from the vault; none for trust)."""

    name: str
    duckdb_path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    database: str = "postgres"
    password: Secret | None = field(default=None, repr=False)

    def environment(self) -> dict[str, str]:
        if self.name == "duckdb":
            if self.duckdb_path is None:
                raise DbtError("the DuckDB target needs a database path ([warehouse] path)")
            return {
                "ML_CONNECTOR_DBT_TARGET": "duckdb",
                "ML_CONNECTOR_DBT_DUCKDB_PATH": str(self.duckdb_path),
            }
        if self.name == "postgres":
            return {
                "ML_CONNECTOR_DBT_TARGET": "postgres",
                "ML_CONNECTOR_DBT_PG_HOST": self.host,
                "ML_CONNECTOR_DBT_PG_PORT": str(self.port),
                "ML_CONNECTOR_DBT_PG_USER": self.user,
                "ML_CONNECTOR_DBT_PG_DATABASE": self.database,
                "ML_CONNECTOR_DBT_PG_PASSWORD": self.password.reveal() if self.password else "",
            }
        raise DbtError(f"no dbt target for warehouse destination {self.name!r}: use duckdb or postgres")


@dataclass(frozen=True)
class NodeResult:
    unique_id: str
    status: str
    message: str
    failures: int | None


@dataclass(frozen=True)
class DbtRunResult:
    success: bool
    elapsed_seconds: float
    results: tuple[NodeResult, ...]

    @property
    def failed(self) -> tuple[NodeResult, ...]:
        return tuple(r for r in self.results if r.status in ("error", "fail", "runtime error"))

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for result in self.results:
            counts[result.status] = counts.get(result.status, 0) + 1
        parts = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        return f"{len(self.results)} nodes in {self.elapsed_seconds:.1f} s ({parts or 'nothing run'})"


def vars_from_config(config: Config) -> dict[str, Any]:
    return {
        "reporting_currency": config.reporting.currency,
        "strict_reconciliation": config.reporting.strict_reconciliation,
    }


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    with _ENV_LOCK:
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


def run_dbt(
    command: Sequence[str],
    target: DbtTarget,
    *,
    dbt_vars: Mapping[str, Any] | None = None,
    work_dir: Path | None = None,
    raise_on_failure: bool = True,
) -> DbtRunResult:
    """Run one dbt command (``["build"]``, ``["run", "--select", "x"]``...) against ``target``.

    ``work_dir`` holds dbt's target/ and logs/ (default: the project's). Raises DbtError when dbt cannot
    start or, with ``raise_on_failure``, when any node fails; the message lists the failing nodes.
    """
    from dbt.cli.main import dbtRunner  # heavy: imported only when dbt runs

    work = work_dir or PROJECT_DIR
    args = [
        *command,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target",
        target.name,
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--no-use-colors",
        "--quiet",
    ]
    if dbt_vars:
        args += ["--vars", json.dumps(dict(dbt_vars))]
    started = time.monotonic()
    with _environment(target.environment()):
        try:
            outcome = dbtRunner().invoke(args)
        finally:
            if target.name == "duckdb":
                _release_duckdb()
    elapsed = time.monotonic() - started
    if outcome.exception is not None:
        raise DbtError(f"dbt {' '.join(command)} could not run: {outcome.exception}") from None
    results = tuple(_node_results(outcome.result))
    result = DbtRunResult(success=bool(outcome.success), elapsed_seconds=elapsed, results=results)
    log.info("dbt %s: %s", " ".join(command), result.summary())
    if raise_on_failure and not result.success:
        lines = [f"  {r.unique_id}: {r.status}: {r.message}" for r in result.failed[:20]]
        more = len(result.failed) - len(lines)
        raise DbtError(
            f"dbt {' '.join(command)} failed ({result.summary()}):\n"
            + "\n".join(lines)
            + (f"\n  ... and {more} more" if more > 0 else "")
            + f"\nlogs: {work / 'logs' / 'dbt.log'}"
        )
    return result


# The models a per-organization build replaces: every intermediate and mart table, incremental by
# organization under var `organizations` (dbt_project.yml, macros/organizations.sql). Staging views are left
# alone: they read raw whole and every build shares them, so replacing them would race another build.
ORGANIZATION_MODELS = ("intermediate", "marts")
# A per-organization build's probe that a full build has run: the last mart of the DAG.
_BUILT_MARKER = ("zoho_books", "rpt_balance_sheet")


def organization_build_command(organization_ids: Sequence[str]) -> tuple[list[str], dict[str, Any]]:
    """The dbt command and vars that rebuild only ``organization_ids``' rows: their intermediate and mart
    tables, and the data tests of those tables, each on those organizations' rows (unit tests, which check
    the SQL and not the data, are left to full builds)."""
    command = ["build", "--select", *ORGANIZATION_MODELS, "--exclude", "resource_type:unit_test"]
    return command, {"organizations": sorted({str(org) for org in organization_ids})}


def build_organizations(
    target: DbtTarget,
    organization_ids: Sequence[str] | None,
    *,
    dbt_vars: Mapping[str, Any] | None = None,
    work_dir: Path | None = None,
    raise_on_failure: bool = True,
) -> DbtRunResult:
    """``dbt build`` for the rows of ``organization_ids`` only; everyone else's rows stay as they are.

    None (or an empty list) builds everything, as does a warehouse no full build has run on yet (a
    per-organization build replaces rows in tables a full build creates). Builds of different organizations
    may run at once on PostgreSQL: each replaces its own organizations' rows, in one transaction per table,
    and creates or drops no shared relation. A model whose columns changed fails the per-organization build
    (``on_schema_change: fail``): a full build (``ml-connector build``) takes the new columns for everyone.

    On PostgreSQL the builds of one warehouse hold its build lock (:func:`build_lock`, D164): shared by
    per-organization builds, so they run side by side, exclusive for a full build, which replaces the tables
    every other build writes into. Of several per-organization builds that find the warehouse never built,
    the first makes the full build and the others wait for it, then rebuild their own organizations only.
    """

    def full() -> DbtRunResult:
        return run_dbt(
            ["build"], target, dbt_vars=dbt_vars, work_dir=work_dir, raise_on_failure=raise_on_failure
        )

    def per_organization(ids: Sequence[str]) -> DbtRunResult:
        command, organization_vars = organization_build_command(ids)
        return run_dbt(
            command,
            target,
            dbt_vars={**(dbt_vars or {}), **organization_vars},
            work_dir=work_dir,
            raise_on_failure=raise_on_failure,
        )

    if not organization_ids:
        with build_lock(target, exclusive=True):
            return full()
    with build_lock(target, exclusive=False):
        if warehouse_is_built(target):
            return per_organization(organization_ids)
    # Never built: the full build, unless another build made it while this one waited for the lock.
    with build_lock(target, exclusive=True):
        if warehouse_is_built(target):
            return per_organization(organization_ids)
        return full()


# The key of a warehouse's build lock (advisory locks are per database: one key serves every warehouse).
BUILD_LOCK_KEY = "ml_connector:dbt_build"


@contextmanager
def build_lock(target: DbtTarget, *, exclusive: bool) -> Iterator[None]:
    """Hold the warehouse's dbt build lock (PostgreSQL), shared or ``exclusive``, while the block runs.

    A PostgreSQL session advisory lock, as the loads take turns (D145, ``load_lock``): the server drops it
    when the holder's connection ends, so a killed build never leaves it held. DuckDB needs none: a file takes
    one writing process (D146)."""
    if target.name != "postgres":
        yield
        return
    con = _connect(target)
    try:
        con.autocommit = True
        suffix = "" if exclusive else "_shared"
        with con.cursor() as cur:
            cur.execute(f"select pg_advisory_lock{suffix}(hashtext(%s))", (BUILD_LOCK_KEY,))
        try:
            yield
        finally:
            with con.cursor() as cur:
                cur.execute(f"select pg_advisory_unlock{suffix}(hashtext(%s))", (BUILD_LOCK_KEY,))
    finally:
        con.close()


def _connect(target: DbtTarget) -> Any:
    import psycopg2

    return psycopg2.connect(
        host=target.host,
        port=target.port,
        user=target.user,
        dbname=target.database,
        password=target.password.reveal() if target.password else None,
    )


def warehouse_is_built(target: DbtTarget) -> bool:
    """Whether a full build has made the marts (the last of them exists)."""
    schema, table = _BUILT_MARKER
    sql = "select count(*) from information_schema.tables where table_schema = %s and table_name = %s"
    if target.name == "duckdb":
        import duckdb

        if target.duckdb_path is None or not target.duckdb_path.exists():
            return False
        with duckdb.connect(str(target.duckdb_path), read_only=True) as con:
            row = con.execute(sql.replace("%s", "?"), [schema, table]).fetchone()
        return bool(row and row[0])
    con = _connect(target)
    try:
        with con.cursor() as cur:
            cur.execute(sql, (schema, table))
            row = cur.fetchone()
    finally:
        con.close()
    return bool(row and row[0])


def _release_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance open in the process after a run; close it, so the caller (lookml,
    demo summary, tests) can open the file itself. Uses the adapter's class attribute (no public API)."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a pinned dependency
        return
    with DuckDBConnectionManager._LOCK:
        environment: Any = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if environment is not None:
            try:
                environment.close()
            except Exception as exc:  # closing is best effort; the next run reopens anyway
                log.debug("closing dbt-duckdb's DuckDB environment failed: %s", exc)


def _node_results(result: Any) -> Iterator[NodeResult]:
    for item in getattr(result, "results", None) or ():
        node = getattr(item, "node", None)
        yield NodeResult(
            unique_id=str(getattr(node, "unique_id", "?")),
            status=str(getattr(item, "status", "?")),
            message=str(getattr(item, "message", "") or ""),
            failures=getattr(item, "failures", None),
        )
