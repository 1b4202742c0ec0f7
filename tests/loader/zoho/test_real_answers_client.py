"""The Zoho client on answers shaped like real Zoho's (tests/fixtures/zoho_real, over loopback HTTP): the
token and its api_domain, organization_id on every Books call, paging, numbers as exact as written."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from loader.secret import Secret
from loader.zoho.auth import ZohoCredentials
from loader.zoho.client import ZohoBooksClient
from loader.zoho.errors import ZohoAuthError, ZohoNotFoundError, ZohoOrganizationError
from tests.zoho_fixture_server import CLIENT_ID, ORGANIZATION_ID, REFRESH_TOKEN, ZohoFixtureServer

BANK = "1852000000012001"


@pytest.fixture(scope="module")
def zoho() -> Iterator[ZohoFixtureServer]:
    with ZohoFixtureServer() as server:
        yield server


@pytest.fixture
def client(zoho: ZohoFixtureServer) -> Iterator[ZohoBooksClient]:
    with zoho.client() as made:
        yield made


def test_one_token_its_api_domain_and_the_organization_on_every_books_call(zoho: ZohoFixtureServer) -> None:
    before, minted = len(zoho.calls), zoho.tokens_minted
    with zoho.client() as client:
        organizations = client.list_organizations()
        contacts = list(client.iter_records("contacts", "contacts", "contact_id"))
        assert client.base_url == f"{zoho.base_url}/books/v3"  # from the token's api_domain
    assert [o["organization_id"] for o in organizations] == [ORGANIZATION_ID, "60019877001"]
    assert len(contacts) == 3
    assert zoho.tokens_minted == minted + 1
    calls = zoho.calls[before:]
    assert [c.path for c in calls] == ["organizations", "contacts", "contacts"]
    assert "organization_id" not in calls[0].query
    assert [c.query.get("organization_id") for c in calls[1:]] == [ORGANIZATION_ID, ORGANIZATION_ID]


def test_numbers_arrive_as_exactly_as_zoho_wrote_them(client: ZohoBooksClient) -> None:
    invoice = client.get_record("invoices", "1852000000050001", "invoice")
    assert invoice["total"] == Decimal("2510.000")
    assert str(invoice["total"]) == "2510.000"
    assert invoice["line_items"][0]["quantity"] == Decimal("2.000")
    assert invoice["payment_made"] == 1000
    assert type(invoice["payment_made"]) is int
    assert invoice["line_items"][1]["tax_percentage"] == ""
    assert invoice["taxes"] == [
        {"tax_name": "CGST (9%)", "tax_amount": Decimal("180.000")},
        {"tax_name": "SGST (9%)", "tax_amount": Decimal("180.000")},
    ]
    draft = client.get_record("invoices", "1852000000050013", "invoice")
    assert (draft["total"], draft["adjustment"], draft["last_payment_date"]) == (1, "", " ")
    item = next(
        r for r in client.iter_records("items", "items", "item_id") if r["item_id"] == "1852000000040011"
    )
    assert item["tax_percentage"] == "70%"


def test_zoho_ledger_amounts_come_as_typed_strings(client: ZohoBooksClient) -> None:
    rows = list(
        client.iter_records(
            "chartofaccounts/transactions", "transactions", "categorized_transaction_id", {"account_id": BANK}
        )
    )
    assert [(r["debit_amount"], r["credit_amount"]) for r in rows] == [
        ("1250.50", ""),
        ("41562.50", ""),
        ("", "20000.00"),
        ("", "25000.00"),
        ("1000.000", ""),
    ]
    assert "transaction_id" not in rows[0]  # Zoho leaves it out on some rows
    # An account without postings answers an empty list.
    assert (
        list(
            client.iter_records(
                "chartofaccounts/transactions",
                "transactions",
                "categorized_transaction_id",
                {"account_id": "1852000000000358"},
            )
        )
        == []
    )


def test_pages_follow_page_context_and_a_repeated_row_is_read_once(
    zoho: ZohoFixtureServer, client: ZohoBooksClient
) -> None:
    before = len(zoho.calls)
    pages = list(client.iter_pages("contacts", "contacts"))
    assert [(p.number, len(p.rows), p.has_more) for p in pages] == [(1, 2, True), (2, 2, False)]
    assert [c.query["page"] for c in zoho.calls[before:]] == ["1", "2"]
    assert {c.query["per_page"] for c in zoho.calls[before:]} == {"200"}
    ids = [r["contact_id"] for r in client.iter_records("contacts", "contacts", "contact_id")]
    assert ids == ["1852000000021001", "1852000000021007", "1852000000021015"]


def test_list_rows_and_details_differ_as_zoho_documents_them(client: ZohoBooksClient) -> None:
    journal_rows = list(client.iter_records("journals", "journals", "journal_id"))
    assert all("last_modified_time" not in r for r in journal_rows)
    journal = client.get_record("journals", "1852000000110001", "journal")
    assert journal["last_modified_time"] == "2024-04-01T10:15:33+0530"

    payment_rows = list(client.iter_records("customerpayments", "customerpayments", "payment_id"))
    assert payment_rows[1]["bcy_amount"] == Decimal("41562.500")
    payment = client.get_record("customerpayments", "1852000000060005", "payment")
    assert "bcy_amount" not in payment
    assert payment["account_id"] == BANK

    vendor_row = next(iter(client.iter_records("vendorpayments", "vendorpayments", "payment_id")))
    vendor = client.get_record("vendorpayments", "1852000000080001", "vendorpayment")
    for record in (vendor_row, vendor):
        assert record["paid_through_account_id"] == BANK
        assert "account_id" not in record
    assert "bcy_amount" in vendor_row
    assert "bcy_amount" not in vendor

    invoice_row = next(iter(client.iter_records("invoices", "invoices", "invoice_id")))
    invoice = client.get_record("invoices", invoice_row["invoice_id"], "invoice")
    assert invoice_row["billing_address"]["zipcode"] == invoice["billing_address"]["zip"] == "560004"


def test_a_record_zoho_does_not_have_is_not_found(client: ZohoBooksClient) -> None:
    with pytest.raises(ZohoNotFoundError):
        client.get_record("invoices", "1852000000059999", "invoice")


def test_an_organization_zoho_does_not_know_is_named(zoho: ZohoFixtureServer) -> None:
    with zoho.client(organization_id="60019870000") as client, pytest.raises(ZohoOrganizationError) as caught:
        list(client.iter_records("contacts", "contacts", "contact_id"))
    assert "60019870000" in str(caught.value)


def test_a_wrong_client_secret_is_refused_by_the_token_endpoint(zoho: ZohoFixtureServer) -> None:
    credentials = ZohoCredentials(CLIENT_ID, Secret("not-the-secret"), Secret(REFRESH_TOKEN))
    minted = zoho.tokens_minted
    with ZohoBooksClient(zoho.connection(), credentials) as client, pytest.raises(ZohoAuthError) as caught:
        client.list_organizations()
    assert "invalid_client" in str(caught.value)
    assert zoho.tokens_minted == minted
