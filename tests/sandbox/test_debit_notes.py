"""Customer debit notes in the sandbox (D95): invoices of type debit_note, served by the invoices module."""

from __future__ import annotations

import pytest

from ml_connector_fakes.world.dataset import Dataset
from ml_connector_fakes.world.generator import generate_dataset
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.reads import read, resolve

from .conftest import GENERATED_US_ORG, read_list

US = GENERATED_US_ORG


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(seed=9, invoices_per_org=10)


def test_debit_notes_are_listed_by_the_invoices_list_filtered_and_read_as_invoices(dataset: Dataset) -> None:
    """D95: GET /invoices?filter_by=Type.DebitNote answers the debit notes under debit_notes; the plain list
    leaves them out; GET /invoices/{id} reads one under invoice, with its reference to the invoice."""
    books = dataset.orgs[US]
    notes = books.records["debitnotes"]
    assert len(notes) >= 2
    listed = read_list(dataset, "invoices", "debit_notes", filter_by="Type.DebitNote")
    assert {row["invoice_id"] for row in listed} == set(notes)
    assert {str(row["invoice_number"])[:3] for row in listed} == {"DN-"}
    plain = {row["invoice_id"] for row in read_list(dataset, "invoices", "invoices")}
    assert plain == set(books.records["invoices"])
    route = resolve(f"invoices/{listed[0]['invoice_id']}")
    assert route is not None
    detail = read(route, books, {}, SandboxConfig())["invoice"]
    reference = detail["reference_invoice"]
    assert reference["reference_invoice_id"] in books.records["invoices"]
    assert detail["line_items"]
    assert detail["currency_code"] == notes[detail["invoice_id"]]["currency_code"]
