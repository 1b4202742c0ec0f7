"""Benchmark: ``ml-connector serve`` under a steady webhook load, killed with SIGKILL and restarted.

Sends signed webhooks at ``--rate`` per second for ``--seconds`` (each a new invoice version; ``--duplicates``
of them re-sent as Zoho's retries would be) to a real ``serve`` process (``--journal``: the applier appends
each coalesced batch to a file, fsync'd), kills it with SIGKILL while the last deliveries are in flight,
restarts it, waits until nothing is pending, stops it with SIGTERM, then checks the journal against what was
acknowledged: every acknowledged event must have reached the applier, and reports how many reached it twice
(a batch applied but not yet marked applied when the process died: at-least-once, made harmless by the
applier's idempotence).

    .venv/bin/python bench/webhook_load.py --rate 50 --seconds 60
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import httpx

from loader.secret import Secret
from loader.service.webhooks.signature import SIGNATURE_HEADER, sign
from loader.vault import KEY_ENV, Vault

SECRET = Secret("benchWebhookSecret2026")
ORG = "10234695"


def start(
    directory: Path, journal: Path, env: dict[str, str], debounce: float
) -> tuple[subprocess.Popen[bytes], str]:
    serve_file = directory / ".ml-connector" / "serve.json"
    serve_file.unlink(missing_ok=True)
    command = [
        sys.executable, "-c", "import sys; from loader.cli import main; sys.exit(main())", "serve",
        "--config", str(directory / "ml-connector.toml"), "--port", "0", "--no-schedule",
        "--debounce", str(debounce), "--journal", str(journal),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            url = str(json.loads(serve_file.read_text())["url"])
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return process, url
        except (OSError, ValueError, KeyError, httpx.HTTPError):
            pass
        if process.poll() is not None:
            raise SystemExit("serve exited during start-up")
        time.sleep(0.05)
    raise SystemExit("serve did not start")


def delivery(invoice_id: str, modified: str) -> tuple[str, bytes, dict[str, str]]:
    pairs = [("event_type", "invoice_edited"), ("timestamp", str(int(time.time() * 1000)))]
    body = json.dumps(
        {"invoice": {"invoice_id": invoice_id, "last_modified_time": modified, "total": 10.5}}
    ).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(SECRET, pairs, body)}
    return "?" + urlencode(pairs), body, headers


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=50.0, help="webhooks per second (default 50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to send (default 60)")
    parser.add_argument(
        "--duplicates", type=float, default=0.1, help="share re-sent as retries (default 0.1)"
    )
    parser.add_argument("--debounce", type=float, default=0.5, help="serve --debounce (default 0.5)")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="webhook-load-"))
    env = {**os.environ, KEY_ENV: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}
    (directory / "ml-connector.toml").write_text(
        f'[warehouse]\npath = "{directory / "warehouse.duckdb"}"\n'
        f'[[zoho.connections]]\nname = "us"\nregion = "us"\norganization_id = "{ORG}"\n',
        encoding="utf-8",
    )
    Vault.beside(directory / "ml-connector.toml", env=env).put("webhook/us", {"secret": SECRET})
    journal = directory / "journal.jsonl"

    process, url = start(directory, journal, env, args.debounce)
    total = int(args.rate * args.seconds)
    rng = random.Random(7)
    lock = threading.Lock()
    acknowledged: dict[int, int] = {}  # event id → 2xx answers
    latencies: list[float] = []
    failures: dict[str, int] = {}
    sent_versions: list[tuple[str, str]] = []
    client = httpx.Client(timeout=10, limits=httpx.Limits(max_connections=32))

    def send(invoice_id: str, modified: str) -> None:
        query, body, headers = delivery(invoice_id, modified)
        started = time.perf_counter()
        try:
            response = client.post(f"{url}/webhooks/zoho/us{query}", content=body, headers=headers)
        except httpx.HTTPError as exc:
            with lock:
                failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
            return
        elapsed = time.perf_counter() - started
        with lock:
            if response.status_code == 200:
                event_id = int(response.json()["event_id"])
                acknowledged[event_id] = acknowledged.get(event_id, 0) + 1
                latencies.append(elapsed)
            else:
                failures[str(response.status_code)] = failures.get(str(response.status_code), 0) + 1

    t0 = time.monotonic()
    with ThreadPoolExecutor(32) as pool:
        for i in range(total):
            target = t0 + i / args.rate
            delay = target - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if sent_versions and rng.random() < args.duplicates:
                version = sent_versions[rng.randrange(len(sent_versions))]
            else:
                version = (str(460_000_000_000 + rng.randrange(2000)), f"2026-10-15T10:00:{i:06d}+0000")
                sent_versions.append(version)
            pool.submit(send, *version)
        # Kill while the last deliveries are still in flight.
        send_seconds = time.monotonic() - t0
        process.send_signal(signal.SIGKILL)
        process.wait()
    killed_at = time.monotonic()
    client.close()
    applied_before_kill = sum(len(b.get("event_ids", [])) for b in _journal(journal))

    process, url = start(directory, journal, env, args.debounce)
    restarted = time.monotonic()
    # /status.json needs the admin token of serve.json; --journal events wait as "journal" (D127).
    token = json.loads((directory / ".ml-connector" / "serve.json").read_text())["token"]
    while True:
        answer = httpx.get(url + "/status.json", timeout=10, headers={"Authorization": f"Bearer {token}"})
        if answer.json()["events"].get("journal", 0) == 0:
            break
        time.sleep(0.1)
    drained = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(60)

    applications: dict[int, int] = {}
    batches = _journal(journal)
    for batch in batches:
        for event_id in batch.get("event_ids", []):
            applications[event_id] = applications.get(event_id, 0) + 1
    missing = sorted(set(acknowledged) - set(applications))
    twice = sorted(e for e, n in applications.items() if n > 1)
    stored_not_acknowledged = sorted(set(applications) - set(acknowledged))
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    print(
        f"sent {total} webhooks in {send_seconds:.1f} s ({total / send_seconds:.1f}/s), "
        f"{len(sent_versions)} distinct events, {total - len(sent_versions)} re-sent as duplicates"
    )
    print(
        f"acknowledged (200): {sum(acknowledged.values())} deliveries = {len(acknowledged)} distinct events; "
        f"not acknowledged: {failures or 0} (the kill cut them; Zoho would retry)"
    )
    print(
        f"latency of acknowledged deliveries: p50 {quantiles[49] * 1000:.1f} ms, "
        f"p95 {quantiles[94] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )
    print(
        f"applied before the kill: {applied_before_kill} events; after restart: all pending applied in "
        f"{drained - restarted:.2f} s (restart itself took {restarted - killed_at:.2f} s)"
    )
    print(
        f"batches: {len(batches)} "
        f"(coalesced, {len(applications) / max(len(batches), 1):.1f} events per batch)"
    )
    print(f"acknowledged but never applied: {len(missing)}")
    print(f"events applied more than once: {len(twice)} (in the batch the kill interrupted)")
    print(f"events stored and applied whose 200 the kill cut off: {len(stored_not_acknowledged)}")
    print(f"working directory: {directory}")
    if missing:
        raise SystemExit(f"LOST EVENTS: {missing[:20]}")


def _journal(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


if __name__ == "__main__":
    main()
