"""``ml-connector init``: write the commented starter ``ml-connector.toml``."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from importlib import resources
from pathlib import Path

from loader.commands import BadUsage, CommandContext, Subparsers, add_command

STARTER_RESOURCE = "starter_config.toml"


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "init",
        help="write a commented starter ml-connector.toml",
        description="Write a commented starter ml-connector.toml at --config (default: $ML_CONNECTOR_CONFIG, "
        "else ./ml-connector.toml). An existing file is kept unless --force is given.",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.set_defaults(handler=run)


def starter_config() -> str:
    """The starter file shipped as package data."""
    return resources.files("loader").joinpath(STARTER_RESOURCE).read_text(encoding="utf-8")


def run(ctx: CommandContext) -> int:
    path = ctx.config_path
    text = starter_config()
    if ctx.args.force and path.exists():
        _replace(path, text)
    else:
        try:
            # Exclusive create: never clobbers a file that appeared since the user last looked.
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            raise BadUsage(
                f"{path} already exists: edit it, or pass --force to replace it with the starter"
            ) from None
        except FileNotFoundError:
            raise BadUsage(f"the directory {path.parent} does not exist: create it first") from None
    ctx.say(f"Wrote {path}.")
    ctx.say(
        "Next: set organization_id (and region) of each [[zoho.connections]], then store credentials with "
        "`ml-connector auth zoho --connection us --client-id ID --client-secret - --refresh-token -`."
    )
    return 0


def _replace(path: Path, text: str) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    # Write beside and rename, so an interrupted --force leaves the old file, not half a new one.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp_name, mode)  # keep the replaced file's permissions (mkstemp makes 0600)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
