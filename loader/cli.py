"""The ``ml-connector`` command line: parses arguments, runs one command, turns failures into exit codes.

Exit codes: 0 success; 1 a run that failed; 2 bad usage or bad configuration. Errors go to
stderr as one message that says what to do, without a traceback unless ``--debug`` or
``ML_CONNECTOR_DEBUG=1``. Messages come from our own exceptions, which never carry secrets.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from typing import Final

from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

from loader.commands import BadUsage, CommandContext, CommandFailed, Handler, common_options
from loader.config import ConfigError
from loader.failures import explain
from loader.output import PIPE_WIDTH
from loader.private_files import owner_only_files
from loader.vault import VaultError
from loader.zoho.errors import ZohoError

# One line per command module; each exposes register(subparsers).
COMMAND_MODULES: Final = (
    "loader.commands.init_cmd",
    "loader.commands.auth_cmd",
    "loader.commands.demo_cmd",
    "loader.commands.status_cmd",
    "loader.commands.check_cmd",
    "loader.commands.sync_cmd",
    "loader.commands.lookml_cmd",
    "loader.commands.build_cmd",
    "loader.commands.looker_cmd",
    "loader.commands.serve_cmd",
    "loader.commands.webhooks_cmd",
    "loader.commands.run_cmd",
)

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERRUPTED: Final = 130

DEBUG_ENV: Final = "ML_CONNECTOR_DEBUG"

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ml-connector",
        description="Zoho Books to warehouse to Looker.",
        parents=[common_options()],
    )
    parser.set_defaults(config=None, debug=False)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        # argparse has printed the usage error (2) or the help (0).
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    debug = bool(args.debug) or os.environ.get(DEBUG_ENV, "") not in ("", "0", "false")
    # Into a file or a pipe nothing is cut to a terminal's width (tables included): scripts read it whole.
    out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else PIPE_WIDTH)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    _configure_logging(err, debug)
    handler: Handler = args.handler
    context = CommandContext(args=args, out=out, err=err, stdin=sys.stdin, env=os.environ)
    try:
        with owner_only_files():
            return handler(context)
    except (BadUsage, ConfigError, VaultError) as exc:
        return _fail(err, exc, EXIT_USAGE, debug)
    except (CommandFailed, ZohoError) as exc:
        return _fail(err, exc, EXIT_FAILED, debug)
    except KeyboardInterrupt:
        err.print(Text("interrupted", style="bold red"))
        return EXIT_INTERRUPTED
    except Exception as exc:
        explained = explain(exc)  # a cause the user can act on, under dlt's wrappers
        if explained is not None:
            return _fail(err, exc, explained.code, debug, explained.message)
        # A bug: show the type too, and point at --debug for the traceback.
        message = f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback)"
        return _fail(err, exc, EXIT_FAILED, debug, message)


def _fail(err: Console, exc: BaseException, code: int, debug: bool, message: str | None = None) -> int:
    if debug:
        # show_locals stays off: locals would include secrets.
        err.print_exception(show_locals=False)
    err.print(Text.assemble(("error: ", "bold red"), message or str(exc)))
    return code


class _CliLogHandler(RichHandler):
    """Marks the handler main() installs, so repeated calls (tests) do not stack handlers."""


def _configure_logging(err: Console, debug: bool) -> None:
    """Log records to stderr through rich: WARNING and up, everything with --debug.

    The level is set on our handler, not the root logger, so library logging and pytest's caplog keep theirs.
    """
    root = logging.getLogger()
    _cli_handler(root, first=False, console=err, debug=debug)
    if debug:
        root.setLevel(logging.DEBUG)
    # dlt logs through a logger of its own that does not propagate, with a plain StreamHandler bound to the
    # stderr of the moment it was first made (a closed stream once a test's capture or a redirect ends). dlt
    # keeps the first handler it finds on that logger, so ours goes first and the plain one goes.
    dlt_logger = logging.getLogger(_DLT_LOGGER)
    for stale in [h for h in dlt_logger.handlers if type(h) is logging.StreamHandler]:
        dlt_logger.removeHandler(stale)
    _cli_handler(dlt_logger, first=True, console=err, debug=debug)


_DLT_LOGGER = "dlt"  # dlt names its logger after its run context, "dlt" unless a plugin replaces it


def _cli_handler(logger: logging.Logger, *, first: bool, console: Console, debug: bool) -> None:
    """Install, once per logger, the rich handler writing to ``console`` (WARNING and up; all on --debug)."""
    handler = next((h for h in logger.handlers if isinstance(h, _CliLogHandler)), None)
    if handler is None:
        handler = _CliLogHandler(show_path=False, markup=False, rich_tracebacks=False)
        if first:
            logger.handlers.insert(0, handler)
        else:
            logger.addHandler(handler)
    handler.console = console
    handler.setLevel(logging.DEBUG if debug else logging.WARNING)
