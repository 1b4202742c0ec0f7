"""Edits, voids, deletes and creations keep documents, balances and the ledger consistent."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.world.ledger import postings_for, posts
from ml_connector_fakes.world.ledger_vocabulary import DEBIT_NORMAL_TYPES, NON_POSTING_STATUSES
from ml_connector_fakes.zoho.entities import BY_NAME
from ml_connector_fakes.zoho.mutations import (
    MutationError,
    create_document,
    delete_record,
    edit_document,
    void_document,
)

US = "10234695"
NOW = datetime(2026, 11, 2, 18, 30, 5, tzinfo=UTC)
NOW_IN_LOS_ANGELES = "2026-11-02T10:30:05-0800"


@pytest.fixture
def books() -> OrgBooks:
    return generate_dataset(seed=9, invoices_per_org=80).orgs[US]


def _assert_consistent(books: OrgBooks) -> None:
    net: dict[str, Decimal] = defaultdict(Decimal)
    per_day: dict[str, Decimal] = defaultdict(Decimal)
    for row in books.account_transactions:
        net[row["account_id"]] += row["debit_amount"] - row["credit_amount"]
        per_day[row["transaction_date"]] += row["debit_amount"] - row["credit_amount"]
    assert {day: value for day, value in per_day.items() if value} == {}
    for account_id, account in books.records["chartofaccounts"].items():
        expected = net[account_id] if account["account_type"] in DEBIT_NORMAL_TYPES else -net[account_id]
        assert account["current_balance"] == expected


def _rows_of(books: OrgBooks, document_id: str) -> list[Record]:
    return [row for row in books.account_transactions if row["transaction_id"] == document_id]


def _paid_invoice(books: OrgBooks) -> Record:
    # paid by payments and credits, not written off (D78)
    return next(
        i
        for i in books.records["invoices"].values()
        if i["status"] == "paid" and not i.get("write_off_amount")
    )


def _unsettled(books: OrgBooks, entity: str) -> Record:
    paid = {row["invoice_id"] for p in books.records["customerpayments"].values() for row in p["invoices"]}
    paid |= {
        row["invoice_id"] for c in books.records["creditnotes"].values() for row in c["invoices_credited"]
    }
    return next(
        i
        for i in books.records[entity].values()
        if i["status"] not in NON_POSTING_STATUSES and i.get("invoice_id") not in paid
    )


@pytest.mark.parametrize(
    "entity", ["invoices", "bills", "creditnotes", "expenses", "journals", "customerpayments"]
)
def test_edit_changes_money_reposts_and_bumps_last_modified(books: OrgBooks, entity: str) -> None:
    record = next(r for r in books.records[entity].values() if posts(entity, r))
    record_id = record[BY_NAME[entity].id_field]
    before = [(r["account_id"], r["debit_amount"], r["credit_amount"]) for r in _rows_of(books, record_id)]
    total_before = record.get("total", record.get("bank_charges"))
    edited = edit_document(books, entity, record_id, NOW, random.Random(1))
    assert edited is books.records[entity][record_id]
    assert edited["last_modified_time"] == NOW_IN_LOS_ANGELES
    assert edited.get("total", edited.get("bank_charges")) != total_before
    after = [(r["account_id"], r["debit_amount"], r["credit_amount"]) for r in _rows_of(books, record_id)]
    assert after != before
    assert _rows_of(books, record_id) == postings_for(books, entity, edited)
    _assert_consistent(books)


def test_edit_of_a_paid_invoice_raises_total_and_reopens_it(books: OrgBooks) -> None:
    invoice = _paid_invoice(books)
    total = invoice["total"]
    edit_document(books, "invoices", invoice["invoice_id"], NOW, random.Random(2))
    assert invoice["total"] > total
    assert invoice["balance"] == invoice["total"] - total
    assert invoice["status"] == "partially_paid"
    assert invoice["bcy_total"] == (invoice["total"] * invoice["exchange_rate"]).quantize(Decimal("0.01"))
    _assert_consistent(books)


def test_edit_renames_contacts_and_items(books: OrgBooks) -> None:
    contact = next(iter(books.records["contacts"].values()))
    name = contact["contact_name"]
    edit_document(
        books, BY_NAME["contacts"], contact["contact_id"], NOW, random.Random(3)
    )  # as the admin API
    assert contact["contact_name"] != name
    assert contact["contact_name"].startswith(name)
    assert contact["last_modified_time"] == NOW_IN_LOS_ANGELES
    item = next(iter(books.records["items"].values()))
    edit_document(books, "items", item["item_id"], NOW, random.Random(3))
    assert item["name"] == item["item_name"]
    assert "rev" in item["name"]


def test_void_removes_postings_and_zeroes_the_balance(books: OrgBooks) -> None:
    invoice = _unsettled(books, "invoices")
    assert _rows_of(books, invoice["invoice_id"])
    void_document(books, "invoices", invoice["invoice_id"], NOW)
    assert (invoice["status"], invoice["balance"]) == ("void", 0)
    assert invoice["last_modified_time"] == NOW_IN_LOS_ANGELES
    assert _rows_of(books, invoice["invoice_id"]) == []
    _assert_consistent(books)
    with pytest.raises(MutationError, match="already void"):
        void_document(books, "invoices", invoice["invoice_id"], NOW)


def test_delete_removes_the_record_and_its_postings(books: OrgBooks) -> None:
    expense = next(iter(books.records["expenses"].values()))
    removed = delete_record(books, "expenses", expense["expense_id"])
    assert removed is expense
    assert expense["expense_id"] not in books.records["expenses"]
    assert _rows_of(books, expense["expense_id"]) == []
    _assert_consistent(books)


def test_deleting_a_payment_reopens_its_invoices(books: OrgBooks) -> None:
    payment = next(iter(books.records["customerpayments"].values()))
    invoices = [books.records["invoices"][row["invoice_id"]] for row in payment["invoices"]]
    balances = [i["balance"] for i in invoices]
    delete_record(books, "customerpayments", payment["payment_id"], now=NOW)
    for invoice, balance, row in zip(invoices, balances, payment["invoices"], strict=True):
        assert invoice["balance"] == balance + row["amount_applied"]
        assert invoice["status"] != "paid"
        assert invoice["last_modified_time"] == NOW_IN_LOS_ANGELES
    assert _rows_of(books, payment["payment_id"]) == []
    _assert_consistent(books)


@pytest.mark.parametrize(
    "entity",
    ["invoices", "creditnotes", "bills", "vendorcredits", "expenses", "journals", "customerpayments"],
)
def test_create_adds_a_posted_document(books: OrgBooks, entity: str) -> None:
    count = len(books.records[entity])
    created = create_document(books, entity, NOW, random.Random(4))
    record_id = created[BY_NAME[entity].id_field]
    assert len(books.records[entity]) == count + 1
    assert books.records[entity][record_id] is created
    assert created["created_time"] == created["last_modified_time"] == NOW_IN_LOS_ANGELES
    assert created.get("date", created.get("journal_date")) == "2026-11-02"
    rows = _rows_of(books, record_id)
    assert rows
    assert sum(r["debit_amount"] for r in rows) == sum(r["credit_amount"] for r in rows)
    _assert_consistent(books)


def test_created_payment_settles_an_open_invoice(books: OrgBooks) -> None:
    payment = create_document(books, "customerpayments", NOW, random.Random(5))
    [row] = payment["invoices"]
    invoice = books.records["invoices"][row["invoice_id"]]
    assert (invoice["balance"], invoice["status"]) == (0, "paid")
    assert payment["amount"] == row["amount_applied"]


def test_forbidden_mutations_raise(books: OrgBooks) -> None:
    paid = _paid_invoice(books)
    with pytest.raises(MutationError, match="payments or credits are applied"):
        void_document(books, "invoices", paid["invoice_id"], NOW)
    with pytest.raises(MutationError, match="payments or credits are applied"):
        delete_record(books, "invoices", paid["invoice_id"])
    with pytest.raises(MutationError, match="no invoices record"):
        edit_document(books, "invoices", "404", NOW, random.Random(0))
    with pytest.raises(MutationError, match="cannot be voided"):
        void_document(books, "journals", next(iter(books.records["journals"])), NOW)
    with pytest.raises(MutationError, match="has documents"):
        delete_record(books, "contacts", paid["customer_id"])
    with pytest.raises(MutationError, match="cannot be deleted"):
        delete_record(books, "taxes", next(iter(books.records["taxes"])))
    with pytest.raises(MutationError, match="unknown entity"):
        create_document(books, "estimates", NOW, random.Random(0))
    assert paid["status"] == "paid"
    _assert_consistent(books)
