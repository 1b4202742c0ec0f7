"""What the connector generated: the explores of one model and their fields, read from the Looker project's
repository at the branch that was pushed, with the connector's LookML reader (lookml/project.py).

Reading the committed branch (lookml/git.py: ``git ls-tree`` / ``git cat-file``), not the working tree,
means the fields compared with Looker's are exactly those of the commit Looker checked out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from loader.looker.errors import LookerError
from lookml.git import GitError, branch_commit, committed_files
from lookml.project import Explore, LookerProject, Model, parse_project


@dataclass(frozen=True)
class GeneratedExplore:
    name: str
    fields: frozenset[str]  # alias.field, dimension groups expanded to their timeframes


@dataclass(frozen=True)
class GeneratedModel:
    name: str
    ref: str  # the commit read
    connection: str | None
    explores: tuple[GeneratedExplore, ...]


def branch_files(repo: Path, branch: str) -> tuple[str, dict[str, str]]:
    """The commit id of ``branch`` in the checkout ``repo`` and its ``.lkml`` files (path → text)."""
    if not repo.exists():
        raise LookerError(f"the Looker project checkout {repo} does not exist: set [looker] repo")
    ref = branch_commit(repo, branch)
    if ref is None:
        raise LookerError(
            f"{repo} has no branch {branch!r}: run `ml-connector lookml` to generate and commit the LookML"
        )
    try:
        return ref, committed_files(repo, ref, ".lkml")
    except GitError as exc:
        raise LookerError(str(exc)) from None


def _include_pattern(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*/|\*\*|\*)", pattern.lstrip("/"))
    table = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*"}
    return re.compile("".join(table.get(p, re.escape(p)) for p in parts) + r"\Z")


def _included(project: LookerProject, model: Model) -> list[str]:
    """The model file and the files its ``include:`` patterns match, in that order."""
    included = [model.file]
    for pattern in model.data.get("includes") or []:
        regex = _include_pattern(str(pattern))
        included.extend(p for p in sorted(project.files) if regex.match(p) and p not in included)
    return included


def _explore_fields(project: LookerProject, explore: Explore, included: list[str]) -> frozenset[str]:
    """``alias.field`` for every field the explore offers: its view's, and each join's (or the join's
    ``fields:`` list of them)."""
    aliases = {explore.name: explore.view}
    listed_fields: dict[str, object] = {}
    for join in explore.joins:
        aliases[join.name] = join.view
        listed_fields[join.name] = join.data.get("fields")
    names: set[str] = set()
    for alias, view_name in aliases.items():
        view = project.views.get(view_name)
        listed = listed_fields.get(alias)
        for field_name in view.field_names(included) if view else {}:
            if isinstance(listed, list) and "ALL_FIELDS*" not in listed:
                wanted = {str(i).rpartition(".")[2] for i in listed if not str(i).startswith("-")}
                if field_name not in wanted:
                    continue
            names.add(f"{alias}.{field_name}")
    return frozenset(names)


def read_generated_model(repo: Path, branch: str, model: str) -> GeneratedModel:
    """The explores of ``<model>.model.lkml`` on ``branch`` and the fields each should offer."""
    ref, files = branch_files(repo, branch)
    project = parse_project(repo, files)
    if project.problems:
        problem = project.problems[0]
        raise LookerError(f"{problem.file} on branch {branch!r} is not valid LookML: {problem.message}")
    found = next((m for m in project.models if m.name == model), None)
    if found is None:
        raise LookerError(f"branch {branch!r} of {repo} has no {model}.model.lkml: check [looker] model")
    included = _included(project, found)
    explores = tuple(
        GeneratedExplore(explore.name, _explore_fields(project, explore, included))
        for explore in project.explores.values()
        if explore.file in included
    )
    connection = found.data.get("connection")
    return GeneratedModel(model, ref, str(connection) if connection else None, explores)
