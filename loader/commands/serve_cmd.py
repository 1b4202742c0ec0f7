"""``ml-connector serve``: the webhook receiver and the polling schedule in one long-running process."""

from __future__ import annotations

from pathlib import Path

from loader.commands import BadUsage, CommandContext, CommandFailed, Subparsers, add_command
from loader.config import ConfigError


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "serve",
        help="receive Zoho webhooks and run the configured schedule",
        description="Long-running: POST /webhooks/zoho/{connection} receives Zoho Books webhooks (verified "
        "with the secret stored by `ml-connector auth webhook`, kept in zoho_books_raw.webhook_events, "
        "then applied as debounced targeted syncs), the [schedule] cron (UTC) runs the polling sync, "
        "/healthz shows health and / the status (to the bearer of the admin token in serve.json, or "
        'with [serve] status_access = "loopback" to clients on this machine). SIGTERM or Ctrl-C stop it '
        "gracefully; pending events resume at the next start.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080; 0: any)")
    parser.add_argument(
        "--debounce",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="quiet time after a webhook before its sync starts; bursts coalesce (default 2)",
    )
    parser.add_argument(
        "--no-schedule", action="store_true", help="receive webhooks only; do not run the cron schedule"
    )
    parser.add_argument(
        "--journal",
        type=Path,
        metavar="FILE",
        help="apply nothing: append each coalesced batch of the events received in this mode to FILE as a "
        "JSON line (status journal, then journaled; events pending from a real `serve` are left alone, and "
        "`webhooks replay` applies a journaled one for real). To check a webhook set-up before letting it "
        "sync; also what the load test counts",
    )
    parser.add_argument(
        "--dagster",
        action="store_true",
        help="receive and store webhooks only: the Dagster code location's webhook sensor claims them and "
        "runs the organization's sync for the documents they name, and Dagster runs the schedule. Needs the "
        "PostgreSQL warehouse (see docs/deployment.md)",
    )
    parser.set_defaults(handler=run)


def run(ctx: CommandContext) -> int:
    from loader.service.webhooks.applier import EventApplier, JournalApplier, WarehouseApplier
    from loader.service.webhooks.service import ListenError, ServeOptions, WebhookService
    from loader.service.webhooks.store import StoreError, WarehousePathError

    args = ctx.args
    if not 0 <= args.port <= 65535:
        raise BadUsage("--port must be between 0 and 65535")
    if args.debounce < 0:
        raise BadUsage("--debounce must be zero or more seconds")
    if args.dagster and args.journal is not None:
        raise BadUsage("--dagster and --journal exclude each other: one says who applies the events")
    config = ctx.load_config()
    if args.dagster and config.warehouse.destination != "postgres":
        from loader.service.webhooks.service import DAGSTER_NEEDS_POSTGRES

        raise BadUsage(DAGSTER_NEEDS_POSTGRES)
    vault = ctx.vault(config)
    options = ServeOptions(
        host=args.host,
        port=args.port,
        debounce=args.debounce,
        schedule=not args.no_schedule,
        status_access=config.serve.status_access,
        journal=args.journal is not None,
        dagster=args.dagster,
    )
    applier: EventApplier = (
        WarehouseApplier(config, vault) if args.journal is None else JournalApplier(args.journal.absolute())
    )
    service = WebhookService(config, vault, applier, options)

    def ready(url: str) -> None:
        access = (
            "the admin token in .ml-connector/serve.json"
            if options.status_access == "token"
            else "that token, or from this machine"
        )
        webhooks = f"{url}/webhooks/zoho/<connection>"
        ctx.say(f"Serving on {url}: webhooks at {webhooks}, status at {url}/ (with {access})")
        if options.dagster:
            ctx.say("Events are stored for Dagster's webhook sensor; Dagster runs the schedule.")
        elif options.schedule:
            ctx.say(f"Schedule: {config.schedule.cron} (cron, UTC).")

    try:
        service.run(on_ready=ready)
    except WarehousePathError as exc:
        raise ConfigError(str(exc)) from None  # exit 2: the configured path is the problem
    except (StoreError, ListenError) as exc:
        raise CommandFailed(str(exc)) from None
    ctx.say("Stopped; events not yet applied stay pending and resume at the next start.")
    return 0
