"""The LookML lint: the LAMS rules the generated project follows, plus the project's own (``mlc-``) rules.

LAMS (Looker's community linter, look-at-me-sideways) is not installable here, so the rules are checked on
the parsed project. A LAMS rule id is used only for that LAMS rule, with the meaning of its style guide
(https://looker-open-source.github.io/look-at-me-sideways/rules.html); a check LAMS does not make has an
``mlc-`` id. The generated manifest opts LAMS in to the same LAMS rules (``#LAMS`` comments), so a LAMS
run and this lint agree on them (D131).

LAMS rules adopted:

- K1 a view with a table has Primary Key Dimensions named ``pk{n}_{name}``, ``n`` of them (``pk0_``: no key);
- K3 the Primary Key Dimensions are the view's first dimensions;
- K4 the Primary Key Dimensions are hidden;
- K7 a view with a table has exactly one ``primary_key: yes`` dimension (unless it declares ``pk0_``);
- K8 that dimension is the ``pk1_`` dimension, or its ``sql`` uses all ``n`` Primary Key Dimensions;
- F1 fields of a view with a table reference no other view;
- F2 fields declare no ``view_label``;
- F3 every ``type: count`` measure has a filter (the generator filters on the key: not null);
- F4 visible fields have a description;
- E1 joins reference fields with ``${}``, never a raw ``alias.column``;
- E2 the "one" side of a join is met by equality on all of its Primary Key Dimensions;
- E6 a ``foreign_key`` join is ``many_to_one`` (``one_to_one`` when the key is the base's ``pk1_``);
- T1 derived tables use datagroups, not ``sql_trigger_value`` or ``interval_trigger``.

The project's own rules:

- mlc-join-whole-key a many-to-one join's ``sql_on`` reads every column of the joined view's ``primary_key``
  (E2 trusts the ``pk{n}_`` names; this follows the SQL);
- mlc-model-caching the model caches with a datagroup (a trigger, ``max_cache_age``) and persists with it;
- mlc-indentation indentation is a multiple of two spaces, no tabs.

LAMS rules not adopted, and why:

- E7 (explore labels of at most 25 characters): labels come from the dbt names and ``meta.looker.label``
  ("Gl Reconciliation Differences" has 29); shortening them is the dbt author's call, not the linter's;
- T2 (derived tables select ``pk{n}_`` columns first): the generator writes no derived tables, and checking
  it means parsing SQL;
- H1-H6 (field picker hierarchy: brackets, group labels and their thresholds): presentation choices a
  Looker developer makes in refinements; the generator groups currency measures only;
- W1 (LAMS block indentation): the files are written by ``lkml.dump``; mlc-indentation checks what
  hand-written refinements most often get wrong;
- K2 (deprecated in LAMS, now part of K1) and the style guide's rules LAMS does not implement (K5, K6, E3-E5,
  F5, F6, T11-T15).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lookml.project import Explore, Field, LookerProject, View, load_project

LAMS_RULES: Final = ("K1", "K3", "K4", "K7", "K8", "F1", "F2", "F3", "F4", "E1", "E2", "E6", "T1")
OWN_RULES: Final = ("mlc-join-whole-key", "mlc-model-caching", "mlc-indentation")

_REFERENCE: Final = re.compile(r"\$\{([^}]*)\}")
_TABLE_COLUMN: Final = re.compile(r"\$\{TABLE\}\.\"?(\w+)\"?")
_PK_NAME: Final = re.compile(r"^([0-9]+pk|pk[0-9]*)_[a-zA-Z0-9_]+$")
_SIMPLE_PK: Final = re.compile(r"^(1pk|pk1?)_[a-zA-Z0-9_]+$")
_ZERO_PK: Final = re.compile(r"^(0pk|pk0)_[a-zA-Z0-9_]+$")
# E1: after removing ${...} and Liquid, anything like a.b is a raw reference (LAMS's reading of the rule).
_LIQUID: Final = re.compile(r"\$\{.*?\}|\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_DOTTED: Final = re.compile(r"[a-zA-Z0-9_]+\.[a-zA-Z0-9_]+")
_ANY_REFERENCE: Final = re.compile(r"(?:\$\{|\{\{|\{%)\s*([^{}%]+?)\s*(?:\}|%\})")
_DECIMAL: Final = re.compile(r"\b\d+\.\d+\b")
_QUOTED_OR_COMMENT: Final = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|--[^\n]*|/\*.*?\*/", re.DOTALL)
# A ${} on either side of an "=" (not <=, >=, !=): an equality constraint of the join.
_EQUALITY_SIDE: Final = re.compile(r"(?<=[^<>!]=)\s*\$\{([^}]*)\}|\$\{([^}]*)\}(?=\s*=(?!=))")
_SPECIAL_REFERENCE: Final = re.compile(r"^(TABLE|SUPER|EXTENDED)$|\.SQL_TABLE_NAME$")


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
        findings.extend(_key_rules(view))
        findings.extend(_field_rules(view))
    for explore in project.explores.values():
        findings.extend(_join_rules(project, explore))
    findings.extend(_caching(project))
    for path, text in project.files.items():
        findings.extend(_indentation(path, text))
    return sorted(findings, key=lambda f: (f.file, f.line, f.rule))


def _has_table(view: View) -> bool:
    return "sql_table_name" in view.data or "derived_table" in view.data


def _dimensions(view: View) -> list[Field]:
    """The view's dimensions in the order of its own file (a refinement's come after)."""
    found = [f for f in view.fields.values() if f.kind == "dimension"]
    return sorted(found, key=lambda f: (f.file != view.file, f.line))


def _declared_columns(name: str) -> int:
    digits = re.search(r"\d+", name.split("_", 1)[0])
    return int(digits.group()) if digits else 1


def _key_rules(view: View) -> list[LintFinding]:
    out: list[LintFinding] = []

    def report(rule: str, where: Field | View, message: str) -> None:
        out.append(LintFinding(rule, "error", where.file, where.line, message))

    dimensions = _dimensions(view)
    pk_dimensions = [d for d in dimensions if _PK_NAME.match(d.name)]
    if _has_table(view):
        counts = sorted({_declared_columns(d.name) for d in pk_dimensions})
        if not pk_dimensions:
            report("K1", view, f"view {view.name} has no pk{{n}}_ Primary Key Dimension")
        elif len(counts) > 1:
            report(
                "K1", view, f"view {view.name}: its pk dimensions declare different column counts {counts}"
            )
        elif counts[0] not in (0, len(pk_dimensions)):
            message = (
                f"view {view.name} has {len(pk_dimensions)} pk dimension(s), their names declare {counts[0]}"
            )
            report("K1", view, message)
        primary = [d for d in dimensions if d.data.get("primary_key") == "yes"]
        if len(primary) > 1:
            names = ", ".join(d.name for d in primary)
            report("K7", view, f"view {view.name} has {len(primary)} primary_key dimensions: {names}")
        elif not primary and not any(_ZERO_PK.match(d.name) for d in dimensions):
            report("K7", view, f"view {view.name} has no primary_key dimension")
    first = [d for d in dimensions if d.file == view.file][
        : len([d for d in pk_dimensions if d.file == view.file])
    ]
    early = next((d for d in first if not _PK_NAME.match(d.name)), None)
    if early is not None:
        report("K3", early, f"view {view.name}: {early.name} is declared before its pk dimensions")
    for dimension in pk_dimensions:
        if dimension.data.get("hidden") != "yes":
            report("K4", dimension, f"pk dimension {view.name}.{dimension.name} is not hidden")
    for dimension in dimensions:
        if dimension.data.get("primary_key") != "yes" or _SIMPLE_PK.match(dimension.name):
            continue
        used = sorted(
            {
                r.strip()
                for r in _REFERENCE.findall(str(dimension.data.get("sql") or ""))
                if _PK_NAME.match(r.strip())
            }
        )
        declared = {_declared_columns(r) for r in used}
        if not used:
            report("K8", dimension, f"primary_key {view.name}.{dimension.name} uses no pk dimension")
        elif len(declared) > 1 or len(used) != declared.pop():
            report(
                "K8", dimension, f"primary_key {view.name}.{dimension.name} does not use all pk dimensions"
            )
    return out


def _field_rules(view: View) -> list[LintFinding]:
    out: list[LintFinding] = []
    for target in view.fields.values():
        where = f"{view.name}.{target.name}"
        if _has_table(view):
            for reference in sorted(_field_references(target)):
                other = reference.split(".", 1)[0] if "." in reference else None
                if other is not None and other not in (view.name, "TABLE"):
                    message = f"{where} references another view: ${{{reference}}}"
                    out.append(LintFinding("F1", "error", target.file, target.line, message))
        if "view_label" in target.data:
            out.append(LintFinding("F2", "error", target.file, target.line, f"{where} declares a view_label"))
        if target.kind == "measure" and target.type == "count" and not _has_filters(target):
            out.append(LintFinding("F3", "error", target.file, target.line, f"count {where} has no filter"))
        if target.data.get("hidden") != "yes" and not target.data.get("description"):
            out.append(LintFinding("F4", "warning", target.file, target.line, f"{where} has no description"))
    return out


def _field_references(target: Field) -> set[str]:
    """What LAMS F1 reads: ``${}``, ``{{ }}`` and ``{% %}`` references in sql, html and link urls."""
    links = target.data.get("links") or []
    texts = [target.data.get("sql"), target.data.get("html")]
    texts += [link.get("url") for link in links if isinstance(link, dict)]
    texts += [link.get("icon_url") for link in links if isinstance(link, dict)]
    found: set[str] = set()
    for text in texts:
        if text:
            for inside in _ANY_REFERENCE.findall(_DECIMAL.sub("", str(text))):
                found |= {word for word in inside.split() if "." in word}  # {% if a.b._in_query %}
    return found


def _has_filters(measure: Field) -> bool:
    return any(key in measure.data for key in ("filters", "filters__all", "filter"))


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


def _one_sides(join_name: str, relationship: str, references: list[str]) -> list[str]:
    """The aliases a join's relationship says are on its "one" side (LAMS E2's reading)."""
    other, own = relationship.split("_to_", 1) if "_to_" in relationship else ("many", "one")
    aliases = [join_name] if own == "one" else []
    if other == "one":
        aliases += [r.split(".", 1)[0] for r in references if r.split(".", 1)[0] != join_name]
    return list(dict.fromkeys(aliases))


def _join_rules(project: LookerProject, explore: Explore) -> list[LintFinding]:
    out: list[LintFinding] = []
    aliases = {explore.name: explore.view, **{j.name: j.view for j in explore.joins}}
    for join in explore.joins:
        where = f"explore {explore.name} join {join.name}"

        def report(rule: str, message: str, where: str = where, line: int = join.line) -> None:
            out.append(LintFinding(rule, "error", explore.file, line, f"{where}: {message}"))

        relationship = str(join.data.get("relationship") or "many_to_one")
        foreign_key = join.data.get("foreign_key")
        if foreign_key is not None:
            wanted = "one_to_one" if _SIMPLE_PK.match(str(foreign_key)) else "many_to_one"
            if relationship != wanted:
                report("E6", f"a foreign_key join on {foreign_key} should be {wanted}, not {relationship}")
        sql_on = str(join.data.get("sql_on") or join.data.get("sql") or "")
        if not sql_on.strip():
            continue
        for raw in sorted(set(_DOTTED.findall(_LIQUID.sub("", sql_on)))):
            report("E1", f"{raw} should be referenced with ${{}}")
        references = [r.strip() for r in _REFERENCE.findall(sql_on)]
        references = [r for r in references if "." in r and not _SPECIAL_REFERENCE.search(r)]
        out.extend(_lams_e2(explore, join.name, join.line, relationship, sql_on, references))
        if relationship in ("many_to_one", "one_to_one"):
            referenced: set[str] = set()
            for reference in references:
                alias, name = reference.split(".", 1)
                view = project.views.get(aliases.get(alias, alias))
                if alias == join.name and view is not None:
                    referenced |= _columns(view, name) or {name}
            view = project.views.get(join.view)
            primary = [d for d in _dimensions(view) if d.data.get("primary_key") == "yes"] if view else []
            if view is not None and len(primary) == 1:
                missing = sorted(_columns(view, primary[0].name) - referenced)
                if missing:
                    report(
                        "mlc-join-whole-key",
                        f"not on the whole key of {join.name} (missing {', '.join(missing)})",
                    )
    return out


def _lams_e2(
    explore: Explore, join_name: str, line: int, relationship: str, sql_on: str, references: list[str]
) -> list[LintFinding]:
    """E2: each "one" side meets the join with an equality on every one of its ``pk{n}_`` dimensions."""
    out: list[LintFinding] = []
    where = f"explore {explore.name} join {join_name}"
    reduced = _QUOTED_OR_COMMENT.sub("[literal]", sql_on)
    if re.search(r"\bOR\b", reduced, re.IGNORECASE):
        return [LintFinding("E2", "error", explore.file, line, f"{where}: OR at the top of sql_on")]
    constrained = {
        (left or right).strip() for left, right in _EQUALITY_SIDE.findall(reduced) if (left or right)
    }
    for alias in _one_sides(join_name, relationship, references):
        keys = sorted(
            {r.split(".", 1)[1] for r in references if r.startswith(alias + ".")} & _pk_names(references)
        )
        if not keys:
            message = f"{where}: no pk dimension of {alias} is used"
        elif len({_declared_columns(k) for k in keys}) > 1 or len(keys) != _declared_columns(keys[0]):
            message = f"{where}: {len(keys)} pk dimension(s) of {alias} used, not all of them"
        else:
            loose = [k for k in keys if f"{alias}.{k}" not in constrained]
            if not loose:
                continue
            message = f"{where}: {alias}.{loose[0]} is not in an equality"
        out.append(LintFinding("E2", "error", explore.file, line, message))
    return out


def _pk_names(references: list[str]) -> set[str]:
    return {r.split(".", 1)[1] for r in references if _PK_NAME.match(r.split(".", 1)[1])}


def _caching(project: LookerProject) -> list[LintFinding]:
    out: list[LintFinding] = []
    rule = "mlc-model-caching"
    for view in project.views.values():
        derived = view.data.get("derived_table")
        if isinstance(derived, dict) and ({"sql_trigger_value", "interval_trigger"} & derived.keys()):
            message = f"derived table of {view.name} is triggered without a datagroup"
            out.append(LintFinding("T1", "error", view.file, view.line, message))
    for model in project.models:
        datagroups = {str(d["name"]): d for d in model.data.get("datagroups", [])}
        if not datagroups:
            out.append(LintFinding(rule, "error", model.file, 1, f"model {model.name} defines no datagroup"))
        for name, datagroup in datagroups.items():
            line = model.lines.get(name, 1)
            if not datagroup.get("sql_trigger") and not datagroup.get("interval_trigger"):
                out.append(LintFinding(rule, "error", model.file, line, f"datagroup {name} has no trigger"))
            if not datagroup.get("max_cache_age"):
                out.append(
                    LintFinding(rule, "error", model.file, line, f"datagroup {name} has no max_cache_age")
                )
        persist = model.data.get("persist_with")
        if persist is None or str(persist) not in datagroups:
            message = f"model {model.name} does not persist_with its datagroup"
            out.append(LintFinding(rule, "error", model.file, 1, message))
    return out


def _indentation(path: str, text: str) -> list[LintFinding]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent or len(indent) % 2:
            message = "indentation is not a multiple of two spaces"
            out.append(LintFinding("mlc-indentation", "error", path, number, message))
    return out
