"""``ml-connector auth zoho | looker | webhook | warehouse``: store credentials encrypted in the vault.

Each secret can come from its flag, from stdin (flag value ``-``; a hidden prompt on a terminal) or from an
environment variable, so scripts never need to put one on a command line where shell history and ``ps``
would show it. When several values are read from stdin they come one per line, in the order the command's
help lists them.
"""

from __future__ import annotations

import getpass
import re
from typing import Final

from loader.commands import BadUsage, CommandContext, CommandFailed, Subparsers, add_command
from loader.config import Config
from loader.secret import Secret
from loader.vault import KEY_ENV, LOOKER_RECORD, WAREHOUSE_PASSWORD_RECORD, Vault
from loader.warehouse import PASSWORD_FIELD as WAREHOUSE_PASSWORD_FIELD

STDIN: Final = "-"
# Zoho's webhook secret: 12 to 50 letters and digits.
_WEBHOOK_SECRET: Final = re.compile(r"[A-Za-z0-9]{12,50}")


def register(subparsers: Subparsers) -> None:
    auth = add_command(
        subparsers,
        "auth",
        help="store Zoho, Looker, webhook or warehouse credentials encrypted in the vault",
        description="Store credentials encrypted in the vault beside the config file. A secret given as '-' "
        "is read from stdin (one per line, in the order the options are listed), or from the environment "
        "variable named in the option's help.",
    )
    targets = auth.add_subparsers(dest="target", required=True, metavar="{zoho,looker,webhook,warehouse}")

    zoho = add_command(
        targets,
        "zoho",
        help="Zoho OAuth client and refresh token of a connection",
        description="Store a connection's Zoho OAuth client and refresh token. With --grant-code, exchange a "
        "self-client grant code at the region's accounts server and keep the refresh token it returns.",
    )
    zoho.add_argument("--connection", required=True, metavar="NAME", help="a [[zoho.connections]] name")
    zoho.add_argument("--client-id", required=True, metavar="ID")
    zoho.add_argument("--client-secret", metavar="S", help="'-' reads stdin; default $ZOHO_CLIENT_SECRET")
    token = zoho.add_mutually_exclusive_group()
    token.add_argument("--refresh-token", metavar="T", help="'-' reads stdin; default $ZOHO_REFRESH_TOKEN")
    token.add_argument("--grant-code", metavar="C", help="'-' reads stdin; exchanged for a refresh token")
    zoho.add_argument("--redirect-uri", metavar="URI", help="the client's redirect URI (with --grant-code)")
    zoho.set_defaults(handler=auth_zoho)

    looker = add_command(targets, "looker", help="Looker API client id and secret")
    looker.add_argument("--client-id", required=True, metavar="ID")
    looker.add_argument("--client-secret", metavar="S", help="'-' reads stdin; default $LOOKER_CLIENT_SECRET")
    looker.set_defaults(handler=auth_looker)

    webhook = add_command(targets, "webhook", help="the Zoho webhook signing secret of a connection")
    webhook.add_argument("--connection", required=True, metavar="NAME", help="a [[zoho.connections]] name")
    webhook.add_argument("--secret", metavar="S", help="'-' reads stdin; default $ZOHO_WEBHOOK_SECRET")
    webhook.set_defaults(handler=auth_webhook)

    warehouse = add_command(
        targets,
        "warehouse",
        help="the PostgreSQL warehouse password",
        description="Store the password of the PostgreSQL warehouse's user ([warehouse] user); sync, build, "
        "lookml, serve and status read it from the vault. Host, port, database and user stay in the TOML.",
    )
    warehouse.add_argument("--password", metavar="P", help="'-' reads stdin; default $PGPASSWORD")
    warehouse.set_defaults(handler=auth_warehouse)


# --- handlers ----------------------------------------------------------------------------------------------


def auth_zoho(ctx: CommandContext) -> int:
    args = ctx.args
    config = ctx.load_config()
    connection = config.connection(args.connection)
    client_id = _client_id(args.client_id)
    if args.redirect_uri and args.grant_code is None:
        raise BadUsage("--redirect-uri is used only with --grant-code")
    client_secret = _secret(ctx, args.client_secret, "--client-secret", "ZOHO_CLIENT_SECRET", "client secret")
    vault = _writable_vault(ctx, config)

    record: dict[str, str | Secret] = {"client_id": client_id, "client_secret": client_secret}
    if args.grant_code is not None:
        code = _secret(ctx, args.grant_code, "--grant-code", None, "grant code")
        # Imported here: the Zoho client is not needed by the other commands.
        from loader.zoho.auth import exchange_grant_code
        from loader.zoho.errors import ZohoAuthError
        from loader.zoho.regions import accounts_url_for

        accounts_url = accounts_url_for(connection)
        try:
            grant = exchange_grant_code(accounts_url, client_id, client_secret, code, args.redirect_uri)
        except ZohoAuthError as exc:
            raise CommandFailed(
                f"the grant-code exchange at {accounts_url} failed: {exc}. Grant codes are single-use and "
                "expire within minutes: generate a new one and run the command again."
            ) from None
        if grant.refresh_token is None:
            raise CommandFailed("Zoho returned no refresh token for the grant code: generate a new code")
        record["refresh_token"] = grant.refresh_token
        if grant.api_domain:
            record["api_domain"] = grant.api_domain
    else:
        record["refresh_token"] = _secret(
            ctx, args.refresh_token, "--refresh-token", "ZOHO_REFRESH_TOKEN", "refresh token", "--grant-code"
        )

    # put, not update: new credentials invalidate any access token cached for the old ones.
    vault.put(f"zoho/{connection.name}", record)
    domain = f", api domain {record['api_domain']}" if "api_domain" in record else ""
    ctx.say(
        f"Stored Zoho credentials of connection {connection.name!r} (client id {client_id}, "
        f"region {connection.region}{domain}) in {vault.vault_path}."
    )
    _report_new_key(ctx, vault)
    return 0


def auth_looker(ctx: CommandContext) -> int:
    config = ctx.load_config()
    client_id = _client_id(ctx.args.client_id)
    client_secret = _secret(
        ctx, ctx.args.client_secret, "--client-secret", "LOOKER_CLIENT_SECRET", "client secret"
    )
    vault = _writable_vault(ctx, config)
    vault.put(LOOKER_RECORD, {"client_id": client_id, "client_secret": client_secret})
    ctx.say(f"Stored Looker API credentials (client id {client_id}) in {vault.vault_path}.")
    if config.looker is None:
        ctx.say(f"Note: {config.path} has no [looker] table yet; add one to use them.", style="yellow")
    _report_new_key(ctx, vault)
    return 0


def auth_webhook(ctx: CommandContext) -> int:
    config = ctx.load_config()
    connection = config.connection(ctx.args.connection)
    secret = _secret(ctx, ctx.args.secret, "--secret", "ZOHO_WEBHOOK_SECRET", "webhook secret")
    if not _WEBHOOK_SECRET.fullmatch(secret.reveal()):
        # Say what is wrong with it, never what it is.
        raise BadUsage(
            f"the webhook secret has {len(secret.reveal())} characters; Zoho's are 12 to 50 letters and "
            "digits only: copy the secret from the webhook's settings in Zoho Books"
        )
    vault = _writable_vault(ctx, config)
    vault.put(f"webhook/{connection.name}", {"secret": secret})
    ctx.say(f"Stored the webhook secret of connection {connection.name!r} in {vault.vault_path}.")
    _report_new_key(ctx, vault)
    return 0


def auth_warehouse(ctx: CommandContext) -> int:
    config = ctx.load_config()
    password = _secret(ctx, ctx.args.password, "--password", "PGPASSWORD", "warehouse password")
    vault = _writable_vault(ctx, config)
    vault.put(WAREHOUSE_PASSWORD_RECORD, {WAREHOUSE_PASSWORD_FIELD: password})
    pg = config.warehouse.postgres
    user = f" of user {pg.user!r} on {pg.host}:{pg.port}/{pg.database}" if pg is not None else ""
    ctx.say(f"Stored the PostgreSQL warehouse password{user} in {vault.vault_path}.")
    if pg is None:
        ctx.say(
            f'Note: {config.path} has destination = "{config.warehouse.destination}"; the password is used '
            'only with destination = "postgres" (and host, database and user in [warehouse]).',
            style="yellow",
        )
    _report_new_key(ctx, vault)
    return 0


# --- helpers -----------------------------------------------------------------------------------------------


def _client_id(value: str) -> str:
    client_id: str = value.strip()
    if not client_id:
        raise BadUsage("--client-id is empty")
    return client_id


def _secret(
    ctx: CommandContext,
    value: str | None,
    flag: str,
    env_name: str | None,
    label: str,
    alternative: str | None = None,
) -> Secret:
    """The secret from its flag, stdin (``-``) or the environment, in that order of precedence."""
    if value == STDIN:
        return _read_stdin(ctx, label, flag)
    if value is not None:
        if not value.strip():
            raise BadUsage(f"{flag} is empty")
        return Secret(value.strip())
    if env_name and ctx.env.get(env_name, "").strip():
        return Secret(ctx.env[env_name].strip())
    ways = [f"{flag} - (reads stdin)"]
    if env_name:
        ways.append(f"the environment variable {env_name}")
    ways.append(f"{flag} VALUE")
    if alternative:
        ways.append(alternative)
    raise BadUsage(f"no {label} given: pass it with {', '.join(ways[:-1])} or {ways[-1]}")


def _read_stdin(ctx: CommandContext, label: str, flag: str) -> Secret:
    if ctx.stdin.isatty():
        line = getpass.getpass(f"{label}: ")
    else:
        line = ctx.stdin.readline()
        if not line:
            raise BadUsage(f"{flag} -: stdin ended before the {label} (give one value per line)")
    value = line.strip()
    if not value:
        raise BadUsage(f"{flag} -: the {label} read from stdin is empty")
    return Secret(value)


def _writable_vault(ctx: CommandContext, config: Config) -> Vault:
    """The vault, checked readable before anything irreversible (a grant code is single-use)."""
    vault = ctx.vault(config)
    vault.names()
    return vault


def _report_new_key(ctx: CommandContext, vault: Vault) -> None:
    if vault.created_key and vault.key_path is not None:
        ctx.say(
            f"Created the vault key {vault.key_path} (readable by you only). Back it up and keep it "
            f"private: without it the vault cannot be read. On servers and CI, set {KEY_ENV} to its "
            "contents instead.",
            style="yellow",
        )
