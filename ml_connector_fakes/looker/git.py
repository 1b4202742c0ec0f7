"""Read a Looker project's files straight from a bare git repository, as Looker's git checkout would see them.

Plumbing only (``rev-parse``, ``ls-tree``, ``cat-file``): the fake never needs a working tree, and reading
objects by commit id means "what Looker sees" is exactly one commit, never a half-written directory.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

_GIT_TIMEOUT = 30.0


class GitError(Exception):
    """A git command failed; the message is git's own."""


def _git(repo: Path, *args: str) -> bytes:
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        ["git", "--git-dir", str(repo), *args],  # noqa: S607 - git from PATH, as Looker's server does
        capture_output=True,
        timeout=_GIT_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise GitError(result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return result.stdout


def branch_ref(repo: Path, branch: str) -> str | None:
    """The commit id of ``branch`` in ``repo``, or None when there is no such branch."""
    try:
        return (
            _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}").decode().strip()
        )
    except GitError:
        return None


def commit_exists(repo: Path, ref: str) -> bool:
    try:
        _git(repo, "cat-file", "-e", f"{ref}^{{commit}}")
    except GitError:
        return False
    return True


def commit_time(repo: Path, ref: str) -> int:
    return int(_git(repo, "log", "-1", "--format=%ct", ref).decode().strip())


def read_tree(repo: Path, ref: str) -> dict[str, str]:
    """Every LookML file of the commit ``ref`` (``.lkml``, and ``.lookml`` dashboards): path → text."""
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", ref).split(b"\0")
    files: dict[str, str] = {}
    for entry in listing:
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        kind, object_id = meta.split()[1:3]
        path = raw_path.decode("utf-8", "replace")
        if kind == b"blob" and path.endswith((".lkml", ".lookml")):
            files[path] = _git(repo, "cat-file", "blob", object_id.decode()).decode("utf-8", "replace")
    return files
