"""``ml-connector status``: per connection, whether it can run, when it last synced, what it has used of
today's API budget and when the schedule runs next; per connection and entity, the rows the warehouse holds
and when the entity last synced; and the general ledger's reconciliation with Zoho's.

Nothing here writes: the warehouse is opened read-only (see ``loader.sync_status``). A warehouse that is not
there yet, busy or unreachable is said in one line and the rest is still reported (exit 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from rich.text import Text

from loader.commands import CommandContext, Subparsers, add_command
from loader.config import Config
from loader.connections import open_state, vault_record_name
from loader.output import Records, add_format_option, print_csv, print_json
from loader.state import DailyUsage
from loader.sync_status import (
    ENTITIES,
    WarehouseStatus,
    WarehouseUnavailable,
    read_warehouse_status,
)
from loader.transform.reconciliation import print_reconciliation
from loader.vault import WAREHOUSE_PASSWORD_RECORD, VaultError
from loader.warehouse import Warehouse

NEVER = "never"
UNKNOWN = "unknown"


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "status",
        help="show connections, rows and last sync per entity, API calls used today and the next run",
        description="Per connection: credentials stored, last sync, Zoho API calls used today (UTC), what is "
        "left of the daily quota and the next scheduled run. Per connection and entity: rows in the "
        "warehouse's raw tables (deleted ones not counted) and the last sync. Then the general ledger's "
        "reconciliation with Zoho's (share derived per transaction type, the largest differences). Reads the "
        "warehouse read-only.",
    )
    add_format_option(parser)
    parser.set_defaults(handler=run)


def _utcnow() -> datetime:
    return datetime.now(UTC)


CONNECTION_COLUMNS = (
    "connection",
    "region",
    "organization",
    "credentials",
    "last sync",
    "API calls today",
    "quota left",
    "next run",
)
ENTITY_COLUMNS = ("connection", "organization", "entity", "rows", "last sync")


def run(ctx: CommandContext) -> int:
    config = ctx.load_config()
    state = open_state(config)
    stored = _stored_credentials(ctx, config)
    usage = {(u.connection, u.organization_id): u for u in state.usage()}
    warehouse, warehouse_note = _warehouse(ctx, config, stored)
    next_run, schedule_line = _next_run(config.schedule.cron)

    connections = Records(
        f"Connections in {config.path}",
        CONNECTION_COLUMNS,
        [
            (
                connection.name,
                connection.region,
                connection.organization_id,
                _credentials_label(stored, connection.name),
                _last_sync_label(warehouse, connection.organization_id, known=warehouse_note is None),
                _calls_label(usage.get((connection.name, connection.organization_id))),
                _quota_label(
                    usage.get((connection.name, connection.organization_id)), connection.daily_call_limit
                ),
                next_run,
            )
            for connection in config.zoho_connections
        ],
        right=frozenset({"API calls today", "quota left"}),
    )
    entities = _entities(config, warehouse) if warehouse is not None else None
    fmt = ctx.args.format
    if fmt == "json":
        print_json(ctx.out, _document(config, connections, entities, warehouse, warehouse_note, next_run))
        return 0
    if fmt == "csv":
        _print_flat_csv(ctx, connections, entities)
        if warehouse_note is not None:
            ctx.err.print(Text(f"warehouse not read: {warehouse_note}", style="yellow"))
        return 0

    ctx.out.print(connections.table())
    if warehouse is not None and entities is not None:
        ctx.out.print(entities.table())
        loaded = f"; last load completed {_when(warehouse.last_load_at)}" if warehouse.last_load_at else ""
        ctx.say(f"Warehouse: {warehouse.where}{loaded}.")
        if warehouse.reconciliation is not None:
            print_reconciliation(warehouse.reconciliation, ctx.out)
    elif warehouse_note is not None:
        ctx.err.print(Text(f"warehouse not read: {warehouse_note}", style="yellow"))
    else:
        ctx.say(f"Warehouse: {_where(config)} holds no synced data yet: run `ml-connector sync`.")
    ctx.say(schedule_line)
    return 0


def _print_flat_csv(ctx: CommandContext, connections: Records, entities: Records | None) -> None:
    """One row per connection and entity, the connection's columns repeated: one table a script can read."""
    by_connection: dict[str, list[Sequence[object]]] = {}
    for row in entities.rows if entities is not None else []:
        by_connection.setdefault(str(row[0]), []).append(row)
    columns = (*CONNECTION_COLUMNS, "entity", "rows", "entity last sync")
    rows: list[Sequence[object]] = []
    for connection in connections.rows:
        held = by_connection.pop(str(connection[0]), [])
        rows += [(*connection, e[2], e[3], e[4]) for e in held] or [(*connection, None, None, None)]
    for held in by_connection.values():  # organizations whose connection left the config
        rows += [(e[0], None, e[1], None, None, None, None, None, e[2], e[3], e[4]) for e in held]
    print_csv(ctx.out, Records("", columns, rows))


# --- the warehouse ------------------------------------------------------------------------------------------


def _warehouse(
    ctx: CommandContext, config: Config, stored: set[str] | None
) -> tuple[WarehouseStatus | None, str | None]:
    """What the warehouse holds (None: nothing synced yet), or why it could not be read."""
    # The vault is asked for the password only when it holds one: status works before any `auth`.
    has_password = bool(stored) and WAREHOUSE_PASSWORD_RECORD in (stored or set())
    warehouse = ctx.warehouse(config) if has_password else Warehouse(config.warehouse)
    try:
        return read_warehouse_status(warehouse), None
    except WarehouseUnavailable as exc:
        return None, str(exc)


def _entities(config: Config, warehouse: WarehouseStatus) -> Records:
    rows: list[tuple[object, ...]] = []
    configured = set()
    for connection in config.zoho_connections:
        configured.add(connection.organization_id)
        held = warehouse.of(connection.organization_id)
        for entity in ENTITIES:
            found = held.get(entity)
            rows.append(
                (
                    connection.name,
                    connection.organization_id,
                    entity,
                    found.rows if found else 0,
                    _when(found.last_synced_at) if found else NEVER,
                )
            )
    # Organizations still in the warehouse whose connection was removed from the config.
    for organization_id in warehouse.organizations():
        if organization_id in configured:
            continue
        for entity, found in warehouse.of(organization_id).items():
            rows.append(
                ("(not configured)", organization_id, entity, found.rows, _when(found.last_synced_at))
            )
    return Records(
        f"Rows in {warehouse.where} (raw tables; deleted records not counted)",
        ENTITY_COLUMNS,
        rows,
        right=frozenset({"rows"}),
    )


def _document(
    config: Config,
    connections: Records,
    entities: Records | None,
    warehouse: WarehouseStatus | None,
    warehouse_note: str | None,
    next_run: str,
) -> dict[str, object]:
    """``status --format json``: the tables as lists of objects, the warehouse and the schedule."""
    return {
        "config": str(config.path),
        "connections": connections.dicts(),
        "entities": entities.dicts() if entities is not None else [],
        "warehouse": {
            "where": warehouse.where if warehouse is not None else _where(config),
            "last_load_at": _when(warehouse.last_load_at) if warehouse and warehouse.last_load_at else None,
            "not_read": warehouse_note,
        },
        "schedule": {"cron": config.schedule.cron, "next_run": next_run},
    }


def _where(config: Config) -> str:
    return Warehouse.of(config).describe()


def _last_sync_label(warehouse: WarehouseStatus | None, organization_id: str, *, known: bool) -> str:
    if not known:
        return UNKNOWN
    last = warehouse.last_synced_at(organization_id) if warehouse is not None else None
    return _when(last) if last is not None else NEVER


def _when(instant: datetime | None) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if instant is not None else NEVER


# --- the schedule -------------------------------------------------------------------------------------------


def _next_run(cron: str) -> tuple[str, str]:
    """The next firing time as the table shows it, and the schedule line under the tables."""
    from loader.service.schedule import CronError, CronSchedule  # croniter: only status and serve need it

    try:
        upcoming = CronSchedule(cron).next_after(_utcnow())
    except CronError as exc:
        return "invalid schedule", f"Schedule: not usable: {exc}; fix [schedule] cron."
    label = upcoming.strftime("%Y-%m-%d %H:%M UTC")
    return label, f"Schedule: {cron} (cron, UTC), next run {label} (while `ml-connector serve` runs)."


# --- credentials and API budget -----------------------------------------------------------------------------


def _stored_credentials(ctx: CommandContext, config: Config) -> set[str] | None:
    """Names of vault records, or None when the vault cannot be read (status still reports the rest)."""
    try:
        return set(ctx.vault(config).names())
    except VaultError as exc:
        ctx.err.print(f"vault not readable: {exc}", markup=False, highlight=False)
        return None


def _credentials_label(stored: set[str] | None, connection_name: str) -> str:
    if stored is None:
        return UNKNOWN
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
    return UNKNOWN
