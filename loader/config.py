"""``ml-connector.toml``: where it is, what it may say, and the typed configuration built from it.

Validation is strict on purpose: an unknown key is an error, not ignored, because a misspelt
``requests_per_minut`` that silently falls back to the default is worse than a message. Secrets never live
here (they go to the vault through ``ml-connector auth``), so a secret-looking key is refused with a message
saying which command stores it instead.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

CONFIG_ENV: Final = "ML_CONNECTOR_CONFIG"
DEFAULT_CONFIG_FILE: Final = "ml-connector.toml"
STATE_DIR_NAME: Final = ".ml-connector"

REGIONS: Final = ("us", "eu", "in", "au", "jp", "ca", "cn", "sa", "uk", "ae")

# Exact names and name endings that only a secret would have.
_SECRET_KEYS: Final = frozenset(
    {"client_secret", "refresh_token", "access_token", "password", "secret", "token", "api_key", "passwd"}
)
_SECRET_SUFFIXES: Final = ("_secret", "_password", "_token")

# Connection names appear in vault record names and in the webhook URL path, so keep them URL- and path-safe.
_CONNECTION_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_CURRENCY: Final = re.compile(r"[A-Z]{3}")
_DESTINATION: Final = re.compile(r"[a-z][a-z0-9_]*")
# The webhook signing schemes (loader.webhooks.signature.Scheme); the first is the default.
WEBHOOK_SIGNATURES: Final = ("billing-hex", "billing-base64", "payments")


class ConfigError(Exception):
    """The configuration is missing or wrong. The message names the file, the key and what to do."""


@dataclass(frozen=True)
class PostgresConfig:
    """Where the PostgreSQL warehouse is; its password lives in the vault."""

    host: str
    database: str
    user: str
    port: int = 5432


@dataclass(frozen=True)
class WarehouseConfig:
    destination: str = "duckdb"
    path: Path | None = None  # duckdb only: the database file, absolute
    postgres: PostgresConfig | None = None  # postgres only


@dataclass(frozen=True)
class ReportingConfig:
    currency: str = "USD"
    strict_reconciliation: bool = False  # a difference from Zoho's ledger fails the build instead of warning


@dataclass(frozen=True)
class ZohoConnectionConfig:
    """One Zoho login in one data center, reading one organization."""

    name: str
    region: str
    organization_id: str
    accounts_url: str | None = None  # overrides the region's accounts server (tests, proxies)
    api_base_url: str | None = None  # overrides the region's API base
    requests_per_minute: int = 100  # Zoho's per-organization limit
    max_in_flight: int = 5  # concurrent requests (Zoho plans allow 5 to 10)
    daily_call_limit: int | None = None  # the plan's daily cap, when known: sync stops before Zoho does
    # --- webhooks (h15, D122) ---
    # How Zoho signs this connection's webhooks: "billing-hex" (default), "billing-base64" or "payments".
    webhook_signature: str = "billing-hex"


@dataclass(frozen=True)
class LookerConfig:
    base_url: str
    project: str
    model: str
    connection: str
    repo: Path | None = None  # local checkout of the Looker project's repository, absolute
    branch: str = "ml-connector"
    datagroup: str = "zoho_books_sync"
    # The Looker user attribute holding the organization ids each user may see: every explore's access
    # filter reads it (D112); "" turns row-level security off.
    organization_attribute: str = "zoho_books_organization_id"


@dataclass(frozen=True)
class ScheduleConfig:
    cron: str = "0 2 * * *"


# --- serve (h15, D125) ---
STATUS_ACCESS: Final = ("token", "loopback")


@dataclass(frozen=True)
class ServeConfig:
    # Who sees `serve`'s status page: "token" (the bearer of the admin token in .ml-connector/serve.json)
    # or "loopback" (that, and any client on this machine).
    status_access: str = "token"


DETAIL_MODES = ("all", "recent", "none")


@dataclass(frozen=True)
class SyncConfig:
    delete_scan_days: int = 7  # how often a sync walks whole lists to find deleted records
    overlap_minutes: int = 10  # incremental walks re-check this much before the stored watermark
    ledger_overlap_months: int = 1  # Zoho's ledger is read from this many months before the last read (D61)
    # Which documents' detail records (line items) a sync fetches, a call each (D90): "all", "recent"
    # (dated in the last ``details_months`` months) or "none". The others are loaded from their list rows:
    # header facts stay complete, and their ledger lines are taken from Zoho's own ledger.
    details: str = "all"
    details_months: int = 12


@dataclass(frozen=True)
class Config:
    path: Path  # the TOML file, absolute
    warehouse: WarehouseConfig
    reporting: ReportingConfig
    zoho_connections: tuple[ZohoConnectionConfig, ...]
    looker: LookerConfig | None
    schedule: ScheduleConfig
    state_dir: Path  # .ml-connector/ beside the config
    sync: SyncConfig = SyncConfig()
    serve: ServeConfig = ServeConfig()

    def connection(self, name: str) -> ZohoConnectionConfig:
        for connection in self.zoho_connections:
            if connection.name == name:
                return connection
        known = ", ".join(c.name for c in self.zoho_connections) or "none"
        raise ConfigError(
            f"{self.path}: no Zoho connection named {name!r} (configured: {known}); "
            "add a [[zoho.connections]] table with that name or use one of those"
        )


def config_path(path: Path | None = None, env: Mapping[str, str] = os.environ) -> Path:
    """The config file: ``path`` (``--config``), else ``$ML_CONNECTOR_CONFIG``, else ./ml-connector.toml."""
    if path is not None:
        chosen = Path(path)
    elif env.get(CONFIG_ENV):
        chosen = Path(env[CONFIG_ENV])
    else:
        chosen = Path(DEFAULT_CONFIG_FILE)
    return chosen.expanduser().absolute()


def load_config(path: Path | None = None, env: Mapping[str, str] = os.environ) -> Config:
    file = config_path(path, env)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"no configuration at {file}: run `ml-connector init` to write a starter one, "
            f"or point --config or {CONFIG_ENV} at yours"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {file}: {exc.__class__.__name__}: {exc}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file} is not valid TOML: {exc}") from None
    return _Parser(file).config(document)


class _Parser:
    """Builds a Config from a TOML document; every error names the file and the dotted key."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.directory = file.parent

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.file}: {key}: {problem}")

    def config(self, document: dict[str, Any]) -> Config:
        self.refuse_secrets(document, "")
        self.only(document, "", {"warehouse", "reporting", "zoho", "looker", "schedule", "sync", "serve"})
        zoho = self.table(document, "zoho")
        self.only(zoho, "zoho", {"connections"})
        looker = document.get("looker")
        return Config(
            path=self.file,
            warehouse=self.warehouse(self.table(document, "warehouse")),
            reporting=self.reporting(self.table(document, "reporting")),
            zoho_connections=self.connections(zoho.get("connections", [])),
            looker=None if looker is None else self.looker(self.table(document, "looker")),
            schedule=self.schedule(self.table(document, "schedule")),
            state_dir=self.directory / STATE_DIR_NAME,
            sync=self.sync(self.table(document, "sync")),
            serve=self.serve(self.table(document, "serve")),
        )

    # --- sections --------------------------------------------------------------------------------------

    def warehouse(self, table: dict[str, Any]) -> WarehouseConfig:
        self.only(table, "warehouse", {"destination", "path", "host", "port", "database", "user"})
        destination = self.string_or(table, "warehouse", "destination", "duckdb")
        if not _DESTINATION.fullmatch(destination):
            raise self.error(
                "warehouse.destination", "must be a dlt destination name such as duckdb or postgres"
            )
        postgres_keys = sorted({"host", "port", "database", "user"} & table.keys())
        if destination == "duckdb":
            if postgres_keys:
                raise self.error(
                    f"warehouse.{postgres_keys[0]}", 'applies only to destination = "postgres"; remove it'
                )
            path = self.string_or(table, "warehouse", "path", "ml_connector.duckdb")
            return WarehouseConfig(destination, self.resolve(path), None)
        if "path" in table:
            raise self.error("warehouse.path", 'applies only to destination = "duckdb"; remove it')
        if destination != "postgres":
            return WarehouseConfig(destination, None, None)
        postgres = PostgresConfig(
            host=self.required_string(table, "warehouse", "host"),
            database=self.required_string(table, "warehouse", "database"),
            user=self.required_string(table, "warehouse", "user"),
            port=self.integer(table, "warehouse", "port", default=5432, maximum=65535),
        )
        return WarehouseConfig(destination, None, postgres)

    def reporting(self, table: dict[str, Any]) -> ReportingConfig:
        self.only(table, "reporting", {"currency", "strict_reconciliation"})
        currency = self.string_or(table, "reporting", "currency", "USD")
        if not _CURRENCY.fullmatch(currency):
            raise self.error("reporting.currency", f"{currency!r} is not an ISO 4217 code such as USD or EUR")
        strict = self.boolean(table, "reporting", "strict_reconciliation", default=False)
        return ReportingConfig(currency, strict)

    def connections(self, value: object) -> tuple[ZohoConnectionConfig, ...]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error("zoho.connections", "must be an array of tables: write [[zoho.connections]]")
        connections = tuple(self.connection(i, item) for i, item in enumerate(value))
        seen: set[str] = set()
        for connection in connections:
            if connection.name in seen:
                raise self.error(
                    "zoho.connections",
                    f"two connections are named {connection.name!r}: give each a unique name",
                )
            seen.add(connection.name)
        return connections

    def connection(self, index: int, table: dict[str, Any]) -> ZohoConnectionConfig:
        where = f"zoho.connections[{index}]"
        allowed = {
            "name",
            "region",
            "organization_id",
            "accounts_url",
            "api_base_url",
            "requests_per_minute",
            "max_in_flight",
            "daily_call_limit",
            "webhook_signature",
        }
        self.only(table, where, allowed)
        name = self.required_string(table, where, "name")
        if not _CONNECTION_NAME.fullmatch(name):
            raise self.error(
                f"{where}.name",
                "use letters, digits, '-' and '_' (up to 64; first a letter or digit)",
            )
        region = self.required_string(table, where, "region")
        if region not in REGIONS:
            raise self.error(
                f"{where}.region", f"unknown Zoho region {region!r}: use one of {', '.join(REGIONS)}"
            )
        return ZohoConnectionConfig(
            name=name,
            region=region,
            organization_id=self.organization_id(table, where),
            accounts_url=self.url(table, where, "accounts_url"),
            api_base_url=self.url(table, where, "api_base_url"),
            requests_per_minute=self.integer(table, where, "requests_per_minute", 100),
            max_in_flight=self.integer(table, where, "max_in_flight", 5),
            daily_call_limit=self.optional_integer(table, where, "daily_call_limit"),
            webhook_signature=self.webhook_signature(table, where),
        )

    # --- webhooks (h15) --------------------------------------------------------------------------------

    def webhook_signature(self, table: dict[str, Any], where: str) -> str:
        scheme = self.string_or(table, where, "webhook_signature", WEBHOOK_SIGNATURES[0])
        if scheme not in WEBHOOK_SIGNATURES:
            raise self.error(
                f"{where}.webhook_signature",
                f"{scheme!r} is not one of {', '.join(WEBHOOK_SIGNATURES)} (how Zoho signs this connection's "
                "webhooks)",
            )
        return scheme

    def looker(self, table: dict[str, Any]) -> LookerConfig:
        allowed = {
            "base_url",
            "project",
            "model",
            "connection",
            "repo",
            "branch",
            "datagroup",
            "organization_attribute",
        }
        self.only(table, "looker", allowed)
        base_url = self.url(table, "looker", "base_url")
        if base_url is None:
            raise self.error(
                "looker.base_url", "missing: the Looker instance, e.g. https://acme.cloud.looker.com"
            )
        repo = self.string(table, "looker", "repo")
        branch = self.string_or(table, "looker", "branch", "ml-connector")
        datagroup = self.string_or(table, "looker", "datagroup", "zoho_books_sync")
        # "" is allowed here: it turns the explores' access filters off (D112).
        attribute = (
            ""
            if table.get("organization_attribute") == ""
            else self.string_or(table, "looker", "organization_attribute", "zoho_books_organization_id")
        )
        return LookerConfig(
            base_url=base_url.rstrip("/"),
            project=self.required_string(table, "looker", "project"),
            model=self.required_string(table, "looker", "model"),
            connection=self.required_string(table, "looker", "connection"),
            repo=None if repo is None else self.resolve(repo),
            branch=branch,
            datagroup=datagroup,
            organization_attribute=attribute,
        )

    def sync(self, table: dict[str, Any]) -> SyncConfig:
        self.only(
            table,
            "sync",
            {"delete_scan_days", "overlap_minutes", "ledger_overlap_months", "details", "details_months"},
        )
        details = self.string_or(table, "sync", "details", "all")
        if details not in DETAIL_MODES:
            raise self.error("sync.details", f"{details!r} is not one of {', '.join(DETAIL_MODES)}")
        months = self.integer(table, "sync", "details_months", 12)
        if months < 1:
            raise self.error("sync.details_months", f"{months} is not a number of months (1 or more)")
        return SyncConfig(
            delete_scan_days=self.integer(table, "sync", "delete_scan_days", 7),
            overlap_minutes=self.integer(table, "sync", "overlap_minutes", 10),
            ledger_overlap_months=self.integer(table, "sync", "ledger_overlap_months", 1),
            details=details,
            details_months=months,
        )

    def schedule(self, table: dict[str, Any]) -> ScheduleConfig:
        self.only(table, "schedule", {"cron"})
        cron = self.string_or(table, "schedule", "cron", "0 2 * * *")
        # Validated here, with the rest (h15, D129): `check` passes only what `serve` can run.
        from croniter import croniter  # type: ignore[import-untyped]  # no stubs installed

        if len(cron.split()) != 5 or not croniter.is_valid(cron):
            raise self.error(
                "schedule.cron",
                f"{cron!r} is not a valid cron expression (minute hour day-of-month month day-of-week, UTC) "
                "such as '0 2 * * *'",
            )
        return ScheduleConfig(cron)

    def serve(self, table: dict[str, Any]) -> ServeConfig:
        self.only(table, "serve", {"status_access"})
        access = self.string_or(table, "serve", "status_access", STATUS_ACCESS[0])
        if access not in STATUS_ACCESS:
            raise self.error("serve.status_access", f"{access!r} is not one of {', '.join(STATUS_ACCESS)}")
        return ServeConfig(access)

    # --- checks ----------------------------------------------------------------------------------------

    def refuse_secrets(self, node: object, where: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.refuse_secrets(item, f"{where}[{i}]")
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            dotted = f"{where}.{key}" if where else key
            lowered = key.lower()
            if lowered in _SECRET_KEYS or lowered.endswith(_SECRET_SUFFIXES):
                # The value is never echoed: it is probably a real secret.
                raise self.error(
                    dotted,
                    "secrets do not belong in the config file. Remove the line (and rotate the secret if "
                    f"this file was shared), then store it encrypted with {_store_command(where)}",
                )
            self.refuse_secrets(value, dotted)

    def only(self, table: dict[str, Any], where: str, allowed: set[str]) -> None:
        unknown = sorted(table.keys() - allowed)
        if unknown:
            key = f"{where}.{unknown[0]}" if where else unknown[0]
            raise self.error(key, f"unknown key; expected one of {', '.join(sorted(allowed))}")

    def table(self, document: dict[str, Any], key: str) -> dict[str, Any]:
        value = document.get(key, {})
        if not isinstance(value, dict):
            raise self.error(key, f"must be a table: write [{key}]")
        return value

    def string(self, table: dict[str, Any], where: str, key: str) -> str | None:
        value = table.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.error(f"{where}.{key}", "must be a non-empty string in quotes")
        return value

    def string_or(self, table: dict[str, Any], where: str, key: str, default: str) -> str:
        value = self.string(table, where, key)
        return default if value is None else value

    def required_string(self, table: dict[str, Any], where: str, key: str) -> str:
        value = self.string(table, where, key)
        if value is None:
            raise self.error(f"{where}.{key}", "missing")
        return value

    def boolean(self, table: dict[str, Any], where: str, key: str, default: bool) -> bool:
        value: object = table.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"{where}.{key}", "must be true or false (no quotes)")
        return value

    def integer(
        self, table: dict[str, Any], where: str, key: str, default: int, maximum: int | None = None
    ) -> int:
        value = self.optional_integer(table, where, key, maximum)
        return default if value is None else value

    def optional_integer(
        self, table: dict[str, Any], where: str, key: str, maximum: int | None = None
    ) -> int | None:
        value: object = table.get(key)
        if value is None:
            return None
        # bool is an int to Python, never to the user.
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.error(f"{where}.{key}", "must be a whole number of at least 1")
        if maximum is not None and value > maximum:
            raise self.error(f"{where}.{key}", f"must be at most {maximum}")
        return value

    def organization_id(self, table: dict[str, Any], where: str) -> str:
        value = table.get("organization_id")
        if value is None:
            raise self.error(
                f"{where}.organization_id",
                "missing: the Zoho Books organization id (Settings → Organization Profile in Zoho Books)",
            )
        # Accept 10234695 as well as "10234695": both are common in hand-written TOML.
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not text.isdigit() or not text.isascii():
            raise self.error(
                f"{where}.organization_id", 'must be the numeric organization id, e.g. "10234695"'
            )
        return text

    def url(self, table: dict[str, Any], where: str, key: str) -> str | None:
        value = self.string(table, where, key)
        if value is not None and not value.startswith(("https://", "http://")):
            raise self.error(f"{where}.{key}", "must be an http:// or https:// URL")
        return None if value is None else value.rstrip("/")

    def resolve(self, path: str) -> Path:
        """Relative paths are relative to the config file, not the working directory (cron runs elsewhere)."""
        return (self.directory / Path(path).expanduser()).absolute()


def _store_command(where: str) -> str:
    if where.startswith("zoho"):
        return "`ml-connector auth zoho` (or `ml-connector auth webhook` for a webhook secret)"
    if where.startswith("looker"):
        return "`ml-connector auth looker`"
    return "`ml-connector auth` (the vault beside this file)"
