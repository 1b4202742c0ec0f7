"""dlt's anonymous telemetry is off unless the user turns it on (D128).

dlt sends anonymous usage events to dlthub by default (``runtime.dlthub_telemetry``); a sync of someone's
books should not open outbound connections they did not ask for. dlt reads the setting from the environment,
so the default is set there, before the first pipeline is made, and only where the user has not chosen:
``RUNTIME__DLTHUB_TELEMETRY=true`` opts in. (The environment outranks dlt's ``config.toml``, so opting in
there has no effect: use the variable.)
"""

from __future__ import annotations

import os
from typing import Final

DLT_TELEMETRY_ENV: Final = "RUNTIME__DLTHUB_TELEMETRY"


def telemetry_off_by_default() -> None:
    os.environ.setdefault(DLT_TELEMETRY_ENV, "false")
