"""The Looker side: an API 4.0 client (httpx), validation before publishing, deploy and cache refresh.

with LookerClient(base_url, credentials) as client:
    report = validate(client, config.looker)
    if report.ok:
        deploy(client, config.looker.project, config.looker.branch, report.ref)  # the validated commit
    refresh_datagroup(client, config.looker.model, config.looker.datagroup, synced_at)
"""

from loader.looker.auth import LookerAuth, LookerCredentials
from loader.looker.client import LookerClient
from loader.looker.deploy import DeployResult, deploy
from loader.looker.errors import LookerApiError, LookerAuthError, LookerError, LookerNotFoundError
from loader.looker.project import GeneratedExplore, GeneratedModel, read_generated_model
from loader.looker.refresh import DatagroupReset, refresh_datagroup
from loader.looker.validate import BrokenContent, ExploreCheck, Finding, ValidationReport, validate

__all__ = [
    "BrokenContent",
    "DatagroupReset",
    "DeployResult",
    "ExploreCheck",
    "Finding",
    "GeneratedExplore",
    "GeneratedModel",
    "LookerApiError",
    "LookerAuth",
    "LookerAuthError",
    "LookerClient",
    "LookerCredentials",
    "LookerError",
    "LookerNotFoundError",
    "ValidationReport",
    "deploy",
    "read_generated_model",
    "refresh_datagroup",
    "validate",
]
