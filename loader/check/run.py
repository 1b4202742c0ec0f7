"""All the checks of a configuration, service by service, into one ``Report``."""

from __future__ import annotations

import httpx

from loader.check import Report
from loader.check.looker import check_looker
from loader.check.warehouse import SERVICE as WAREHOUSE
from loader.check.warehouse import check_warehouse
from loader.check.zoho import check_connection
from loader.config import Config
from loader.vault import Vault


def run_checks(
    config: Config,
    vault: Vault,
    *,
    connection: str | None = None,
    looker: bool = True,
    zoho_transport: httpx.BaseTransport | None = None,
    looker_transport: httpx.BaseTransport | None = None,
) -> Report:
    """Zoho per connection (only ``connection`` when given: its name is checked first, a ``ConfigError``
    when unknown), then the warehouse, then Looker when ``[looker]`` is configured (and ``looker``)."""
    connections = [config.connection(connection)] if connection else list(config.zoho_connections)
    report = Report()
    for zoho in connections:
        checks, calls = check_connection(config, vault, zoho, transport=zoho_transport)
        report.extend(checks)
        report.count_calls(f"zoho {zoho.name}", calls)
    report.extend(check_warehouse(config, vault))
    report.count_calls(WAREHOUSE, 0)
    if config.looker is not None and looker:
        checks, calls = check_looker(config.looker, vault, transport=looker_transport)
        report.extend(checks)
        report.count_calls("looker", calls)
    return report
