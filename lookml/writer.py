"""Render LookML data with ``lkml`` and write a generation to disk, leaving the users' files alone.

Rendering goes through lkml's own parse tree (``DictParser``), so the only text added by hand is the
header comment, carried as the document's leading trivia. Every rendered file is parsed back with
``lkml.load`` before anything is written. Files are replaced whole (write beside, then rename), and files
the generator wrote earlier that are no longer produced are removed, but only under ``generated/``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import lkml
from lkml.simple import DictParser

from lookml.model import GENERATED_DIR

GENERATED_SUFFIXES: Final = (".lkml", ".lookml")


class RenderError(Exception):
    """A rendered file does not parse back: a generator bug, never written to disk."""


def header(lines: list[str]) -> str:
    return "".join(f"# {line}\n" if line else "#\n" for line in lines) + "\n"


def render_lkml(data: Mapping[str, Any], comment: list[str], path: str) -> str:
    document = DictParser().parse(dict(data))  # type: ignore[no-untyped-call]
    document = dataclasses.replace(document, prefix=header(comment))
    text = str(document).rstrip("\n") + "\n"
    try:
        lkml.load(text)
    except SyntaxError as exc:
        raise RenderError(f"{path} does not parse back with lkml: {exc}") from None
    return text


@dataclasses.dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]  # created or changed
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


def write_files(out_dir: Path, files: Mapping[str, str]) -> WriteReport:
    """Write ``files`` (relative path -> text) under ``out_dir``; prune stale files under ``generated/``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written, unchanged = [], []
    for relative, text in sorted(files.items()):
        target = out_dir / relative
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            unchanged.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(target, data)
        written.append(relative)
    removed = []
    generated = out_dir / GENERATED_DIR
    if generated.is_dir():
        for path in sorted(generated.rglob("*")):
            relative = path.relative_to(out_dir).as_posix()
            if path.is_file() and path.name.endswith(GENERATED_SUFFIXES) and relative not in files:
                path.unlink()
                removed.append(relative)
    return WriteReport(tuple(written), tuple(unchanged), tuple(removed))


def _replace(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
