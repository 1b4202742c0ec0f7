"""A fake Looker instance (API 4.0) for tests and the demo: Starlette over real HTTP on loopback, reading
LookML from a local bare git repository and running queries against DuckDB or PostgreSQL."""

from ml_connector_fakes.looker.server import FakeLookerServer
from ml_connector_fakes.looker.state import Dashboard, DashboardElement, FakeLooker, Look
from ml_connector_fakes.looker.warehouse import Warehouse

__all__ = ["Dashboard", "DashboardElement", "FakeLooker", "FakeLookerServer", "Look", "Warehouse"]
