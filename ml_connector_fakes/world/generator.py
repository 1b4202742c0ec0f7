"""The sandbox's deterministic data set: three organizations (US, EU, IN) of Zoho Books records.

``generate_dataset(seed, ...)`` always returns byte-identical records for the same arguments: every random
choice comes from ``random.Random`` seeded per organization, and no value depends on the wall clock.
Records are the sandbox's internal records, richer than Zoho's answers (base-currency twins, applications
in one shape) because its ledger needs them; ``ml_connector_fakes.zoho.wire`` turns them into Zoho's list
rows and details. Money is ``Decimal``; document arithmetic lives in ``amounts.py``, postings
in ``ledger.py``.

This module only runs the steps, in order. The pieces live by job: ``reference_data.py`` and
``reference_records.py`` (the organizations, chart, taxes, currencies), ``parties.py``, ``documents.py``,
``payments.py`` and ``expenses_journals.py`` (the builders ``ml_connector_fakes.zoho.mutations`` reuses),
``plan.py`` (the year's documents), ``quirks.py`` (what makes the books look real), and one module per later
addition (refunds, retainers, banking...), each drawing from a random source of its own.
"""

from __future__ import annotations

import gc
import random
from datetime import date

from ml_connector_fakes.world.advances import add_customer_advances
from ml_connector_fakes.world.banking import add_banking
from ml_connector_fakes.world.context import Context, sequential_ids
from ml_connector_fakes.world.dataset import Dataset, OAuthClient, OrgBooks
from ml_connector_fakes.world.debit_notes import add_debit_notes
from ml_connector_fakes.world.discounts import name_discount_accounts
from ml_connector_fakes.world.fixed_assets import add_fixed_asset_postings
from ml_connector_fakes.world.inclusive_tax import price_some_documents_tax_inclusive
from ml_connector_fakes.world.inventory import add_inventory_adjustments
from ml_connector_fakes.world.ledger import rebuild_account_transactions
from ml_connector_fakes.world.parties import refresh_contact_balances
from ml_connector_fakes.world.payment_refunds import add_payment_refunds, add_vendor_payment_refunds
from ml_connector_fakes.world.plan import (
    Plan,
    add_bills_and_vendor_payments,
    add_contacts_and_items,
    add_credit_notes,
    add_expenses_and_journals,
    add_invoices_and_payments,
    add_other_purchase_documents,
    plan_start,
)
from ml_connector_fakes.world.quirks import add_custom_fields, add_schema_drift, share_timestamps
from ml_connector_fakes.world.reference_data import CLIENT_ID, CLIENT_SECRET, ORG_PROFILES, OrgProfile
from ml_connector_fakes.world.reference_records import reference_books
from ml_connector_fakes.world.refunds import add_refunds
from ml_connector_fakes.world.retainers import add_retainers
from ml_connector_fakes.world.sales_receipts import add_sales_receipts
from ml_connector_fakes.world.tds import withhold_tds
from ml_connector_fakes.world.vendor_tds import withhold_tds_on_bills, withhold_vendor_tds
from ml_connector_fakes.world.writeoffs import write_off_invoices


def _generate_org(
    profile: OrgProfile, seed: int, invoices_per_org: int, period_end: date, months: int
) -> OrgBooks:
    """One organization's books. The order of the steps is part of the data set: the plan's steps draw from
    one random source, so moving one changes every record after it."""
    rng = random.Random(f"{seed}:{profile.organization_id}")
    new_id = sequential_ids(profile.organization_id)
    plan = Plan(invoices_per_org, plan_start(period_end, months), period_end)
    books = reference_books(profile, rng, plan, new_id)
    ctx = Context.from_books(books, rng, new_id, period_end)
    add_contacts_and_items(ctx, plan, profile)
    add_invoices_and_payments(ctx, plan)
    name_discount_accounts(ctx)
    withhold_tds(ctx)
    add_customer_advances(ctx, plan.period_start, plan.period_end)
    add_credit_notes(ctx, plan)
    write_off_invoices(ctx, plan.period_end)
    add_bills_and_vendor_payments(ctx, plan)
    withhold_vendor_tds(ctx)
    withhold_tds_on_bills(ctx)
    add_other_purchase_documents(ctx, plan)
    add_expenses_and_journals(ctx, plan)
    add_refunds(ctx, f"{seed}:{profile.organization_id}")
    add_payment_refunds(ctx, f"{seed}:{profile.organization_id}")
    add_vendor_payment_refunds(ctx, f"{seed}:{profile.organization_id}")
    days = (plan.period_end - plan.period_start).days + 1
    add_sales_receipts(ctx, f"{seed}:{profile.organization_id}", days)
    price_some_documents_tax_inclusive(ctx)
    refresh_contact_balances(books)
    share_timestamps(books, rng)
    add_schema_drift(books)
    add_custom_fields(books, rng)
    add_banking(ctx, seed, plan.period_start, plan.period_end)
    add_retainers(ctx, f"{seed}:{profile.organization_id}", plan.period_start, plan.period_end)
    add_debit_notes(ctx, f"{seed}:{profile.organization_id}", plan.period_end)
    refresh_contact_balances(books)  # the debit notes are open receivables too
    add_fixed_asset_postings(ctx, plan.period_start, plan.period_end)
    add_inventory_adjustments(ctx, plan.period_start, plan.period_end)
    rebuild_account_transactions(books)
    return books


def generate_dataset(
    seed: int = 42, invoices_per_org: int = 60, period_end: date = date(2026, 10, 31), months: int = 12
) -> Dataset:
    """Three organizations (US/USD, EU/EUR, IN/INR) with ``months`` months of books ending ``period_end``."""
    if invoices_per_org < 1 or months < 1:
        raise ValueError("invoices_per_org and months must be at least 1")
    # Millions of fresh dicts and no cycles: the cyclic collector would only rescan them over and over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        orgs = {
            p.organization_id: _generate_org(p, seed, invoices_per_org, period_end, months)
            for p in ORG_PROFILES
        }
    finally:
        if collecting:
            gc.enable()
    return Dataset(
        orgs=orgs,
        oauth_clients=[OAuthClient(CLIENT_ID, CLIENT_SECRET)],
        refresh_tokens={f"1000.sandbox-refresh-{p.region}": (CLIENT_ID, p.region) for p in ORG_PROFILES},
    )
