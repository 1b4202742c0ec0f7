"""``ml-connector build``: ``dbt build`` (models and tests) on the configured warehouse, in-process."""

from __future__ import annotations

from loader.commands import BadUsage, CommandContext, CommandFailed, Subparsers, add_command


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "build",
        help="dbt build (models + tests) on the configured warehouse",
        description="Run the dbt project (staging, ledger, facts, reports and their tests) on the warehouse "
        "of "
        "ml-connector.toml, with the project's own profiles. The reporting currency comes from [reporting].",
    )
    parser.add_argument(
        "--select", metavar="SELECTOR", default=None, help="dbt node selection, e.g. fct_general_ledger+"
    )
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", default=None, help="as-of date of the AR/AP aging (default: today)"
    )
    parser.set_defaults(handler=run)


def run(ctx: CommandContext) -> int:
    from loader.transform.dbt_runner import (
        DbtError,
        build_lock,
        run_dbt,
        vars_from_config,
    )

    config = ctx.load_config()
    dbt_vars = vars_from_config(config)
    if ctx.args.as_of:
        dbt_vars["as_of_date"] = ctx.args.as_of
    command = ["build"] + (["--select", ctx.args.select] if ctx.args.select else [])
    try:
        target = ctx.warehouse(config).dbt_target()
    except DbtError as exc:
        raise BadUsage(f"{config.path}: {exc}") from None
    try:
        # A full build replaces the tables: never beside another build of the warehouse (D150, D164).
        with build_lock(target, exclusive=True):
            result = run_dbt(command, target, dbt_vars=dbt_vars, work_dir=config.state_dir / "dbt")
    except DbtError as exc:
        raise CommandFailed(
            f"{exc}\nFix the failing models or tests (or the warehouse settings) and rerun."
        ) from None
    ctx.say(f"dbt build passed: {result.summary()}")
    return 0
