"""``ml-connector looker validate | deploy | refresh``: the Looker API side of a run.

``deploy`` validates first and deploys only a branch that passed, so a change that would break a saved
Look never reaches production through this command.
"""

from __future__ import annotations

from datetime import UTC, datetime

from loader.commands import BadUsage, CommandContext, CommandFailed, Subparsers, add_command
from loader.config import Config, ConfigError, LookerConfig
from loader.looker import (
    LookerClient,
    LookerError,
    ValidationReport,
    deploy,
    refresh_datagroup,
    validate,
)
from loader.raw_contract import SYNCED_AT_COLUMN
from loader.vault import LOOKER_RECORD
from loader.warehouse import MARTS_SCHEMA, Warehouse


def register(subparsers: Subparsers) -> None:
    looker = add_command(
        subparsers,
        "looker",
        help="Looker API: validate the generated LookML, deploy it, refresh caches",
    )
    actions = looker.add_subparsers(dest="action", required=True, metavar="{validate,deploy,refresh}")
    validate_parser = add_command(
        actions,
        "validate",
        help="validate the branch in Looker's dev mode: project, explore fields, zero-row queries, content",
    )
    validate_parser.set_defaults(handler=run_validate)
    deploy_parser = add_command(actions, "deploy", help="validate, then deploy the branch to production")
    deploy_parser.set_defaults(handler=run_deploy)
    refresh_parser = add_command(
        actions, "refresh", help="reset the datagroup so Looker serves fresh numbers"
    )
    refresh_parser.add_argument(
        "--synced-at",
        metavar="TIME",
        help="the sync time, ISO 8601 (default: the latest _synced_at in the DuckDB warehouse's ledger)",
    )
    refresh_parser.set_defaults(handler=run_refresh)


def looker_config(config: Config) -> LookerConfig:
    if config.looker is None:
        raise ConfigError(
            f"{config.path}: no [looker] table: add one (see `ml-connector init`) to use Looker"
        )
    return config.looker


def open_looker_client(ctx: CommandContext, config: Config) -> LookerClient:
    settings = looker_config(config)
    record = ctx.vault(config).get(LOOKER_RECORD)
    if record is None:
        raise ConfigError(
            "no Looker API credentials in the vault: run `ml-connector auth looker --client-id ID "
            "--client-secret -`"
        )
    try:
        return LookerClient.from_vault_record(settings.base_url, record)
    except LookerError as exc:
        raise ConfigError(str(exc)) from None


def _print_report(ctx: CommandContext, report: ValidationReport) -> None:
    checked = ", ".join(e.name for e in report.explores) or "none"
    if report.model_registered:
        ctx.say(f"Registered model {report.model} with Looker.")
    for line in report.lines():
        calm = ": warning: " in line or line.startswith("already broken")
        ctx.say(line, style="yellow" if calm else "red")
    status = "passed" if report.ok else "FAILED"
    ctx.say(
        f"Looker validation {status}: branch {report.branch} at {report.ref[:12]}, {len(report.errors)} "
        f"error(s), {len(report.warnings)} warning(s), explores checked: {checked}, "
        f"{len(report.broken_content)} Look(s)/dashboard(s) broken by the change.",
        style="green" if report.ok else "bold red",
    )


def _validated(ctx: CommandContext, client: LookerClient, settings: LookerConfig) -> ValidationReport:
    report = validate(client, settings)
    _print_report(ctx, report)
    if not report.ok:
        raise CommandFailed(
            f"Looker did not accept branch {settings.branch}: fix what is listed above (in the generator "
            "or in a refinement file), run `ml-connector lookml` and validate again. Nothing was deployed."
        )
    return report


def run_validate(ctx: CommandContext) -> int:
    config = ctx.load_config()
    settings = looker_config(config)
    try:
        with open_looker_client(ctx, config) as client:
            _validated(ctx, client, settings)
    except LookerError as exc:
        raise CommandFailed(str(exc)) from None
    return 0


def run_deploy(ctx: CommandContext) -> int:
    config = ctx.load_config()
    settings = looker_config(config)
    try:
        with open_looker_client(ctx, config) as client:
            report = _validated(ctx, client, settings)
            # The commit validated, not the branch's head now: a later push is not validated yet.
            result = deploy(client, settings.project, settings.branch, report.ref)
    except LookerError as exc:
        raise CommandFailed(str(exc)) from None
    ref = (result.production_ref or "unknown")[:12]
    ctx.say(f"Deployed branch {result.branch} of project {result.project} to production (commit {ref}).")
    return 0


def run_refresh(ctx: CommandContext) -> int:
    config = ctx.load_config()
    settings = looker_config(config)
    synced_at = _synced_at(ctx.args.synced_at, config)
    try:
        with open_looker_client(ctx, config) as client:
            reset = refresh_datagroup(client, settings.model, settings.datagroup, synced_at)
    except LookerError as exc:
        raise CommandFailed(str(exc)) from None
    when = datetime.fromtimestamp(reset.triggered_at, UTC).isoformat()
    ctx.say(
        f"Reset datagroup {reset.model}/{reset.name} (id {reset.id}): results cached before {when} are stale."
    )
    return 0


def _synced_at(value: str | None, config: Config) -> datetime:
    if value is not None:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise BadUsage(
                f"--synced-at {value!r} is not an ISO 8601 time such as 2026-10-15T02:00:00Z"
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    warehouse = Warehouse.of(config)
    if not warehouse.is_duckdb:
        raise BadUsage("give --synced-at: the sync time is read from the warehouse only for DuckDB")
    import duckdb

    try:
        con = duckdb.connect(str(warehouse.duckdb_path), read_only=True)
        try:
            latest = f"select max({SYNCED_AT_COLUMN}) from {MARTS_SCHEMA}.fct_general_ledger"  # noqa: S608
            row = con.execute(latest).fetchone()
        finally:
            con.close()
    except duckdb.Error as exc:
        raise CommandFailed(
            f"cannot read the sync time from {warehouse.duckdb_path} ({type(exc).__name__}): run a sync and "
            "build first, or give --synced-at"
        ) from None
    if row is None or row[0] is None:
        raise CommandFailed("the warehouse has no synced rows yet: run `ml-connector sync` and `build` first")
    synced: datetime = row[0]
    return synced if synced.tzinfo else synced.replace(tzinfo=UTC)
