"""Lists: paging, the duplicated invoice row, sorting by instant, filters, and exact money numbers."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import httpx

from ml_connector_fakes.zoho.ledger_reads import hides_transaction_id
from ml_connector_fakes.zoho.server import SandboxServer

from .conftest import (
    AR_ACCOUNT,
    BIG_TOTAL,
    EUR_ID,
    INVOICE_COUNT,
    Api,
    SandboxFactory,
)


def _pages(api: Api, path: str, root: str, **params: object) -> list[dict[str, object]]:
    pages = []
    page = 1
    while True:
        body = api.get(path, page=page, **params).json()
        pages.append(body)
        if not body["page_context"]["has_more_page"]:
            return pages
        page += 1
        assert page < 50, "has_more_page never turned false"


def _instant(text: object) -> datetime:
    return datetime.strptime(str(text), "%Y-%m-%dT%H:%M:%S%z")


def test_invoice_pages_repeat_the_previous_pages_last_row(api: Api) -> None:
    pages = _pages(api, "/invoices", "invoices", sort_column="created_time", sort_order="A")
    ids = [[row["invoice_id"] for row in p["invoices"]] for p in pages]  # type: ignore[index, attr-defined]
    assert [len(p) for p in ids] == [200, 200, 52]  # pages advance by 199 rows: 450 = 200 + 199 + 51 + ...
    assert ids[1][0] == ids[0][-1]
    assert ids[2][0] == ids[1][-1]
    flat = [i for p in ids for i in p]
    assert len(flat) == INVOICE_COUNT + 2
    assert len(set(flat)) == INVOICE_COUNT  # de-duplicated by id, nothing is missing
    assert [p["page_context"]["has_more_page"] for p in pages] == [True, True, False]  # type: ignore[index]


def test_without_the_quirk_pages_are_disjoint(http: httpx.Client, start_sandbox: SandboxFactory) -> None:
    api = Api(http, start_sandbox(duplicate_invoice_rows_across_pages=False))
    pages = _pages(api, "/invoices", "invoices")
    sizes = [len(p["invoices"]) for p in pages]  # type: ignore[arg-type]
    assert sizes == [200, 200, 50]


def test_only_invoice_lists_repeat_rows(api: Api) -> None:
    pages = _pages(api, "/chartofaccounts/transactions", "transactions", account_id=AR_ACCOUNT)
    assert [len(p["transactions"]) for p in pages] == [200, 100]  # type: ignore[arg-type]


def test_per_page_is_clamped_to_200_and_must_be_positive(api: Api) -> None:
    body = api.get("/invoices", per_page=1000).json()
    assert (len(body["invoices"]), body["page_context"]["per_page"]) == (200, 200)
    assert api.get("/invoices", per_page=0).json()["code"] == 2
    assert api.get("/invoices", page="x").status_code == 400
    past_end = api.get("/invoices", page=9).json()
    assert past_end["invoices"] == []
    assert past_end["page_context"]["has_more_page"] is False


def test_sort_by_last_modified_descending_follows_the_instant_not_the_string(api: Api) -> None:
    rows = [
        r
        for p in _pages(api, "/invoices", "invoices", sort_column="last_modified_time", sort_order="D")
        for r in p["invoices"]
    ]  # type: ignore[attr-defined]
    stamps = [r["last_modified_time"] for r in rows]
    instants = [_instant(s) for s in stamps]
    assert instants == sorted(instants, reverse=True)
    assert stamps != sorted(stamps, reverse=True)  # offsets alternate: a string sort would differ
    assert rows[0]["invoice_id"] == str(900_000 + INVOICE_COUNT - 1)


def test_ties_are_broken_by_id(api: Api) -> None:
    rows = api.get(
        "/chartofaccounts", filter_by="AccountType.All", sort_column="created_time", sort_order="A"
    )
    ids = [r["account_id"] for r in rows.json()["chartofaccounts"]]
    assert ids == sorted(ids)  # every account has the same created_time


def test_unknown_sort_column_is_ignored_and_unknown_order_is_code_2(api: Api) -> None:
    # An undocumented column is ignored (reads.py): the default order, and page_context says which it was.
    body = api.get("/invoices", sort_column="no_such_column").json()
    assert body["code"] == 0
    assert body["page_context"]["sort_column"] == "date"
    assert api.get("/invoices", sort_order="up").json()["code"] == 2


def test_last_modified_time_filter_is_an_exact_match_not_since(api: Api) -> None:
    row = api.get("/invoices", per_page=1, sort_column="created_time", sort_order="A").json()["invoices"][0]
    stamp = row["last_modified_time"]
    exact = api.get("/invoices", last_modified_time=stamp).json()["invoices"]
    assert [r["invoice_id"] for r in exact] == [row["invoice_id"]]
    # The oldest row's timestamp used as "since" returns one row, not the 449 newer ones.
    one_second_later = stamp.replace(stamp[17:19], f"{(int(stamp[17:19]) + 1) % 60:02d}", 1)
    assert api.get("/invoices", last_modified_time=one_second_later).json()["invoices"] == []


def test_journals_default_to_the_current_month(api: Api) -> None:
    default = api.get("/journals").json()
    assert sorted(r["journal_date"][:7] for r in default["journals"]) == ["2026-10"] * 5
    assert default["page_context"]["applied_filter"] == "JournalDate.ThisMonth"
    every = api.get("/journals", filter_by="JournalDate.All").json()["journals"]
    assert len(every) == 12
    assert "last_modified_time" not in every[0]  # journal list rows carry none
    ranged = api.get("/journals", date_start="2026-04-01", date_end="2026-06-30").json()["journals"]
    assert sorted(r["journal_date"] for r in ranged) == ["2026-04-05", "2026-05-05", "2026-06-05"]


def test_document_lists_accept_a_date_range(api: Api) -> None:
    rows = api.get("/invoices", date_start="2026-01-02", date_end="2026-01-03").json()["invoices"]
    assert rows
    assert {r["date"] for r in rows} <= {"2026-01-02", "2026-01-03"}
    assert api.get("/invoices", date_start="2026-13-01").json()["code"] == 2


def test_chart_of_accounts_filter_and_balances(api: Api) -> None:
    active = api.get("/chartofaccounts").json()["chartofaccounts"]
    assert len(active) == 3
    assert "current_balance" not in active[0]
    every = api.get("/chartofaccounts", filter_by="AccountType.All", showbalance="true").json()[
        "chartofaccounts"
    ]
    assert len(every) == 4
    assert {r["account_id"]: r["current_balance"] for r in every}[AR_ACCOUNT] == 1500.25


def test_account_transactions_filter_by_account_and_dotted_dates(api: Api) -> None:
    body = api.get(
        "/chartofaccounts/transactions",
        account_id=AR_ACCOUNT,
        **{"date.start": "2026-01-10", "date.end": "2026-01-19"},
    ).json()
    rows = body["transactions"]
    assert {r["account_id"] for r in rows} == {AR_ACCOUNT}
    assert min(r["transaction_date"] for r in rows) == "2026-01-10"
    assert max(r["transaction_date"] for r in rows) == "2026-01-19"
    assert len(rows) == 15  # 10 days x 3 postings, every other one on this account
    assert api.get("/chartofaccounts/transactions").json()["code"] == 2


def test_about_one_percent_of_ledger_rows_lack_transaction_id_always_the_same(
    api: Api, sandbox: SandboxServer
) -> None:
    def served() -> list[dict[str, object]]:
        return [
            r
            for p in _pages(api, "/chartofaccounts/transactions", "transactions", account_id=AR_ACCOUNT)
            for r in p["transactions"]
        ]  # type: ignore[attr-defined]

    first, second = served(), served()
    missing = [i for i, r in enumerate(first) if "transaction_id" not in r]
    assert 0 < len(missing) < len(first) // 20
    assert missing == [i for i, r in enumerate(second) if "transaction_id" not in r]
    stored = [r for r in sandbox.dataset.orgs["60001"].account_transactions if r["account_id"] == AR_ACCOUNT]
    assert len(missing) == sum(hides_transaction_id("60001", r["transaction_id"], 10) for r in stored)


def test_exchange_rates_from_date(api: Api) -> None:
    body = api.get(f"/settings/currencies/{EUR_ID}/exchangerates", from_date="2026-04-01").json()
    assert [r["effective_date"] for r in body["exchange_rates"]] == ["2026-09-01", "2026-05-01"]
    assert api.get("/settings/currencies/999/exchangerates").json()["code"] == 1002


def test_money_is_an_exact_json_number(api: Api) -> None:
    response = api.get("/invoices/900000")
    assert b'"total":1234567890123456.78' in response.content
    assert b'"balance":0.10' in response.content  # the Decimal's own digits, trailing zero kept
    detail = json.loads(response.content, parse_float=Decimal)["invoice"]
    assert detail["total"] == BIG_TOTAL
    assert Decimal(repr(float(BIG_TOTAL))) != BIG_TOTAL  # why float text would not do at this size
