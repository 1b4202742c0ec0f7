"""A webhook carries the record as ``GET /<entity>/{id}`` answers it, not the sandbox's internal record."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.server import SandboxServer
from tests.sandbox.access import access_token

US = "10234695"


class Receiver:
    """A loopback HTTP endpoint that keeps every JSON body posted to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append(json.loads(self.rfile.read(length), parse_float=Decimal))
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 10
        while len(self.bodies) < count:
            assert time.monotonic() < deadline, f"{len(self.bodies)} of {count} webhooks arrived"
            time.sleep(0.02)
        return self.bodies


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def _detail(server: SandboxServer, path: str) -> dict[str, Any]:
    token = access_token(httpx, server, "us")
    answer = httpx.get(
        f"{server.api_base_url('us')}/{path}",
        params={"organization_id": US},
        headers={"Authorization": f"Zoho-oauthtoken {token}"},
    )
    body: dict[str, Any] = json.loads(answer.text, parse_float=Decimal)
    return body


def test_a_vendor_payment_webhook_carries_the_documented_detail(receiver: Receiver) -> None:
    with SandboxServer(generate_dataset(seed=3, invoices_per_org=20)) as server:
        server.configure_webhooks(
            url=receiver.url, secret="s3cretWebhook0", body_format="json", response_format="old"
        )
        payment_id = server.create(US, "vendorpayments")["payment_id"]
        sent = receiver.wait_for(1)[0]["vendorpayment"]
        assert sent["paid_through_account_id"]
        assert "account_id" not in sent
        assert [name for name in sent if name.startswith("bcy_")] == []
        assert set(sent["bills"][0]) == {
            "bill_payment_id",
            "bill_id",
            "amount_applied",
            "tax_amount_withheld",
        }
        assert sent == _detail(server, f"vendorpayments/{payment_id}")["vendorpayment"]
