"""dbt build on PostgreSQL over the sandbox data set (generator → raw_loader (dlt) → dbt; see conftest)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import psycopg2
import pytest

from tests.dbt import checks
from tests.dbt.conftest import Built


@pytest.fixture(scope="module")
def query(postgres_built: Built) -> Iterator[checks.Query]:
    con = psycopg2.connect(
        host="127.0.0.1", port=5432, user="postgres", dbname=postgres_built.target.database
    )

    def run(sql: str) -> Sequence[tuple[Any, ...]]:
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()

    yield run
    con.close()


def test_build_is_green_with_unit_tests(postgres_built: Built) -> None:
    checks.assert_build_green(postgres_built)


def test_ledger_reconciles_to_the_cent_per_org_account_and_month(
    postgres_built: Built, query: checks.Query
) -> None:
    checks.assert_reconciles_to_the_cent(postgres_built, query)


def test_every_entry_matches_a_zoho_posting(postgres_built: Built, query: checks.Query) -> None:
    checks.assert_entries_match_zoho_rows(postgres_built, query)


def test_banking_is_derived_not_taken(postgres_built: Built, query: checks.Query) -> None:
    checks.assert_banking_is_derived(postgres_built, query)


def test_eur_invoice_paid_later_worked_example(query: checks.Query) -> None:
    checks.assert_worked_example(query)


def test_reporting_currency_inverts_the_orgs_own_history(postgres_built: Built, query: checks.Query) -> None:
    checks.assert_reporting_inverts_org_history(postgres_built, query)


def test_trial_balance_closes_at_zohos_account_balances(postgres_built: Built, query: checks.Query) -> None:
    checks.assert_trial_balance_matches_zoho_balances(postgres_built, query)


def test_ap_aging_replays_payments_and_vendor_credits(postgres_built: Built, query: checks.Query) -> None:
    checks.assert_ap_aging_matches_open_balances(postgres_built, query)


def test_refunds_are_derived_not_taken(postgres_built: Built, query: checks.Query) -> None:
    checks.assert_refunds_are_derived(postgres_built, query)


def test_taken_lines_are_those_no_rule_derives(postgres_built: Built, query: checks.Query) -> None:
    checks.assert_taken_lines_are_those_no_rule_derives(postgres_built, query)


def test_debit_notes_are_derived_by_the_invoice_rule(postgres_built: Built, query: checks.Query) -> None:
    checks.assert_debit_notes_are_derived(postgres_built, query)
