"""``ml-connector check``: read-only checks that the stored credentials reach Zoho, the warehouse and Looker
and are allowed what the job needs, one verdict per check and, for every failure, what to do.

Each service has its own module (``zoho``, ``warehouse``, ``looker``) returning ``Check`` results; ``run``
gathers them into a ``Report`` that the command prints as a table, plain lines or JSON, and that ``run``
(the job) consults before it spends any quota.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


class Verdict(StrEnum):
    OK = "ok"
    FAIL = "fail"
    SKIPPED = "skipped"  # not applicable, or not reachable because an earlier check failed


@dataclass(frozen=True)
class Check:
    """One line of the report: ``service`` (zoho, warehouse, looker), what it is about (``subject``: a
    connection, an entity, a schema...), the ``check``'s name, the verdict, what was found, what to do."""

    service: str
    subject: str
    check: str
    verdict: Verdict
    detail: str
    fix: str | None = None

    def __post_init__(self) -> None:
        if self.verdict is Verdict.FAIL and not self.fix:
            raise ValueError(f"a failed check says what to do: {self.service}/{self.subject}/{self.check}")

    def line(self) -> str:
        """The plain-text line (a pipe, a log, the message ``run`` stops with)."""
        text = f"{self.verdict.upper():7} {self.service} {self.subject}: {self.check}: {self.detail}"
        return text + (f" → {self.fix}" if self.fix else "")


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)  # API calls made per service/subject

    def add(self, check: Check) -> None:
        self.checks.append(check)

    def extend(self, checks: list[Check]) -> None:
        self.checks.extend(checks)

    def count_calls(self, where: str, calls: int) -> None:
        self.calls[where] = self.calls.get(where, 0) + calls

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.verdict is Verdict.FAIL]

    @property
    def passed(self) -> bool:
        return not self.failures

    def calls_line(self) -> str:
        spent = ", ".join(f"{where} {count}" for where, count in self.calls.items()) or "none"
        return f"API calls used: {sum(self.calls.values())} ({spent})"

    def to_json(self) -> str:
        document: dict[str, Any] = {
            "passed": self.passed,
            "checks": [{**asdict(c), "verdict": str(c.verdict)} for c in self.checks],
            "calls": self.calls,
            "calls_total": sum(self.calls.values()),
        }
        return json.dumps(document, indent=2)

    def print(self, console: Console) -> None:
        """A table on a terminal, one plain line per check in a pipe."""
        if console.is_terminal:
            table = Table(title="ml-connector check")
            for column in ("service", "subject", "check", "verdict", "found", "what to do"):
                table.add_column(column)
            styles = {Verdict.OK: "green", Verdict.FAIL: "bold red", Verdict.SKIPPED: "yellow"}
            for c in self.checks:
                table.add_row(
                    c.service,
                    c.subject,
                    c.check,
                    Text(str(c.verdict), style=styles[c.verdict]),
                    Text(c.detail),
                    Text(c.fix or ""),
                )
            console.print(table)
        else:
            for c in self.checks:
                console.print(Text(c.line()))
        summary = "all checks passed" if self.passed else f"{len(self.failures)} check(s) failed"
        console.print(Text(f"{summary}. {self.calls_line()}.", style="green" if self.passed else "red"))
