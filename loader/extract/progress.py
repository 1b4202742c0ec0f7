"""What a sync shows while it runs (a rich progress line per organization) and the summary at its end."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from loader.output import Records

if TYPE_CHECKING:
    from loader.extract.results import SyncResult
    from loader.extract.source import EntityProgress, OrgSync


class SyncProgress:
    """A progress line per organization: the entity being read and the rows read so far. Silent without a
    console (tests, the scheduler)."""

    def __init__(self, console: Console | None, orgs: Sequence[OrgSync], entities: frozenset[str]) -> None:
        self._console = console
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._orgs = orgs
        self._entities = entities

    def __enter__(self) -> SyncProgress:
        if self._console is not None:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TextColumn("{task.completed:,.0f} rows"),
                TimeElapsedColumn(),
                console=self._console,
                transient=False,
            )
            self._progress.start()
            for org in self._orgs:
                self._tasks[org.organization_id] = self._progress.add_task(
                    f"{org.connection} ({org.organization_id})", total=None
                )
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, org: OrgSync, entity: str) -> None:
        if self._progress is None:
            return
        rows = sum(p.rows for p in org.entities.values())
        state = "stopped at the daily cap" if org.stopped else entity
        self._progress.update(
            self._tasks[org.organization_id],
            description=f"{org.connection} ({org.organization_id}): {state}",
            completed=rows,
        )

    def print_summary(self, result: SyncResult) -> None:
        if self._console is None:
            return
        table = Table(title="Sync summary: rows loaded")
        table.add_column("entity")
        for org in result.organizations:
            table.add_column(f"{org.connection}\n{org.organization_id}", justify="right")
        names = sorted({name for org in result.organizations for name in org.entities})
        for name in names:
            cells = []
            for org in result.organizations:
                progress = org.entities.get(name)
                if progress is None:
                    cells.append("")
                    continue
                mark = " (not read)" if progress.error else "" if progress.complete else " (incomplete)"
                deleted = f", {progress.deletions} gone" if progress.deletions else ""
                cells.append(f"{progress.rows:,}{deleted}{mark}")
            table.add_row(name, *cells)
        table.add_row("API calls", *(f"{org.api_calls:,}" for org in result.organizations), style="bold")
        self._console.print(table)
        self._console.print(
            f"{result.rows:,} rows, {result.api_calls:,} API calls, {result.seconds:.1f} s"
            + (
                f", {result.deletions_marked:,} rows marked deleted in total"
                if result.deletions_marked
                else ""
            ),
            highlight=False,
        )
        for line in result.failed:
            self._console.print(f"Not read: {line}", style="red", highlight=False, markup=False)
        for org in result.organizations:
            if org.stopped:
                left = (
                    ", ".join(n for n, p in org.entities.items() if not p.complete)
                    or "the remaining entities"
                )
                self._console.print(
                    f"{org.connection}: stopped at the daily API cap; left for the next run: {left}. "
                    "What was loaded is kept and consistent.",
                    style="yellow",
                    highlight=False,
                )


# --- the summary for scripts (``sync --format json|csv``) -----------------------------------------------

SUMMARY_COLUMNS: Final = ("connection", "organization", "entity", "rows", "deletions", "state", "error")


def entity_state(progress: EntityProgress) -> str:
    return "not read" if progress.error else "loaded" if progress.complete else "incomplete"


def summary_records(result: SyncResult) -> Records:
    """One row per connection and entity, as the table's cells say it."""
    rows = [
        (org.connection, org.organization_id, name, p.rows, p.deletions, entity_state(p), p.error)
        for org in result.organizations
        for name, p in sorted(org.entities.items())
    ]
    return Records("Sync summary: rows loaded", SUMMARY_COLUMNS, rows)


def summary_document(result: SyncResult) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "api_calls": result.api_calls,
        "seconds": round(result.seconds, 3),
        "deletions_marked": result.deletions_marked,
        "complete": result.complete,
        "synced_at": result.synced_at.isoformat() if result.synced_at else None,
        "organizations": [
            {
                "connection": org.connection,
                "organization_id": org.organization_id,
                "api_calls": org.api_calls,
                "stopped_at_daily_cap": org.stopped,
                "entities": {
                    name: {
                        "rows": p.rows,
                        "deletions": p.deletions,
                        "state": entity_state(p),
                        "error": p.error,
                    }
                    for name, p in sorted(org.entities.items())
                },
            }
            for org in result.organizations
        ],
        "not_read": result.failed,
        "left_for_next_run": result.incomplete,
    }
