"""The raw-table contract: where the sync lands Zoho's records and the audit columns it adds to each row.

Everything downstream reads raw tables through these names: the dbt sources, ``status``, the webhook store,
the warehouse check. This module imports nothing heavy (no dlt, no database driver) so any of them can use it.
"""

from __future__ import annotations

from typing import Final

# The schema (dlt's dataset) holding one table per Zoho entity; dbt's source ``zoho_books_raw`` reads it.
RAW_SCHEMA: Final = "zoho_books_raw"

# Audit columns the sync adds to every raw row.
ORGANIZATION_COLUMN: Final = "_zoho_organization_id"
SOURCE_ID_COLUMN: Final = "_zoho_source_id"
SYNCED_AT_COLUMN: Final = "_synced_at"
IS_DELETED_COLUMN: Final = "_is_deleted"
DELETED_AT_COLUMN: Final = "_deleted_at"
# On the tables of documents Zoho details apart from its list: false where the row is the list row only, its
# detail (line items) not fetched in the sync's detail mode (D90).
DETAIL_FETCHED_COLUMN: Final = "_detail_fetched"

# dlt's own table of finished loads in the raw schema (status 0: loaded).
LOADS_TABLE: Final = "_dlt_loads"
