"""Zoho Books into the warehouse with dlt: the source, incremental walks, deletions, budget, the runner."""

from __future__ import annotations

from loader.extract.pipelines import make_pipeline
from loader.extract.results import SyncResult
from loader.extract.run import (
    IncompleteSync,
    run_sync,
    sync_documents,
    sync_organizations,
    sync_targets,
)

__all__ = [
    "IncompleteSync",
    "SyncResult",
    "make_pipeline",
    "run_sync",
    "sync_documents",
    "sync_organizations",
    "sync_targets",
]
