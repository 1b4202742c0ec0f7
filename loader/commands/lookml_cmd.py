"""``ml-connector lookml``: LookML from the dbt manifest, checked against the warehouse, into the Looker repo.

Where the files go: ``--out DIR``; else the ``[looker] repo`` checkout, on ``[looker] branch``, committed
(and pushed with ``--push``); else ``looker/`` beside the config file (see ``loader.lookml_writer``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from loader.commands import BadUsage, CommandContext, CommandFailed, Subparsers, add_command
from loader.config import Config

if TYPE_CHECKING:
    from loader.lookml_writer import WrittenLookml
    from lookml.warehouse import SqlRunner


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "lookml",
        help="write LookML from the dbt manifest",
        description="Write LookML views, explores, a model, a datagroup and dashboards from dbt's "
        "manifest.json. Without --out, writes into the [looker] repo checkout on its branch and commits; "
        "--push pushes.",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="write the Looker project files here (no git)"
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        metavar="PATH",
        help="dbt manifest.json (default: the one `ml-connector build` wrote under .ml-connector/dbt/)",
    )
    parser.add_argument(
        "--check", action="store_true", help="run every field's and join's SQL against the warehouse"
    )
    parser.add_argument(
        "--lint",
        action="store_true",
        help="check the adopted LAMS rules (LAMS ids) and the project's own (mlc- ids); errors fail the run",
    )
    parser.add_argument("--push", action="store_true", help="push the commit to the Looker repo's remote")
    parser.set_defaults(handler=run)


def _manifest_path(ctx: CommandContext, config: Config) -> Path:
    if ctx.args.manifest is not None:
        return Path(ctx.args.manifest).absolute()
    from loader.job import manifest_path

    return manifest_path(config)


def open_runner(ctx: CommandContext, config: Config) -> SqlRunner:
    """A connection to the configured warehouse for ``--check`` (the one ``run`` checks with)."""
    from loader.job import JobFailed, warehouse_runner
    from lookml.warehouse import SqlError

    try:
        return warehouse_runner(ctx.warehouse(config))
    except SqlError as exc:
        raise CommandFailed(f"--check cannot reach the warehouse: {exc}") from None
    except JobFailed:
        raise BadUsage(
            f"--check runs on duckdb or postgres warehouses, not {config.warehouse.destination!r}"
        ) from None


def run(ctx: CommandContext) -> int:
    from loader.lookml_writer import looker_repo, write_lookml
    from lookml.dialects import UnsupportedDialect
    from lookml.git_publish import GitError
    from lookml.manifest import ManifestError

    config = ctx.load_config()
    out_dir = Path(ctx.args.out).absolute() if ctx.args.out is not None else None
    if ctx.args.push and looker_repo(config, out_dir) is None:
        raise BadUsage("--push needs [looker] repo in the config (and no --out): it pushes that checkout")
    try:
        written = write_lookml(
            config,
            _manifest_path(ctx, config),
            sync_label=lambda schema: _sync_marker(ctx, config, schema),
            out_dir=out_dir,
            push=ctx.args.push,
        )
    except (ManifestError, GitError) as exc:
        raise CommandFailed(str(exc)) from None
    except UnsupportedDialect as exc:
        raise BadUsage(str(exc)) from None
    _report_written(ctx, written)
    failed = False
    if ctx.args.lint:
        failed = _lint_failed(ctx, written.directory) or failed
    if ctx.args.check:
        failed = _check_failed(ctx, config, written.directory) or failed
    if failed:
        raise CommandFailed("the generated LookML has problems (listed above by file and line)")
    return 0


def _report_written(ctx: CommandContext, written: WrittenLookml) -> None:
    """The warnings, what was generated where, and the commit made in the Looker repo."""
    generation, out_dir = written.generation, written.directory
    for warning in generation.warnings:
        ctx.say(f"warning: {warning}", style="yellow")
    ctx.say(
        f"LookML: {len(generation.views)} views, {len(generation.explores)} explores, "
        f"{len(generation.dashboards)} dashboards in {out_dir} (schema {generation.schema}, "
        f"dialect {generation.dialect})"
    )
    if written.published is not None:
        published = written.published
        state = f"committed {published.commit[:12]}" if published.commit else "unchanged, nothing to commit"
        ctx.say(
            f"Looker repo {out_dir} branch {published.branch}: {state}"
            + (", pushed" if published.pushed else "")
        )


def _lint_failed(ctx: CommandContext, out_dir: Path) -> bool:
    """``--lint``: print the findings; True when one is an error."""
    from lookml.lint import lint_lookml

    findings = lint_lookml(out_dir)
    for finding in findings:
        ctx.say(str(finding), style="red" if finding.severity == "error" else "yellow")
    errors = [f for f in findings if f.severity == "error"]
    ctx.say(f"lint: {len(errors)} errors, {len(findings) - len(errors)} warnings")
    return bool(errors)


def _check_failed(ctx: CommandContext, config: Config, out_dir: Path) -> bool:
    """``--check``: run the statements against the warehouse and print the failures; True when one failed."""
    from lookml.check import check_lookml

    runner = open_runner(ctx, config)
    try:
        checked = check_lookml(out_dir, runner)
    finally:
        runner.close()
    for failure in checked.failures:
        ctx.say(str(failure), style="red")
    ctx.say(f"check: {checked.checked} statements, {len(checked.failures)} failing")
    return not checked.ok


def _sync_marker(ctx: CommandContext, config: Config, schema: str) -> str:
    """The latest sync in the ledger, for the commit message ('sync unknown' without a warehouse)."""
    try:
        runner = open_runner(ctx, config)
    except (CommandFailed, BadUsage):
        return "sync unknown"
    from lookml.warehouse import SqlError

    try:
        value = runner.scalar(f"SELECT MAX(_synced_at) FROM {schema}.fct_general_ledger")  # noqa: S608
    except SqlError:
        return "sync unknown"
    finally:
        runner.close()
    return f"sync of {value}" if value is not None else "no sync yet"
