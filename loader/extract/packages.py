"""Finished dlt load packages are deleted after each sync (D128).

dlt keeps every loaded package (the extracted rows as files, their schema and state) under the pipeline's
``load/loaded`` folder for inspection: ten targeted syncs left 28 packages and 12 MB, copies of Zoho data
outside the warehouse that nobody reads. Packages still to be normalized or loaded (a killed run's) are
never touched: the next sync loads them first.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

LOADED_FOLDER: Final = Path("load") / "loaded"


def prune_loaded_packages(pipeline_working_dir: Path) -> int:
    """Delete every finished package of the pipeline; how many were deleted."""
    loaded = pipeline_working_dir / LOADED_FOLDER
    if not loaded.is_dir():
        return 0
    pruned = 0
    for package in loaded.iterdir():
        if package.is_dir():
            shutil.rmtree(package, ignore_errors=True)
            pruned += 1
    return pruned
