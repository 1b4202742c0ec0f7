"""``ml-connector serve`` as an object: store, worker, scheduler and the receiver under one uvicorn server.

Shutdown (SIGTERM or Ctrl-C) is graceful: uvicorn stops accepting connections and lets the requests in flight
finish (each either committed its event and answered 2xx, or answered nothing that Zoho takes for success),
then the scheduler stops, the worker finishes the batch it is applying, and the store closes. Events not yet
applied stay pending in the store; the next start applies them first. A killed process loses nothing that was
acknowledged either: the event was committed before the 2xx.

While it runs, the service writes ``serve.json`` (owner-only) into the state directory: its URL, pid and a
random admin token, so ``ml-connector webhooks`` can ask it instead of opening the DuckDB file it holds.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import httpx
import uvicorn
from starlette.applications import Starlette

from loader.config import Config
from loader.secret import Secret
from loader.service.schedule import CronSchedule, Scheduler
from loader.service.webhooks.applier import EventApplier
from loader.service.webhooks.events import APPLIED, JOURNAL, JOURNALED, PENDING
from loader.service.webhooks.receiver import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONCURRENT,
    DEFAULT_MAX_PAIRS,
    ConnectionSettings,
    ReceiverSettings,
    create_receiver_app,
)
from loader.service.webhooks.signature import Scheme
from loader.service.webhooks.store import EventStore, StoreError
from loader.service.webhooks.timeouts import header_timeout_protocol
from loader.service.webhooks.worker import EventWorker, RetryPolicy
from loader.vault import Vault
from loader.warehouse import Warehouse

log = logging.getLogger(__name__)

SERVE_FILE: Final = "serve.json"
_SECRET_TTL_SECONDS: Final = 30.0


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    debounce: float = 2.0
    max_delay: float = 30.0
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_age: timedelta = DEFAULT_MAX_AGE
    # Bounds on what a sender not yet authenticated can hold (D126).
    max_pairs: int = DEFAULT_MAX_PAIRS
    header_timeout: float = 10.0  # a connection's request line and headers, from connect or keep-alive
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    keep_alive_seconds: int = 5
    max_concurrent: int = DEFAULT_MAX_CONCURRENT  # webhook deliveries handled at once; more get 503
    max_connections: int = 256  # open connections; uvicorn answers 503 beyond
    status_access: str = "token"  # the status page: "token" (admin token) or "loopback" (also loopback)
    journal: bool = False  # ``--journal``: events are journal/journaled, never pending/applied
    # ``--dagster``: receive and store only; the Dagster location's webhook sensor claims and applies the
    # events, and Dagster's schedule replaces the cron here. Needs the PostgreSQL warehouse (D152).
    dagster: bool = False
    graceful_seconds: float = 10.0
    worker_stop_seconds: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    schedule: bool = True


def open_event_store(config: Config, vault: Vault) -> EventStore:
    """The webhook event store in the configured warehouse."""
    return Warehouse.of(config, vault).event_store()


DAGSTER_NEEDS_POSTGRES: Final = (
    "handing webhooks over to Dagster needs the PostgreSQL warehouse: the sensor and its runs read and mark "
    "the events while `serve` writes them, and a DuckDB file takes one process at a time; set [warehouse] "
    'destination = "postgres", or run `serve` without --dagster'
)


class ListenError(Exception):
    """The address cannot be listened on (taken, not this machine's, not allowed)."""


class VaultSecrets:
    """Webhook secrets from the vault (``webhook/<connection>``), re-read at most every 30 s so a secret
    stored or rotated with ``ml-connector auth webhook`` takes effect without a restart."""

    def __init__(self, vault: Vault, ttl: float = _SECRET_TTL_SECONDS) -> None:
        self._vault = vault
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Secret | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, connection: str) -> Secret | None:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(connection)
            if cached is not None and now - cached[0] < self._ttl:
                return cached[1]
        record = self._vault.get(f"webhook/{connection}") or {}
        secret = record.get("secret")
        with self._lock:
            self._cache[connection] = (now, secret)
        return secret


class WebhookService:
    def __init__(
        self,
        config: Config,
        vault: Vault,
        applier: EventApplier,
        options: ServeOptions | None = None,
        *,
        store: EventStore | None = None,
    ) -> None:
        self.config = config
        self.vault = vault
        self.applier = applier
        self.options = options or ServeOptions()
        self._store = store
        self._server: uvicorn.Server | None = None
        self.url: str | None = None

    @property
    def serve_file(self) -> Path:
        return self.config.state_dir / SERVE_FILE

    def run(self, on_ready: Callable[[str], None] | None = None) -> None:
        """Serve until SIGINT/SIGTERM (or ``stop()``), then shut down gracefully. Blocks."""
        options = self.options
        # First, before anything is opened: a file in the way of the state directory is a path to fix.
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        sock = _bind(options.host, options.port)  # a taken port is said before the warehouse is opened
        store = self._open_store(sock)
        worker = EventWorker(
            store,
            self.applier,
            debounce=options.debounce,
            max_delay=options.max_delay,
            retry=options.retry,
            statuses=(JOURNAL, JOURNALED) if options.journal else (PENDING, APPLIED),
        )
        scheduler = Scheduler(CronSchedule(self.config.schedule.cron), worker.request_scheduled_sync)
        admin_token = Secret(secrets.token_urlsafe(32))
        settings = self._receiver_settings(admin_token)
        self._warn_of_missing_secrets()
        # Handed over to Dagster, nothing here applies: a stored event waits (pending) for the sensor.
        notify = (lambda: None) if options.dagster else worker.notify
        status = self._status_of(worker, scheduler)
        app = create_receiver_app(settings, VaultSecrets(self.vault), store, notify, status)
        host = f"[{options.host}]" if ":" in options.host else options.host
        self.url = f"http://{host}:{sock.getsockname()[1]}"
        server = self._server = self._uvicorn_server(app)
        if not options.dagster:
            worker.start()
            if options.schedule:
                scheduler.start()
        self._write_serve_file(admin_token)
        try:
            if on_ready is not None:
                threading.Thread(target=self._announce, args=(server, on_ready), daemon=True).start()
            with _sigterm_returns():
                server.run(sockets=[sock])
        finally:
            log.info("shutting down: stopping the scheduler and letting the worker finish its batch")
            scheduler.stop()
            if not worker.stop(options.worker_stop_seconds):
                log.warning("the worker is still applying; its events stay pending for the next start")
            self.serve_file.unlink(missing_ok=True)
            sock.close()
            store.close()

    def _open_store(self, sock: socket.socket) -> EventStore:
        """The event store (the one given, or the warehouse's); ``sock`` is closed when that fails."""
        try:
            store = self._store or open_event_store(self.config, self.vault)
        except BaseException:
            sock.close()
            raise
        if self.options.dagster and store.dialect != "postgres":
            store.close()
            sock.close()
            raise StoreError(DAGSTER_NEEDS_POSTGRES)
        return store

    def _receiver_settings(self, admin_token: Secret) -> ReceiverSettings:
        options = self.options
        return ReceiverSettings(
            connections={
                c.name: ConnectionSettings(c.organization_id, Scheme(c.webhook_signature))
                for c in self.config.zoho_connections
            },
            max_body_bytes=options.max_body_bytes,
            max_pairs=options.max_pairs,
            body_timeout=options.body_timeout,
            max_concurrent=options.max_concurrent,
            max_age=options.max_age,
            admin_token=admin_token,
            status_access=options.status_access,
            initial_status=JOURNAL if options.journal else PENDING,
        )

    def _warn_of_missing_secrets(self) -> None:
        for connection in self.config.zoho_connections:
            if (self.vault.get(f"webhook/{connection.name}") or {}).get("secret") is None:
                log.warning(
                    "connection %r has no webhook secret: its webhooks are refused until you run "
                    "`ml-connector auth webhook --connection %s`",
                    connection.name,
                    connection.name,
                )

    def _status_of(self, worker: EventWorker, scheduler: Scheduler) -> Callable[[], dict[str, Any]]:
        """The worker's and the schedule's sections of the status page, read when it is asked for."""
        applied_by = "dagster" if self.options.dagster else "serve"
        cron = self.config.schedule.cron

        def status() -> dict[str, Any]:
            return {
                "worker": worker.status(),
                "applied_by": applied_by,
                "schedule": {
                    "cron": cron + " (UTC)",
                    "next_run": scheduler.next_run.isoformat() if scheduler.next_run else None,
                    "last_run": scheduler.last_run.isoformat() if scheduler.last_run else None,
                },
            }

        return status

    def _uvicorn_server(self, app: Starlette) -> uvicorn.Server:
        options = self.options
        return uvicorn.Server(
            uvicorn.Config(
                app,
                log_level="warning",
                access_log=False,
                lifespan="off",
                ws="none",
                http=header_timeout_protocol(options.header_timeout),
                timeout_keep_alive=options.keep_alive_seconds,
                limit_concurrency=options.max_connections,
                timeout_graceful_shutdown=max(1, int(options.graceful_seconds)),
            )
        )

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True

    def _announce(self, server: uvicorn.Server, on_ready: Callable[[str], None]) -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.01)
        if server.started and self.url is not None:
            on_ready(self.url)

    def _write_serve_file(self, token: Secret) -> None:
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.serve_file.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump({"url": self.url, "pid": os.getpid(), "token": token.reveal()}, file)
        os.replace(temporary, self.serve_file)


@contextmanager
def _sigterm_returns() -> Iterator[None]:
    """uvicorn handles SIGTERM itself, then re-raises it once it has shut down; with the default handler
    that re-raise would kill the process before the worker and the store are closed. A handler that does
    nothing lets ``run`` finish its shutdown and return instead."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted sockets (see ml_connector_fakes/loopback.py).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ListenError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}: choose another --host or --port, or "
            "stop the process that holds it"
        ) from None
    return sock


@dataclass(frozen=True)
class RunningService:
    """A live ``serve`` process found through its ``serve.json``."""

    url: str
    pid: int
    token: Secret

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token.reveal()}"}
        return httpx.request(method, self.url + path, headers=headers, timeout=30.0, **kwargs)


def running_service(config: Config) -> RunningService | None:
    """The ``serve`` process of this config, if one is running and answers; else None."""
    path = config.state_dir / SERVE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = RunningService(str(data["url"]), int(data["pid"]), Secret(str(data["token"])))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(found.pid, 0)
    except ProcessLookupError:
        return None  # a serve.json left by a killed process
    except PermissionError:
        pass
    try:
        httpx.get(found.url + "/healthz", timeout=5.0)
    except httpx.HTTPError:
        return None
    return found
