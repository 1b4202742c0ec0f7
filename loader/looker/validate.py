"""``validate``: check that Looker accepts the generated LookML before anything is deployed.

In the dev workspace, on the branch the generator pushed: register the model if Looker does not know it,
run project validation (errors fail, warnings are reported with file and line), compare every explore's
fields with the generated ones, compile and run a zero-row query per explore, and list the Looks and
dashboards the change would break (content validation in dev, minus what is already broken in production).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from loader.looker.client import LookerClient
from loader.looker.errors import LookerError
from loader.looker.project import GeneratedModel, read_generated_model

log = logging.getLogger(__name__)

_FAILING = frozenset({"fatal", "error"})


class LookerSettings(Protocol):
    """What validation needs of ``[looker]`` (``loader.config.LookerConfig``)."""

    @property
    def project(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def connection(self) -> str: ...
    @property
    def repo(self) -> Path | None: ...
    @property
    def branch(self) -> str: ...


@dataclass(frozen=True)
class Finding:
    """One project-validation message, with the file (relative to the project) and line it points at."""

    severity: str
    message: str
    file: str | None
    line: int | None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file or "project"
        return f"{where}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class ExploreCheck:
    name: str
    missing_fields: tuple[str, ...] = ()  # generated but not offered by Looker
    unexpected_fields: tuple[str, ...] = ()  # offered by Looker but not generated
    sql: str | None = None  # Looker's SQL for the zero-row query
    error: str | None = None  # a missing explore, a compile error or the database's looker_error

    @property
    def ok(self) -> bool:
        return self.error is None and not self.missing_fields and not self.unexpected_fields


@dataclass(frozen=True)
class BrokenContent:
    kind: str  # look | dashboard
    id: str
    title: str
    folder: str | None
    errors: tuple[str, ...]

    def __str__(self) -> str:
        folder = f" in folder {self.folder}" if self.folder else ""
        return f"{self.kind} {self.id} {self.title!r}{folder}: {'; '.join(self.errors)}"


@dataclass
class ValidationReport:
    project: str
    model: str
    branch: str
    ref: str  # the commit validated
    model_registered: bool = False  # this run registered the model with Looker
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    explores: list[ExploreCheck] = field(default_factory=list)
    broken_content: list[BrokenContent] = field(default_factory=list)
    already_broken: list[BrokenContent] = field(default_factory=list)  # broken in production already
    skipped: str | None = None  # why the explore checks did not run

    @property
    def ok(self) -> bool:
        return (
            not self.errors
            and self.skipped is None
            and all(e.ok for e in self.explores)
            and not self.broken_content
        )

    def lines(self) -> list[str]:
        """A human report, failures first."""
        out = [str(f) for f in self.errors]
        for check in self.explores:
            if check.error:
                out.append(f"explore {check.name}: {check.error}")
            if check.missing_fields:
                out.append(
                    f"explore {check.name}: Looker lacks generated fields {', '.join(check.missing_fields)}"
                )
            if check.unexpected_fields:
                out.append(
                    f"explore {check.name}: Looker offers fields that were not generated "
                    f"{', '.join(check.unexpected_fields)}"
                )
        if self.skipped:
            out.append(self.skipped)
        out.extend(f"would break {c}" for c in self.broken_content)
        out.extend(str(f) for f in self.warnings)
        out.extend(
            f"already broken in production (not caused by this change): {c}" for c in self.already_broken
        )
        return out


def validate(
    client: LookerClient, settings: LookerSettings, *, generated: GeneratedModel | None = None
) -> ValidationReport:
    """Validate ``settings.branch`` of ``settings.project`` in Looker's dev workspace.

    ``generated`` defaults to the model read from ``settings.repo`` at that branch.
    """
    if generated is None:
        if settings.repo is None:
            raise LookerError("[looker] repo is not set: the validation needs the Looker project's checkout")
        generated = read_generated_model(settings.repo, settings.branch, settings.model)
    report = ValidationReport(settings.project, settings.model, settings.branch, generated.ref)
    project = settings.project

    client.dev_mode()
    client.checkout_branch(project, settings.branch)
    # A branch checked out before stays where it was: pull what was pushed since.
    client.reset_to_remote(project)
    looker_ref = client.git_branch(project).get("ref")
    if looker_ref != generated.ref:
        report.errors.append(
            Finding(
                "error",
                f"Looker's copy of branch {settings.branch} is at {looker_ref} but the local branch is at "
                f"{generated.ref}: push the branch to the project's remote and validate again",
                None,
                None,
            )
        )
        return report

    if client.lookml_model(settings.model) is None:
        client.create_lookml_model(settings.model, project, [settings.connection])
        report.model_registered = True
        log.info("registered looker model %s", settings.model)

    _project_validation(client, report, project)
    if any(f.severity in _FAILING for f in report.errors):
        report.skipped = "explore and query checks skipped: fix the LookML errors above first"
    else:
        for explore in generated.explores:
            report.explores.append(_check_explore(client, settings.model, explore.name, explore.fields))

    dev_broken = _broken_content(client, settings.model)
    client.production_mode()
    production_broken = {(c.kind, c.id, c.errors) for c in _broken_content(client, settings.model)}
    for content in dev_broken:
        key = (content.kind, content.id, content.errors)
        (report.already_broken if key in production_broken else report.broken_content).append(content)
    return report


def _project_validation(client: LookerClient, report: ValidationReport, project: str) -> None:
    result = client.validate_project(project)
    for error in result.get("errors") or []:
        path = error.get("file_path")
        if isinstance(path, str) and path.startswith(f"{project}/"):
            path = path[len(project) + 1 :]
        finding = Finding(
            str(error.get("severity") or "error"),
            str(error.get("message") or ""),
            path,
            error.get("line_number"),
        )
        if finding.severity in _FAILING:
            report.errors.append(finding)
        elif finding.severity == "warning":
            report.warnings.append(finding)


def _check_explore(client: LookerClient, model: str, name: str, expected: frozenset[str]) -> ExploreCheck:
    explore = client.explore(model, name)
    if explore is None:
        return ExploreCheck(name, error=f"Looker has no explore {name} in model {model}")
    fieldset = explore.get("fields") or {}
    actual = {
        str(f["name"])
        for kind in ("dimensions", "measures")
        for f in fieldset.get(kind) or []
        if isinstance(f, dict) and "name" in f
    }
    missing = tuple(sorted(expected - actual))
    unexpected = tuple(sorted(actual - expected))
    fields = sorted(actual)
    if not fields:
        return ExploreCheck(name, missing, unexpected, error="the explore has no fields")
    try:
        sql = client.query_sql(model, name, fields, limit=0)
        rows = client.query_json(model, name, fields, limit=0)
    except LookerError as exc:
        return ExploreCheck(name, missing, unexpected, error=f"the query did not compile: {exc}")
    failure = next((r["looker_error"] for r in rows if isinstance(r, dict) and "looker_error" in r), None)
    if failure is not None:
        return ExploreCheck(name, missing, unexpected, sql, error=f"the zero-row query failed: {failure}")
    return ExploreCheck(name, missing, unexpected, sql)


def _broken_content(client: LookerClient, model: str) -> list[BrokenContent]:
    result = client.content_validation()
    broken: list[BrokenContent] = []
    for item in result.get("content_with_errors") or []:
        errors = tuple(
            str(e.get("message"))
            for e in item.get("errors") or []
            if isinstance(e, dict) and e.get("model_name") in (model, None)
        )
        if not errors:
            continue
        content: dict[str, Any] | None
        if item.get("look"):
            kind, content = "look", item["look"]
        else:
            kind, content = "dashboard", item.get("dashboard")
        if not isinstance(content, dict):
            continue
        element = item.get("dashboard_element") or {}
        title = str(content.get("title") or "")
        if element.get("title"):
            title += f" / tile {element['title']}"
        folder = content.get("folder") or {}
        broken.append(BrokenContent(kind, str(content.get("id")), title, folder.get("name"), errors))
    return broken
