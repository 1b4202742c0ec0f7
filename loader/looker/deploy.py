"""``deploy``: put the validated commit into production (Looker's advanced deploy mode).

Production gets the commit that was validated (``deploy_ref_to_production?ref=<sha>``), never the branch's
head at deploy time: a push that lands between validation and deploy stays out of production until it is
validated itself (D133).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from loader.looker.client import LookerClient
from loader.looker.errors import LookerError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeployResult:
    project: str
    branch: str
    production_ref: str | None  # the commit production now serves, as Looker reports it


def deploy(client: LookerClient, project: str, branch: str, ref: str) -> DeployResult:
    """Deploy commit ``ref`` (validated on ``branch``) of ``project`` and check production serves it."""
    client.deploy_ref_to_production(project, ref=ref)
    client.production_mode()
    served = client.git_branch(project).get("ref")
    if served != ref:
        raise LookerError(f"Looker deployed commit {ref} of {project} but production reports {served}")
    log.info("deployed looker commit %s of branch %s of %s", ref, branch, project)
    return DeployResult(project, branch, str(served))
