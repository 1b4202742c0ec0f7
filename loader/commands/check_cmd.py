"""``ml-connector check``: can this configuration run? Read-only checks of Zoho, the warehouse and Looker
with the stored credentials; one line per check, and for every failure what to do (``loader.check``)."""

from __future__ import annotations

from typing import Final

from rich.text import Text

from loader.commands import CommandContext, CommandFailed, Subparsers, add_command
from loader.config import Config
from loader.vault import Vault

EXIT_ALL_PASSED = 0
EXIT_SOME_FAILED = 1
# Failures `run` reports and goes on with: an unreadable entity is left out of the sync and fails the run at
# its end, naming it (the rest is synced and built); webhooks are not part of a run.
RUN_GOES_ON: Final = frozenset({("zoho", "readable"), ("zoho", "webhook secret")})


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "check",
        help="check that Zoho, the warehouse and Looker are reachable and allow what the job needs",
        description="Read-only checks with the stored credentials. Zoho, per connection: the token renews, "
        "the region matches the account's data center, the organization is visible, each entity the sync "
        "reads answers a one-row list (about one API call per entity), the daily quota is not spent, a "
        "webhook secret is stored where webhooks are in use. The warehouse: reachable, writable, its "
        "schemas present or creatable, the PostgreSQL role's privileges. Looker: login, the API user's "
        "permissions, the project and its git, the connection and Looker's own test of it, the model's "
        "allowed connections. Exit 0 when all pass, 1 when one fails, 2 for a configuration error.",
    )
    parser.add_argument("--connection", metavar="NAME", help="check only this Zoho connection")
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table (plain lines when not on a terminal) or json",
    )
    parser.set_defaults(handler=run)


def run(ctx: CommandContext) -> int:
    from loader.check.run import run_checks

    config = ctx.load_config()
    report = run_checks(config, ctx.vault(config), connection=ctx.args.connection)
    if ctx.args.format == "json":
        ctx.out.print(report.to_json(), markup=False, highlight=False, emoji=False, soft_wrap=True)
    else:
        report.print(ctx.out)
    return EXIT_ALL_PASSED if report.passed else EXIT_SOME_FAILED


def check_before_run(ctx: CommandContext, config: Config, vault: Vault, *, looker: bool) -> None:
    """What `run` does first: the same checks, stopping with their messages before any quota is spent on a
    sync that cannot succeed (``RUN_GOES_ON`` failures are printed and the run goes on)."""
    from loader.check.run import run_checks

    report = run_checks(config, vault, looker=looker)
    blocking = [c for c in report.failures if (c.service, c.check) not in RUN_GOES_ON]
    for failure in report.failures:
        if failure not in blocking:
            ctx.err.print(Text(failure.line(), style="yellow"))
    if blocking:
        lines = "\n".join(c.line() for c in blocking)
        raise CommandFailed(
            f"the checks before the run failed, nothing was synced ({report.calls_line()}):\n{lines}"
        )
    ctx.say(f"Checks before the run passed. {report.calls_line()}.")
