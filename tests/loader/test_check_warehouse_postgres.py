"""``ml-connector check`` on a PostgreSQL warehouse: a database of the test's own, a role without the
privileges the job needs, then with them (the role's privileges are what the check reports)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from loader.check import Verdict
from loader.check.run import run_checks
from loader.config import load_config
from loader.vault import Vault


@pytest.fixture
def database(postgres_server: str) -> Iterator[tuple[str, str]]:
    """(database, role): a fresh database holding zoho_books_raw (owned by the server's superuser) and a
    login role with no privilege beyond connecting."""
    suffix = uuid.uuid4().hex[:10]
    name, role = f"chk_{suffix}", f"chk_role_{suffix}"
    admin = psycopg2.connect(postgres_server)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'create database "{name}"')
        cur.execute(f'create role "{role}" login')
    inside = psycopg2.connect(f"{postgres_server} dbname={name}")
    inside.autocommit = True
    with inside.cursor() as cur:
        cur.execute("create schema zoho_books_raw")
    inside.close()
    try:
        yield name, role
    finally:
        with admin.cursor() as cur:
            cur.execute(f'drop database "{name}" with (force)')
            cur.execute(f'drop role "{role}"')
        admin.close()


def config_for(tmp_path: Path, database: str, user: str) -> Path:
    path = tmp_path / "ml-connector.toml"
    path.write_text(
        f'[warehouse]\ndestination = "postgres"\nhost = "127.0.0.1"\nport = 5432\n'
        f'database = "{database}"\nuser = "{user}"\n',
        encoding="utf-8",
    )
    return path


def verdicts(tmp_path: Path, database: str, user: str) -> dict[tuple[str, str], tuple[Verdict, str]]:
    config = load_config(config_for(tmp_path, database, user), env={})
    report = run_checks(config, Vault.beside(config.path, env={}))
    return {(c.subject, c.check): (c.verdict, c.fix or c.detail) for c in report.checks}


def test_a_role_without_privileges_is_told_the_grants(
    tmp_path: Path, database: tuple[str, str], postgres_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    name, role = database
    where = f"postgresql://{role}@127.0.0.1:5432/{name}"
    found = verdicts(tmp_path, name, role)
    assert found[(where, "reachable")][0] is Verdict.OK
    assert found[(f"{where} zoho_books_raw", "schema")] == (
        Verdict.FAIL,
        f"`grant usage, create on schema zoho_books_raw to {role}` (or make {role} its owner)",
    )
    assert found[(f"{where} zoho_books", "schema")] == (
        Verdict.FAIL,
        f"create it (`create schema zoho_books authorization {role}`) or "
        f"`grant create on database {name} to {role}`",
    )
    assert (where, "writable") not in found  # not tried while privileges are missing

    admin = psycopg2.connect(f"{postgres_server} dbname={name}")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'grant create on database "{name}" to "{role}"')
        cur.execute(f'grant usage, create on schema zoho_books_raw to "{role}"')
    admin.close()
    found = verdicts(tmp_path, name, role)
    assert {verdict for verdict, _ in found.values()} == {Verdict.OK}
    assert found[(f"{where} zoho_books", "schema")][1] == "absent; the role may create it"
    assert found[(where, "writable")][1] == "a table was created and written (rolled back)"
    # Rolled back: the check left nothing behind.
    inside = psycopg2.connect(f"{postgres_server} dbname={name}")
    with inside.cursor() as cur:
        cur.execute("select count(*) from information_schema.tables where table_schema = 'zoho_books_raw'")
        assert cur.fetchone() == (0,)
    inside.close()
