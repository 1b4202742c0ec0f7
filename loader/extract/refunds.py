"""Refunds of customer and vendor payments (D135), read with the payment's detail.

Zoho lists them under one payment only, never organization-wide, so they are read for the payments whose
detail the walk fetches anyway, and only for those that show a refund: a customer payment whose
``amount_refunded`` (or its list row's ``bcy_refunded_amount``) is above zero costs one call for its refunds
list and one per refund for the rate (and the bank account where Zoho sends it); a vendor payment's detail
lists its refunds already (``vendorpayment_refunds[]``), and each costs one call for the bank account and the
rate. The refunds are loaded as a nested list of the payment, so a refund deleted or changed in Zoho is
replaced with its payment, as a document's lines are.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableSequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from loader.extract.hints import parse_number
from loader.raw_contract import ORGANIZATION_COLUMN, SOURCE_ID_COLUMN, SYNCED_AT_COLUMN
from loader.zoho.client import MAX_PER_PAGE
from loader.zoho.endpoints import Refunds
from loader.zoho.errors import ZohoApiError, ZohoDailyLimitError, ZohoNotFoundError, ZohoOrganizationError

JsonObject = dict[str, Any]
# What a record the reads could not complete becomes: the walk keeps it unloaded and its watermark still.
MISSING: JsonObject = {"__missing__": True}


class Getter(Protocol):
    """What the reads need of a client: one GET and Zoho's checked envelope (``ZohoBooksClient.get``)."""

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> JsonObject: ...


@dataclass
class RefundReads:
    """What reading the refunds of a batch of payments cost and met."""

    calls: int = 0
    capped: ZohoDailyLimitError | None = None  # the daily cap: the organization stops
    refused: ZohoApiError | None = None  # another refusal: the entity is reported, the payment not loaded


def has_refunds(spec: Refunds, record: Mapping[str, Any]) -> bool:
    """Whether the payment shows a refund: a refunded amount above zero, or refund rows in its detail."""
    if spec.list_path is None:
        return bool(record.get(spec.child))
    for member in spec.refunded_when:
        try:
            amount = parse_number(record.get(member))
        except ValueError:
            amount = None
        if amount is not None and amount > 0:
            return True
    return False


def _path(template: str, record: Mapping[str, Any]) -> str:
    return template.format_map({k: str(v) for k, v in record.items() if not isinstance(v, dict | list)})


def _detail(client: Getter, spec: Refunds, record: Mapping[str, Any], refund_id: str) -> JsonObject:
    """The refund's own answer: documented as a list of one under ``detail_root`` (an object is taken too)."""
    body = client.get(f"{_path(spec.detail_path, record)}/{refund_id}")
    found = body.get(spec.detail_root)
    rows = found if isinstance(found, list) else [found]
    for row in rows:
        if isinstance(row, dict) and str(row.get(spec.id_field, refund_id)) == refund_id:
            return row
    return {}


def _refunds_of(
    client: Getter, spec: Refunds, record: Mapping[str, Any], reads: RefundReads
) -> list[JsonObject]:
    if spec.list_path is None:
        listed = [dict(row) for row in record.get(spec.child) or [] if isinstance(row, dict)]
    else:
        listed = []
        page = 1
        while True:
            reads.calls += 1
            body = client.get(_path(spec.list_path, record), {"page": page, "per_page": MAX_PER_PAGE})
            rows = body.get(spec.list_root)
            listed.extend(dict(row) for row in rows or [] if isinstance(row, dict))
            context = body.get("page_context")
            if not (isinstance(context, dict) and context.get("has_more_page")):
                break
            page += 1
    kept: list[JsonObject] = []
    for row in listed:
        refund_id = str(row.get(spec.id_field))
        reads.calls += 1
        try:
            detail = _detail(client, spec, record, refund_id)
        except ZohoNotFoundError:
            continue  # deleted since it was listed: the payment changed, the next walk reads it again
        row.update({member: detail[member] for member in spec.detail_members if member in detail})
        kept.append(row)
    return kept


def add_refunds(
    client: Getter,
    spec: Refunds,
    records: MutableSequence[JsonObject | None],
    organization_id: str,
    synced_at: datetime,
) -> RefundReads:
    """Complete each payment detail in ``records`` that shows a refund with its refunds (under
    ``spec.child``, each with the audit members); a payment whose refunds could not be read becomes
    ``MISSING``, so it is not loaded without them."""
    reads = RefundReads()
    for index, record in enumerate(records):
        if record is None or record.get("__missing__") or not has_refunds(spec, record):
            continue
        if reads.capped is not None or reads.refused is not None:
            records[index] = dict(MISSING)
            continue
        try:
            refunds = _refunds_of(client, spec, record, reads)
        except ZohoNotFoundError:
            refunds = []  # the payment is gone since its detail was read: the delete scan marks it
        except ZohoDailyLimitError as exc:
            reads.capped = exc
            records[index] = dict(MISSING)
            continue
        except ZohoOrganizationError:
            raise
        except ZohoApiError as exc:
            reads.refused = exc
            records[index] = dict(MISSING)
            continue
        for refund in refunds:
            refund[SYNCED_AT_COLUMN] = synced_at
            refund[ORGANIZATION_COLUMN] = organization_id
            refund[SOURCE_ID_COLUMN] = str(refund.get(spec.id_field, ""))
        record[spec.child] = refunds
    return reads
