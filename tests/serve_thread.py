"""``serve`` in a thread of the test process, as ``ml-connector serve`` runs it in its own process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from loader.service.webhooks.service import WebhookService


@contextmanager
def serving_in_thread(service: WebhookService, stop_timeout: float) -> Iterator[str]:
    """Run ``service`` until the block ends; yields its URL. An exception in the thread is raised here, not
    lost with it; the service must start within 30 s and stop within ``stop_timeout``."""
    ready = threading.Event()
    urls: list[str] = []
    errors: list[BaseException] = []

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    def run() -> None:
        try:
            service.run(on_ready=on_ready)
        except BaseException as exc:  # surfaced below, not lost in the thread
            errors.append(exc)
            ready.set()

    thread = threading.Thread(target=run, name="serve", daemon=True)
    thread.start()
    assert ready.wait(30), "serve did not start"
    assert not errors, errors
    try:
        yield urls[0]
    finally:
        service.stop()
        thread.join(stop_timeout)
        assert not thread.is_alive(), "serve did not stop"
        assert not errors, errors
