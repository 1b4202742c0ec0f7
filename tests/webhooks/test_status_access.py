"""The status page is the authenticated's, and a refused delivery says nothing about why."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from loader.config import Config, ConfigError, load_config
from loader.secret import Secret
from loader.service.webhooks.applier import JournalApplier
from loader.service.webhooks.receiver import ConnectionSettings, ReceiverSettings, create_receiver_app
from loader.service.webhooks.store import EventStore

from .conftest import EU_ORG, SECRET, US_ORG, ServeFactory, invoice, open_store, signed_json

ERROR = "RuntimeError: dbt failed for organization 10234695 invoice 460000000012345 in /home/finance/logs"


class Remote:
    """The receiver app called in-process as a client at 192.0.2.10 (not loopback) would call it."""

    def __init__(self, app: Any) -> None:
        self.transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 40000))

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://serve") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(call())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


def app(store: EventStore, access: str) -> Remote:
    settings = ReceiverSettings(
        connections={"us": ConnectionSettings(US_ORG), "eu": ConnectionSettings(EU_ORG)},
        admin_token=Secret("admin-token-for-tests"),
        status_access=access,
    )

    def secrets(connection: str) -> Secret | None:
        return SECRET if connection == "us" else None  # eu has no secret stored

    def status() -> dict[str, Any]:
        return {"worker": {"last_error": ERROR}}

    receiver = create_receiver_app(settings, secrets, store, lambda: None, status)
    return Remote(receiver)


def test_status_needs_the_token_even_on_loopback_by_default(
    http: httpx.Client, start_serve: ServeFactory, tmp_path: Path, config: Config
) -> None:
    serve = start_serve(JournalApplier(tmp_path / "journal.jsonl"), store=open_store(config))
    for path in ("/", "/status.json"):
        answer = http.get(serve.url + path)
        assert (answer.status_code, answer.json()) == (401, {"error": "refused"})
    assert http.get(serve.url + "/status.json", headers=serve.auth).json()["events"]["pending"] == 0
    assert http.get(serve.url + "/healthz").json() == {"status": "ok"}  # open, and says nothing more


def test_loopback_access_by_setting(
    http: httpx.Client, start_serve: ServeFactory, tmp_path: Path, config: Config
) -> None:
    serve = start_serve(
        JournalApplier(tmp_path / "journal.jsonl"), store=open_store(config), status_access="loopback"
    )
    assert http.get(serve.url + "/status.json").status_code == 200
    assert "<h1>ml-connector serve</h1>" in http.get(serve.url + "/").text


def test_error_details_only_to_the_authenticated(config: Config) -> None:
    store = open_store(config)
    try:
        for access in ("token", "loopback"):
            client = app(store, access)
            for path in ("/", "/status.json"):
                anonymous = client.get(path)
                assert anonymous.status_code == 401
                assert "10234695" not in anonymous.text
            shown = client.get("/status.json", headers={"Authorization": "Bearer admin-token-for-tests"})
            assert shown.json()["worker"]["last_error"] == ERROR
            wrong = client.get("/status.json", headers={"Authorization": "Bearer admin-token-for-test"})
            assert wrong.status_code == 401
    finally:
        store.close()


def test_every_refused_delivery_gets_the_same_answer(config: Config) -> None:
    store = open_store(config)
    try:
        client = app(store, "token")
        good = signed_json({"invoice": invoice("1")})
        forged = signed_json({"invoice": invoice("1")}, secret=Secret("notTheSecret12345"))

        def post(delivery: Any, connection: str) -> tuple[int, bytes]:
            answer = client.post(
                f"/webhooks/zoho/{connection}",
                params=delivery.query,
                content=delivery.body,
                headers=delivery.headers,
            )
            return answer.status_code, answer.content

        answers = {
            "unknown connection": post(good, "nowhere"),
            "no secret stored": post(good, "eu"),
            "wrong signature": post(forged, "us"),
        }
        assert set(answers.values()) == {
            (401, json.dumps({"error": "refused"}, separators=(",", ":")).encode())
        }
        assert post(good, "us")[0] == 200
    finally:
        store.close()


def test_status_access_is_validated_with_the_config(config: Config) -> None:
    text = config.path.read_text(encoding="utf-8")
    config.path.write_text(text + '[serve]\nstatus_access = "loopback"\n', encoding="utf-8")
    assert load_config(config.path).serve.status_access == "loopback"
    config.path.write_text(text + '[serve]\nstatus_access = "everyone"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"serve\.status_access: 'everyone' is not one of token, loopback"):
        load_config(config.path)
