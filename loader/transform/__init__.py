"""Transformation: the dbt project run in-process on the warehouse, and the ledger's reconciliation."""
