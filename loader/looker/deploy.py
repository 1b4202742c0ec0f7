"""``deploy``: put the validated branch into production (Looker's advanced deploy mode)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from loader.looker.client import LookerClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeployResult:
    project: str
    branch: str
    production_ref: str | None  # the commit production now serves, as Looker reports it


def deploy(client: LookerClient, project: str, branch: str) -> DeployResult:
    """Deploy ``branch`` of ``project`` to production and report the commit production now serves."""
    client.deploy_ref_to_production(project, branch)
    client.production_mode()
    ref = client.git_branch(project).get("ref")
    log.info("deployed looker branch %s of %s at %s", branch, project, ref)
    return DeployResult(project, branch, str(ref) if ref else None)
