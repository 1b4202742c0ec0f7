"""The documents phase's small reads: the organization itself, its currencies with their rate history, and
the one-object endpoints (the opening balance). Each returns the generator a dlt resource runs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import dlt

from loader.extract.extraction import Extraction, JsonObject, Touched, document_date, entity_state, org_state
from loader.zoho.endpoints import Endpoint
from loader.zoho.errors import ZohoApiError, ZohoDailyLimitError, ZohoNotFoundError

Rows = Callable[[], Iterator[Any]]


def organization(ext: Extraction, endpoint: Endpoint) -> Rows:
    org = ext.org

    def rows() -> Iterator[list[JsonObject]]:
        if org.stopped:
            org.progress(endpoint.name).complete = False
            return
        try:
            listed = org.client.list_organizations()
        except ZohoDailyLimitError as exc:
            org.stop(exc)
            org.progress(endpoint.name).complete = False
            return
        except ZohoApiError as exc:
            ext.not_read(endpoint, exc)
            return
        mine = [r for r in listed if str(r.get("organization_id")) == org.organization_id]
        org.progress(endpoint.name).rows += len(mine)
        ext.reported(endpoint.name)
        yield [ext.typed(endpoint, r) for r in mine]

    return rows


def single(ext: Extraction, endpoint: Endpoint) -> Rows:
    """One object per organization (the opening balance), read whole every sync: one call, loaded (and the
    ledger's next window reaching back to its date) only when the answer differs from the last one. An
    organization without one (Zoho answers not found, or no object under the root) has none; a stored one is
    then marked deleted, as is a stored one under another id."""
    org = ext.org

    def rows() -> Iterator[Any]:
        progress = org.progress(endpoint.name)
        if org.stopped:
            progress.complete = False
            return
        try:
            body = org.client.get(endpoint.path)
        except ZohoDailyLimitError as exc:
            org.stop(exc)
            progress.complete = False
            return
        except ZohoNotFoundError:
            body = {}
        except ZohoApiError as exc:
            ext.not_read(endpoint, exc)
            return
        found = body.get(endpoint.detail_root)
        record = found if isinstance(found, dict) and found.get(endpoint.id_field) else None
        changed = _compare_single(ext, endpoint, record)
        ext.reported(endpoint.name)
        if record and changed:
            yield [ext.typed(endpoint, record)]
        elif not record:
            # None to load: the raw table still gets its declared columns, so the models over it build.
            yield dlt.mark.materialize_table_schema()

    return rows


def _compare_single(ext: Extraction, endpoint: Endpoint, record: JsonObject | None) -> bool:
    """Whether the object changed since the last read; queues a stored one that is gone as deleted."""
    progress = ext.org.progress(endpoint.name)
    current = {str(record[endpoint.id_field])} if record else set()
    held = ext.live_ids.ids(endpoint.name, ext.organization_id)
    gone = held - current
    progress.deletions += ext.mark_deleted(endpoint.name, sorted(gone))
    # The object carries no change time: its whole answer is its version, kept in state.
    state = entity_state(ext.organization_id, endpoint.name)
    version = hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()
    changed = bool(current) and (
        ext.options.full_refresh or state.get("version") != version or not current <= held
    )
    state["version"] = version
    if changed:
        progress.rows += len(current)
    if endpoint.posts and (changed or gone):
        # Its ledger lines move with it: the next ledger read reaches back to its date (D61).
        touched = Touched(ids=(current if changed else set()) | gone)
        touched.date(document_date(record) if record else None)
        ext.touch(touched)
    return changed


def currencies(ext: Extraction, endpoint: Endpoint) -> Rows:
    org = ext.org

    def rows() -> Iterator[list[JsonObject]]:
        progress = org.progress(endpoint.name)
        if org.stopped:
            progress.complete = False
            return
        try:
            listed = list(org.client.iter_records(endpoint.path, endpoint.list_root, endpoint.id_field))
        except ZohoDailyLimitError as exc:
            org.stop(exc)
            progress.complete = False
            return
        except ZohoApiError as exc:
            ext.not_read(endpoint, exc)
            return
        progress.rows += len(listed)
        ext.reported(endpoint.name)
        yield [ext.typed(endpoint, r) for r in listed]

    return rows


def exchange_rates(ext: Extraction, endpoint: Endpoint) -> Callable[[list[JsonObject]], list[JsonObject]]:
    """The transformer over the currencies: each foreign currency's rates since the last one read."""
    org = ext.org

    def rates(currencies: list[JsonObject]) -> list[JsonObject]:
        progress = org.progress(endpoint.name)
        since: dict[str, str] = org_state(org.organization_id).setdefault("rates_from", {})
        out: list[JsonObject] = []
        for currency in currencies:
            currency_id = str(currency.get("currency_id"))
            if currency.get("is_base_currency") or org.stopped:
                progress.complete = progress.complete and not org.stopped
                continue
            params = (
                {}
                if ext.options.full_refresh or currency_id not in since
                else {"from_date": since[currency_id]}
            )
            path = endpoint.path.format(currency_id=currency_id)
            try:
                listed = list(org.client.iter_records(path, endpoint.list_root, endpoint.id_field, params))
            except ZohoDailyLimitError as exc:
                org.stop(exc)
                progress.complete = False
                continue
            except ZohoNotFoundError:
                continue
            except ZohoApiError as exc:
                ext.not_read(endpoint, exc)
                break
            typed = [ext.typed(endpoint, r) for r in listed]
            days = [r["effective_date"] for r in typed if isinstance(r.get("effective_date"), date)]
            if days:
                # Inclusive next time: a rate added later on the same day is still picked up (merge dedups).
                since[currency_id] = max(
                    [*days, date.fromisoformat(since.get(currency_id, "0001-01-01"))]
                ).isoformat()
            out.extend(typed)
        progress.rows += len(out)
        ext.reported(endpoint.name)
        return out

    return rates
