"""What every CLI command shares: how it is registered, what its handler receives, how it fails.

A command module exposes ``register(subparsers)``, which adds its parser with ``add_command`` (so it accepts
the global ``--config``/``--debug`` after its name too) and sets ``handler=`` through ``set_defaults``.
A handler takes a ``CommandContext`` and returns the exit code. It raises ``CommandFailed`` for a run that
failed (exit 1) and ``BadUsage`` / ``ConfigError`` / ``VaultError`` for a usage or configuration problem
(exit 2); ``loader.cli`` prints the message. Import heavy libraries (dlt, dbt) inside the handler, not at
module level: every command module is imported on every invocation.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.text import Text

from loader.config import Config, config_path, load_config
from loader.vault import Vault
from loader.warehouse import Warehouse

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = Any


class CommandFailed(Exception):
    """A run that failed (exit 1). The message says what failed and what to do."""


class BadUsage(Exception):
    """Wrong or missing arguments (exit 2). The message says what to pass instead."""


@dataclass
class CommandContext:
    args: argparse.Namespace
    out: Console
    err: Console
    stdin: TextIO
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)

    @property
    def config_path(self) -> Path:
        return config_path(self.args.config, self.env)

    def load_config(self) -> Config:
        return load_config(self.args.config, self.env)

    def vault(self, config: Config) -> Vault:
        return Vault.beside(config.path, env=self.env)

    def warehouse(self, config: Config) -> Warehouse:
        """The configured warehouse; its password is read from the vault only if a stage asks for it."""
        return Warehouse(config.warehouse, self.vault(config))

    def say(self, message: str, style: str | None = None) -> None:
        """One line of the command's own output; never markup-interpreted (paths may hold brackets)."""
        self.out.print(Text(message, style=style or ""))


Handler = Callable[[CommandContext], int]


def common_options() -> argparse.ArgumentParser:
    """Options accepted both before and after a command name.

    Defaults are SUPPRESS so a subcommand that does not repeat an option keeps the value given before it.
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file (default: $ML_CONNECTOR_CONFIG, else ./ml-connector.toml)",
    )
    parent.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks and debug logs (also ML_CONNECTOR_DEBUG=1)",
    )
    return parent


def add_command(
    subparsers: Subparsers, name: str, *, help: str, description: str | None = None
) -> argparse.ArgumentParser:
    """Add a command (or a sub-command of one) that accepts the common options."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=help,
        description=description or help,
        parents=[common_options()],
    )
    return parser
