"""The Looker side of the job as Dagster assets downstream of the marts, each a stage of ``ml-connector run``.

- ``lookml_project``: LookML from dbt's manifest, written (into the ``[looker] repo`` checkout on its branch,
  committed and pushed when Looker's API credentials are in the vault; else ``looker/`` beside the config)
  and every field's SQL checked against the warehouse (``ml-connector lookml --check``).
- With ``[looker]`` configured:
  ``looker_validation`` (Looker validates the branch in dev mode; a failure fails the run and nothing
  downstream runs), ``looker_production`` (deploys the commit the validation passed, read from that
  asset's latest materialization, never the branch's head) and ``looker_datagroup`` (resets the datagroup
  so Looker's cache lets go of the rebuilt marts).

The job ``build_and_publish`` runs the marts and everything downstream, as ``ml-connector run`` does after
its sync. Each asset calls the product's own functions; none re-implements a stage.
"""

# No ``from __future__ import annotations``: Dagster reads the ``context`` annotations at definition time.

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final

import dagster as dg

# What define_asset_job returns; dagster does not export the class at its top level.
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from loader.config import Config, LookerConfig
from loader.looker import LookerClient
from loader.vault import LOOKER_RECORD, Vault
from loader.warehouse import Warehouse

LOOKML_ASSET: Final = "lookml_project"
VALIDATION_ASSET: Final = "looker_validation"
PRODUCTION_ASSET: Final = "looker_production"
DATAGROUP_ASSET: Final = "looker_datagroup"
PUBLISH_JOB: Final = "build_and_publish"
GROUP: Final = "looker"


def _open_client(config: Config, vault: Vault) -> LookerClient | None:
    """A Looker API client when ``[looker]`` is configured and its credentials are in the vault."""
    record = vault.get(LOOKER_RECORD)
    if config.looker is None or record is None:
        return None
    return LookerClient.from_vault_record(config.looker.base_url, record)


def _client(config: Config, vault: Vault) -> LookerClient:
    client = _open_client(config, vault)
    if client is None:
        raise dg.Failure(
            "no Looker API credentials in the vault: run `ml-connector auth looker --client-id ID "
            "--client-secret -` where the code location reads its vault"
        )
    return client


def build_looker_assets(
    config: Config, open_vault: Callable[[], Vault], marts: dg.AssetsDefinition
) -> tuple[list[dg.AssetsDefinition], list[UnresolvedAssetJobDefinition]]:
    """The assets downstream of ``marts`` for ``config``, and the job that builds and publishes."""
    lookml_project = _lookml_project(config, open_vault, marts)
    if config.looker is None:
        return [lookml_project], [_publish_job(marts)]
    looker: LookerConfig = config.looker
    validation = _looker_validation(config, looker, open_vault, lookml_project)
    production = _looker_production(config, looker, open_vault, validation)
    datagroup = _looker_datagroup(config, looker, open_vault, production)
    return [lookml_project, validation, production, datagroup], [_publish_job(marts)]


def _lookml_project(
    config: Config, open_vault: Callable[[], Vault], marts: dg.AssetsDefinition
) -> dg.AssetsDefinition:
    @dg.asset(
        name=LOOKML_ASSET,
        deps=[marts],
        group_name=GROUP,
        kinds={"looker"},
        description="LookML from the dbt manifest, written and checked against the warehouse "
        "(ml-connector lookml --check).",
    )
    def lookml_project(context: dg.AssetExecutionContext) -> dg.MaterializeResult[None]:
        from loader.job import manifest_path, warehouse_runner
        from loader.lookml_writer import write_lookml
        from lookml.check import check_lookml

        vault = open_vault()
        # Committed and pushed when Looker will be asked to validate it, as `ml-connector run` does.
        push = config.looker is not None and vault.get(LOOKER_RECORD) is not None
        written = write_lookml(
            config,
            manifest_path(config),
            sync_label=lambda _schema: f"Dagster run {context.run.run_id}",
            push=push,
        )
        runner = warehouse_runner(Warehouse.of(config, vault))
        try:
            checked = check_lookml(written.directory, runner)
        finally:
            runner.close()
        if not checked.ok:
            listed = "\n".join(f"  {failure}" for failure in checked.failures[:20])
            raise dg.Failure(f"fields whose SQL the warehouse refused:\n{listed}")
        generation = written.generation
        commit = written.published.commit if written.published else None
        return dg.MaterializeResult(
            metadata={
                "views": len(generation.views),
                "explores": len(generation.explores),
                "dashboards": len(generation.dashboards),
                "directory": str(written.directory),
                "commit": commit or "",
                "statements_checked": checked.checked,
            }
        )

    return lookml_project


def _looker_validation(
    config: Config, looker: LookerConfig, open_vault: Callable[[], Vault], lookml_project: dg.AssetsDefinition
) -> dg.AssetsDefinition:
    @dg.asset(
        name=VALIDATION_ASSET,
        deps=[lookml_project],
        group_name=GROUP,
        kinds={"looker"},
        description="Looker validates the branch in dev mode (ml-connector looker validate).",
    )
    def looker_validation(context: dg.AssetExecutionContext) -> dg.MaterializeResult[None]:
        from loader.looker import validate

        with _client(config, open_vault()) as client:
            report = validate(client, looker)
        for line in report.lines():
            context.log.info(line)
        if not report.ok:
            raise dg.Failure(
                f"Looker did not accept branch {looker.branch}: nothing is deployed (see the run's log)",
                metadata={"errors": len(report.errors), "ref": report.ref},
            )
        return dg.MaterializeResult(
            metadata={
                "ref": report.ref,
                "branch": report.branch,
                "warnings": len(report.warnings),
                "explores_checked": len(report.explores),
            }
        )

    return looker_validation


def _looker_production(
    config: Config,
    looker: LookerConfig,
    open_vault: Callable[[], Vault],
    looker_validation: dg.AssetsDefinition,
) -> dg.AssetsDefinition:
    @dg.asset(
        name=PRODUCTION_ASSET,
        deps=[looker_validation],
        group_name=GROUP,
        kinds={"looker"},
        description="The validated commit deployed to Looker's production (ml-connector looker deploy).",
    )
    def looker_production(context: dg.AssetExecutionContext) -> dg.MaterializeResult[None]:
        from loader.looker import deploy

        validated = context.instance.get_latest_materialization_event(looker_validation.key)
        ref = _metadata_text(validated, "ref")
        if ref is None:
            raise dg.Failure(f"no validated commit: materialize {VALIDATION_ASSET} first")
        with _client(config, open_vault()) as client:
            result = deploy(client, looker.project, looker.branch, ref)
        return dg.MaterializeResult(
            metadata={"project": result.project, "production_ref": result.production_ref or ""}
        )

    return looker_production


def _looker_datagroup(
    config: Config,
    looker: LookerConfig,
    open_vault: Callable[[], Vault],
    looker_production: dg.AssetsDefinition,
) -> dg.AssetsDefinition:
    @dg.asset(
        name=DATAGROUP_ASSET,
        deps=[looker_production],
        group_name=GROUP,
        kinds={"looker"},
        description="The datagroup reset so Looker serves the rebuilt marts (ml-connector looker refresh).",
    )
    def looker_datagroup(context: dg.AssetExecutionContext) -> dg.MaterializeResult[None]:
        from loader.looker import refresh_datagroup

        # The time of this reset, not a sync's: every organization's sync before it is in the marts built
        # upstream, so whatever Looker cached before now is stale (D154).
        with _client(config, open_vault()) as client:
            reset = refresh_datagroup(client, looker.model, looker.datagroup, datetime.now(UTC))
        return dg.MaterializeResult(
            metadata={"datagroup": f"{reset.model}/{reset.name}", "triggered_at": reset.triggered_at}
        )

    return looker_datagroup


def _publish_job(marts: dg.AssetsDefinition) -> UnresolvedAssetJobDefinition:
    return dg.define_asset_job(PUBLISH_JOB, selection=dg.AssetSelection.assets(marts).downstream())


def _metadata_text(event: dg.EventLogEntry | None, key: str) -> str | None:
    materialization = event.asset_materialization if event is not None else None
    if materialization is None or key not in materialization.metadata:
        return None
    value = materialization.metadata[key].value
    return value if isinstance(value, str) and value else None


__all__ = [
    "DATAGROUP_ASSET",
    "LOOKML_ASSET",
    "PRODUCTION_ASSET",
    "PUBLISH_JOB",
    "VALIDATION_ASSET",
    "build_looker_assets",
]
