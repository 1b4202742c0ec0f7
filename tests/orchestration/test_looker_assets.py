"""The Looker assets downstream of the marts, against the sandbox and the fake Looker on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import pytest

from loader.demo import LOOKER_PROJECT, DemoWorld, demo_world
from loader.orchestration.dagster_defs import MARTS_ASSET, SYNC_ASSET, SYNC_JOB, build_definitions
from loader.orchestration.looker_assets import (
    DATAGROUP_ASSET,
    LOOKML_ASSET,
    PRODUCTION_ASSET,
    PUBLISH_JOB,
    VALIDATION_ASSET,
)

pytestmark = pytest.mark.slow  # a sync, a dbt build and the Looker round trips (~1 minute here)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWorld]:
    with demo_world(tmp_path_factory.mktemp("looker_assets") / "world", invoices_per_org=3) as running:
        yield running


def test_the_publish_job_generates_validates_deploys_and_resets_the_datagroup(world: DemoWorld) -> None:
    defs = build_definitions(world.config, env={})
    project = world.looker.projects[LOOKER_PROJECT]
    production_before = project.production_ref
    assert world.looker.calls_to("PATCH", "/datagroups/") == []
    with dg.DagsterInstance.ephemeral() as instance:
        first = world.config.zoho_connections[0].name
        assert (
            # The sync step only: the publish job's full build is the one under test.
            defs.resolve_job_def(SYNC_JOB)
            .execute_in_process(
                instance=instance, partition_key=first, asset_selection=[dg.AssetKey(SYNC_ASSET)]
            )
            .success
        )

        result = defs.resolve_job_def(PUBLISH_JOB).execute_in_process(instance=instance)
        assert result.success
        order = [
            event.asset_key.to_user_string()
            for event in result.get_asset_materialization_events()
            if event.asset_key is not None
        ]
        assert order == [MARTS_ASSET, LOOKML_ASSET, VALIDATION_ASSET, PRODUCTION_ASSET, DATAGROUP_ASSET]

        def metadata(asset: str) -> dict[str, object]:
            (materialization,) = result.asset_materializations_for_node(asset)
            return {key: value.value for key, value in materialization.metadata.items()}

    # Generated and committed on the connector's branch of the Looker repository, checked on the warehouse.
    lookml = metadata(LOOKML_ASSET)
    assert isinstance(lookml["views"], int)
    assert lookml["views"] > 0
    assert isinstance(lookml["statements_checked"], int)
    assert lookml["statements_checked"] > 0
    commit = lookml["commit"]
    assert isinstance(commit, str)
    assert len(commit) == 40
    # Looker validated that very commit, and production now serves it (it served something else before).
    assert metadata(VALIDATION_ASSET)["ref"] == commit
    assert project.production_ref == commit != production_before
    assert metadata(PRODUCTION_ASSET)["production_ref"] == commit
    # The datagroup was reset once, through Looker's API.
    assert len(world.looker.calls_to("PATCH", "/datagroups/")) == 1
    (datagroup,) = world.looker.datagroups.values()
    assert metadata(DATAGROUP_ASSET)["triggered_at"] == datagroup.triggered_at
