"""A failure the user caused, read from whatever wrapped it: one line naming the cause and what to do, and the
exit code (D129).

dlt wraps what went wrong in its own exceptions (``PipelineStepFailed`` around ``ResourceExtractionError`` or
``DestinationConnectionError`` around the real one), so the CLI used to print "unexpected PipelineStepFailed
... check the credentials" for a warehouse path that was a directory, or for Zoho refusing the credentials.
``explain`` walks the chain (dlt's ``exception`` attribute, ``__cause__``, ``__context__``) for the first
cause a user can act on. Exit 2 is a configuration or path to fix; exit 1 a run that failed. Messages are
built from our own exceptions and from OS and DuckDB errors, none of which carry a secret.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2

# OS errors that a path or its permissions cause: the fix is in the configuration or the file system.
_PATH_ERRNOS: Final = {
    errno.EACCES: "give this user write access there, or point the configuration elsewhere",
    errno.EPERM: "give this user write access there, or point the configuration elsewhere",
    errno.EROFS: "the file system is read-only: point the configuration at a writable place",
    errno.EEXIST: "a file is where a directory must be: move the file, or point the configuration elsewhere",
    errno.ENOTDIR: "a file is where a directory must be: move the file, or point the configuration elsewhere",
    errno.EISDIR: "a directory is where a file must be: point the configuration at a file",
    errno.ENOENT: "create the directory, or point the configuration at one that exists",
}


@dataclass(frozen=True)
class Explained:
    code: int
    message: str  # one line


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, then what it wraps, outermost first, each once."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "exception", None)  # dlt's PipelineStepFailed
        if isinstance(wrapped, BaseException) and id(wrapped) not in seen:
            current = wrapped
        else:
            current = current.__cause__ or current.__context__


def duckdb_busy(exc: BaseException) -> bool:
    """DuckDB's answer when another process holds the file's write lock."""
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def duckdb_open_message(path: object, exc: BaseException) -> tuple[bool, str]:
    """(busy, message) for a DuckDB file that would not open: only a lock conflict is another process."""
    reason = _one_line(str(exc))
    if duckdb_busy(exc):
        return True, (
            f"the DuckDB warehouse {path} is open in another process (a sync, or `ml-connector serve`, "
            "which holds it while it runs): stop that process or wait for it, then run this again"
        )
    return False, (
        f"cannot open the DuckDB warehouse {path}: {reason}: fix [warehouse] path (a DuckDB file in a "
        "directory this user can write)"
    )


def explain(exc: BaseException) -> Explained | None:
    """What to tell the user about ``exc``, or None when it is not a cause they can act on (a bug)."""
    from loader.config import ConfigError
    from loader.vault import VaultError
    from loader.zoho.errors import ZohoError

    chain = list(causes(exc))
    for cause in chain:
        if isinstance(cause, ZohoError):
            return Explained(EXIT_FAILED, _one_line(str(cause)))
        if isinstance(cause, (ConfigError, VaultError)):
            return Explained(EXIT_USAGE, _one_line(str(cause)))
    for cause in chain:
        if _is_duckdb_error(cause):
            busy, message = duckdb_open_message(_duckdb_path(cause), cause)
            return Explained(EXIT_FAILED if busy else EXIT_USAGE, message)
        if isinstance(cause, OSError) and cause.errno in _PATH_ERRNOS:
            where = cause.filename if cause.filename is not None else "a file"
            return Explained(
                EXIT_USAGE, f"cannot write {where}: {cause.strerror}: {_PATH_ERRNOS[cause.errno]}"
            )
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return Explained(
                EXIT_FAILED, f"the disk is full ({cause.filename or 'writing'}): free space, then run again"
            )
    return None


def _is_duckdb_error(exc: BaseException) -> bool:
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is a dependency
        return False
    return isinstance(exc, duckdb.Error)


def _duckdb_path(exc: BaseException) -> str:
    # DuckDB names the file in its message ('... file "/x/warehouse.duckdb": ...'); say "the warehouse" else.
    text = str(exc)
    start = text.find('"')
    end = text.find('"', start + 1)
    return text[start + 1 : end] if 0 <= start < end else "(see [warehouse] path)"


def _one_line(text: str) -> str:
    return " ".join(text.split())
