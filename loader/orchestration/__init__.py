"""Running the job under an orchestrator: Dagster (``dagster_defs``, the ``dagster`` extra)."""
