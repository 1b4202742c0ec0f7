"""Run the fake Looker on loopback in a background thread.

looker = FakeLooker()
looker.add_api_user("client", "secret")
with FakeLookerServer(looker) as server:
    server.base_url  # http://127.0.0.1:<port>; the API is at base_url + "/api/4.0"
"""

from __future__ import annotations

from types import TracebackType

from ml_connector_fakes.looker.app import create_app
from ml_connector_fakes.looker.state import FakeLooker
from ml_connector_fakes.loopback import ThreadedServer


class FakeLookerServer:
    def __init__(self, looker: FakeLooker | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.looker = looker or FakeLooker()
        self.app = create_app(self.looker)
        self._http = ThreadedServer(self.app, host=host, port=port, name="looker-fake")

    @property
    def base_url(self) -> str:
        """What ``[looker] base_url`` would say: the instance, without ``/api/4.0``."""
        return self._http.base_url

    def start(self) -> FakeLookerServer:
        self._http.start()
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> FakeLookerServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
