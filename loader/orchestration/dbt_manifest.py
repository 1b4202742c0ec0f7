"""The dbt models a per-organization build rebuilds, read from dbt's manifest at load (D169).

The manifest is parsed once per version of the packaged dbt project: it is cached under the state dir,
named by a hash of the project's files and the dbt version, so an upgraded package (or an edited model)
parses again and an unchanged one loads in milliseconds. ``dbt parse`` connects to no database.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

from loader.transform.dbt_runner import ORGANIZATION_MODELS, PROJECT_DIR, DbtError, DbtTarget, run_dbt

# The dbt source whose tables the sync loads: the models reading it are downstream of the sync asset.
RAW_SOURCE = "zoho_books_raw"
# What a fingerprint covers: the project file and every directory it names (models, macros, tests, seeds).
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
_PROJECT_DIRS = ("dbt_project",)


@dataclass(frozen=True)
class DbtModel:
    """One model a per-organization build rebuilds: its name, description and what it reads."""

    unique_id: str
    name: str
    description: str
    schema: str
    models: tuple[str, ...]  # names of the organization models it reads (directly)
    reads_raw: bool  # reads the sync's tables, directly or through staging views


def project_fingerprint(project_dir: Path = PROJECT_DIR) -> str:
    """A hash of the dbt project's files (paths and contents) and dbt's version."""
    from dbt.version import __version__ as dbt_version

    digest = hashlib.sha256(f"dbt {dbt_version}\n".encode())
    files = [project_dir / name for name in _PROJECT_FILES]
    for directory in _PROJECT_DIRS:
        files += sorted(p for p in (project_dir / directory).rglob("*") if p.is_file())
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def manifest(state_dir: Path) -> dict[str, Any]:
    """dbt's manifest of the packaged project: the cached one for this version, else ``dbt parse`` once."""
    cache = state_dir / "dbt" / "manifests"
    path = cache / f"{project_fingerprint()}.json"
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        # Parsed in a directory of its own and moved into place whole: code locations loading at once (the
        # daemon, run workers) each parse and the last rename wins, never a half-written file.
        work = Path(tempfile.mkdtemp(prefix="parse-", dir=cache))
        try:
            # The DuckDB target: a parse opens no database, and the models are the same for every warehouse.
            run_dbt(["parse"], DbtTarget("duckdb", duckdb_path=work / "parse.duckdb"), work_dir=work)
            os.replace(work / "target" / "manifest.json", path)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DbtError(f"cannot read dbt's manifest {path}: {exc}") from None
    return loaded


def organization_models(manifest: Mapping[str, Any]) -> list[DbtModel]:
    """The models ``organization_build_command`` selects (dbt's ``--select intermediate marts``: the models
    whose path in the project starts with one of ORGANIZATION_MODELS), with their dependencies, each
    after the models it reads."""
    nodes: Mapping[str, Any] = manifest["nodes"]
    selected = {
        uid: node
        for uid, node in nodes.items()
        if node["resource_type"] == "model" and node["fqn"][1:2] and node["fqn"][1] in ORGANIZATION_MODELS
    }
    models = {
        node["name"]: DbtModel(
            unique_id=uid,
            name=node["name"],
            description=node.get("description") or "",
            schema=node.get("schema") or "",
            models=tuple(sorted(nodes[d]["name"] for d in _depends_on(node) if d in selected)),
            reads_raw=_reads_raw(node, nodes, manifest.get("sources", {}), set(selected)),
        )
        for uid, node in sorted(selected.items(), key=lambda item: item[1]["name"])
    }
    # In dependency order: a multi-asset reports a model after the models it reads.
    order = TopologicalSorter({name: model.models for name, model in models.items()}).static_order()
    return [models[name] for name in order]


def _depends_on(node: Mapping[str, Any]) -> Sequence[str]:
    return list(node.get("depends_on", {}).get("nodes", []))


def _reads_raw(
    node: Mapping[str, Any], nodes: Mapping[str, Any], sources: Mapping[str, Any], selected: set[str]
) -> bool:
    """Whether ``node`` reads the raw source itself or through models outside the selection (staging)."""
    pending, seen = list(_depends_on(node)), set()
    while pending:
        uid = pending.pop()
        if uid in seen or uid in selected:
            continue
        seen.add(uid)
        if uid in sources:
            if sources[uid].get("source_name") == RAW_SOURCE:
                return True
        elif uid in nodes:
            pending += _depends_on(nodes[uid])
    return False


__all__ = ["RAW_SOURCE", "DbtModel", "manifest", "organization_models", "project_fingerprint"]
