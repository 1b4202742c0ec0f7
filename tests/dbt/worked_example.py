"""The worked example of docs/ledger-posting-rules.md, added to a generated data set through the sandbox's own
document arithmetic and ledger: a EUR invoice in the USD organization, paid later at another rate."""

from __future__ import annotations

import copy
from decimal import Decimal

from ml_connector_fakes.world import amounts, ledger
from ml_connector_fakes.world.dataset import Dataset

US_ORG = "10234695"
INVOICE_ID = "102346959990000001"
PAYMENT_ID = "102346959990000002"


def add_eur_invoice_paid_later(dataset: Dataset) -> None:
    books = dataset.orgs[US_ORG]
    invoices = books.records["invoices"]
    template = next(r for r in invoices.values() if r["status"] == "paid" and r["line_items"])
    accounts = {a["account_name"]: a for a in books.records["chartofaccounts"].values()}
    tax = next(t for t in books.records["taxes"].values() if t["tax_percentage"] == Decimal("7.25"))
    eur = next(c for c in books.records["currencies"].values() if c["currency_code"] == "EUR")
    invoice = copy.deepcopy(template)
    line = dict(invoice["line_items"][0])
    line.update(
        line_item_id="102346959990000003",
        item_id="",  # no inventory item: the example has no cost of goods sold (D104)
        account_id=accounts["Sales"]["account_id"],
        account_name="Sales",
        quantity=Decimal("2"),
        rate=Decimal("400.00"),
        discount=Decimal("0"),
        tax_id=tax["tax_id"],
        tax_name=tax["tax_name"],
        tax_percentage=tax["tax_percentage"],
    )
    invoice.update(
        invoice_id=INVOICE_ID,
        invoice_number="INV-WORKED",
        date="2026-03-10",
        due_date="2026-04-09",
        currency_code="EUR",
        currency_id=eur["currency_id"],
        exchange_rate=Decimal("1.085230"),
        line_items=[line],
        shipping_charge=Decimal("25.00"),
        adjustment=Decimal("0.00"),
        discount_total=Decimal("40.00"),
        status="paid",
        balance=Decimal("0.00"),
    )
    amounts.recompute_line_document(invoice, books.records["taxes"])
    invoices[INVOICE_ID] = invoice

    payments = books.records["customerpayments"]
    payment = copy.deepcopy(next(iter(payments.values())))
    applied = {"invoice_id": INVOICE_ID, "invoice_number": "INV-WORKED", "amount_applied": Decimal("843.00")}
    payment.update(
        payment_id=PAYMENT_ID,
        payment_number="PMT-WORKED",
        date="2026-04-14",
        customer_id=invoice["customer_id"],
        currency_code="EUR",
        currency_id=eur["currency_id"],
        exchange_rate=Decimal("1.102400"),
        amount=Decimal("843.00"),
        bank_charges=Decimal("10.00"),
        account_id=accounts["Business Checking"]["account_id"],
        invoices=[{**applied, "date": "2026-03-10", "total": invoice["total"]}],
        applied_invoices=[applied],
    )
    amounts.recompute_payment(payment, "invoices")
    payments[PAYMENT_ID] = payment
    ledger.rebuild_account_transactions(books)
