"""Files the product writes are readable by their owner only (D128).

The warehouse holds every webhook body and signature and the books themselves; the state database, dlt's
load packages and dbt's logs hold parts of the same. ``ml-connector`` runs with the file-creation mask
``0o077``, so everything it (and dlt, dbt, DuckDB, SQLite inside it) creates is owner-only, and
``restrict`` narrows a file an earlier version left group- or world-readable.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Final

OWNER_ONLY_UMASK: Final = 0o077


@contextlib.contextmanager
def owner_only_files() -> Iterator[None]:
    """Files and directories created inside are owner-only; the previous mask comes back after."""
    previous = os.umask(OWNER_ONLY_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def restrict(path: Path) -> None:
    """Take group and other permissions off ``path`` (and DuckDB's write-ahead log beside it) when this user
    owns it; a file that is not there, or not ours, is left as it is."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            info = candidate.stat()
        except OSError:
            continue
        if info.st_uid != os.getuid() or not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            continue
        with contextlib.suppress(OSError):
            candidate.chmod(stat.S_IMODE(info.st_mode) & ~(stat.S_IRWXG | stat.S_IRWXO))
