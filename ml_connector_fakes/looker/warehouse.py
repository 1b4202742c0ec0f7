"""The databases behind the fake's connections: DuckDB files and PostgreSQL, queried as Looker would."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import psycopg2


class QueryFailed(Exception):
    """The database refused the SQL; the message is the database's own."""


@dataclass(frozen=True)
class Warehouse:
    """A Looker connection: a DuckDB file (``duckdb_path``) or a PostgreSQL DSN (``postgres_dsn``)."""

    name: str
    duckdb_path: Path | None = None
    postgres_dsn: str | None = None

    @property
    def dialect(self) -> str:
        # DuckDB is not a Looker dialect; the fake names it honestly rather than pretend.
        return "postgres" if self.postgres_dsn else "duckdb"

    def run(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of ``sql``; ``QueryFailed`` with the database's message on error."""
        if self.postgres_dsn is not None:
            return self._run_postgres(self.postgres_dsn, sql)
        if self.duckdb_path is not None:
            return self._run_duckdb(self.duckdb_path, sql)
        raise QueryFailed(f"connection {self.name} has no database")

    @staticmethod
    def _run_duckdb(path: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise QueryFailed(str(exc)) from None
        try:
            cursor = con.execute(sql)
            rows = cursor.fetchall()
            names = [d[0] for d in cursor.description or []]
        except duckdb.Error as exc:
            raise QueryFailed(str(exc)) from None
        finally:
            con.close()
        return names, rows

    @staticmethod
    def _run_postgres(dsn: str, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        try:
            con = psycopg2.connect(dsn, connect_timeout=5)
        except psycopg2.Error as exc:
            raise QueryFailed(str(exc).strip()) from None
        try:
            with con.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.fetchall()
                names = [d[0] for d in cursor.description or []]
        except psycopg2.Error as exc:
            raise QueryFailed(str(exc).strip()) from None
        finally:
            con.rollback()
            con.close()
        return names, rows
