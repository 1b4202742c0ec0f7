"""Before a sync extracts: take the sync state from the warehouse where the local copy is gone, and finish
(or give up) the load a killed run left pending."""

from __future__ import annotations

import logging

from dlt.common.destination.exceptions import DestinationTerminalException
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.pipeline.exceptions import PipelineStepFailed
from dlt.pipeline.pipeline import Pipeline

from loader.extract.shared_dataset import load_lock

log = logging.getLogger(__name__)


def restore_state(pipeline: Pipeline) -> None:
    """On a machine without local dlt state (a new one, a wiped directory), take the watermarks and the rest
    of the sync state from the warehouse, where every load stores it. ``run`` without data does only that
    once nothing is pending; the phases then extract, normalize and load step by step."""
    with load_lock(pipeline):
        pipeline.run()


def finish_pending(pipeline: Pipeline) -> None:
    """A killed run can leave extracted or normalized packages behind: load them before extracting anew."""
    if not pipeline.has_pending_data:
        return
    log.warning("finishing the load a previous run left pending")
    pipeline.normalize()
    with load_lock(pipeline):
        _load_pending(pipeline)


def _load_pending(pipeline: Pipeline) -> None:
    try:
        pipeline.load().raise_on_failed_jobs()
    except PipelineStepFailed as exc:
        if not isinstance(exc.exception, DestinationTerminalException):
            raise  # the destination is away or busy: the next run finishes the package
        # A job the kill caught between its commit and dlt's record of it runs again on resume; where a
        # unique _dlt_id refuses its rows twice (PostgreSQL) it fails terminally, and would on every run.
        # Give the package up: dlt rewinds the local state to before it, so this run reads its data again.
        log.warning(
            "the load a previous run left pending cannot be finished; abandoning it, this run reads its "
            "data again",
            extra={"problem": type(exc.exception).__name__},
        )
        pipeline.abort_packages()
        return
    _drop_replayed_copies(pipeline)


def _drop_replayed_copies(pipeline: Pipeline) -> int:
    """Remove the second copies of rows a resumed load inserted twice; returns how many were removed.

    dlt (1.31) re-runs, on resume, a load job whose insert had committed when the process died but which
    was not yet marked done. The merge from the staging dataset then deduplicates nested tables and
    single-table chains, but not the root table of a chain with nested tables (it inserts every staged row
    whose ``_dlt_id`` it selected), and appended tables get the rows twice outright. The copies are
    identical, ``_dlt_id`` included, so keeping one of each restores what an uninterrupted load holds."""
    removed = 0
    with pipeline.sql_client() as client:
        for table in pipeline.default_schema.data_tables():
            table_name = table.get("name")
            if not table_name or "_dlt_id" not in table.get("columns", {}):
                continue
            name = client.make_qualified_table_name(table_name)
            try:
                found = client.execute_sql(f"select count(*) - count(distinct _dlt_id) from {name}")  # noqa: S608
            except DatabaseUndefinedRelation:
                continue  # hinted in the schema, never loaded
            extra = int(found[0][0]) if found else 0
            if not extra:
                continue
            twice = f"select _dlt_id from {name} group by _dlt_id having count(*) > 1"  # noqa: S608
            with client.begin_transaction():
                client.execute_sql(
                    f"create temporary table ml_connector_replayed as "  # noqa: S608
                    f"select distinct * from {name} where _dlt_id in ({twice})"
                )
                client.execute_sql(
                    f"delete from {name} where _dlt_id in (select _dlt_id from ml_connector_replayed)"  # noqa: S608
                )
                client.execute_sql(f"insert into {name} select * from ml_connector_replayed")  # noqa: S608
                client.execute_sql("drop table ml_connector_replayed")
            log.warning(
                "removed rows the resumed load inserted twice",
                extra={"table": table_name, "rows": extra},
            )
            removed += extra
    return removed
