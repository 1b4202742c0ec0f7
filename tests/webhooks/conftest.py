"""Webhook tests: a real config, vault and DuckDB (or PostgreSQL) store, and the service on loopback."""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from loader.config import Config, load_config
from loader.secret import Secret
from loader.service.webhooks.applier import ChangeBatch, JournalApplier
from loader.service.webhooks.service import ServeOptions, WebhookService
from loader.service.webhooks.signature import SIGNATURE_HEADER, sign
from loader.service.webhooks.store import EventStore
from loader.vault import KEY_ENV, Vault

US_ORG = "10234695"
EU_ORG = "20234695"
SECRET = Secret("s3cretWebhookKey2026")
VAULT_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()


def write_config(directory: Path, *, warehouse: str = "", orgs: tuple[str, str] = (US_ORG, EU_ORG)) -> Path:
    path = directory / "ml-connector.toml"
    path.write_text(
        (warehouse or f'[warehouse]\npath = "{directory / "warehouse.duckdb"}"\n')
        + '[schedule]\ncron = "0 2 * * *"\n'
        + "".join(
            f'[[zoho.connections]]\nname = "{name}"\nregion = "{name}"\norganization_id = "{org}"\n'
            for name, org in zip(("us", "eu"), orgs, strict=True)
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("ML_CONNECTOR_KEY", "ML_CONNECTOR_CONFIG", "ML_CONNECTOR_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(KEY_ENV, VAULT_KEY)
    monkeypatch.setenv("COLUMNS", "200")
    return {KEY_ENV: VAULT_KEY}


@pytest.fixture
def config(tmp_path: Path, env: dict[str, str]) -> Config:
    path = write_config(tmp_path)
    vault = Vault.beside(path, env=env)
    vault.put("webhook/us", {"secret": SECRET})
    vault.put("webhook/eu", {"secret": SECRET})
    return load_config(path)


@pytest.fixture
def vault(config: Config, env: dict[str, str]) -> Vault:
    return Vault.beside(config.path, env=env)


def invoice(
    invoice_id: str = "9001", modified: str = "2026-10-15T10:00:00+0530", **extra: Any
) -> dict[str, Any]:
    return {"invoice_id": invoice_id, "invoice_number": "INV-1", "last_modified_time": modified, **extra}


@dataclass(frozen=True)
class Signed:
    """One webhook delivery as Zoho would send it: URL query, body, headers."""

    query: list[tuple[str, str]]
    body: bytes
    headers: dict[str, str]

    def post(self, client: httpx.Client, base_url: str, connection: str = "us") -> httpx.Response:
        url = f"{base_url}/webhooks/zoho/{connection}"
        if self.query:
            url += "?" + urlencode(self.query)
        return client.post(url, content=self.body, headers=self.headers)


def signed_json(
    document: dict[str, Any],
    *,
    query: list[tuple[str, str]] | None = None,
    secret: Secret = SECRET,
    timestamp: float | None = None,
) -> Signed:
    import time

    pairs = list(query or [])
    pairs.append(("timestamp", str(int((timestamp if timestamp is not None else time.time()) * 1000))))
    body = json.dumps(document).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, pairs, body)}
    return Signed(pairs, body, headers)


def signed_form(
    form: list[tuple[str, str]], *, secret: Secret = SECRET, timestamp: float | None = None
) -> Signed:
    import time

    pairs = [*form, ("timestamp", str(int((timestamp if timestamp is not None else time.time()) * 1000)))]
    body = urlencode(pairs).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", SIGNATURE_HEADER: sign(secret, pairs)}
    return Signed([], body, headers)


class FlakyApplier:
    """Fails its first ``failures`` calls with a stated error, then records batches like a journal."""

    def __init__(self, journal: JournalApplier, failures: int) -> None:
        self.journal = journal
        self.failures = failures
        self.calls = 0

    def apply(self, batch: ChangeBatch) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"warehouse unavailable (call {self.calls})")
        self.journal.apply(batch)

    def scheduled_sync(self) -> None:
        self.journal.scheduled_sync()


@dataclass
class RunningServe:
    service: WebhookService
    url: str
    thread: threading.Thread

    @property
    def auth(self) -> dict[str, str]:
        """The admin token's header, as `ml-connector` reads it from serve.json."""
        token = json.loads(self.service.serve_file.read_text(encoding="utf-8"))["token"]
        return {"Authorization": f"Bearer {token}"}

    def stop(self) -> None:
        self.service.stop()
        self.thread.join(30)
        assert not self.thread.is_alive()


ServeFactory = Callable[..., RunningServe]


@pytest.fixture
def start_serve(config: Config, vault: Vault) -> Iterator[ServeFactory]:
    running: list[RunningServe] = []

    def start(applier: Any, *, store: EventStore | None = None, **options: Any) -> RunningServe:
        settings = ServeOptions(**{"port": 0, "debounce": 0.05, "schedule": False, **options})
        service = WebhookService(config, vault, applier, settings, store=store)
        ready = threading.Event()
        urls: list[str] = []

        def on_ready(url: str) -> None:
            urls.append(url)
            ready.set()

        thread = threading.Thread(target=service.run, kwargs={"on_ready": on_ready}, daemon=True)
        thread.start()
        assert ready.wait(10), "serve did not start"
        handle = RunningServe(service, urls[0], thread)
        running.append(handle)
        return handle

    yield start
    for handle in running:
        if handle.thread.is_alive():
            handle.stop()


def open_store(config: Config) -> EventStore:
    assert config.warehouse.path is not None
    return EventStore.duckdb(config.warehouse.path)


def token() -> str:
    return secrets.token_hex(4)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """An HTTP client for the tests that talk to serve."""
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def store(config: Config) -> EventStore:
    """The configuration's event store, for a test to hand to serve (which closes it)."""
    return open_store(config)
