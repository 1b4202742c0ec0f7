"""Customer and vendor payments: their builder, how one applies to a document, and the receivable status a
document's balance and due date give it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ml_connector_fakes.world.amounts import ZERO, cents, recompute_payment
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record

UNPAID_INVOICE_STATUSES = ("sent", "viewed", "unpaid")


def receivable_status(record: Record, today: date) -> str:
    """An issued invoice's or bill's status from its balance and due date. An invoice not yet due keeps
    its sent/viewed/unpaid state (the customer's doing, not the balance's); a bill is then "open"."""
    if record["balance"] == 0:
        return "paid"
    if record["balance"] < record["total"]:
        return "partially_paid"
    if record["due_date"] < today.isoformat():
        return "overdue"
    if "invoice_id" not in record:
        return "open"
    return record["status"] if record["status"] in UNPAID_INVOICE_STATUSES else "sent"


def build_payment(
    ctx: Context,
    entity: str,
    contact: Record,
    day: date,
    number: str,
    applications: list[tuple[Record, Decimal]],
) -> Record:
    """A customer payment (``entity`` "customerpayments") or vendor payment applied to documents in full
    amounts given; the documents themselves are updated by ``apply_payment``."""
    rng = ctx.rng
    customer = entity == "customerpayments"
    code = applications[0][0]["currency_code"]
    currency = ctx.currencies[code]
    amount = sum((applied for _, applied in applications), ZERO)
    bank = ctx.account("Business Checking" if rng.random() < 0.8 else "Savings Account")
    created = ctx.stamp(day, ctx.office_seconds())
    doc_id, doc_number = ("invoice_id", "invoice_number") if customer else ("bill_id", "bill_number")
    applied_rows = [
        {
            doc_id: doc[doc_id],
            doc_number: doc[doc_number],
            "date": doc["date"],
            "total": doc["total"],
            "amount_applied": applied,
        }
        for doc, applied in applications
    ]
    record: Record = {
        "payment_id": ctx.new_id(),
        "payment_number": number,
        "date": day.isoformat(),
        "currency_id": currency["currency_id"],
        "currency_code": code,
        "exchange_rate": ctx.rate_on(code, day),
        "amount": amount,
        "bank_charges": ZERO,
        "account_id": bank["account_id"],
        "account_name": bank["account_name"],
        "payment_mode": "banktransfer",
        "payment_mode_formatted": "Bank Transfer",
        "reference_number": f"TRX{rng.randint(100_000, 999_999)}",
        "description": "",
        "has_attachment": False,
        "created_time": created,
        "last_modified_time": created,
    }
    numbers = ",".join(str(doc[doc_number]) for doc, _ in applications)
    if customer:
        _customer_side(ctx, record, contact, applied_rows, numbers)
    else:
        _vendor_side(record, contact, applied_rows, numbers, bank)
    recompute_payment(record, "invoices" if customer else "bills")
    return record


def _customer_side(
    ctx: Context, record: Record, contact: Record, applied_rows: list[Record], numbers: str
) -> None:
    """A customer payment's own members; a foreign-currency one sometimes bears the bank's charges."""
    rng = ctx.rng
    code, amount = record["currency_code"], record["amount"]
    if code != ctx.base_currency and rng.random() < 0.35:
        record["bank_charges"] = min(cents(amount * Decimal("0.004")) + Decimal(5), cents(amount / 2))
    record.update(
        customer_id=contact["contact_id"],
        customer_name=contact["contact_name"],
        invoices=applied_rows,
        applied_invoices=[
            {"invoice_id": row["invoice_id"], "amount_applied": row["amount_applied"]} for row in applied_rows
        ],
        invoice_numbers=numbers,
        amount_refunded=ZERO,
        bcy_refunded_amount=ZERO,
        custom_fields_list="",
        documents="",
        gateway_transaction_id="",
        last_four_digits="",
        payment_gateway="",
        payment_status="paid",
        payment_type="Invoice Payment",
        product_description="",
        settlement_status="",
        tax_account_id="",
        tax_account_name="",
        tax_amount_withheld=ZERO,
    )


def _vendor_side(
    record: Record, contact: Record, applied_rows: list[Record], numbers: str, bank: Record
) -> None:
    record.update(
        vendor_id=contact["contact_id"],
        vendor_name=contact["vendor_name"],
        bills=applied_rows,
        bill_numbers=numbers,
        paid_through_account_id=bank["account_id"],
        paid_through_account_name=bank["account_name"],
        balance=ZERO,
    )


def apply_payment(
    ctx: Context, payment: Record, documents: dict[str, Record], id_field: str, key: str
) -> None:
    """Reduce the paid documents' balances and restate their statuses."""
    for row in payment[key]:
        document = documents[row[id_field]]
        document["balance"] -= row["amount_applied"]
        document["status"] = receivable_status(document, ctx.today)
        document["current_sub_status"] = document["status"]
        document["due_days"] = "" if document["balance"] == 0 else document["due_days"]
        document["last_modified_time"] = payment["created_time"]
        if id_field == "invoice_id":
            document["last_payment_date"] = payment["date"]
            document["updated_time"] = payment["created_time"]
