"""``ml-connector status``: per connection, whether it can run, what it has used of today's API budget, and
what is left half-done (crawl checkpoints a daily cap left behind)."""

from __future__ import annotations

from rich.table import Table

from loader.commands import CommandContext, Subparsers, add_command
from loader.config import Config
from loader.connections import open_state, vault_record_name
from loader.state import DailyUsage
from loader.vault import VaultError


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "status",
        help="show connections, API calls used today and unfinished syncs",
        description="Per connection: credentials stored, Zoho API calls used today (UTC) and what is left of "
        "the daily quota, and crawls waiting to resume after a daily cap.",
    )
    parser.set_defaults(handler=run)


def run(ctx: CommandContext) -> int:
    config = ctx.load_config()
    state = open_state(config)
    stored = _stored_credentials(ctx, config)
    usage = {(u.connection, u.organization_id): u for u in state.usage()}

    table = Table(title=f"Connections in {config.path}")
    for column in ("connection", "region", "organization", "credentials", "API calls today", "quota left"):
        table.add_column(column, justify="right" if column.startswith(("API", "quota")) else "left")
    for connection in config.zoho_connections:
        today = usage.get((connection.name, connection.organization_id))
        table.add_row(
            connection.name,
            connection.region,
            connection.organization_id,
            _credentials_label(stored, connection.name),
            _calls_label(today),
            _quota_label(today, connection.daily_call_limit),
        )
    ctx.out.print(table)

    pending = state.checkpoints()
    if pending:
        resume = Table(title="Crawls stopped part-way (the next sync resumes them)")
        for column in ("connection", "organization", "entity", "next page"):
            resume.add_column(column)
        for connection_name, organization_id, stream, next_page in pending:
            resume.add_row(connection_name, organization_id, stream, str(next_page))
        ctx.out.print(resume)
    ctx.say(f"Schedule: {config.schedule.cron} (cron, UTC).")
    return 0


def _stored_credentials(ctx: CommandContext, config: Config) -> set[str] | None:
    """Names of vault records, or None when the vault cannot be read (status still reports the rest)."""
    try:
        return set(ctx.vault(config).names())
    except VaultError as exc:
        ctx.err.print(f"vault not readable: {exc}", markup=False, highlight=False)
        return None


def _credentials_label(stored: set[str] | None, connection_name: str) -> str:
    if stored is None:
        return "unknown"
    return "stored" if vault_record_name(connection_name) in stored else "missing"


def _calls_label(today: DailyUsage | None) -> str:
    if today is None:
        return "0"
    throttled = f" ({today.throttled} throttled)" if today.throttled else ""
    return f"{today.calls:,}{throttled}"


def _quota_label(today: DailyUsage | None, configured_limit: int | None) -> str:
    # Zoho's own X-Rate-Limit-Remaining, as last seen, beats our arithmetic on the configured limit.
    if today is not None and today.remaining is not None:
        limit = today.daily_limit or configured_limit
        return f"{today.remaining:,} of {limit:,}" if limit else f"{today.remaining:,}"
    if configured_limit is not None:
        used = today.calls if today else 0
        return f"{max(configured_limit - used, 0):,} of {configured_limit:,}"
    return "unknown"
