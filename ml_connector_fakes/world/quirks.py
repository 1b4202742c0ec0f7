"""What makes the books look like real Zoho answers rather than tidy ones: shared modification times,
fields no schema knows, nulls, and custom fields in Zoho's three forms.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ml_connector_fakes.world.amounts import cents
from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.zoho_time import parse_zoho_timestamp


def share_timestamps(books: OrgBooks, rng: random.Random) -> None:
    """Give about 2% of invoices and bills the last_modified_time of a later-created one, to the second:
    incremental syncs must handle equal watermarks (the overlap logic)."""
    for entity in ("invoices", "bills"):
        documents = list(books.records[entity].values())  # in date order
        for index in range(len(documents) - 1):
            if rng.random() < 0.02:
                document = documents[index]
                later = documents[rng.randrange(index + 1, len(documents))]
                shared = later["last_modified_time"]
                if parse_zoho_timestamp(shared) >= parse_zoho_timestamp(document["last_modified_time"]):
                    document["last_modified_time"] = shared
                    if entity == "invoices":
                        document["updated_time"] = shared


def add_schema_drift(books: OrgBooks) -> None:
    """A few records with a field no schema knows, and a few nulls where Zoho may send them."""
    for entity in ("invoices", "bills", "items"):
        for index, record in enumerate(books.records[entity].values()):
            if index % 40 == 7:
                record["cf_legacy_region"] = "north"
            if index % 25 == 3 and "reference_number" in record:
                record["reference_number"] = None


# Custom fields per entity: label, api name, data type. Zoho sends each on the record three ways: a row of
# custom_fields[] (value typed by the field: text, number, boolean, date), cf_<name> (formatted text) and
# cf_<name>_unformatted (the raw value), and on some lists custom_field_hash with both.
CUSTOM_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "invoices": (
        ("PO Reference", "cf_po_reference", "string"),
        ("Delivery Week", "cf_delivery_week", "number"),
        ("Signed Off", "cf_signed_off", "check_box"),
    ),
    "contacts": (
        ("Customer Tier", "cf_customer_tier", "dropdown"),
        ("Credit Score", "cf_credit_score", "decimal"),
        ("Key Account", "cf_key_account", "check_box"),
    ),
    "bills": (
        ("Cost Centre Code", "cf_cost_centre_code", "string"),
        ("Approved On", "cf_approved_on", "date"),
    ),
}
_CUSTOM_FIELD_HASH_ENTITIES = frozenset({"invoices", "contacts"})  # list rows observed to carry the hash


def _custom_value(rng: random.Random, data_type: str, record: Record) -> tuple[object, str]:
    """A field's raw value and its formatted text."""
    if data_type == "number":
        week = rng.randint(1, 52)
        return week, str(week)
    if data_type == "decimal":
        score = cents(Decimal(rng.randint(30_000, 85_000)) / 100)
        return score, f"{score:,.2f}"
    if data_type == "check_box":
        checked = rng.random() < 0.5
        return checked, "true" if checked else "false"
    if data_type == "date":
        day = date.fromisoformat(str(record.get("date") or "2026-01-01")) + timedelta(days=rng.randint(0, 9))
        return day.isoformat(), day.strftime("%d %b %Y")
    if data_type == "dropdown":
        tier = rng.choice(("Gold", "Silver", "Bronze"))
        return tier, tier
    text = f"PO-{rng.randint(10_000, 99_999)}" if data_type == "string" else ""
    return text, text


def add_custom_fields(books: OrgBooks, rng: random.Random) -> None:
    """Custom fields on about one record in five of the entities that define some."""
    org_id = books.organization_id
    for entity, fields in CUSTOM_FIELDS.items():
        for position, record in enumerate(books.records[entity].values()):
            if position % 5 != 1:
                continue
            rows, flat = [], {}
            for index, (label, api_name, data_type) in enumerate(fields, 1):
                value, formatted = _custom_value(rng, data_type, record)
                rows.append(
                    {
                        "customfield_id": f"{org_id}00009{len(entity):02d}{index}",
                        "index": index,
                        "label": label,
                        "api_name": api_name,
                        "data_type": data_type,
                        "value": value,
                        "value_formatted": formatted,
                    }
                )
                flat.update({api_name: formatted, f"{api_name}_unformatted": value})
            record["custom_fields"] = rows
            record.update(flat)
            if entity in _CUSTOM_FIELD_HASH_ENTITIES:
                record["custom_field_hash"] = dict(flat)
