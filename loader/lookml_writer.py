"""The Looker project's files from the dbt manifest: into a directory, or committed on the Looker repository's
branch. One path for ``ml-connector lookml`` and the job's lookml stage, so both write and commit alike.

Where the files go: ``out_dir`` when given (no git); else the ``[looker] repo`` checkout, on its branch,
committed (pushed when asked); else ``looker/`` beside the config file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from loader.config import Config, LookerConfig
from lookml.generate import GenerationResult, generate_lookml
from lookml.git_publish import PublishResult, commit_message, publish

LOOKML_DIR: Final = "looker"  # beside the config, when no Looker repository is configured


def looker_repo(config: Config, out_dir: Path | None) -> Path | None:
    """The Looker repository checkout the LookML is committed to, or None when it goes to a directory."""
    if out_dir is None and config.looker is not None:
        return config.looker.repo
    return None


@dataclass(frozen=True)
class WrittenLookml:
    directory: Path
    generation: GenerationResult
    published: PublishResult | None  # None when written to a plain directory


def write_lookml(
    config: Config,
    manifest: Path,
    *,
    sync_label: Callable[[str], str],
    out_dir: Path | None = None,
    push: bool = False,
) -> WrittenLookml:
    """Generate and write (or commit) the LookML. ``sync_label(schema)`` names the sync the commit
    describes. Raises the generator's and git's own errors (ManifestError, UnsupportedDialect, GitError)."""
    looker = config.looker
    generated: list[GenerationResult] = []

    def generate(directory: Path) -> list[str]:
        generated.append(
            generate_lookml(
                manifest,
                directory,
                dialect=config.warehouse.destination,
                connection=looker.connection if looker else "warehouse",
                model=looker.model if looker else "zoho_books",
                datagroup=looker.datagroup if looker else "zoho_books_sync",
                reporting_currency=config.reporting.currency,
                access_attribute=(
                    looker.organization_attribute if looker else LookerConfig.organization_attribute
                ),
            )
        )
        return list(generated[-1].files)

    def message() -> str:
        # Built from the manifest generate_lookml read, after writing: the manifest is read once.
        project = generated[-1].project
        return commit_message(
            manifest,
            project.project_name,
            project.invocation_id,
            project.generated_at,
            sync_label(generated[-1].schema),
            f"{len(project.marts)} marts",
        )

    repo = looker_repo(config, out_dir)
    if repo is not None and looker is not None:
        published = publish(repo, looker.branch, generate, message, push=push)
        return WrittenLookml(repo, generated[-1], published)
    directory = out_dir if out_dir is not None else config.path.parent / LOOKML_DIR
    generate(directory)
    return WrittenLookml(directory, generated[-1], None)
