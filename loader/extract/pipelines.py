"""The dlt pipelines a sync loads through: one per configured organization (D144), or one a caller names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt
from dlt.pipeline.pipeline import Pipeline

from loader.config import Config
from loader.extract.shared_dataset import SHARED_PIPELINE_NAME, organization_pipeline_name
from loader.extract.telemetry import telemetry_off_by_default
from loader.raw_contract import RAW_SCHEMA

RAW_DATASET = RAW_SCHEMA
PIPELINE_NAME = SHARED_PIPELINE_NAME  # what tests and benches on one pipeline of several organizations use


def make_pipeline(
    destination: Any,
    pipelines_dir: Path,
    *,
    dataset_name: str = RAW_DATASET,
    pipeline_name: str = PIPELINE_NAME,
) -> Pipeline:
    # Arrow batches (loader.extract.arrow_batches) get the row id and load id dlt's row path gives every
    # row: merges, the replay clean-up (D39) and the models' audit columns rely on them.
    telemetry_off_by_default()
    dlt.config["normalize.parquet_normalizer.add_dlt_id"] = True
    dlt.config["normalize.parquet_normalizer.add_dlt_load_id"] = True
    pipeline: Pipeline = dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=destination,
        dataset_name=dataset_name,
        pipelines_dir=str(pipelines_dir),
    )
    return pipeline


def organization_pipeline(config: Config, destination: Any, organization_id: str) -> Pipeline:
    """The dlt pipeline of one configured organization: its own name and state, the raw dataset (D144)."""
    return make_pipeline(
        destination,
        config.state_dir / "dlt",
        pipeline_name=organization_pipeline_name(organization_id),
    )


def file_format(pipeline: Pipeline) -> Any:
    """The loader file format to extract into for ``pipeline``'s destination (None: dlt's default)."""
    # DuckDB loads parquet several times faster than dlt's default INSERT statements.
    destination = pipeline.destination.destination_name if pipeline.destination else ""
    return "parquet" if destination == "duckdb" else None
