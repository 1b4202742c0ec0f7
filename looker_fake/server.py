"""Run the fake Looker on loopback in a background thread.

looker = FakeLooker()
looker.add_api_user("client", "secret")
with FakeLookerServer(looker) as server:
    server.base_url  # http://127.0.0.1:<port>; the API is at base_url + "/api/4.0"
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from looker_fake.app import create_app
from looker_fake.state import FakeLooker

_STARTUP_TIMEOUT = 10.0


class FakeLookerServer:
    def __init__(self, looker: FakeLooker | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.looker = looker or FakeLooker()
        self.app = create_app(self.looker)
        self._host = host
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def base_url(self) -> str:
        """What ``[looker] base_url`` would say: the instance, without ``/api/4.0``."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    def start(self) -> FakeLookerServer:
        if self._thread is not None:
            raise RuntimeError("the fake Looker is already running")
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        # IPPROTO_TCP so asyncio sets TCP_NODELAY (see zoho_sandbox.server).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        self._port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        server = self._server = uvicorn.Server(config)
        thread = self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="looker-fake", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the fake Looker did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_STARTUP_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> FakeLookerServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
