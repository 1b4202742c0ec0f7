"""A fake Looker instance (API 4.0) for tests and the demo: Starlette over real HTTP on loopback, reading
LookML from a local bare git repository and running queries against DuckDB or PostgreSQL."""

from looker_fake.server import FakeLookerServer
from looker_fake.state import Dashboard, DashboardElement, FakeLooker, Look
from looker_fake.warehouse import Warehouse

__all__ = ["Dashboard", "DashboardElement", "FakeLooker", "FakeLookerServer", "Look", "Warehouse"]
