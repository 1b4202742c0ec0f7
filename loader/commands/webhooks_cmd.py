"""``ml-connector webhooks history | replay``: the received webhook events and their status.

While ``ml-connector serve`` runs it holds the warehouse (DuckDB allows one writing process), so these
commands ask it over loopback (``serve.json`` in the state directory); otherwise they open the store directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from loader.commands import BadUsage, CommandContext, CommandFailed, Subparsers, add_command
from loader.config import Config, ConfigError
from loader.output import Records, add_format_option, print_csv, print_json

if TYPE_CHECKING:
    from loader.service.webhooks.store import EventStore


HISTORY_COLUMNS = (
    "event",
    "received (UTC)",
    "connection",
    "entity",
    "document",
    "action",
    "status",
    "attempts",
    "deliveries",
    "last error",
)
# Every field of an event, as json and csv give it (StoredEvent.to_json).
EVENT_FIELDS = (
    "event_id",
    "connection",
    "organization_id",
    "entity",
    "document_id",
    "action",
    "received_at",
    "status",
    "attempts",
    "deliveries",
    "last_error",
    "applied_at",
    "next_attempt_at",
)


def register(subparsers: Subparsers) -> None:
    webhooks = add_command(subparsers, "webhooks", help="list or replay received Zoho webhook events")
    actions = webhooks.add_subparsers(dest="action", required=True, metavar="{history,replay}")

    history = add_command(
        actions,
        "history",
        help="received webhook events by date range, with their status",
        description="Events first received from --since to --until (UTC; a date includes its whole day), "
        "oldest first, with status pending, applied or failed.",
    )
    history.add_argument("--since", required=True, metavar="D", help="YYYY-MM-DD or an ISO 8601 instant")
    history.add_argument("--until", required=True, metavar="D", help="YYYY-MM-DD (inclusive) or an instant")
    history.add_argument("--connection", metavar="NAME", help="only this connection's events")
    add_format_option(history)
    history.set_defaults(handler=run_history)

    replay = add_command(
        actions,
        "replay",
        help="apply a webhook event again",
        description="Queue the event again (whatever its status). With `serve` running it is applied there "
        "after the debounce; otherwise it is applied now by this command.",
    )
    replay.add_argument("event_id", type=int, metavar="EVENT_ID")
    replay.set_defaults(handler=run_replay)


def _bound(text: str, *, end: bool) -> datetime:
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), UTC)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadUsage(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 instant") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def run_history(ctx: CommandContext) -> int:
    args = ctx.args
    since, until = _bound(args.since, end=False), _bound(args.until, end=True)
    if until <= since:
        raise BadUsage("--until must not be before --since")
    config = ctx.load_config()
    if args.connection is not None:
        config.connection(args.connection)  # an unknown name is a usage error, not an empty list
    events = _history_events(ctx, config, since, until, args.connection)
    counts: dict[str, int] = {}
    for event in events:
        counts[event["status"]] = counts.get(event["status"], 0) + 1
    if args.format == "json":
        document = {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "counts": counts,
            "events": events,
        }
        print_json(ctx.out, document)
        return 0
    if args.format == "csv":
        print_csv(ctx.out, Records("", EVENT_FIELDS, [[e[k] for k in EVENT_FIELDS] for e in events]))
        return 0
    _print_history_table(ctx, since, until, events, counts)
    return 0


def _history_events(
    ctx: CommandContext, config: Config, since: datetime, until: datetime, connection: str | None
) -> list[dict[str, Any]]:
    """The events as ``StoredEvent.to_json`` gives them: from the running ``serve``, else from the store."""
    from loader.service.webhooks.service import running_service

    service = running_service(config)
    if service is None:
        store = _open_store(ctx, config)
        try:
            return [e.to_json() for e in store.history(since, until, connection)]
        finally:
            store.close()
    params = {"since": since.isoformat(), "until": until.isoformat()}
    if connection:
        params["connection"] = connection
    response = service.request("GET", "/admin/events", params=params)
    if response.status_code != 200:
        raise CommandFailed(f"`serve` at {service.url} answered {response.status_code}: {response.text}")
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def _print_history_table(
    ctx: CommandContext,
    since: datetime,
    until: datetime,
    events: list[dict[str, Any]],
    counts: dict[str, int],
) -> None:
    records = Records(
        f"Webhook events received {since.isoformat()} to {until.isoformat()}",
        HISTORY_COLUMNS,
        [
            (
                event["event_id"],
                event["received_at"][:19],
                event["connection"],
                event["entity"],
                event["document_id"],
                event["action"],
                event["status"],
                event["attempts"],
                event["deliveries"],
                event["last_error"],
            )
            for event in events
        ],
        right=frozenset({"attempts", "deliveries"}),
    )
    ctx.out.print(records.table())
    shown = ["applied", "pending", "failed"] + [
        s for s in ("journal", "journaled", "claimed") if counts.get(s)
    ]
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in shown)
    ctx.say(f"{len(events)} event(s): {summary}.")


def run_replay(ctx: CommandContext) -> int:
    from loader.service.webhooks.applier import WarehouseApplier, coalesce
    from loader.service.webhooks.service import running_service

    event_id: int = ctx.args.event_id
    config = ctx.load_config()
    service = running_service(config)
    if service is not None:
        response = service.request("POST", f"/admin/events/{event_id}/replay")
        if response.status_code == 404:
            raise CommandFailed(f"there is no webhook event {event_id}: see `ml-connector webhooks history`")
        if response.status_code != 200:
            raise CommandFailed(f"`serve` at {service.url} answered {response.status_code}: {response.text}")
        ctx.say(
            f"Event {event_id} queued again; `serve` at {service.url} applies it after the debounce "
            "(with `serve --dagster`, the `zoho_webhooks` sensor claims it)."
        )
        return 0
    vault = ctx.vault(config)
    store = _open_store(ctx, config)
    try:
        now = datetime.now(UTC)
        event = store.replay(event_id, now)
        if event is None:
            raise CommandFailed(f"there is no webhook event {event_id}: see `ml-connector webhooks history`")
        (batch,) = coalesce([event])
        try:
            WarehouseApplier(config, vault).apply(batch)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            store.mark_failed([event_id], error, now, now)
            raise CommandFailed(
                f"event {event_id} could not be applied: {error}. It stays pending; `ml-connector serve` "
                "retries it, or run this command again"
            ) from None
        store.mark_applied([event_id], datetime.now(UTC))
    finally:
        store.close()
    ctx.say(f"Event {event_id} applied ({event.entity} {event.document_id}, {event.action}).")
    return 0


def _open_store(ctx: CommandContext, config: Config) -> EventStore:
    from loader.service.webhooks.service import open_event_store
    from loader.service.webhooks.store import StoreError, WarehousePathError

    try:
        return open_event_store(config, ctx.vault(config))
    except WarehousePathError as exc:
        raise ConfigError(str(exc)) from None  # exit 2: the configured path is the problem
    except StoreError as exc:
        raise CommandFailed(str(exc)) from None
