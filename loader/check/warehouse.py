"""The warehouse checks: reachable, writable, the schemas the job uses present or creatable, and for
PostgreSQL the role's privileges on them. Every write is made inside a transaction that is rolled back."""

from __future__ import annotations

import os
from typing import Any, Final

from loader.check import Check, Verdict
from loader.config import Config
from loader.vault import Vault, VaultError
from loader.warehouse import SCHEMAS, Warehouse

SERVICE: Final = "warehouse"
_PROBE_TABLE: Final = "ml_connector_check_probe"


def check_warehouse(config: Config, vault: Vault) -> list[Check]:
    warehouse = Warehouse.of(config, vault)
    if warehouse.is_duckdb:
        return _duckdb(warehouse)
    if warehouse.is_postgres:
        return _postgres(warehouse)
    return [
        Check(
            SERVICE,
            warehouse.destination,
            "supported",
            Verdict.SKIPPED,
            f"destination {warehouse.destination!r} is not checked (DuckDB and PostgreSQL are)",
        )
    ]


def _duckdb(warehouse: Warehouse) -> list[Check]:
    import duckdb

    path = warehouse.duckdb_path
    subject = str(path)
    if not path.exists():
        directory = path.parent
        if directory.is_dir() and os.access(directory, os.W_OK):
            return [
                Check(SERVICE, subject, "writable", Verdict.OK, "not created yet; its directory is writable")
            ]
        return [
            Check(
                SERVICE,
                subject,
                "writable",
                Verdict.FAIL,
                f"the file does not exist and {directory} is missing or not writable",
                "create the directory or point [warehouse] path somewhere writable",
            )
        ]
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        busy = "lock" in str(exc).lower()
        return [
            Check(
                SERVICE,
                subject,
                "reachable",
                Verdict.FAIL,
                f"cannot open the file: {exc}",
                "another process (a sync, `serve`) holds it: wait for it or stop it"
                if busy
                else "check the file's permissions, or point [warehouse] path at a DuckDB file",
            )
        ]
    try:
        return [Check(SERVICE, subject, "reachable", Verdict.OK, "opened"), _duckdb_writable(con, subject)]
    finally:
        con.close()


def _duckdb_writable(con: Any, subject: str) -> Check:
    """Every schema and a table in each created inside a transaction, then rolled back."""
    import duckdb

    try:
        con.execute("begin")
        for schema in SCHEMAS:
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create table "{schema}".{_PROBE_TABLE} (probe integer)')
        con.execute("rollback")
    except duckdb.Error as exc:
        return Check(
            SERVICE,
            subject,
            "writable",
            Verdict.FAIL,
            f"a table could not be created: {exc}",
            "make the file writable by this user",
        )
    return Check(
        SERVICE, subject, "writable", Verdict.OK, f"schemas {', '.join(SCHEMAS)} creatable, tables too"
    )


def _postgres(warehouse: Warehouse) -> list[Check]:
    import psycopg2

    pg = warehouse.postgres
    subject = warehouse.describe()
    try:
        arguments = warehouse.postgres_connect_arguments()
    except VaultError:
        # The vault's own check reports why it cannot be read; try without a password meanwhile.
        arguments = Warehouse(warehouse.settings).postgres_connect_arguments()
    try:
        con = psycopg2.connect(**arguments, connect_timeout=5)
    except psycopg2.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [
            Check(
                SERVICE,
                subject,
                "reachable",
                Verdict.FAIL,
                f"cannot connect: {first}",
                "check [warehouse] host, port, database and user, that the server accepts this machine, and "
                "the password (`ml-connector auth warehouse`)",
            )
        ]
    checks = [Check(SERVICE, subject, "reachable", Verdict.OK, "connected")]
    try:
        with con.cursor() as cursor:
            cursor.execute("show transaction_read_only")
            row = cursor.fetchone()
            if row is not None and row[0] == "on":
                checks.append(
                    Check(
                        SERVICE,
                        subject,
                        "writable",
                        Verdict.FAIL,
                        "the server is read-only (a standby?)",
                        "point [warehouse] host at the primary",
                    )
                )
                return checks
            checks.extend(_postgres_privileges(cursor, subject, pg.user))
    except psycopg2.Error as exc:
        checks.append(
            Check(
                SERVICE,
                subject,
                "writable",
                Verdict.FAIL,
                f"a check query failed: {str(exc).strip()}",
                f"grant the role {pg.user} CONNECT and CREATE on database {pg.database}",
            )
        )
    finally:
        con.rollback()
        con.close()
    return checks


def _postgres_privileges(cursor: Any, subject: str, user: str) -> list[Check]:
    checks: list[Check] = []
    cursor.execute("select current_database(), has_database_privilege(current_database(), 'CREATE')")
    database, create_schemas = cursor.fetchone() or ("?", False)
    for schema in SCHEMAS:
        cursor.execute(
            "select has_schema_privilege(%s, 'USAGE'), has_schema_privilege(%s, 'CREATE') "
            "from pg_namespace where nspname = %s",
            (schema, schema, schema),
        )
        row = cursor.fetchone()
        about = f"{subject} {schema}"
        if row is None:
            if create_schemas:
                checks.append(Check(SERVICE, about, "schema", Verdict.OK, "absent; the role may create it"))
            else:
                checks.append(
                    Check(
                        SERVICE,
                        about,
                        "schema",
                        Verdict.FAIL,
                        f"absent, and role {user} may not create schemas in {database}",
                        f"create it (`create schema {schema} authorization {user}`) or "
                        f"`grant create on database {database} to {user}`",
                    )
                )
            continue
        usage, create = row
        if usage and create:
            checks.append(Check(SERVICE, about, "schema", Verdict.OK, "present; USAGE and CREATE granted"))
        else:
            missing = " and ".join(p for p, held in (("USAGE", usage), ("CREATE", create)) if not held)
            checks.append(
                Check(
                    SERVICE,
                    about,
                    "schema",
                    Verdict.FAIL,
                    f"present, but role {user} lacks {missing} on it",
                    f"`grant usage, create on schema {schema} to {user}` (or make {user} its owner)",
                )
            )
    if all(c.verdict is Verdict.OK for c in checks):
        # Writable for real: a table in a schema created if need be, all rolled back.
        cursor.execute(f'create schema if not exists "{SCHEMAS[0]}"')
        cursor.execute(f'create table "{SCHEMAS[0]}".{_PROBE_TABLE} (probe integer)')
        cursor.execute(f'insert into "{SCHEMAS[0]}".{_PROBE_TABLE} values (1)')  # noqa: S608 (constants)
        checks.append(
            Check(SERVICE, subject, "writable", Verdict.OK, "a table was created and written (rolled back)")
        )
    return checks
