"""The LookML lint: Looker's LAMS rules that matter for generated models, checked without LAMS.

LAMS itself is not installable here, so the rules listed in the project's Looker notes are implemented on
the parsed project (rule ids follow LAMS where one exists):

- K1 one primary key per view (with a table); K3 it is the first field; K4 it is hidden;
- F1 view fields reference no other view (``${other.field}``);
- F4 visible fields have a description (warning);
- E1 joins use ``${}`` substitution, no raw ``alias.column``;
- E2 a join meets the "one" side on its whole primary key (all columns of a compound key);
- T1 the model caches with a datagroup (``sql_trigger`` and ``max_cache_age``) and ``persist_with``;
- W1 consistent indentation (two spaces, no tabs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lookml.project import Explore, Field, LookerProject, View, load_project

_REFERENCE: Final = re.compile(r"\$\{([^}]*)\}")
_TABLE_COLUMN: Final = re.compile(r"\$\{TABLE\}\.\"?(\w+)\"?")
_RAW_COLUMN: Final = re.compile(r"(?<![\w.$])([A-Za-z_]\w*)\.([A-Za-z_]\w*)")


@dataclass(frozen=True)
class LintFinding:
    rule: str
    severity: str  # error | warning
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.rule} {self.severity}: {self.message}"


def lint_lookml(out_dir: Path) -> list[LintFinding]:
    return lint_project(load_project(out_dir))


def lint_project(project: LookerProject) -> list[LintFinding]:
    findings: list[LintFinding] = []
    for view in project.views.values():
        findings.extend(_view_rules(view))
    for explore in project.explores.values():
        findings.extend(_join_rules(project, explore))
    findings.extend(_caching(project))
    for path, text in project.files.items():
        findings.extend(_indentation(path, text))
    return sorted(findings, key=lambda f: (f.file, f.line, f.rule))


def _primary_keys(view: View) -> list[Field]:
    return [f for f in view.fields.values() if f.kind == "dimension" and f.data.get("primary_key") == "yes"]


def _view_rules(view: View) -> list[LintFinding]:
    out: list[LintFinding] = []
    keys = _primary_keys(view)
    if ("sql_table_name" in view.data or "derived_table" in view.data) and len(keys) != 1:
        message = f"view {view.name} has {len(keys)} primary keys, not 1"
        out.append(LintFinding("K1", "error", view.file, view.line, message))
    if len(keys) == 1:
        key = keys[0]
        first = min(view.fields.values(), key=lambda f: (f.file != view.file, f.line))
        if first is not key:
            out.append(
                LintFinding(
                    "K3",
                    "error",
                    key.file,
                    key.line,
                    f"primary key {view.name}.{key.name} is not the first field",
                )
            )
        if key.data.get("hidden") != "yes":
            out.append(
                LintFinding(
                    "K4", "error", key.file, key.line, f"primary key {view.name}.{key.name} is not hidden"
                )
            )
    for target in view.fields.values():
        for reference in _REFERENCE.findall(str(target.data.get("sql", ""))):
            other = reference.split(".", 1)[0] if "." in reference else None
            if other is not None and other not in (view.name, "TABLE"):
                out.append(
                    LintFinding(
                        "F1", "error", target.file, target.line,
                        f"{view.name}.{target.name} references another view: ${{{reference}}}",
                    )
                )  # fmt: skip
        if target.data.get("hidden") != "yes" and not target.data.get("description"):
            out.append(
                LintFinding(
                    "F4", "warning", target.file, target.line, f"{view.name}.{target.name} has no description"
                )
            )
    return out


def _columns(view: View, field_name: str) -> set[str]:
    """The table columns a field reads (through ``${TABLE}.col``), following same-view references."""
    found = view.find(field_name)
    if found is None:
        return set()
    sql = str(found[0].data.get("sql") or "")
    columns = set(_TABLE_COLUMN.findall(sql))
    for reference in _REFERENCE.findall(sql):
        if reference != "TABLE" and "." not in reference and reference != field_name:
            columns |= _columns(view, reference)
    return columns


def _join_rules(project: LookerProject, explore: Explore) -> list[LintFinding]:
    out: list[LintFinding] = []
    aliases = {explore.name: explore.view, **{j.name: j.view for j in explore.joins}}
    for join in explore.joins:
        sql_on = str(join.data.get("sql_on") or "")
        where = f"explore {explore.name} join {join.name}"
        if not sql_on:
            continue
        bare = _RAW_COLUMN.findall(_REFERENCE.sub("", sql_on))
        if "${" not in sql_on or bare:
            out.append(
                LintFinding(
                    "E1", "error", explore.file, join.line, f"{where}: use ${{}} references, not raw columns"
                )
            )
            continue
        relationship = str(join.data.get("relationship") or "many_to_one")
        if relationship in ("many_to_one", "one_to_one"):
            one_sides = [join.name]
        elif relationship == "one_to_many":
            one_sides = sorted(
                {r.split(".", 1)[0] for r in _REFERENCE.findall(sql_on) if "." in r} - {join.name}
            )
        else:
            continue
        referenced: dict[str, set[str]] = {}
        for reference in _REFERENCE.findall(sql_on):
            if "." in reference:
                alias, name = reference.split(".", 1)
                view = project.views.get(aliases.get(alias, alias))
                if view is not None:
                    referenced.setdefault(alias, set()).update(_columns(view, name) or {name})
        for alias in one_sides:
            view = project.views.get(aliases.get(alias, alias))
            keys = _primary_keys(view) if view is not None else []
            if view is None or len(keys) != 1:
                continue
            key_columns = _columns(view, keys[0].name)
            if not key_columns <= referenced.get(alias, set()):
                missing = ", ".join(sorted(key_columns - referenced.get(alias, set())))
                out.append(
                    LintFinding(
                        "E2",
                        "error",
                        explore.file,
                        join.line,
                        f"{where}: not on the whole key of {alias} (missing {missing})",
                    )
                )
    return out


def _caching(project: LookerProject) -> list[LintFinding]:
    out: list[LintFinding] = []
    for model in project.models:
        datagroups = {str(d["name"]): d for d in model.data.get("datagroups", [])}
        if not datagroups:
            out.append(LintFinding("T1", "error", model.file, 1, f"model {model.name} defines no datagroup"))
        for name, datagroup in datagroups.items():
            line = model.lines.get(name, 1)
            if not datagroup.get("sql_trigger") and not datagroup.get("interval_trigger"):
                out.append(LintFinding("T1", "error", model.file, line, f"datagroup {name} has no trigger"))
            if not datagroup.get("max_cache_age"):
                out.append(
                    LintFinding("T1", "error", model.file, line, f"datagroup {name} has no max_cache_age")
                )
        persist = model.data.get("persist_with")
        if persist is None or str(persist) not in datagroups:
            out.append(
                LintFinding(
                    "T1", "error", model.file, 1, f"model {model.name} does not persist_with its datagroup"
                )
            )
    return out


def _indentation(path: str, text: str) -> list[LintFinding]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent or len(indent) % 2:
            out.append(
                LintFinding("W1", "error", path, number, "indentation is not a multiple of two spaces")
            )
    return out
