"""A Dagster code location built from ``ml-connector.toml``: one sync partition per Zoho organization.

Point Dagster at this module (``dagster dev -m loader.orchestration.dagster_defs``) with
``ML_CONNECTOR_CONFIG`` naming the configuration; the vault is read beside it, as the CLI reads it.

- ``zoho_books_raw``: the sync, partitioned by ``[[zoho.connections]]`` name. Each partition calls the
  product's own ``run_sync`` restricted to that connection, so the budget, pacing and daily-cap handling
  are the ones ``ml-connector sync --connection NAME`` uses. Adding a connection adds a partition;
  materializing it is the new organization's first (full) sync.
- One asset per dbt model a per-organization build rebuilds (the intermediate and mart models, keyed by
  model name, read from dbt's manifest when the code location loads, D169), partitioned as the sync and
  downstream of it (staging views are not assets): ``build_organizations`` for that organization only (D148),
  as ``ml-connector run --connection NAME`` rebuilds, after which every one of them is reported materialized.
  The sync job materializes the sync and those models, so one organization's run syncs it and rebuilds its
  marts.
- ``dbt_marts``: the full ``dbt build`` of every organization (``ml-connector build``), job ``dbt_build``:
  what a new column or a changed var needs (a per-organization build fails on new columns), and what the
  Looker assets follow. Full and per-organization builds of one PostgreSQL warehouse take turns under its
  build lock (D164): per-organization builds side by side, a full build alone.
- Every run of the sync job carries the tag ``ml_connector/organization`` = the connection, whoever
  launched it (schedule, backfill, the UI), so the run coordinator can allow one run per organization
  (Zoho limits each organization separately); see ``docs/dagster.yaml`` for the limit.
- Each organization syncs under its own dlt pipeline (D144), so runs of different organizations can go at
  once, up to the instance's ``max_concurrent_runs``. That needs the PostgreSQL warehouse: a DuckDB file
  takes one writing process, and the sync refuses to start on DuckDB when the instance allows more than
  one run at once (D146). ``docs/dagster-postgres.yaml`` is the instance for several runs.
- A schedule per the configured ``[schedule] cron`` asks for one run per organization.
"""

# No ``from __future__ import annotations``: Dagster reads the ``context`` annotations at definition time
# and accepts only the class itself, not its name as a string.

import os
from collections.abc import Callable, Iterator, Mapping

try:
    import dagster as dg
except ImportError as exc:  # the module is the extra's entry point; say which install it needs
    raise ImportError(
        "loader.orchestration.dagster_defs needs Dagster: install the extra, "
        "`pip install 'ml-connector[dagster]'` (pinned in requirements.lock)"
    ) from exc

# What define_asset_job returns; dagster does not export the class at its top level.
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from loader.config import Config, load_config
from loader.orchestration.looker_assets import build_looker_assets
from loader.orchestration.webhook_sensor import apply_claim, build_webhook_sensor, claim_of
from loader.vault import Vault
from loader.warehouse import Warehouse

ORGANIZATION_TAG = "ml_connector/organization"
SYNC_ASSET = "zoho_books_raw"
MARTS_ASSET = "dbt_marts"
# The op of the per-model assets of a per-organization build (their keys: the models' names, D169).
ORGANIZATION_MARTS_OP = "dbt_organization_models"
SYNC_JOB = "zoho_books_sync"
BUILD_JOB = "dbt_build"
NIGHTLY_SCHEDULE = "nightly_sync"
GROUP = "ml_connector"


def organization_partitions(config: Config) -> dg.StaticPartitionsDefinition:
    """One partition per configured connection (its name: what ``sync --connection`` takes)."""
    return dg.StaticPartitionsDefinition([c.name for c in config.zoho_connections])


def concurrent_runs_allowed(instance: dg.DagsterInstance) -> int | None:
    """The instance's ``max_concurrent_runs`` (-1: no limit), or None where runs are not queued."""
    queue = instance.get_concurrency_config().run_queue_config
    return None if queue is None else queue.max_concurrent_runs


def refuse_duckdb_with_concurrent_runs(config: Config, instance: dg.DagsterInstance) -> None:
    """Fail before any call to Zoho when two runs could write one DuckDB file at once (D146)."""
    allowed = concurrent_runs_allowed(instance)
    if config.warehouse.destination == "duckdb" and allowed is not None and allowed != 1:
        raise dg.Failure(
            description=(
                f"the warehouse is DuckDB, which takes one writing process, and this Dagster instance runs "
                f"{'any number of' if allowed < 0 else allowed} runs at once: set concurrency.runs."
                "max_concurrent_runs to 1 in $DAGSTER_HOME/dagster.yaml (docs/dagster.yaml), or move the "
                "warehouse to PostgreSQL for several runs (docs/dagster-postgres.yaml)"
            )
        )


def build_definitions(config: Config, env: Mapping[str, str] | None = None) -> dg.Definitions:
    """The code location for ``config``; ``env`` is where the vault key is looked up (default: os.environ)."""
    partitions = organization_partitions(config)

    def open_vault() -> Vault:
        # Opened per run, not at load: a key rotated between runs is picked up without reloading the code.
        return Vault.beside(config.path, env=os.environ if env is None else env)

    sync_organization = _sync_asset(config, open_vault, partitions)
    organization_marts = _organization_marts_asset(config, open_vault, partitions, sync_organization)
    marts = _marts_asset(config, open_vault, sync_organization)
    sync_job = dg.define_asset_job(
        SYNC_JOB,
        selection=[sync_organization, organization_marts],
        # The tag comes from the partition, so every launch of one organization's run carries it.
        config=dg.PartitionedConfig(
            partitions,
            run_config_for_partition_key_fn=lambda _key: {},
            tags_for_partition_key_fn=lambda key: {ORGANIZATION_TAG: key},
        ),
    )
    build_job = dg.define_asset_job(BUILD_JOB, selection=[marts])
    # LookML, Looker validation, deploy and the datagroup reset, downstream of the marts.
    looker_assets, looker_jobs = build_looker_assets(config, open_vault, marts)
    return dg.Definitions(
        assets=[sync_organization, organization_marts, marts, *looker_assets],
        jobs=[sync_job, build_job, *looker_jobs],
        schedules=[_nightly_schedule(config, partitions, sync_job)],
        sensors=_webhook_sensors(config, open_vault, sync_job),
    )


def _sync_asset(
    config: Config, open_vault: Callable[[], Vault], partitions: dg.StaticPartitionsDefinition
) -> dg.AssetsDefinition:
    @dg.asset(
        name=SYNC_ASSET,
        partitions_def=partitions,
        group_name=GROUP,
        kinds={"dlt", "python"},
        description="Zoho Books into zoho_books_raw for one organization (ml-connector sync --connection).",
    )
    def sync_organization(context: dg.AssetExecutionContext) -> dg.MaterializeResult[None]:
        from loader.extract.run import run_sync

        refuse_duckdb_with_concurrent_runs(config, context.instance)
        connection = context.partition_key
        claim = claim_of(context)
        if claim is not None:  # launched by the webhook sensor: just the documents its events name
            return apply_claim(context, config, open_vault(), claim)
        result = run_sync(config, open_vault(), connections=[connection])
        if result.failed:
            # The rest was loaded and stays; the run fails so the schedule and the operator see it.
            raise dg.Failure(
                description="Zoho would not serve: " + "; ".join(result.failed),
                metadata={"rows": result.rows, "api_calls": result.api_calls},
            )
        if not result.complete:
            context.log.warning(
                "stopped at Zoho's daily API cap; the next run continues where this one stopped: "
                + ", ".join(result.incomplete)
            )
        return dg.MaterializeResult(
            metadata={
                "rows": result.rows,
                "api_calls": result.api_calls,
                "complete": result.complete,
                "seconds": round(result.seconds, 3),
            }
        )

    return sync_organization


def _organization_marts_asset(
    config: Config,
    open_vault: Callable[[], Vault],
    partitions: dg.StaticPartitionsDefinition,
    sync_organization: dg.AssetsDefinition,
) -> dg.AssetsDefinition:
    """An asset per model a per-organization build rebuilds, described from dbt's manifest (D169)."""
    from loader.orchestration.dbt_manifest import manifest, organization_models

    models = organization_models(manifest(config.state_dir))
    specs = [
        dg.AssetSpec(
            key=dg.AssetKey(model.name),
            # Staging views are not assets (a per-organization build leaves them alone, D148): a model reading
            # the raw tables through them is downstream of the sync itself.
            deps=[
                *(dg.AssetKey(name) for name in model.models),
                *([sync_organization.key] if model.reads_raw else []),
            ],
            description=model.description or None,
            group_name=GROUP,
            kinds={"dbt"},
            metadata={"dbt/unique_id": model.unique_id, "dbt/schema": model.schema},
        )
        for model in models
    ]

    @dg.multi_asset(
        name=ORGANIZATION_MARTS_OP,
        specs=specs,
        partitions_def=partitions,
        can_subset=False,  # one dbt build rebuilds every model of the organization
        description="The organization's rows of the intermediate and mart models rebuilt: dbt build with var "
        "organizations (ml-connector run --connection NAME).",
    )
    def organization_marts(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult[None]]:
        from loader.transform.dbt_runner import build_organizations, vars_from_config

        # A partition rebuilds its organization's rows only (D148), in a dbt work dir of its own (target/,
        # logs/), so runs of different organizations neither share rows nor dbt's files. The build lock
        # (D164) lets them run side by side and makes the warehouse's first build a full one, once.
        connection = context.partition_key
        result = build_organizations(
            Warehouse(config.warehouse, open_vault()).dbt_target(),
            [config.connection(connection).organization_id],
            dbt_vars=vars_from_config(config),
            work_dir=config.state_dir / "dbt" / "organizations" / connection,
        )
        context.log.info("dbt build passed: %s", result.summary())
        built = {r.unique_id: r for r in result.results}
        for model in models:
            node = built.get(model.unique_id)
            metadata = {} if node is None else {"dbt/status": node.status}
            yield dg.MaterializeResult(asset_key=dg.AssetKey(model.name), metadata=metadata)

    return organization_marts


def _marts_asset(
    config: Config, open_vault: Callable[[], Vault], sync_organization: dg.AssetsDefinition
) -> dg.AssetsDefinition:
    @dg.asset(
        name=MARTS_ASSET,
        deps=[sync_organization],
        group_name=GROUP,
        kinds={"dbt"},
        description="dbt build (models and tests) of every organization on the configured warehouse "
        "(ml-connector build).",
    )
    def marts(context: dg.AssetExecutionContext) -> dg.MaterializeResult[None]:
        from loader.transform.dbt_runner import build_organizations, vars_from_config

        result = build_organizations(
            Warehouse(config.warehouse, open_vault()).dbt_target(),
            None,
            dbt_vars=vars_from_config(config),
            work_dir=config.state_dir / "dbt",
        )
        context.log.info("dbt build passed: %s", result.summary())
        return dg.MaterializeResult(metadata={"seconds": round(result.elapsed_seconds, 3)})

    return marts


def _nightly_schedule(
    config: Config, partitions: dg.StaticPartitionsDefinition, sync_job: UnresolvedAssetJobDefinition
) -> dg.ScheduleDefinition:
    @dg.schedule(name=NIGHTLY_SCHEDULE, cron_schedule=config.schedule.cron, job=sync_job)
    def nightly(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest]:
        # The run key names the tick: a daemon that evaluates one tick twice launches its runs once.
        tick = context.scheduled_execution_time.isoformat()
        for key in partitions.get_partition_keys():
            yield dg.RunRequest(run_key=f"{key}@{tick}", partition_key=key, tags={ORGANIZATION_TAG: key})

    return nightly


def _webhook_sensors(
    config: Config, open_vault: Callable[[], Vault], sync_job: UnresolvedAssetJobDefinition
) -> list[dg.SensorDefinition]:
    """The webhook hand-over needs the events table open to `serve`, the sensor and the runs at once (D152):
    PostgreSQL only."""
    if config.warehouse.destination != "postgres":
        return []
    from loader.service.webhooks.service import open_event_store
    from loader.service.webhooks.store import EventStore

    def open_store() -> EventStore:
        return open_event_store(config, open_vault())

    return [build_webhook_sensor(sync_job, open_store, ORGANIZATION_TAG)]


@dg.definitions
def defs() -> dg.Definitions:
    """What ``dagster dev -m loader.orchestration.dagster_defs`` loads: the config of ML_CONNECTOR_CONFIG."""
    return build_definitions(load_config(None, os.environ))


__all__ = [
    "ORGANIZATION_MARTS_OP",
    "ORGANIZATION_TAG",
    "build_definitions",
    "concurrent_runs_allowed",
    "defs",
    "organization_partitions",
    "refuse_duckdb_with_concurrent_runs",
]
