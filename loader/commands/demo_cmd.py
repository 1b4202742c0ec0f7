"""``ml-connector demo [--dir DIR]``: the whole job on the embedded default, no credentials, no network."""

from __future__ import annotations

from pathlib import Path

from loader.commands import BadUsage, CommandContext, CommandFailed, Subparsers, add_command

DEFAULT_DIR = Path("ml-connector-demo")


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "demo",
        help="run the whole job against the bundled Zoho Books sandbox",
        description="Start the bundled Zoho Books sandbox and a fake Looker on loopback with a generated "
        "multi-currency, multi-organization data set and run the whole job against them: sync into DuckDB, "
        "dbt build, LookML written, checked, validated and deployed, then a finance summary. Needs no "
        "credentials and no network.",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=DEFAULT_DIR,
        metavar="DIR",
        help=f"where the demo keeps its warehouse and state (default: ./{DEFAULT_DIR})",
    )
    parser.add_argument(
        "--invoices",
        type=int,
        default=60,
        metavar="N",
        help="invoices per sandbox organization (default: 60)",
    )
    parser.set_defaults(handler=run)


def run(ctx: CommandContext) -> int:
    from loader.demo import run_demo  # the sandbox and its generator load only for this command
    from loader.job import JobFailed

    if ctx.args.invoices < 1:
        raise BadUsage("--invoices must be at least 1")
    directory: Path = ctx.args.dir
    if directory.exists() and not directory.is_dir():
        raise BadUsage(f"{directory} exists and is not a directory: pass another --dir")
    try:
        run_demo(directory, invoices_per_org=ctx.args.invoices, console=ctx.out)
    except JobFailed as exc:
        raise CommandFailed(f"the demo's {exc}") from None
    return 0
