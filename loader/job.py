"""The whole job, stage by stage: sync → dbt build → LookML (written and checked) → Looker.

With ``[looker]`` configured and its API credentials in the vault, the LookML is committed on the
configured branch of the Looker project's checkout and pushed, validated by Looker in dev mode, deployed
only when the validation passed, and the datagroup is reset to the sync's time so Looker's cache refreshes.
Without Looker the LookML is written beside the config (``looker/``) and checked against the warehouse.

Each stage raises ``JobFailed`` naming the stage; what earlier stages did stays done (a sync is complete
when loaded, a build replaces marts atomically, a failed validation deploys nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from loader.config import Config
from loader.vault import Vault
from loader.warehouse import UnsupportedWarehouse, Warehouse

if TYPE_CHECKING:
    from loader.extract import SyncResult
    from loader.looker import DatagroupReset, DeployResult, LookerClient, ValidationReport
    from loader.transform.dbt_runner import DbtRunResult
    from loader.transform.reconciliation import Reconciliation
    from lookml import CheckResult, GenerationResult
    from lookml.warehouse import SqlRunner

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """A stage of the job failed; ``stage`` names it and the message says what to do."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"{stage}: {message}")
        self.stage = stage


@dataclass
class JobResult:
    sync: SyncResult | None = None
    build: DbtRunResult | None = None
    lookml: GenerationResult | None = None
    lookml_dir: Path | None = None
    commit: str | None = None  # the Looker repository commit, when one was made
    check: CheckResult | None = None
    validation: ValidationReport | None = None
    deployed: DeployResult | None = None
    refreshed: DatagroupReset | None = None
    reconciliation: Reconciliation | None = None  # read after the build
    stages: list[str] = field(default_factory=list)  # what ran, in order


def manifest_path(config: Config) -> Path:
    """Where the build leaves dbt's manifest (``ml-connector build`` and ``lookml`` agree on it)."""
    return config.state_dir / "dbt" / "target" / "manifest.json"


def warehouse_runner(warehouse: Warehouse) -> SqlRunner:
    """A connection to the configured warehouse for the offline LookML check."""
    try:
        return warehouse.sql_runner()
    except UnsupportedWarehouse:
        raise JobFailed(
            "lookml check", f"runs on duckdb or postgres warehouses, not {warehouse.destination!r}"
        ) from None


def run_job(
    config: Config,
    vault: Vault,
    *,
    console: Console | None = None,
    looker_client: Callable[[], LookerClient] | None = None,
    deploy: bool = True,
    connections: Sequence[str] | None = None,
) -> JobResult:
    """Run every stage; ``looker_client`` opens the Looker API client (None: Looker stages skipped).

    ``connections`` names the connections to sync (None: all); the build then rebuilds only their
    organizations' rows of the marts."""
    result = JobResult()
    _sync(config, vault, console, result, connections)
    organizations = [config.connection(name).organization_id for name in connections] if connections else None
    _build(config, vault, console, result, organizations)
    _lookml(config, vault, console, result, push=looker_client is not None)
    if looker_client is not None:
        _looker(config, looker_client, console, result, deploy=deploy)
    if result.sync is not None and result.sync.failed:
        # Everything else ran on what was loaded; the run still fails, so the schedule and the user see it.
        raise JobFailed(
            "sync",
            "Zoho would not serve some entities; the other stages ran on everything else:\n  "
            + "\n  ".join(result.sync.failed),
        )
    return result


def _say(console: Console | None, message: str) -> None:
    log.info("%s", message)
    if console is not None:
        console.print(message, highlight=False, markup=False)


def _sync(
    config: Config,
    vault: Vault,
    console: Console | None,
    result: JobResult,
    connections: Sequence[str] | None = None,
) -> None:
    from loader.extract import run_sync
    from loader.zoho.errors import ZohoError

    try:
        result.sync = run_sync(config, vault, connections=connections, console=console)
    except ZohoError as exc:
        raise JobFailed("sync", f"{exc} (the warehouse holds what earlier runs loaded)") from None
    result.stages.append("sync")
    if result.sync.failed:
        _say(
            console,
            "Zoho would not serve "
            + ", ".join(line.split(":", 1)[0] for line in result.sync.failed)
            + ": the build goes on with everything else; the run fails at the end so this is not missed.",
        )
    elif not result.sync.complete:
        _say(
            console,
            "The sync stopped at a daily API cap: the build goes on with what is loaded; the next run "
            "continues where this one stopped.",
        )


def _build(
    config: Config,
    vault: Vault,
    console: Console | None,
    result: JobResult,
    organizations: Sequence[str] | None = None,
) -> None:
    from loader.transform.dbt_runner import DbtError, build_organizations, vars_from_config

    try:
        target = Warehouse.of(config, vault).dbt_target()
        result.build = build_organizations(
            target, organizations, dbt_vars=vars_from_config(config), work_dir=config.state_dir / "dbt"
        )
    except DbtError as exc:
        unread = result.sync.failed if result.sync is not None else []
        # Models build on what loaded, but a data test comparing with Zoho (its ledger reconciliation) fails
        # when an entity is missing: say which ones the sync could not read, or the test's failure hides why.
        hint = (
            "\nThe warehouse lacks the rows of what the sync could not read:\n  " + "\n  ".join(unread)
            if unread
            else ""
        )
        raise JobFailed("build", f"{exc}{hint}") from None
    result.stages.append("build")
    _say(console, f"dbt build passed: {result.build.summary()}")
    _reconciliation(config, vault, console, result)


def _reconciliation(config: Config, vault: Vault, console: Console | None, result: JobResult) -> None:
    """The ledger against Zoho's; a difference is a warning unless strict_reconciliation."""
    from loader.sync_status import WarehouseUnavailable, read_warehouse_reconciliation
    from loader.transform.reconciliation import print_reconciliation

    try:
        result.reconciliation = read_warehouse_reconciliation(Warehouse.of(config, vault))
    except WarehouseUnavailable as exc:
        log.warning("the reconciliation could not be read: %s", exc)
        return
    if result.reconciliation is not None and console is not None:
        print_reconciliation(result.reconciliation, console)


def _lookml(config: Config, vault: Vault, console: Console | None, result: JobResult, *, push: bool) -> None:
    from loader.lookml_writer import write_lookml
    from lookml.check import check_lookml
    from lookml.dialects import UnsupportedDialect
    from lookml.git_publish import GitError
    from lookml.manifest import ManifestError

    synced = result.sync.synced_at if result.sync else None
    try:
        written = write_lookml(
            config,
            manifest_path(config),
            sync_label=lambda _schema: f"sync of {synced.isoformat()}" if synced else "sync unknown",
            push=push,
        )
    except (ManifestError, GitError, UnsupportedDialect) as exc:
        raise JobFailed("lookml", str(exc)) from None
    result.lookml, result.lookml_dir = written.generation, written.directory
    result.commit = written.published.commit if written.published else None
    result.stages.append("lookml")
    _say(
        console,
        f"LookML: {len(result.lookml.views)} views, {len(result.lookml.explores)} explores, "
        f"{len(result.lookml.dashboards)} dashboards in {result.lookml_dir}"
        + (f" (commit {result.commit[:12]})" if result.commit else ""),
    )
    runner = warehouse_runner(Warehouse.of(config, vault))
    try:
        result.check = check_lookml(result.lookml_dir, runner)
    finally:
        runner.close()
    result.stages.append("lookml check")
    if not result.check.ok:
        listed = "\n".join(f"  {failure}" for failure in result.check.failures[:20])
        raise JobFailed("lookml check", f"fields whose SQL the warehouse refused:\n{listed}")
    _say(console, f"LookML check: {result.check.checked} statements ran on the warehouse, none failed")


def _looker(
    config: Config,
    open_client: Callable[[], LookerClient],
    console: Console | None,
    result: JobResult,
    *,
    deploy: bool,
) -> None:
    from loader.looker import LookerError, refresh_datagroup, validate
    from loader.looker import deploy as deploy_branch

    looker = config.looker
    assert looker is not None
    try:
        with open_client() as client:
            result.validation = validate(client, looker)
            result.stages.append("validate")
            for line in result.validation.lines():
                _say(console, line)
            if not result.validation.ok:
                raise JobFailed(
                    "validate",
                    f"Looker did not accept branch {looker.branch}: nothing was deployed and the cache was "
                    "not refreshed (see the lines above)",
                )
            _say(console, f"Looker validation passed on branch {looker.branch}")
            if deploy:
                validated = result.validation.ref
                result.deployed = deploy_branch(client, looker.project, looker.branch, validated)
                result.stages.append("deploy")
                _say(
                    console,
                    f"Deployed branch {looker.branch} of {looker.project} to production at the validated "
                    f"commit {validated[:12]}",
                )
            # The marts changed whether or not the LookML did: production's cache must let go of them.
            synced_at = (result.sync.synced_at if result.sync else None) or datetime.now(UTC)
            result.refreshed = refresh_datagroup(client, looker.model, looker.datagroup, synced_at)
            result.stages.append("refresh")
            _say(
                console,
                f"Datagroup {looker.model}/{looker.datagroup} reset to the sync of "
                f"{synced_at.isoformat(timespec='seconds')}: Looker serves the new numbers",
            )
    except LookerError as exc:
        raise JobFailed("looker", str(exc)) from None
