"""``ml-connector run``: the whole job for the configured connections (what the schedule runs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from loader.commands import CommandContext, CommandFailed, Subparsers, add_command

if TYPE_CHECKING:
    from loader.looker import LookerClient


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "run",
        help="sync, build, write and check LookML; with Looker configured validate, deploy and refresh",
        description="Sync every connection, run dbt build, write the LookML and check it against the "
        "warehouse. With [looker] configured (and `ml-connector auth looker` done), commit and push the "
        "LookML to the Looker project's branch, validate it in Looker's dev mode, deploy it when the "
        "validation passes, and reset the datagroup so Looker's cache refreshes. A failed validation "
        "stops before deploy. First come the checks of `ml-connector check`: a failure stops the run before "
        "any sync (an unreadable entity is only reported: the run syncs the rest and fails at its end).",
    )
    parser.add_argument(
        "--no-deploy",
        action="store_true",
        help="validate on Looker and refresh its cache, but leave production's LookML as it is",
    )
    parser.add_argument(
        "--connection",
        metavar="NAME",
        action="append",
        help="sync only this connection (repeatable); the build then rebuilds only its organization's rows",
    )
    parser.set_defaults(handler=run)


def run(ctx: CommandContext) -> int:
    from loader.job import JobFailed, run_job
    from loader.vault import LOOKER_RECORD

    config = ctx.load_config()
    for name in ctx.args.connection or ():
        config.connection(name)  # a ConfigError (exit 2) names the configured ones
    vault = ctx.vault(config)
    opener: Callable[[], LookerClient] | None = None
    if config.looker is not None:
        if vault.get(LOOKER_RECORD) is None:
            ctx.say(
                "[looker] is configured but the vault has no Looker API credentials: the Looker stages are "
                "skipped (run `ml-connector auth looker`)",
                style="yellow",
            )
        else:
            from loader.commands.looker_cmd import open_looker_client

            def opener_for_config() -> LookerClient:
                return open_looker_client(ctx, config)

            opener = opener_for_config
    from loader.commands.check_cmd import check_before_run

    check_before_run(ctx, config, vault, looker=opener is not None)
    try:
        result = run_job(
            config,
            vault,
            console=ctx.out,
            looker_client=opener,
            deploy=not ctx.args.no_deploy,
            connections=ctx.args.connection,
        )
    except JobFailed as exc:
        raise CommandFailed(str(exc)) from None
    ctx.say(f"Run complete: {' → '.join(result.stages)}", style="green")
    return 0
