"""A Looker project in real git repositories, a tiny warehouse, and a fake Looker over loopback HTTP.

Layout per test: ``remote.git`` (bare; what Looker pulls from and deploys) and ``checkout`` (the connector's
local clone, ``[looker] repo``). ``main`` is production and holds the fixture project; tests change
``ml-connector`` and push it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx
import pytest

from loader.looker import LookerClient, LookerCredentials
from loader.secret import Secret
from ml_connector_fakes.looker import FakeLooker, FakeLookerServer, Look, Warehouse

FIXTURES = Path(__file__).parent / "fixtures" / "shop"
CLIENT_ID = "looker-client-id"
CLIENT_SECRET = "s3cr3t-looker-client-secret-value"
PROJECT = "shop_project"
MODEL = "shop"
CONNECTION = "warehouse"
BRANCH = "ml-connector"
DATAGROUP = "shop_sync"
SCHEMA = "shop"
SYNCED_AT = datetime(2026, 10, 15, 2, 0, 0, tzinfo=UTC)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main",
         *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def fixture_files(schema: str = SCHEMA) -> dict[str, str]:
    files = {str(p.relative_to(FIXTURES)): p.read_text() for p in FIXTURES.rglob("*.lkml")}
    files["manifest.lkml"] = files["manifest.lkml"].replace("SCHEMA_PLACEHOLDER", schema)
    return files


@dataclass
class LookerRepo:
    remote: Path
    checkout: Path

    def commit(self, files: dict[str, str], message: str, *, branch: str = BRANCH, push: bool = True,
               delete: tuple[str, ...] = ()) -> str:  # fmt: skip
        existing = git(self.checkout, "branch", "--list", branch)
        git(self.checkout, "checkout", "-q", branch if existing else "-b", *(() if existing else (branch,)))
        for path, text in files.items():
            target = self.checkout / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        for path in delete:
            git(self.checkout, "rm", "-q", path)
        git(self.checkout, "add", "-A")
        git(self.checkout, "commit", "-q", "--allow-empty", "-m", message)
        if push:
            git(self.checkout, "push", "-q", "origin", branch)
        return git(self.checkout, "rev-parse", "HEAD")

    def file(self, path: str, branch: str = BRANCH) -> str:
        return git(self.checkout, "show", f"{branch}:{path}")


def make_repo(root: Path, schema: str = SCHEMA) -> LookerRepo:
    remote = root / "remote.git"
    checkout = root / "checkout"
    git(root, "init", "-q", "--bare", str(remote))
    git(root, "clone", "-q", str(remote), str(checkout))
    repo = LookerRepo(remote, checkout)
    repo.commit(fixture_files(schema), "production LookML", branch="main")
    # The connector's branch starts as production; tests commit their changes on top.
    git(checkout, "checkout", "-q", "-b", BRANCH)
    git(checkout, "push", "-q", "origin", BRANCH)
    return repo


def make_duckdb(path: Path, schema: str = SCHEMA) -> Path:
    con = duckdb.connect(str(path))
    con.execute(f"create schema {schema}")
    con.execute(
        f"create table {schema}.orders (id integer, customer_id integer, status varchar, created_on date, "
        "amount decimal(18, 2), _synced_at timestamp)"
    )
    con.execute(f"create table {schema}.customers (id integer, name varchar)")
    con.execute(f"insert into {schema}.customers values (1, 'Acme')")
    con.execute(
        f"insert into {schema}.orders values "
        "(10, 1, 'paid', date '2026-10-01', 99.99, timestamp '2026-10-15 02:00:00')"
    )
    con.close()
    return path


@dataclass
class LookerWorld:
    repo: LookerRepo
    looker: FakeLooker
    server: FakeLookerServer
    warehouse_path: Path | None = None
    transports: list[RecordingTransport] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def client(
        self, *, clock: object = None, record: bool = True, secret: str = CLIENT_SECRET
    ) -> LookerClient:
        transport = RecordingTransport() if record else None
        if transport is not None:
            self.transports.append(transport)
        kwargs = {} if clock is None else {"clock": clock}
        return LookerClient(
            self.base_url, LookerCredentials(CLIENT_ID, Secret(secret)), transport=transport, **kwargs
        )

    def settings(self) -> LookerSettings:
        return LookerSettings(repo=self.repo.checkout)


@dataclass(frozen=True)
class LookerSettings:
    """Stands in for ``loader.config.LookerConfig`` (same attributes)."""

    repo: Path | None
    base_url: str = ""
    project: str = PROJECT
    model: str = MODEL
    connection: str = CONNECTION
    branch: str = BRANCH
    datagroup: str = DATAGROUP


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str  # without /api/4.0
    status: int
    content_type: str
    content: bytes


class RecordingTransport(httpx.HTTPTransport):
    """A real HTTP transport that keeps every exchange, so tests can check each body against the spec."""

    def __init__(self) -> None:
        super().__init__()
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        content = response.read()
        self.exchanges.append(
            Exchange(
                request.method,
                request.url.path.removeprefix("/api/4.0"),
                response.status_code,
                response.headers.get("content-type", ""),
                content,
            )
        )
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )


def default_looks() -> list[Look]:
    return [
        Look("1", "Revenue by month", MODEL, "orders", ["orders.created_month", "orders.total_amount_usd"]),
        Look("2", "Orders by status", MODEL, "orders", ["orders.status", "orders.count"], folder="Finance"),
    ]


def build_world(tmp_path: Path, looker: FakeLooker, warehouse: Warehouse, schema: str = SCHEMA) -> LookerRepo:
    repo = make_repo(tmp_path, schema)
    looker.add_api_user(CLIENT_ID, CLIENT_SECRET, name="connector")
    looker.add_connection(warehouse)
    looker.add_project(PROJECT, repo.remote)
    for look in default_looks():
        looker.add_look(look)
    return repo


@pytest.fixture
def world(tmp_path: Path) -> Iterator[LookerWorld]:
    warehouse_path = make_duckdb(tmp_path / "warehouse.duckdb")
    looker = FakeLooker()
    repo = build_world(tmp_path, looker, Warehouse(CONNECTION, duckdb_path=warehouse_path))
    with FakeLookerServer(looker) as server:
        yield LookerWorld(repo, looker, server, warehouse_path)
