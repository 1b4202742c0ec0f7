"""Run SQL against the warehouse for the offline check: DuckDB (a file, read-only) or PostgreSQL (a DSN).

Each statement runs on its own (PostgreSQL in autocommit), so one failing field does not hide the next.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Protocol


class SqlError(Exception):
    """The warehouse refused a statement; the message is the database's own, first line only."""


class SqlRunner(Protocol):
    dialect: str

    def execute(self, sql: str) -> None: ...

    def scalar(self, sql: str) -> object: ...

    def close(self) -> None: ...


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class DuckDBRunner:
    dialect = "duckdb"

    def __init__(self, path: Path) -> None:
        import duckdb

        self._duckdb = duckdb
        try:
            try:
                self._con = duckdb.connect(str(path), read_only=True)
            except duckdb.ConnectionException:
                # The file is already open in this process (dbt-duckdb keeps its connection after an
                # in-process build): DuckDB then allows only the same configuration. Statements stay reads.
                self._con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise SqlError(f"cannot open the DuckDB warehouse {path}: {_first_line(exc)}") from None

    def execute(self, sql: str) -> None:
        try:
            self._con.execute(sql).fetchall()
        except self._duckdb.Error as exc:
            raise SqlError(_first_line(exc)) from None

    def scalar(self, sql: str) -> object:
        try:
            row = self._con.execute(sql).fetchone()
        except self._duckdb.Error as exc:
            raise SqlError(_first_line(exc)) from None
        return None if row is None else row[0]

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> DuckDBRunner:
        return self

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.close()


class PostgresRunner:
    dialect = "postgres"

    def __init__(self, dsn: str, password: str | None = None) -> None:
        import psycopg2

        self._psycopg2 = psycopg2
        extra = {"password": password} if password else {}
        try:
            self._con = psycopg2.connect(dsn, connect_timeout=10, **extra)
        except psycopg2.Error as exc:
            # The DSN may hold a password: never echo it.
            raise SqlError(f"cannot connect to the PostgreSQL warehouse: {_first_line(exc)}") from None
        self._con.autocommit = True

    def execute(self, sql: str) -> None:
        try:
            with self._con.cursor() as cursor:
                cursor.execute(sql)
        except self._psycopg2.Error as exc:
            raise SqlError(_first_line(exc)) from None

    def scalar(self, sql: str) -> object:
        try:
            with self._con.cursor() as cursor:
                cursor.execute(sql)
                row = cursor.fetchone()
        except self._psycopg2.Error as exc:
            raise SqlError(_first_line(exc)) from None
        return None if row is None else row[0]

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> PostgresRunner:
        return self

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.close()
