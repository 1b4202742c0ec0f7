"""Commit the generated LookML to the Looker project's repository (a local checkout), and push it.

git (lookml/git.py) in the user's checkout: switch to the configured
branch (created from the remote's branch when there is one, else from the current commit), write the
files, stage only the generator's own paths (so a user's work in progress elsewhere is never committed),
commit with a message naming the dbt manifest and the sync, and push when asked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lookml.git import GitError, git
from lookml.model import GENERATED_DIR

__all__ = ["GitError", "PublishResult", "commit_message", "publish", "switch_branch"]

log = logging.getLogger(__name__)

FALLBACK_NAME: Final = "ml-connector"
FALLBACK_EMAIL: Final = "ml-connector@localhost"


@dataclass(frozen=True)
class PublishResult:
    branch: str
    commit: str | None  # the new commit, None when the files were already committed as generated
    pushed: bool
    message: str


def _has_remote(repo: Path, remote: str) -> bool:
    return remote in git(repo, "remote").stdout.split()


def switch_branch(repo: Path, branch: str, remote: str = "origin") -> None:
    """Check out ``branch``: the local one, else the remote's (tracking it), else a new one here."""
    if git(repo, "rev-parse", "--is-inside-work-tree", check=False).stdout.strip() != "true":
        raise GitError(f"{repo} is not a git checkout: set [looker] repo to a clone of the Looker project")
    if git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False).returncode == 0:
        git(repo, "checkout", branch)
        return
    if _has_remote(repo, remote):
        git(repo, "fetch", "--quiet", remote, check=False)  # an empty remote has nothing to fetch
        remote_ref = f"refs/remotes/{remote}/{branch}"
        if git(repo, "rev-parse", "--verify", "--quiet", remote_ref, check=False).returncode == 0:
            git(repo, "checkout", "-b", branch, "--track", f"{remote}/{branch}")
            return
    git(repo, "checkout", "-b", branch)  # works on an unborn HEAD too (a fresh clone of an empty repo)


def _identity(repo: Path) -> list[str]:
    """Commit as the repository's configured user; a bare machine (CI, cron) gets a neutral identity."""
    name = git(repo, "config", "user.name", check=False).stdout.strip()
    email = git(repo, "config", "user.email", check=False).stdout.strip()
    out = []
    if not name:
        out += ["-c", f"user.name={FALLBACK_NAME}"]
    if not email:
        out += ["-c", f"user.email={FALLBACK_EMAIL}"]
    return out


def commit_message(
    manifest: Path, project: str, invocation_id: str, generated_at: str, sync: str, counts: str
) -> str:
    subject = f"LookML from dbt manifest {manifest.name} of {project or 'the dbt project'} ({sync})"
    body = [
        f"Manifest: {manifest}",
        f"dbt invocation: {invocation_id or 'unknown'}, generated at {generated_at or 'unknown'}",
        f"Sync: {sync}",
        f"Generated: {counts}",
    ]
    return subject + "\n\n" + "\n".join(body) + "\n"


def publish(
    repo: Path,
    branch: str,
    write: Callable[[Path], Sequence[str]],
    message: str | Callable[[], str],
    *,
    push: bool = False,
    remote: str = "origin",
) -> PublishResult:
    """Switch ``repo`` to ``branch``, ``write(repo)`` (returns the paths written), commit; push if asked.

    ``message`` may be a function, called after ``write``: a message that describes what was written."""
    switch_branch(repo, branch, remote)
    paths = sorted(set(write(repo)))
    if callable(message):
        message = message()
    roots = sorted({p.split("/", 1)[0] for p in paths} | {GENERATED_DIR})
    # -A on the generator's own paths: picks up removed views too, never a user's other files.
    git(repo, "add", "-A", "--", *[r for r in roots if (repo / r).exists()])
    staged = git(repo, "diff", "--cached", "--quiet", check=False).returncode != 0
    commit: str | None = None
    if staged:
        git(repo, *_identity(repo), "commit", "--quiet", "-m", message)
        commit = git(repo, "rev-parse", "HEAD").stdout.strip()
        log.info("committed %s on %s", commit, branch)
    pushed = False
    if push:
        if not _has_remote(repo, remote):
            raise GitError(
                f"{repo} has no remote {remote!r} to push to: add it with `git remote add {remote} URL`"
            )
        if git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0:
            git(repo, "push", "--quiet", "-u", remote, f"{branch}:{branch}")
            pushed = True
    return PublishResult(branch=branch, commit=commit, pushed=pushed, message=message)
