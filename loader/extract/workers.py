"""How many processes normalize what a phase extracted.

dlt normalizes row by row in Python, in one process unless told otherwise; a second process cuts a large
package's normalize time by about a quarter on two cores (bench/sync_bench.py (c)). Workers cost a process
start and dlt's 0.3 s polling of them, so a small package (a webhook's few documents, an incremental night)
is normalized in-process: only a phase that extracted ``PARALLEL_FROM_RECORDS`` records or more gets a
second worker.
"""

from __future__ import annotations

import os
from typing import Final

from dlt.common.pipeline import ExtractInfo

# Records as extracted (a document with its lines is one). Measured: two workers win at 33,000 records
# (bench (c)); not measured near the threshold, which is an estimate: ~10,000 records are ~20,000 rows, over
# half a second of single-process normalize here, against a worker's start and 0.3 s polling.
PARALLEL_FROM_RECORDS: Final = 10_000
MAX_WORKERS: Final = 2


def extracted_records(info: ExtractInfo) -> int:
    """Records extracted into the package(s) of ``info``, over all tables."""
    return sum(
        table.items_count
        for metrics in info.metrics.values()
        for step in metrics
        for table in step["table_metrics"].values()
    )


def normalize_workers(records: int, parallel_from: int = PARALLEL_FROM_RECORDS) -> int:
    if records < parallel_from:
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))
