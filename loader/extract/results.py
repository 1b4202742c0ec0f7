"""What a sync did: per organization and in all, as the summary, the job record and the CLI read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from loader.extract.budget import BudgetEstimate
from loader.extract.source import EntityProgress


@dataclass(frozen=True)
class OrgResult:
    connection: str
    organization_id: str
    entities: dict[str, EntityProgress]
    api_calls: int
    stopped: str | None  # the daily-cap message when the cap stopped this organization

    @property
    def complete(self) -> bool:
        return self.stopped is None and all(p.complete for p in self.entities.values())


@dataclass(frozen=True)
class SyncResult:
    organizations: list[OrgResult]
    seconds: float
    load_ids: list[str]
    estimate: BudgetEstimate
    deletions_marked: int = 0
    full_refresh: bool = False
    incomplete: list[str] = field(default_factory=list)  # "connection/entity" left for the next run
    synced_at: datetime | None = None  # the _synced_at stamped on this run's rows
    normalize_workers: list[int] = field(default_factory=list)  # processes dlt normalized with, per phase

    @property
    def complete(self) -> bool:
        return all(o.complete for o in self.organizations)

    @property
    def rows(self) -> int:
        return sum(p.rows for o in self.organizations for p in o.entities.values())

    @property
    def api_calls(self) -> int:
        return sum(o.api_calls for o in self.organizations)

    @property
    def failed(self) -> list[str]:
        """``connection/entity: what Zoho answered and what to do``, for each entity Zoho would not serve
        (the other entities were loaded)."""
        return [
            f"{o.connection}/{name}: {p.error}"
            for o in self.organizations
            for name, p in sorted(o.entities.items())
            if p.error
        ]


def combined(results: Sequence[SyncResult]) -> SyncResult:
    """One result for syncs of several organizations run one after the other."""
    if len(results) == 1:
        return results[0]
    estimates = [r.estimate for r in results]
    first = estimates[0]
    return SyncResult(
        [o for r in results for o in r.organizations],
        sum(r.seconds for r in results),
        [i for r in results for i in r.load_ids],
        BudgetEstimate(
            {k: v for e in estimates for k, v in e.calls.items()},
            {k: v for e in estimates for k, v in e.first_sync.items()},
            first.details,
            first.details_from,
        ),
        sum(r.deletions_marked for r in results),
        results[0].full_refresh,
        [i for r in results for i in r.incomplete],
        results[0].synced_at,
        [w for r in results for w in r.normalize_workers],
    )
