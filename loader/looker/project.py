"""What the connector generated: the explores of one model and their fields, read with ``lkml`` from the
Looker project's repository at the branch that was pushed.

Reading the committed branch (``git ls-tree`` / ``git cat-file``), not the working tree, means the fields
compared with Looker's are exactly those of the commit Looker checked out.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lkml

from loader.looker.errors import LookerError

_DEFAULT_TIMEFRAMES = ("raw", "time", "date", "week", "month", "quarter", "year")
_DEFAULT_INTERVALS = ("day", "hour", "minute", "second")


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


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argv
        ["git", "-C", str(repo), *args],  # noqa: S607 - git from PATH
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if result.returncode != 0:
        raise LookerError(f"git {args[0]} in {repo} failed: {result.stderr.strip()}")
    return result.stdout


def branch_files(repo: Path, branch: str) -> tuple[str, dict[str, str]]:
    """The commit id of ``branch`` in the checkout ``repo`` and its ``.lkml`` files (path → text)."""
    if not repo.exists():
        raise LookerError(f"the Looker project checkout {repo} does not exist: set [looker] repo")
    try:
        ref = _git(repo, "rev-parse", "--verify", f"refs/heads/{branch}^{{commit}}").strip()
    except LookerError:
        raise LookerError(
            f"{repo} has no branch {branch!r}: run `ml-connector lookml` to generate and commit the LookML"
        ) from None
    files: dict[str, str] = {}
    for line in _git(repo, "ls-tree", "-r", "--full-tree", ref).splitlines():
        meta, _, path = line.partition("\t")
        kind, object_id = meta.split()[1:3]
        if kind == "blob" and path.endswith(".lkml"):
            files[path] = _git(repo, "cat-file", "blob", object_id)
    return ref, files


def _include_pattern(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*/|\*\*|\*)", pattern.lstrip("/"))
    table = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*"}
    return re.compile("".join(table.get(p, re.escape(p)) for p in parts) + r"\Z")


def _as_list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _view_fields(view: dict[str, Any]) -> dict[str, str]:
    """Field name → kind, dimension groups expanded the way Looker names them."""
    fields: dict[str, str] = {}
    for dimension in _as_list(view.get("dimensions")):
        fields[dimension["name"]] = "dimension"
    for measure in _as_list(view.get("measures")):
        fields[measure["name"]] = "measure"
    for group in _as_list(view.get("dimension_groups")):
        if group.get("type") == "duration":
            for interval in group.get("intervals") or _DEFAULT_INTERVALS:
                fields[f"{interval}s_{group['name']}"] = "dimension"
        else:
            for timeframe in group.get("timeframes") or _DEFAULT_TIMEFRAMES:
                fields[f"{group['name']}_{timeframe}"] = "dimension"
    return fields


def read_generated_model(repo: Path, branch: str, model: str) -> GeneratedModel:
    """The explores of ``<model>.model.lkml`` on ``branch`` and the fields each should offer."""
    ref, files = branch_files(repo, branch)
    model_paths = [p for p in files if p.rsplit("/", 1)[-1] == f"{model}.model.lkml"]
    if not model_paths:
        raise LookerError(f"branch {branch!r} of {repo} has no {model}.model.lkml: check [looker] model")
    parsed: dict[str, dict[str, Any]] = {}
    for path, text in files.items():
        try:
            parsed[path] = lkml.load(text)
        except SyntaxError as exc:
            raise LookerError(f"{path} on branch {branch!r} is not valid LookML: {exc}") from None
    model_path = model_paths[0]
    document = parsed[model_path]
    included = [model_path]
    for pattern in document.get("includes") or []:
        regex = _include_pattern(str(pattern))
        included.extend(p for p in sorted(parsed) if regex.match(p) and p not in included)
    views: dict[str, dict[str, str]] = {}
    explores: list[dict[str, Any]] = []
    for path in included:
        for view in _as_list(parsed[path].get("views")):
            name = str(view["name"])
            fields = _view_fields(view)
            if name.startswith("+"):
                views.setdefault(name[1:], {}).update(fields)
            else:
                views[name] = {**fields, **views.get(name, {})}
        explores.extend(_as_list(parsed[path].get("explores")))
    generated: list[GeneratedExplore] = []
    for explore in explores:
        name = str(explore["name"])
        aliases = {name: str(explore.get("from") or explore.get("view_name") or name)}
        listed_fields: dict[str, object] = {}
        for join in _as_list(explore.get("joins")):
            aliases[str(join["name"])] = str(join.get("from") or join["name"])
            listed_fields[str(join["name"])] = join.get("fields")
        names: set[str] = set()
        for alias, view_name in aliases.items():
            listed = listed_fields.get(alias)
            for field_name in views.get(view_name, {}):
                if isinstance(listed, list) and "ALL_FIELDS*" not in listed:
                    wanted = {str(i).rpartition(".")[2] for i in listed if not str(i).startswith("-")}
                    if field_name not in wanted:
                        continue
                names.add(f"{alias}.{field_name}")
        generated.append(GeneratedExplore(name, frozenset(names)))
    connection = document.get("connection")
    return GeneratedModel(model, ref, str(connection) if connection else None, tuple(generated))
