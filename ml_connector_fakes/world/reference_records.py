"""One organization's reference records, built from ``reference_data.py``: the organization row, the chart
of accounts, taxes (and India's GST groups), currencies with their rate history.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from ml_connector_fakes.world.amounts import ONE, ZERO, rate6
from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.plan import Plan
from ml_connector_fakes.world.reference_data import (
    CHART,
    CONFIGURED_ACCOUNT_NAMES,
    CURRENCY_META,
    GST_ACCOUNTS,
    INACTIVE_ACCOUNTS,
    SYSTEM_ACCOUNTS,
    USD_VALUE,
    OrgProfile,
)
from ml_connector_fakes.world.zoho_time import local_timestamp


def _organization_row(profile: OrgProfile, period_start: date) -> Record:
    """The row ``GET /organizations`` returns. Long because it is one record written out member by member,
    as Zoho sends it: split, its members would be harder to check against the documents."""
    _, symbol, currency_format = CURRENCY_META[profile.currency_code]
    return {
        "organization_id": profile.organization_id,
        "name": profile.name,
        "contact_name": "Sandbox Admin",
        "email": f"books-admin@{profile.region}.sandbox.example",
        "is_default_org": profile.region == "us",
        "plan_type": 1,
        "plan_name": profile.plan_name,
        "plan_period": "yearly",
        "tax_group_enabled": True,
        "language_code": profile.language_code,
        "fiscal_year_start_month": profile.fiscal_year_start_month,
        "account_created_date": (period_start - timedelta(days=400)).isoformat(),
        "account_created_date_formatted": (period_start - timedelta(days=400)).strftime("%d %b %Y"),
        "time_zone": profile.time_zone,
        "time_zone_formatted": profile.time_zone,
        "is_org_active": True,
        "isOrgActive": True,
        "isOrgNotSupported": False,
        "currency_id": f"{profile.organization_id}0000001",  # matches the base currency record
        "currency_code": profile.currency_code,
        "currency_symbol": symbol,
        "currency_format": currency_format,
        "price_precision": 2,
        "field_separator": ",",
        "country": profile.country,
        "country_code": profile.country_code,
        "state": profile.state,
        "state_code": "",
        "phone": "",
        "mode": "production",
        "version": "global",
        "version_formatted": "Global",
        "org_type": "books",
        "org_action": "",
        "org_settings": True,
        "org_created_app_source": 0,
        "org_joined_app_list": [],
        "AppList": ["books"],
        "source": 0,
        "sales_tax_type": "vat" if profile.region != "us" else "sales_tax",
        "is_registered_for_tax": True,
        "is_tax_registered": True,
        "is_gst_india_version": profile.region == "in",
        "is_registered_for_gst": profile.region == "in",
        "is_registered_for_composite_scheme": False,
        "is_hsn_or_sac_enabled": profile.region == "in",
        "is_international_trade_enabled": True,
        "is_invoice_pmt_tds_allowed": False,
        "is_sales_inclusive_tax_enabled": False,
        "is_sales_reverse_charge_enabled": False,
        "is_designated_zone": False,
        "is_free_zone": False,
        "is_dsign_required": False,
        "is_user_dsign_mandatory": False,
        "digital_signature_mode": "",
        "can_change_timezone": True,
        "can_show_document_tab": True,
        "can_sign_invoice": False,
        "custom_field_type": 0,
        "custom_fields": [],
        "is_export_with_payment_enabled": False,
        "is_quick_setup_completed": True,
        "is_scan_preference_enabled": False,
        "is_search360_enabled": "false",  # a string in Zoho's own responses
        "is_sku_enabled": True,
        "is_solo_org": False,
        "is_trial_expired": False,
        "is_trial_period_extended": False,
        "is_user_accountant": False,
        "is_ziedition": False,
        "is_zpayroll_grid": False,
        "partners_domain": "",
        "user_status": 1,
        "user_status_formatted": "Active",
        "zi_zb_client": 0,
        "zi_zb_edition": 0,
        "zoho_one_org": "false",
    }


def _chart_of_accounts(
    ctx_ids: Callable[[], str],
    base: Record,
    created: str,
    names: dict[str, str],
    rows: tuple[tuple[str, str, str, str], ...] = CHART,
) -> dict[str, Record]:
    accounts: dict[str, Record] = {}
    by_name: dict[str, Record] = {}
    for name, code, account_type, parent_name in rows:
        parent = by_name.get(parent_name)
        account = {
            "account_id": ctx_ids(),
            "account_name": names.get(name, name),
            "chart_key": name,  # internal: how the sandbox finds the account whatever its display name
            "account_code": code,
            "account_type": account_type,
            "account_type_formatted": account_type.replace("_", " ").title(),
            "description": "",
            "is_active": name not in INACTIVE_ACCOUNTS,
            "is_user_created": name not in SYSTEM_ACCOUNTS,
            "is_system_account": name in SYSTEM_ACCOUNTS,
            "parent_account_id": parent["account_id"] if parent else "",
            "parent_account_name": parent["account_name"] if parent else "",
            "depth": 1 if parent else 0,
            "has_attachment": False,
            "currency_id": base["currency_id"],
            "currency_code": base["currency_code"],
            "current_balance": ZERO,
            "created_time": created,
            "last_modified_time": created,
        }
        accounts[account["account_id"]] = account
        by_name[name] = account
    return accounts


def _tax(tax_id: str, name: str, percentage: Decimal, created: str, **members: object) -> Record:
    record: Record = {
        "tax_id": tax_id,
        "tax_name": name,
        "tax_percentage": percentage,
        "tax_type": "tax",
        "tax_specific_type": "",
        "tax_specification": "",
        "is_default_tax": False,
        "is_editable": True,
        "is_inactive": False,
        "status": "active",
        "start_date": "",
        "end_date": "",
        "diff_rate_reason": "",
        "last_modified_time": created,
    }
    record.update(members)
    return record


def _posting_accounts(sales: Record, purchase: Record, *, documented: bool) -> Record:
    """Where a tax posts: internal members the ledger reads, and (``documented``) the members Zoho's
    documents give a tax (``tax_account_id``... "Mexico edition only"; the US and EUR organizations send
    them, the Indian one does not, so a reader learns its tax accounts from Zoho's ledger)."""
    members: Record = {
        "posting_account_id": sales["account_id"],
        "purchase_posting_account_id": purchase["account_id"],
    }
    if documented:
        members.update(
            tax_account_id=sales["account_id"],
            output_tax_account_name=sales["account_name"],
            purchase_tax_account_id=purchase["account_id"],
            purchase_tax_account_name=purchase["account_name"],
        )
    return members


def _taxes(
    profile: OrgProfile, new_id: Callable[[], str], accounts: dict[str, Record], created: str
) -> dict[str, Record]:
    by_key = {a["chart_key"]: a for a in accounts.values()}
    if profile.region == "in":
        return _gst_taxes(profile, new_id, by_key, created)
    taxes: dict[str, Record] = {}
    posting = _posting_accounts(by_key["Tax Payable"], by_key["Input Tax Credits"], documented=True)
    for index, (name, percentage) in enumerate(profile.taxes):
        tax_id = new_id()
        taxes[tax_id] = _tax(tax_id, name, percentage, created, is_default_tax=index == 0, **posting)
    return taxes


def _gst_taxes(
    profile: OrgProfile, new_id: Callable[[], str], by_key: dict[str, Record], created: str
) -> dict[str, Record]:
    """Indian GST: each intra-state rate is a tax group (GST18) of a central and a state component (CGST9 +
    SGST9), each posting to its own accounts; inter-state supplies take IGST, a plain tax."""
    taxes: dict[str, Record] = {}
    for index, (group_name, percentage) in enumerate(profile.taxes):
        half = percentage / 2
        label = format(half.normalize(), "f")
        component_ids = []
        for kind in ("CGST", "SGST"):
            posting = _posting_accounts(by_key[f"Output {kind}"], by_key[f"Input {kind}"], documented=False)
            tax_id = new_id()
            component = _tax(
                tax_id, f"{kind}{label}", half, created, tax_specific_type=kind.lower(), **posting
            )
            taxes[tax_id] = {**component, "is_group_component": True}  # internal, like "components"
            component_ids.append(tax_id)
        group_id = new_id()
        taxes[group_id] = _tax(
            group_id, group_name, percentage, created, tax_type="tax_group", is_default_tax=index == 0,
            components=component_ids,
        )  # fmt: skip
    posting = _posting_accounts(by_key["Output IGST"], by_key["Input IGST"], documented=False)
    igst_id = new_id()
    taxes[igst_id] = _tax(igst_id, "IGST18", Decimal(18), created, tax_specific_type="igst", **posting)
    return taxes


def _currencies(
    profile: OrgProfile, rng: random.Random, period_start: date, period_end: date
) -> tuple[dict[str, Record], dict[str, list[Record]]]:
    """Base plus USD, EUR, GBP and INR; a weekly random walk of each foreign rate (base per foreign unit)."""
    records: dict[str, Record] = {}
    histories: dict[str, list[Record]] = {}
    codes = [profile.currency_code] + [c for c in USD_VALUE if c != profile.currency_code]
    first_week = period_start - timedelta(days=7)
    weeks = (period_end - first_week).days // 7 + 1
    for index, code in enumerate(codes):
        currency_id = f"{profile.organization_id}{index + 1:07d}"
        name, symbol, currency_format = CURRENCY_META[code]
        record: Record = {
            "currency_id": currency_id,
            "currency_code": code,
            "currency_name": f"{code}- {name}",
            "currency_symbol": symbol,
            "price_precision": 2,
            "currency_format": currency_format,
            "is_base_currency": code == profile.currency_code,
            "exchange_rate": ONE,
            "effective_date": "",
        }
        if code != profile.currency_code:
            rate = rate6(USD_VALUE[code] / USD_VALUE[profile.currency_code])
            rows = []
            for week in range(weeks):
                # ±0.8% a week in 0.01% steps: integer randomness keeps floats out of the money.
                rate = rate6(rate * (1 + Decimal(rng.randint(-80, 80)) / 10_000))
                effective = first_week + timedelta(days=7 * week)
                rows.append(
                    {
                        "exchange_rate_id": f"{currency_id}{week + 1:04d}",
                        "currency_id": currency_id,
                        "currency_code": code,
                        "effective_date": effective.isoformat(),
                        "rate": rate,
                    }
                )
            histories[currency_id] = rows
            record["exchange_rate"] = rows[-1]["rate"]
            record["effective_date"] = rows[-1]["effective_date"]
        records[currency_id] = record
    return records, histories


def reference_books(
    profile: OrgProfile, rng: random.Random, plan: Plan, new_id: Callable[[], str]
) -> OrgBooks:
    set_up = plan.period_start - timedelta(days=30)
    created = local_timestamp(set_up, 9 * 3600, profile.time_zone)
    books = OrgBooks(
        organization=_organization_row(profile, plan.period_start),
        region=profile.region,
        daily_limit=profile.daily_limit,
    )
    currencies, histories = _currencies(profile, rng, plan.period_start, plan.period_end)
    base = next(c for c in currencies.values() if c["is_base_currency"])
    rows = CHART + (GST_ACCOUNTS if profile.region == "in" else ())
    accounts = _chart_of_accounts(
        new_id, base, created, CONFIGURED_ACCOUNT_NAMES.get(profile.region, {}), rows
    )
    books.records = {
        "chartofaccounts": accounts,
        "taxes": _taxes(profile, new_id, accounts, created),
        "currencies": currencies,
        "contacts": {},
        "items": {},
    }
    books.exchange_rates = histories
    return books
