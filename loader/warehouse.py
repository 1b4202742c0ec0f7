"""The warehouse: which database, how to reach it, its password from the vault, its schemas.

Every stage asks this object rather than branching on ``[warehouse] destination`` itself: the sync for its
dlt destination, the build for its dbt target, ``status`` and the checks for a connection, ``serve`` for its
event store, the LookML check for a read-only runner. Only DuckDB and PostgreSQL have a connection here; any
other dlt destination is passed to dlt by name (its credentials in dlt's own configuration) and the stages
that need SQL of their own say that they do not support it.

The vault is read at most once per object, and only when a PostgreSQL stage needs the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from loader.config import Config, PostgresConfig, WarehouseConfig
from loader.raw_contract import RAW_SCHEMA
from loader.secret import Secret
from loader.vault import WAREHOUSE_PASSWORD_RECORD, Vault

if TYPE_CHECKING:
    from loader.service.webhooks.store import EventStore
    from loader.transform.dbt_runner import DbtTarget
    from lookml.warehouse import SqlRunner

DUCKDB: Final = "duckdb"
POSTGRES: Final = "postgres"
PASSWORD_FIELD: Final = "password"  # noqa: S105 (the vault record's field name)

# dbt's schemas (dbt_project.yml): the staging views and the marts Looker reads.
STAGING_SCHEMA: Final = "zoho_books_staging"
MARTS_SCHEMA: Final = "zoho_books"
# What a run creates and writes, in that order.
SCHEMAS: Final = (RAW_SCHEMA, STAGING_SCHEMA, MARTS_SCHEMA)


class UnsupportedWarehouse(Exception):
    """A stage that runs its own SQL was asked to run on a destination other than DuckDB or PostgreSQL."""


@dataclass
class Warehouse:
    """The configured warehouse. ``vault`` may be None where no stage needs the PostgreSQL password."""

    settings: WarehouseConfig
    vault: Vault | None = field(default=None, repr=False)

    @classmethod
    def of(cls, config: Config, vault: Vault | None = None) -> Warehouse:
        return cls(config.warehouse, vault)

    # --- what it is --------------------------------------------------------------------------------------

    @property
    def destination(self) -> str:
        return self.settings.destination

    @property
    def is_duckdb(self) -> bool:
        return self.settings.destination == DUCKDB and self.settings.path is not None

    @property
    def is_postgres(self) -> bool:
        return self.settings.destination == POSTGRES and self.settings.postgres is not None

    @property
    def duckdb_path(self) -> Path:
        """The DuckDB file; raises ``UnsupportedWarehouse`` on any other destination."""
        if self.settings.destination != DUCKDB or self.settings.path is None:
            raise UnsupportedWarehouse(f"the warehouse is {self.destination!r}, not a DuckDB file")
        return self.settings.path

    @property
    def postgres(self) -> PostgresConfig:
        """Host, port, database and user; raises ``UnsupportedWarehouse`` on any other destination."""
        if self.settings.postgres is None:
            raise UnsupportedWarehouse(f"the warehouse is {self.destination!r}, not PostgreSQL")
        return self.settings.postgres

    def describe(self) -> str:
        """Where it is, for messages: the DuckDB file or a password-free PostgreSQL URL."""
        if self.is_duckdb:
            return str(self.duckdb_path)
        if self.is_postgres:
            pg = self.postgres
            return f"postgresql://{pg.user}@{pg.host}:{pg.port}/{pg.database}"
        return self.destination

    def unsupported(self, stage: str) -> UnsupportedWarehouse:
        """The error for a stage that needs DuckDB or PostgreSQL."""
        return UnsupportedWarehouse(
            f"{stage} runs on duckdb or postgres warehouses, not destination {self.destination!r}"
        )

    # --- credentials -------------------------------------------------------------------------------------

    @cached_property
    def password(self) -> Secret | None:
        """The PostgreSQL password from the vault (record ``warehouse/postgres``).

        None for DuckDB, for trust or peer authentication, or without a vault; a vault that cannot be read
        raises ``VaultError``."""
        if not self.is_postgres or self.vault is None:
            return None
        record = self.vault.get(WAREHOUSE_PASSWORD_RECORD) or {}
        return record.get(PASSWORD_FIELD)

    def postgres_dsn(self) -> str:
        """A libpq DSN without the password, which always travels as its own argument: a driver's error
        message may quote the DSN, never an argument given separately."""
        pg = self.postgres
        return f"host={pg.host} port={pg.port} dbname={pg.database} user={pg.user}"

    def postgres_connect_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``psycopg2.connect``, password included."""
        pg = self.postgres
        password = self.password
        return {
            "host": pg.host,
            "port": pg.port,
            "dbname": pg.database,
            "user": pg.user,
            "password": password.reveal() if password is not None else None,
        }

    # --- what each stage asks for ------------------------------------------------------------------------

    def dlt_destination(self) -> Any:
        """The sync's dlt destination: DuckDB's file (created private), PostgreSQL with the vault's
        password, or any other destination by name, its credentials from dlt's own configuration."""
        import dlt

        if self.is_duckdb:
            from loader.private_files import restrict

            path = self.duckdb_path
            path.parent.mkdir(parents=True, exist_ok=True)
            restrict(path)
            return dlt.destinations.duckdb(str(path))
        if self.is_postgres:
            from dlt.common.configuration.specs import ConnectionStringCredentials

            pg = self.postgres
            password = self.password
            credentials = ConnectionStringCredentials()
            credentials.drivername = "postgresql"
            credentials.host, credentials.port, credentials.database = pg.host, pg.port, pg.database
            credentials.username = pg.user
            # Trust or peer authentication needs no password; dlt still wants the field set.
            credentials.password = password.reveal() if password is not None else ""
            return dlt.destinations.postgres(
                credentials=credentials.to_url().render_as_string(hide_password=False)
            )
        return self.destination

    def dbt_target(self) -> DbtTarget:
        """Where dbt builds; raises ``DbtError`` for a destination this project has no dbt profile for."""
        from loader.transform.dbt_runner import DbtError, DbtTarget

        if self.is_duckdb:
            return DbtTarget(DUCKDB, duckdb_path=self.duckdb_path)
        if self.is_postgres:
            pg = self.postgres
            return DbtTarget(
                POSTGRES,
                host=pg.host,
                port=pg.port,
                user=pg.user,
                database=pg.database,
                password=self.password,
            )
        raise DbtError(
            f"dbt cannot build on warehouse destination {self.destination!r}: this project ships profiles "
            "for duckdb and postgres"
        )

    def sql_runner(self) -> SqlRunner:
        """A read-only SQL runner for the offline LookML check."""
        from lookml.warehouse import DuckDBRunner, PostgresRunner

        if self.is_duckdb:
            return DuckDBRunner(self.duckdb_path)
        if self.is_postgres:
            password = self.password
            return PostgresRunner(self.postgres_dsn(), password.reveal() if password else None)
        raise self.unsupported("the LookML check")

    def event_store(self) -> EventStore:
        """The webhook event store, beside the raw tables."""
        from loader.service.webhooks.store import EventStore, StoreError

        if self.is_duckdb:
            return EventStore.duckdb(self.duckdb_path)
        if self.is_postgres:
            password = self.password
            return EventStore.postgres(self.postgres_dsn(), password=password.reveal() if password else None)
        raise StoreError(
            f"webhook events are stored in DuckDB or PostgreSQL; destination {self.destination!r} is "
            "not supported by `serve` yet"
        )
