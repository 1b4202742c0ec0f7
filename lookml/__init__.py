"""The LookML generator: views, explores, a model and dashboards from the dbt manifest.

Reads dbt's ``manifest.json`` and knows Looker, not Zoho. The public API:

- ``generate_lookml(manifest_path, out_dir, *, dialect, schema, connection, model, datagroup, ...)``
  writes the generated files and returns a ``GenerationResult``;
- ``check_lookml(out_dir, runner)`` runs every field's and join's SQL against the warehouse
  (``DuckDBRunner`` / ``PostgresRunner``) and returns a ``CheckResult`` of failures by file and line;
- ``lint_lookml(out_dir)`` applies the adopted LAMS rules and the ``mlc-`` ones, returns ``LintFinding``\\ s;
- ``lookml.query.compile_query`` compiles a query on a generated explore (a dashboard tile's, say) into the
  SQL Looker runs, with its always and access filters, to check numbers offline;
- ``publish`` (``lookml.git_publish``) commits the files on a branch of the Looker repository and pushes.
"""

from lookml.check import CheckFailure, CheckResult, check_lookml
from lookml.generate import GenerationResult, generate_lookml
from lookml.lint import LintFinding, lint_lookml
from lookml.warehouse import DuckDBRunner, PostgresRunner, SqlError

__all__ = [
    "CheckFailure",
    "CheckResult",
    "DuckDBRunner",
    "GenerationResult",
    "LintFinding",
    "PostgresRunner",
    "SqlError",
    "check_lookml",
    "generate_lookml",
    "lint_lookml",
]
