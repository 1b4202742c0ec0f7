"""dlt's anonymous telemetry is off unless the user opts in; in a fresh process, as dlt starts it
once per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from loader.extract.telemetry import DLT_TELEMETRY_ENV


@pytest.mark.parametrize(("setting", "endpoint"), [(None, "None"), ("true", "https://")])
def test_dlt_telemetry_is_off_unless_opted_in(tmp_path: Path, setting: str | None, endpoint: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != DLT_TELEMETRY_ENV}
    if setting is not None:
        env[DLT_TELEMETRY_ENV] = setting
    script = (
        "import sys; from pathlib import Path; from loader.extract.pipelines import make_pipeline; "
        "make_pipeline('duckdb', Path(sys.argv[1])); "
        "from dlt.common.runtime import anon_tracker; print(anon_tracker._ANON_TRACKER_ENDPOINT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().startswith(endpoint)
