"""The product loads none of the fakes: importing the command line (every command module, the demo's too)
leaves ``ml_connector_fakes`` unimported, and the fakes import nothing of the product.

Each check runs in a fresh interpreter, since the test process has long imported both sides."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_command_line_loads_no_fake() -> None:
    loaded = _modules_after(
        "import importlib, loader.cli\nfor name in loader.cli.COMMAND_MODULES: importlib.import_module(name)"
    )
    assert "loader.commands.demo_cmd" in loaded
    assert "loader.demo" not in loaded
    assert not {m for m in loaded if m.split(".")[0] == "ml_connector_fakes"}


def test_the_fakes_load_nothing_of_the_product() -> None:
    loaded = _modules_after(
        "import ml_connector_fakes.zoho.server, ml_connector_fakes.zoho.__main__, "
        "ml_connector_fakes.looker, ml_connector_fakes.world.generator"
    )
    assert "ml_connector_fakes.world.generator" in loaded
    assert not {m for m in loaded if m.split(".")[0] in {"loader", "lookml"}}
