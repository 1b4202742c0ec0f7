"""The sandbox's banking answers: bank transactions filtered by the documented status values, the opening
balance as one object (not found where an organization has none), adjustments listed by date."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.envelope import ApiError
from ml_connector_fakes.zoho.reads import OPENING_BALANCE, Route, read, resolve

from .conftest import GENERATED_US_ORG, read_list

US = GENERATED_US_ORG


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(seed=9, invoices_per_org=10)


def test_bank_transactions_are_filtered_by_the_documented_status_values(dataset: Dataset) -> None:
    every = read_list(dataset, "banktransactions", "banktransactions", filter_by="Status.All")
    assert len(every) == len(dataset.orgs[US].records["banktransactions"])
    statuses = Counter(str(row["status"]) for row in every)
    assert statuses["categorized"] > 40
    assert statuses["uncategorized"] + statuses["excluded"] == 3
    uncategorized = read_list(
        dataset, "banktransactions", "banktransactions", filter_by="Status.Uncategorized"
    )
    assert {row["status"] for row in uncategorized} == {"uncategorized"}
    assert len(uncategorized) == statuses["uncategorized"]
    with pytest.raises(ApiError):
        read_list(dataset, "banktransactions", "banktransactions", filter_by="Status.Everything")
    # List rows carry the bank account, not the other side: from/to accounts are on the detail only.
    assert not {"from_account_id", "to_account_id", "bcy_total"} & set(every[0])


def test_the_opening_balance_is_one_object_and_not_found_where_there_is_none(dataset: Dataset) -> None:
    books = dataset.orgs[US]
    route = resolve("settings/openingbalances")
    assert route == Route(OPENING_BALANCE)
    answer = read(route, books, {}, SandboxConfig())["opening_balance"]
    (record,) = books.records["openingbalances"].values()
    assert answer["opening_balance_id"] == record["opening_balance_id"]
    assert [a["account_id"] for a in answer["accounts"]] == [a["account_id"] for a in record["accounts"]]
    saved = books.records.pop("openingbalances")
    try:
        with pytest.raises(ApiError) as raised:
            read(route, books, {}, SandboxConfig())
        assert (raised.value.status, raised.value.code) == (404, 1002)
    finally:
        books.records["openingbalances"] = saved


def test_base_currency_adjustments_list_without_accounts_and_detail_under_data(dataset: Dataset) -> None:
    rows = read_list(dataset, "basecurrencyadjustment", "base_currency_adjustments", filter_by="Date.All")
    assert rows
    assert all("accounts" not in row for row in rows)
    route = resolve(f"basecurrencyadjustment/{rows[0]['base_currency_adjustment_id']}")
    assert route is not None
    detail = read(route, dataset.orgs[US], {}, SandboxConfig())["data"]
    assert detail["accounts"][0]["gain_or_loss"] == rows[0]["gain_or_loss"]


def test_transfers_to_a_foreign_currency_account_post_both_sides_at_the_base_amount(dataset: Dataset) -> None:
    """D93: every organization moves money between Business Checking and a bank account in a foreign currency;
    the transfer carries the foreign amount (total), the day's rate and bcy_total = total × rate, and Zoho's
    ledger debits the receiving account and credits the giving one at bcy_total, nothing to exchange gain or
    loss."""
    for books in dataset.orgs.values():
        base = books.organization["currency_code"]
        chart = books.records["chartofaccounts"]
        foreign = [
            record
            for record in books.records["banktransactions"].values()
            if record["transaction_type"] == "transfer_fund" and record["currency_code"] != base
        ]
        assert len(foreign) >= 4
        accounts = {chart[r["to_account_id"]]["currency_code"] for r in foreign}
        assert accounts == {base, foreign[0]["currency_code"]}  # money goes out and comes back
        for record in foreign:
            assert record["exchange_rate"] != 1
            assert record["bcy_total"] == (record["total"] * record["exchange_rate"]).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
            rows = [r for r in books.account_transactions if r["transaction_id"] == record["transaction_id"]]
            assert [(r["account_id"], r["debit_amount"], r["credit_amount"]) for r in rows] == [
                (record["to_account_id"], record["bcy_total"], 0),
                (record["from_account_id"], 0, record["bcy_total"]),
            ]
