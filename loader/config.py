"""``ml-connector.toml``: where it is, what it may say, and the typed configuration built from it.

Each table of the file is a pydantic dataclass below: its fields are the keys the table accepts, with their
types and defaults, written once. Validation is strict on purpose: an unknown key is an error, not ignored,
because a misspelt ``requests_per_minut`` that silently falls back to the default is worse than a message.
Every error names the file and the key's dotted path (``zoho.connections[0].region: ...``) and says what
to write instead. Secrets never live here (they go to the vault through ``ml-connector auth``), so a
secret-looking key is refused with a message saying which command stores it instead.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.dataclasses import dataclass as table

CONFIG_ENV: Final = "ML_CONNECTOR_CONFIG"
DEFAULT_CONFIG_FILE: Final = "ml-connector.toml"
STATE_DIR_NAME: Final = ".ml-connector"

REGIONS: Final = ("us", "eu", "in", "au", "jp", "ca", "cn", "sa", "uk", "ae")
# The webhook signing schemes (loader.service.webhooks.signature.Scheme); the first is the default.
WEBHOOK_SIGNATURES: Final = ("billing-hex", "billing-base64", "payments")
STATUS_ACCESS: Final = ("token", "loopback")
DETAIL_MODES: Final = ("all", "recent", "none")

# Exact names and name endings that only a secret would have.
_SECRET_KEYS: Final = frozenset(
    {"client_secret", "refresh_token", "access_token", "password", "secret", "token", "api_key", "passwd"}
)
_SECRET_SUFFIXES: Final = ("_secret", "_password", "_token")

# Connection names appear in vault record names and in the webhook URL path, so keep them URL- and path-safe.
_CONNECTION_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_CURRENCY: Final = re.compile(r"[A-Z]{3}")
_DESTINATION: Final = re.compile(r"[a-z][a-z0-9_]*")
_POSTGRES_KEYS: Final = ("host", "port", "database", "user")

# Every table refuses keys it does not declare. Values are strict (StrictStr, StrictInt, StrictBool): "5"
# does not pass as 5, nor true as 1.
_TABLE: Final = ConfigDict(extra="forbid")


class ConfigError(Exception):
    """The configuration is missing or wrong. The message names the file, the key and what to do."""


# --- value rules (each raises ValueError with the text the user reads after the key's path) ---------------


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must be a non-empty string in quotes")
    return value


def _url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be an http:// or https:// URL")
    return value.rstrip("/")


def _matching(pattern: re.Pattern[str], problem: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(problem.format(value=value))
        return value

    return check


def _one_of(
    choices: Sequence[str], problem: str = "{value!r} is not one of {choices}"
) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(problem.format(value=value, choices=", ".join(choices)))
        return value

    return check


def _organization_id(value: object) -> object:
    # Accept 10234695 as well as "10234695": both are common in hand-written TOML.
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not text.isdigit() or not text.isascii():
        raise ValueError('must be the numeric organization id, e.g. "10234695"')
    return text


def _cron(value: str) -> str:
    from croniter import croniter  # type: ignore[import-untyped]  # no stubs installed

    # Validated here, with the rest (D129): `check` passes only what `serve` can run.
    if len(value.split()) != 5 or not croniter.is_valid(value):
        raise ValueError(
            f"{value!r} is not a valid cron expression (minute hour day-of-month month day-of-week, UTC) "
            "such as '0 2 * * *'"
        )
    return value


def _beside_the_file(value: object, info: ValidationInfo) -> object:
    """Relative paths are relative to the config file, not the working directory (cron runs elsewhere)."""
    directory = info.context.get("directory") if isinstance(info.context, dict) else None
    if isinstance(value, str) and directory is not None:
        return (directory / Path(value).expanduser()).absolute()
    return Path(value) if isinstance(value, str) else value


Text = Annotated[StrictStr, AfterValidator(_non_empty)]
Url = Annotated[Text, AfterValidator(_url)]
Count = Annotated[StrictInt, Field(ge=1)]  # bool is an int to Python, never to the user: StrictInt refuses it


# --- the tables ------------------------------------------------------------------------------------------


@table(frozen=True, config=_TABLE)
class ReportingConfig:
    currency: Annotated[
        Text, AfterValidator(_matching(_CURRENCY, "{value!r} is not an ISO 4217 code such as USD or EUR"))
    ] = "USD"
    strict_reconciliation: StrictBool = False  # a difference from Zoho's ledger fails the build, not warns


@table(frozen=True, config=_TABLE)
class ZohoConnectionConfig:
    """One Zoho login in one data center, reading one organization."""

    name: Annotated[
        Text,
        AfterValidator(
            _matching(
                _CONNECTION_NAME, "use letters, digits, '-' and '_' (up to 64; first a letter or digit)"
            )
        ),
    ]
    region: Annotated[
        Text, AfterValidator(_one_of(REGIONS, "unknown Zoho region {value!r}: use one of {choices}"))
    ]
    organization_id: Annotated[StrictStr, BeforeValidator(_organization_id)]
    accounts_url: Url | None = None  # overrides the region's accounts server (tests, proxies)
    api_base_url: Url | None = None  # overrides the region's API base
    requests_per_minute: Count = 100  # Zoho's per-organization limit
    max_in_flight: Count = 5  # concurrent requests (Zoho plans allow 5 to 10)
    daily_call_limit: Count | None = None  # a cap of our own per UTC day: a sync stops before it
    # How Zoho signs this connection's webhooks (D122).
    webhook_signature: Annotated[
        Text,
        AfterValidator(
            _one_of(
                WEBHOOK_SIGNATURES,
                "{value!r} is not one of {choices} (how Zoho signs this connection's webhooks)",
            )
        ),
    ] = WEBHOOK_SIGNATURES[0]


@table(frozen=True, config=_TABLE)
class ZohoTable:
    connections: tuple[ZohoConnectionConfig, ...] = ()

    @field_validator("connections")
    @classmethod
    def _unique_names(cls, connections: tuple[ZohoConnectionConfig, ...]) -> tuple[ZohoConnectionConfig, ...]:
        names = [c.name for c in connections]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"two connections are named {name!r}: give each a unique name")
        return connections


@table(frozen=True, config=_TABLE)
class LookerConfig:
    base_url: Url
    project: Text
    model: Text
    connection: Text
    # Local checkout of the Looker project's repository, absolute.
    repo: Annotated[Path, BeforeValidator(_beside_the_file)] | None = None
    branch: Text = "ml-connector"
    datagroup: Text = "zoho_books_sync"
    # The Looker user attribute holding the organization ids each user may see: every explore's access
    # filter reads it (D112); "" turns row-level security off.
    organization_attribute: StrictStr = "zoho_books_organization_id"


@table(frozen=True, config=_TABLE)
class ScheduleConfig:
    cron: Annotated[Text, AfterValidator(_cron)] = "0 2 * * *"


@table(frozen=True, config=_TABLE)
class ServeConfig:
    # Who sees `serve`'s status page: "token" (the bearer of the admin token in .ml-connector/serve.json)
    # or "loopback" (that, and any client on this machine).
    status_access: Annotated[Text, AfterValidator(_one_of(STATUS_ACCESS))] = STATUS_ACCESS[0]


@table(frozen=True, config=_TABLE)
class SyncConfig:
    delete_scan_days: Count = 7  # how often a sync walks whole lists to find deleted records
    overlap_minutes: Count = 10  # incremental walks re-check this much before the stored watermark
    ledger_overlap_months: Count = 1  # Zoho's ledger is read from this many months before the last read (D61)
    # Which documents' detail records (line items) a sync fetches, a call each (D90): "all", "recent"
    # (dated in the last ``details_months`` months) or "none". The others are loaded from their list rows:
    # header facts stay complete, and their ledger lines are taken from Zoho's own ledger.
    details: Annotated[Text, AfterValidator(_one_of(DETAIL_MODES))] = "all"
    details_months: Count = 12


@table(frozen=True, config=_TABLE)
class WarehouseTable:
    """``[warehouse]`` as written: DuckDB takes ``path``, PostgreSQL the four connection keys (its password
    lives in the vault); any other dlt destination takes none of them."""

    destination: Annotated[
        Text,
        AfterValidator(_matching(_DESTINATION, "must be a dlt destination name such as duckdb or postgres")),
    ] = "duckdb"
    path: Annotated[Path, BeforeValidator(_beside_the_file)] = Field(
        default="ml_connector.duckdb", validate_default=True
    )
    host: Text | None = None
    port: Annotated[Count, Field(le=65535)] = 5432
    database: Text | None = None
    user: Text | None = None


@table(frozen=True, config=_TABLE)
class Document:
    """The whole file."""

    # Validated like a written empty table, so its path is resolved beside the file too.
    warehouse: WarehouseTable = Field(default_factory=dict, validate_default=True)
    reporting: ReportingConfig = field(default_factory=ReportingConfig)
    zoho: ZohoTable = field(default_factory=ZohoTable)
    looker: LookerConfig | None = None
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    sync: SyncConfig = field(default_factory=SyncConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)


# --- what the rest of the loader reads -------------------------------------------------------------------


@dataclass(frozen=True)
class PostgresConfig:
    """Where the PostgreSQL warehouse is; its password lives in the vault."""

    host: str
    database: str
    user: str
    port: int


@dataclass(frozen=True)
class WarehouseConfig:
    destination: str
    path: Path | None  # duckdb only: the database file, absolute
    postgres: PostgresConfig | None  # postgres only


@dataclass(frozen=True)
class Config:
    path: Path  # the TOML file, absolute
    warehouse: WarehouseConfig
    reporting: ReportingConfig
    zoho_connections: tuple[ZohoConnectionConfig, ...]
    looker: LookerConfig | None
    schedule: ScheduleConfig
    state_dir: Path  # .ml-connector/ beside the config
    sync: SyncConfig = field(default_factory=SyncConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)

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
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file} is not valid TOML: {exc}") from None
    _refuse_secrets(file, raw, "")
    try:
        document = _DOCUMENT.validate_python(raw, context={"directory": file.parent})
    except ValidationError as exc:
        raise ConfigError("\n".join(f"{file}: {line}" for line in _explain(exc))) from None
    return Config(
        path=file,
        warehouse=_warehouse(file, document.warehouse, raw.get("warehouse")),
        reporting=document.reporting,
        zoho_connections=document.zoho.connections,
        looker=document.looker,
        schedule=document.schedule,
        state_dir=file.parent / STATE_DIR_NAME,
        sync=document.sync,
        serve=document.serve,
    )


_DOCUMENT: Final = TypeAdapter(Document)


def _warehouse(file: Path, table: WarehouseTable, written: object) -> WarehouseConfig:
    """The keys that apply to one destination only; what the file left out takes the table's defaults."""
    keys = set(written) if isinstance(written, dict) else set()
    postgres_keys = sorted(keys & set(_POSTGRES_KEYS))
    if table.destination == "duckdb":
        if postgres_keys:
            where = f"warehouse.{postgres_keys[0]}"
            raise ConfigError(f'{file}: {where}: applies only to destination = "postgres"; remove it')
        return WarehouseConfig(table.destination, table.path, None)
    if "path" in keys:
        raise ConfigError(f'{file}: warehouse.path: applies only to destination = "duckdb"; remove it')
    if table.destination != "postgres":
        return WarehouseConfig(table.destination, None, None)
    for key in ("host", "database", "user"):
        if getattr(table, key) is None:
            raise ConfigError(f"{file}: warehouse.{key}: missing")
    assert table.host is not None
    assert table.database is not None
    assert table.user is not None
    return WarehouseConfig(
        table.destination, None, PostgresConfig(table.host, table.database, table.user, table.port)
    )


# --- messages --------------------------------------------------------------------------------------------

# What to say when a required key is missing, beyond "missing".
_MISSING_HINTS: Final = {
    "organization_id": "the Zoho Books organization id (Settings → Organization Profile in Zoho Books)",
    "base_url": "the Looker instance, e.g. https://acme.cloud.looker.com",
}


def _explain(error: ValidationError) -> list[str]:
    """One line per problem: the key's dotted path, then what is wrong with it in the file's words."""
    return [f"{_dotted(problem['loc'])}: {_problem(problem)}" for problem in error.errors()]


def _dotted(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _problem(problem: Any) -> str:
    kind, loc = problem["type"], problem["loc"]
    context = problem.get("ctx") or {}
    if kind == "value_error":
        return str(context.get("error", problem["msg"]))
    if kind == "missing":
        hint = _MISSING_HINTS.get(str(loc[-1]))
        return f"missing: {hint}" if hint else "missing"
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return f"unknown key; expected one of {', '.join(_keys_of(loc[:-1]))}"
    if kind in ("dataclass_type", "dataclass_args_type", "model_type"):
        if loc and isinstance(loc[-1], int):
            return f"must be a table: write [[{_dotted(loc[:-1])}]]"
        return f"must be a table: write [{_dotted(loc)}]"
    if kind in ("tuple_type", "list_type"):
        return f"must be an array of tables: write [[{_dotted(loc)}]]"
    if kind in ("int_type", "greater_than_equal"):
        return "must be a whole number of at least 1"
    if kind == "less_than_equal":
        return f"must be at most {context.get('le')}"
    if kind == "bool_type":
        return "must be true or false (no quotes)"
    if kind == "path_type":
        return "must be a path in quotes"
    if kind == "string_type":
        return "must be a non-empty string in quotes"
    return str(problem["msg"])


def _keys_of(loc: Sequence[int | str]) -> list[str]:
    """The keys the table at ``loc`` declares (the file's top level for an empty ``loc``)."""
    kind: Any = Document
    for part in loc:
        if isinstance(part, str):
            kind = _table_in(kind.__pydantic_fields__[part].annotation)
    return sorted(kind.__pydantic_fields__)


def _table_in(annotation: Any) -> Any:
    """The table class inside an annotation such as ``LookerConfig | None`` or ``tuple[X, ...]``."""
    if hasattr(annotation, "__pydantic_fields__"):
        return annotation
    for argument in get_args(annotation):
        found = _table_in(argument)
        if found is not None:
            return found
    return None


def _refuse_secrets(file: Path, node: object, where: str) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _refuse_secrets(file, item, f"{where}[{i}]")
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        dotted = f"{where}.{key}" if where else key
        lowered = key.lower()
        if lowered in _SECRET_KEYS or lowered.endswith(_SECRET_SUFFIXES):
            # The value is never echoed: it is probably a real secret.
            raise ConfigError(
                f"{file}: {dotted}: secrets do not belong in the config file. Remove the line (and rotate "
                f"the secret if this file was shared), then store it encrypted with {_store_command(where)}"
            )
        _refuse_secrets(file, value, dotted)


def _store_command(where: str) -> str:
    if where.startswith("zoho"):
        return "`ml-connector auth zoho` (or `ml-connector auth webhook` for a webhook secret)"
    if where.startswith("looker"):
        return "`ml-connector auth looker`"
    return "`ml-connector auth` (the vault beside this file)"
