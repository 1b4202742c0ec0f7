"""The connector's one way to run git: plain ``git`` through subprocess (fixed argv, no shell, git from
PATH) in a given repository, with a timeout; a failure raises :class:`GitError` with git's own message.

Used to commit and push the generated LookML (lookml/git_publish.py), to read back what was committed
(loader/looker/project.py) and to set up the demo's Looker repository (loader/demo.py).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Final

TIMEOUT: Final = 120.0


class GitError(Exception):
    """git failed; the message is git's own, with the command."""


def git(
    repo: Path, *args: str, check: bool = True, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """``git -C repo *args``; with ``check`` a non-zero exit raises :class:`GitError`."""
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        ["git", "-C", str(repo), *args],  # noqa: S607 - git from PATH
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip() or f"exit {result.returncode}"
        raise GitError(f"git {' '.join(args)} failed in {repo}: {detail}")
    return result


def branch_commit(repo: Path, branch: str) -> str | None:
    """The commit id of the local ``branch``, None when there is no such branch."""
    found = git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}", check=False)
    return found.stdout.strip() if found.returncode == 0 else None


def committed_files(repo: Path, commit: str, suffix: str) -> dict[str, str]:
    """The text of the files of ``commit`` whose names end in ``suffix`` (path → text), as committed, not as
    they are in the working tree."""
    files: dict[str, str] = {}
    for line in git(repo, "ls-tree", "-r", "--full-tree", commit).stdout.splitlines():
        meta, _, path = line.partition("\t")
        kind, object_id = meta.split()[1:3]
        if kind == "blob" and path.endswith(suffix):
            files[path] = git(repo, "cat-file", "blob", object_id).stdout
    return files
