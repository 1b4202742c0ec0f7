"""``ml-connector sync``: Zoho Books into the raw tables of the configured warehouse (dlt)."""

from __future__ import annotations

from loader.commands import BadUsage, CommandContext, CommandFailed, Subparsers, add_command
from loader.output import add_format_option, print_csv, print_json


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "sync",
        help="load Zoho Books into the warehouse's raw tables",
        description="Incremental sync of every configured connection (or the one named) into zoho_books_raw. "
        "A daily API cap stops a connection cleanly; the next sync continues where it stopped.",
    )
    parser.add_argument("--connection", metavar="NAME", help="sync only this connection")
    parser.add_argument(
        "--entities", metavar="A,B", help="sync only these entities (e.g. invoices,bills); default all"
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="re-read every record (ignoring watermarks) and scan for deletions",
    )
    add_format_option(parser)
    parser.set_defaults(handler=run)


def run(ctx: CommandContext) -> int:
    from loader.extract.progress import summary_document, summary_records
    from loader.extract.run import parse_entities, run_sync

    config = ctx.load_config()
    try:
        entities = parse_entities(ctx.args.entities)
    except ValueError as exc:
        raise BadUsage(f"--entities: {exc}") from None
    connections = None
    if ctx.args.connection:
        config.connection(ctx.args.connection)  # a ConfigError (exit 2) names the configured ones
        connections = [ctx.args.connection]
    fmt = ctx.args.format
    result = run_sync(
        config,
        ctx.vault(config),
        connections=connections,
        entities=entities,
        full_refresh=bool(ctx.args.full_refresh),
        console=ctx.out if fmt == "table" else None,  # json and csv: the summary alone on stdout
    )
    if fmt == "json":
        print_json(ctx.out, summary_document(result))
    elif fmt == "csv":
        print_csv(ctx.out, summary_records(result))
    if result.failed:
        names = ", ".join(line.split(":", 1)[0] for line in result.failed)
        raise CommandFailed(
            f"Zoho would not serve {names}; every other entity was loaded. What to do, per entity:\n  "
            + "\n  ".join(result.failed)
        )
    if not result.complete:
        left = ", ".join(result.incomplete) or "some entities"
        raise CommandFailed(
            "the sync stopped at a daily API cap (Zoho's, or the connection's daily_call_limit); left for "
            f"the next run: {left}. What was loaded is kept; run `ml-connector sync` again after the quota "
            "resets (see `ml-connector status`)."
        )
    return 0
