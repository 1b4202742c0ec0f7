"""``refresh_datagroup``: after a sync and build, tell Looker the cached results of the model are stale.

``PATCH /datagroups/{id}`` with ``stale_before`` and ``triggered_at`` set to the sync time (Looker refuses
either in the future, so the time is capped at now): queries cached before the sync are rerun, those after
it are kept, and PDTs on the datagroup rebuild.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from loader.looker.client import LookerClient
from loader.looker.errors import LookerError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatagroupReset:
    id: str
    model: str
    name: str
    stale_before: int  # UNIX seconds, as sent
    triggered_at: int


def reset_timestamp(synced_at: datetime, now: datetime) -> int:
    """The sync time in whole UNIX seconds, never after ``now`` (a naive time is taken as UTC)."""
    if synced_at.tzinfo is None:
        synced_at = synced_at.replace(tzinfo=UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return int(min(synced_at, now).timestamp())


def refresh_datagroup(
    client: LookerClient,
    model: str,
    datagroup: str,
    synced_at: datetime,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DatagroupReset:
    """Reset ``datagroup`` of ``model`` (production) to the sync time ``synced_at``."""
    found = next(
        (d for d in client.datagroups() if d.get("model_name") == model and d.get("name") == datagroup), None
    )
    if found is None:
        raise LookerError(
            f"Looker has no datagroup {datagroup!r} in model {model!r} in production: deploy the LookML "
            "(`ml-connector looker deploy`) or check [looker] model and datagroup"
        )
    stamp = reset_timestamp(synced_at, now())
    datagroup_id = str(found["id"])
    client.update_datagroup(datagroup_id, stale_before=stamp, triggered_at=stamp)
    log.info("looker datagroup %s/%s reset to %s", model, datagroup, stamp)
    return DatagroupReset(datagroup_id, model, datagroup, stamp, stamp)
