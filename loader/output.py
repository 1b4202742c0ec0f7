"""Machine-readable output for commands that list things: ``--format table|json|csv`` (D129).

``table`` is the rich table people read; on a terminal rich fits it to the width, and when the output is not
a terminal the CLI's console is wide enough that nothing is cut (``pipe_width``), so ``4600…`` never stands
for an id in a file or a pipe. ``json`` is one document on stdout; ``csv`` one header row and the rows
(RFC 4180, via the csv module). In json and csv nothing else goes to stdout: notes go to stderr.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from rich.console import Console
from rich.table import Table

FORMATS: Final = ("table", "json", "csv")
# Wider than any row we print: rich sizes a table to its content, so this only lifts the cap.
PIPE_WIDTH: Final = 100_000


def add_format_option(parser: Any) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (never cut when not on a terminal), json (one document) or csv (a header row, then rows)",
    )


@dataclass(frozen=True)
class Records:
    """A table of plain values: what every format prints."""

    title: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[object]]
    right: frozenset[str] = field(default_factory=frozenset)  # columns right-aligned in the table

    def table(self) -> Table:
        table = Table(title=self.title)
        for column in self.columns:
            table.add_column(column, justify="right" if column in self.right else "left")
        for row in self.rows:
            table.add_row(
                *(_cell(value, column in self.right) for column, value in zip(self.columns, row, strict=True))
            )
        return table

    def dicts(self) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _cell(value: object, numeric: bool) -> str:
    if value is None:
        return ""
    if numeric and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"  # counts read better grouped; ids (left-aligned columns) are never grouped
    return str(value)


def print_json(console: Console, document: Mapping[str, Any]) -> None:
    console.print(
        json.dumps(document, indent=2, default=str, ensure_ascii=False),
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=True,
    )


def print_csv(console: Console, records: Records) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(records.columns)
    writer.writerows(["" if value is None else value for value in row] for row in records.rows)
    console.print(buffer.getvalue().rstrip("\n"), markup=False, highlight=False, emoji=False, soft_wrap=True)
