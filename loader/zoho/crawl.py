"""Walking a list to its end across runs: a page checkpoint per stream, so a daily cap is a pause.

The checkpoint advances only after the page's rows were handed to ``on_page``; a run that stops on
the cap (or is killed) resumes at the first page whose rows were not yet consumed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from loader.zoho.client import Page, ZohoBooksClient
from loader.zoho.errors import ZohoDailyLimitError

log = logging.getLogger(__name__)


class CheckpointStore(Protocol):
    def checkpoint(self, connection: str, organization_id: str, stream: str) -> int | None: ...
    def save_checkpoint(self, connection: str, organization_id: str, stream: str, next_page: int) -> None: ...
    def clear_checkpoint(self, connection: str, organization_id: str, stream: str) -> None: ...


@dataclass(frozen=True)
class ListStream:
    name: str
    path: str
    root_key: str
    params: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class CrawlOutcome:
    stream: str
    first_page: int
    pages: int
    rows: int
    completed: bool
    stop_message: str | None = None


def crawl_list(
    client: ZohoBooksClient,
    stream: ListStream,
    checkpoints: CheckpointStore,
    on_page: Callable[[Page], None],
) -> CrawlOutcome:
    connection, org = client.connection.name, client.organization_id
    first = checkpoints.checkpoint(connection, org, stream.name) or 1
    if first > 1:
        log.info("resuming a list from its checkpoint", extra={"stream": stream.name, "page": first})
    pages = rows = 0
    try:
        for page in client.iter_pages(stream.path, stream.root_key, stream.params, start_page=first):
            on_page(page)
            pages += 1
            rows += len(page.rows)
            if page.has_more:
                checkpoints.save_checkpoint(connection, org, stream.name, page.number + 1)
    except ZohoDailyLimitError as exc:
        return CrawlOutcome(stream.name, first, pages, rows, completed=False, stop_message=str(exc))
    checkpoints.clear_checkpoint(connection, org, stream.name)
    return CrawlOutcome(stream.name, first, pages, rows, completed=True)
