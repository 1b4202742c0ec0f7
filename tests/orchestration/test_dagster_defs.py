"""The Dagster code location against the sandbox: a partition per connection, one organization's run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml  # type: ignore[import-untyped]

from loader.demo import DemoWorld, demo_world
from loader.orchestration import dagster_defs, dbt_manifest
from loader.orchestration.dagster_defs import (
    BUILD_JOB,
    MARTS_ASSET,
    NIGHTLY_SCHEDULE,
    ORGANIZATION_MARTS_OP,
    ORGANIZATION_TAG,
    SYNC_ASSET,
    SYNC_JOB,
    build_definitions,
)
from loader.transform.dbt_runner import PROJECT_DIR

DOCS_DAGSTER_YAML = Path(__file__).resolve().parents[2] / "docs" / "dagster.yaml"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWorld]:
    with demo_world(tmp_path_factory.mktemp("dagster") / "world", invoices_per_org=3) as running:
        yield running


def connection_names(world: DemoWorld) -> list[str]:
    return sorted(c.name for c in world.config.zoho_connections)


def test_a_partition_per_connection_and_a_nightly_run_per_organization(world: DemoWorld) -> None:
    defs = build_definitions(world.config, env={})
    names = connection_names(world)
    assert len(names) > 1  # the point: the sandbox has several organizations to split

    job = defs.resolve_job_def(SYNC_JOB)
    assert job.partitions_def is not None
    assert sorted(job.partitions_def.get_partition_keys()) == names
    for name in names:
        assert job.get_tags_for_partition_key(name, None)[ORGANIZATION_TAG] == name

    schedule = defs.resolve_schedule_def(NIGHTLY_SCHEDULE)
    assert schedule.cron_schedule == world.config.schedule.cron
    with dg.DagsterInstance.ephemeral() as instance:
        tick = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=tick, repository_def=defs.get_repository_def()
        )
        requests = schedule.evaluate_tick(context).run_requests or []
    assert sorted(r.partition_key or "" for r in requests) == names
    assert all(r.tags[ORGANIZATION_TAG] == r.partition_key for r in requests)
    assert {r.run_key for r in requests} == {f"{name}@{tick.isoformat()}" for name in names}


def test_the_module_loads_the_config_named_by_the_environment(
    world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ML_CONNECTOR_CONFIG", str(world.config.path))
    defs = dagster_defs.defs()
    assert isinstance(defs, dg.Definitions)
    partitions = defs.resolve_job_def(SYNC_JOB).partitions_def
    assert partitions is not None
    assert sorted(partitions.get_partition_keys()) == connection_names(world)


def test_dagster_loads_the_module_on_an_instance_with_the_documented_concurrency_limits(
    world: DemoWorld, tmp_path: Path
) -> None:
    # What `dagster dev -m loader.orchestration.dagster_defs` does first, with docs/dagster.yaml as the
    # instance's configuration: a limit Dagster does not accept fails the instance, so the file is checked.
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DOCS_DAGSTER_YAML, home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home), "ML_CONNECTOR_CONFIG": str(world.config.path)}
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-m", dagster_defs.__name__],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Validation successful for code location loader.orchestration.dagster_defs" in done.stdout


def organizations_in(warehouse: Path, table: str) -> set[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(f"select distinct _zoho_organization_id from {table}").fetchall()
    finally:
        con.close()
    return {str(r[0]) for r in rows}


def organization_model_keys(defs: dg.Definitions) -> set[dg.AssetKey]:
    return set(defs.resolve_assets_def(dg.AssetKey("fct_invoices")).keys)


def test_the_dbt_models_a_per_organization_build_rebuilds_are_assets_from_the_manifest(
    world: DemoWorld,
) -> None:
    defs = build_definitions(world.config, env={})
    sync = dg.AssetKey(SYNC_ASSET)
    models = defs.resolve_assets_def(dg.AssetKey("fct_invoices"))
    keys = set(models.keys)
    # The intermediate and mart models (what `dbt build --select intermediate marts` rebuilds), by name.
    assert {dg.AssetKey(n) for n in ("int_gl_entries_unioned", "fct_invoices", "rpt_trial_balance")} <= keys
    assert len(keys) == 46  # dbt ls --select intermediate marts --resource-type model
    assert all(key.path[0].startswith(("int_", "fct_", "dim_", "rpt_")) for key in keys)
    # Staging views are not assets: a per-organization build leaves them alone (D148).
    graph = defs.resolve_asset_graph()
    assert not [key for key in graph.get_all_asset_keys() if key.path[-1].startswith("stg_")]
    # One op, partitioned as the sync; the models reading raw tables hang off the sync, the others off models.
    assert models.partitions_def is not None
    assert sorted(models.partitions_def.get_partition_keys()) == connection_names(world)
    assert sync in graph.get(dg.AssetKey("int_gl_entries__invoices")).parent_keys
    assert dg.AssetKey("int_gl_entries_unioned") in graph.get(dg.AssetKey("fct_general_ledger")).parent_keys
    for key in keys:  # every model reads the sync's tables or other models of the build, nothing else
        assert graph.get(key).parent_keys <= {sync, *keys}
        assert graph.get(key).parent_keys
    # The sync job runs the sync and those models; the full build stays its own asset.
    sync_job = defs.resolve_job_def(SYNC_JOB)
    assert set(sync_job.asset_layer.executable_asset_keys) == {sync, *keys}
    assert models.node_def.name == ORGANIZATION_MARTS_OP


def test_the_manifest_is_parsed_once_per_version_of_the_dbt_project(tmp_path: Path) -> None:
    cache = tmp_path / "dbt" / "manifests"
    first = dbt_manifest.manifest(tmp_path)
    (cached,) = cache.glob("*.json")
    assert cached.name == f"{dbt_manifest.project_fingerprint()}.json"
    assert "model.ml_connector.fct_invoices" in first["nodes"]
    assert dbt_manifest.manifest(tmp_path) == first  # read from the cache: no second file, no parse dir left
    assert [p.name for p in cache.iterdir()] == [cached.name]
    # Another version of the project (a changed model) is another fingerprint, hence a parse of its own.
    project = tmp_path / "project"
    shutil.copytree(PROJECT_DIR / "dbt_project", project / "dbt_project")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    before = dbt_manifest.project_fingerprint(project)
    assert before == dbt_manifest.project_fingerprint()
    model = project / "dbt_project" / "models" / "marts" / "finance" / "fct_invoices.sql"
    model.write_text(model.read_text() + "\n-- changed\n")
    assert dbt_manifest.project_fingerprint(project) != before


@pytest.mark.slow
def test_one_organizations_partition_loads_that_organization_only_and_the_marts_build_on_it(
    world: DemoWorld,
) -> None:
    first = world.config.zoho_connections[0]
    defs = build_definitions(world.config, env={})
    warehouse = world.config.warehouse.path
    assert warehouse is not None
    with dg.DagsterInstance.ephemeral() as instance:
        sync_job = defs.resolve_job_def(SYNC_JOB)
        result = sync_job.execute_in_process(instance=instance, partition_key=first.name)
        assert result.success
        assert result.dagster_run.tags[ORGANIZATION_TAG] == first.name
        (materialization,) = result.asset_materializations_for_node(SYNC_ASSET)
        assert materialization.partition == first.name
        assert materialization.metadata["complete"].value is True
        assert isinstance(materialization.metadata["rows"].value, int)
        assert materialization.metadata["rows"].value > 0
        assert organizations_in(warehouse, "zoho_books_raw.invoices") == {first.organization_id}

        # The same run rebuilt that organization's marts, downstream of its sync: the warehouse's first build,
        # so a full one (dbt build, models and tests), on what that one organization loaded.
        # Every model of the manifest's selection is reported, for that partition.
        models = result.asset_materializations_for_node(ORGANIZATION_MARTS_OP)
        assert {m.asset_key for m in models} == organization_model_keys(defs)
        assert {m.partition for m in models} == {first.name}
        for key in (dg.AssetKey("fct_invoices"), dg.AssetKey("rpt_trial_balance")):
            assert instance.get_materialized_partitions(key) == {first.name}
    assert organizations_in(warehouse, "zoho_books.fct_invoices") == {first.organization_id}
    # The full build of every organization stays a job of its own, unpartitioned (ml-connector build).
    build_job = defs.resolve_job_def(BUILD_JOB)
    assert build_job.partitions_def is None
    assert {key.to_user_string() for key in build_job.asset_layer.executable_asset_keys} == {MARTS_ASSET}


@pytest.mark.parametrize(
    ("instance_config", "allowed"),
    [({"concurrency": {"runs": {"max_concurrent_runs": 4}}}, 4), ({}, 10)],  # Dagster's default: 10
)
def test_the_sync_refuses_duckdb_on_an_instance_running_several_runs_at_once(
    world: DemoWorld, instance_config: dict[str, object], allowed: int
) -> None:
    assert world.config.warehouse.destination == "duckdb"
    defs = build_definitions(world.config, env={})
    first = world.config.zoho_connections[0]
    world.sandbox.reset_stats()
    with dg.instance_for_test(overrides=instance_config) as instance:
        assert dagster_defs.concurrent_runs_allowed(instance) == allowed
        result = defs.resolve_job_def(SYNC_JOB).execute_in_process(
            instance=instance, partition_key=first.name, raise_on_error=False
        )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_failure_data is not None
    message = failure.step_failure_data.user_failure_data.description or ""  # type: ignore[union-attr]
    assert f"this Dagster instance runs {allowed} runs at once" in message
    assert "docs/dagster-postgres.yaml" in message
    assert world.sandbox.stats()["calls"] == {}  # refused before any call to Zoho


def test_the_documented_single_run_instance_lets_the_duckdb_sync_run(world: DemoWorld) -> None:
    with dg.instance_for_test(overrides=yaml.safe_load(DOCS_DAGSTER_YAML.read_text())) as instance:
        assert dagster_defs.concurrent_runs_allowed(instance) == 1
        dagster_defs.refuse_duckdb_with_concurrent_runs(world.config, instance)  # no Failure raised
