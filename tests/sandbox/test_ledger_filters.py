"""Zoho's ledger list honours its documented filters; tests post ledger-only transactions and read the
request log through the admin API."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from ml_connector_fakes.zoho.server import SandboxAdminError

from .conftest import AR_ACCOUNT, SALES_ACCOUNT, US_ORG, Api, SandboxFactory

LEDGER = "/chartofaccounts/transactions"
PETTY_CASH = "460000000003"
OLD_BANK = "460000000004"


def _dates(api: Api, **params: str) -> list[str]:
    rows = api.get(LEDGER, account_id=AR_ACCOUNT, **params).json()["transactions"]
    return [r["transaction_date"] for r in rows]


def test_date_and_its_variants_filter_the_ledger(api: Api) -> None:
    # The AR account has postings dated 2026-01-01 onwards, one or two a day (conftest._ledger).
    assert set(_dates(api, date="2026-01-05")) == {"2026-01-05"}
    before = _dates(api, **{"date.before": "2026-01-03"})
    assert set(before) == {"2026-01-01", "2026-01-02"}  # exclusive
    after = _dates(api, **{"date.after": "2026-07-10"})
    assert after
    assert min(after) == "2026-07-11"
    window = _dates(
        api, **{"date.start": "2026-02-01", "date.end": "2026-02-28", "date.before": "2026-02-10"}
    )
    assert (min(window), max(window)) == ("2026-02-01", "2026-02-09")
    assert api.get(LEDGER, account_id=AR_ACCOUNT, **{"date.start": "2026-02-30"}).json()["code"] == 2


def test_transaction_type_and_amount_filter_the_ledger_and_account_filters_are_ignored(api: Api) -> None:
    everything = api.get(LEDGER, account_id=SALES_ACCOUNT).json()["transactions"]
    assert len(everything) == 200  # a full first page
    assert api.get(LEDGER, account_id=SALES_ACCOUNT, transaction_type="bills").json()["transactions"] == []
    invoices = api.get(LEDGER, account_id=SALES_ACCOUNT, transaction_type="invoice").json()["transactions"]
    assert len(invoices) == 200
    # Every line is 10.00 (a credit on the sales account): the amount is the line's debit or credit.
    assert len(api.get(LEDGER, account_id=SALES_ACCOUNT, amount="10").json()["transactions"]) == 200
    none = api.get(LEDGER, account_id=SALES_ACCOUNT, **{"amount.greater_than": "10"}).json()
    assert none["transactions"] == []
    ignored = api.get(LEDGER, account_id=SALES_ACCOUNT, filter_by="AccountType.Income").json()
    assert len(ignored["transactions"]) == 200
    assert api.get(LEDGER, account_id=SALES_ACCOUNT, amount="ten").json()["code"] == 2


def test_a_ledger_only_transfer_is_posted_listed_and_deleted(start_sandbox: SandboxFactory) -> None:
    sandbox = start_sandbox()
    chart = sandbox.dataset.orgs[US_ORG].records["chartofaccounts"]
    cash_before = chart[PETTY_CASH]["current_balance"]
    lines = sandbox.post_ledger_transaction(
        US_ORG,
        debit_account_id=PETTY_CASH,
        credit_account_id=OLD_BANK,
        amount=Decimal("125.50"),
        date="2026-09-30",
    )
    assert [(r["account_id"], r["debit_amount"], r["credit_amount"]) for r in lines] == [
        (PETTY_CASH, Decimal("125.50"), Decimal("0.00")),
        (OLD_BANK, Decimal("0.00"), Decimal("125.50")),
    ]
    assert {r["transaction_type"] for r in lines} == {"transfer_fund"}
    transaction_id = lines[0]["transaction_id"]
    assert chart[PETTY_CASH]["current_balance"] == cash_before + Decimal("125.50")
    with httpx.Client(timeout=10.0) as http:
        api = Api(http, sandbox)
        listed = api.get(LEDGER, account_id=OLD_BANK, transaction_type="transfer_fund").json()["transactions"]
        assert [(r["transaction_id"], r["credit_amount"]) for r in listed] == [(transaction_id, 125.5)]
        removed = sandbox.delete_ledger_transaction(US_ORG, transaction_id)
        assert len(removed) == 2
        assert api.get(LEDGER, account_id=OLD_BANK).json()["transactions"] == []
    assert chart[PETTY_CASH]["current_balance"] == cash_before
    with pytest.raises(SandboxAdminError) as gone:
        sandbox.delete_ledger_transaction(US_ORG, transaction_id)
    assert gone.value.status == 404
    with pytest.raises(SandboxAdminError) as bad:
        sandbox.post_ledger_transaction(
            US_ORG, debit_account_id="nope", credit_account_id=OLD_BANK, amount="1", date="2026-09-30"
        )
    assert bad.value.status == 400
    with pytest.raises(SandboxAdminError) as document_type:
        sandbox.post_ledger_transaction(
            US_ORG,
            transaction_type="invoice",
            debit_account_id=PETTY_CASH,
            credit_account_id=OLD_BANK,
            amount="1",
            date="2026-09-30",
        )
    assert document_type.value.status == 400


def test_the_request_log_keeps_each_call_with_its_query(start_sandbox: SandboxFactory) -> None:
    sandbox = start_sandbox()
    with httpx.Client(timeout=10.0) as http:
        api = Api(http, sandbox)
        api.get("/invoices", page="2")
        api.get(LEDGER, account_id=AR_ACCOUNT, **{"date.start": "2026-03-01", "date.end": "2026-04-30"})
    ledger = sandbox.requests(LEDGER)
    assert [r["params"] for r in ledger] == [
        {
            "account_id": AR_ACCOUNT,
            "date.start": "2026-03-01",
            "date.end": "2026-04-30",
            "organization_id": US_ORG,
        }
    ]
    assert [r["route"] for r in sandbox.requests()] == ["/invoices", LEDGER]
    sandbox.reset_stats()
    assert sandbox.requests() == []
