"""Each entity's shape, and the members computed for the wire: applications renamed and given ids,
currency symbols, ``bcy_balance``, ``updated_time``...
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.zoho.wire.banking import (
    BANK_TRANSACTION_DETAIL,
    BANK_TRANSACTION_LIST,
    BASE_CURRENCY_ADJUSTMENT_DETAIL,
    BASE_CURRENCY_ADJUSTMENT_LIST,
    OPENING_BALANCE,
)
from ml_connector_fakes.zoho.wire.members import Shape
from ml_connector_fakes.zoho.wire.purchases import (
    BILL_DETAIL,
    BILL_LIST,
    EXPENSE_DETAIL,
    EXPENSE_LIST,
    JOURNAL_DETAIL,
    JOURNAL_LIST,
    PURCHASE_ORDER_DETAIL,
    PURCHASE_ORDER_LIST,
    VENDOR_CREDIT_DETAIL,
    VENDOR_CREDIT_LIST,
    VENDOR_CREDIT_REFUND_DETAIL,
    VENDOR_CREDIT_REFUND_LIST,
    VENDOR_PAYMENT_DETAIL,
    VENDOR_PAYMENT_LIST,
    VENDOR_PAYMENT_REFUND_DETAIL,
    VENDOR_PAYMENT_REFUND_ROW,
)
from ml_connector_fakes.zoho.wire.reference import (
    ACCOUNT_LIST,
    CONTACT_DETAIL,
    CONTACT_LIST,
    CURRENCY_DETAIL,
    CURRENCY_LIST,
    ITEM_DETAIL,
    ITEM_LIST,
    TAX_DETAIL,
    TAX_LIST,
)
from ml_connector_fakes.zoho.wire.sales import (
    CREDIT_NOTE_DETAIL,
    CREDIT_NOTE_LIST,
    CREDIT_NOTE_REFUND_DETAIL,
    CREDIT_NOTE_REFUND_LIST,
    CUSTOMER_PAYMENT_DETAIL,
    CUSTOMER_PAYMENT_LIST,
    CUSTOMER_PAYMENT_REFUND_DETAIL,
    CUSTOMER_PAYMENT_REFUND_LIST,
    DEBIT_NOTE_DETAIL,
    DEBIT_NOTE_LIST,
    INVOICE_DETAIL,
    INVOICE_LIST,
    RETAINER_INVOICE_DETAIL,
    RETAINER_INVOICE_LIST,
    SALES_RECEIPT_DETAIL,
    SALES_RECEIPT_LIST,
)


def _currency_symbol(books: OrgBooks, record: Record) -> str:
    code = record.get("currency_code")
    currency_id = record.get("currency_id")
    for currency in books.records.get("currencies", {}).values():
        if currency.get("currency_id") == currency_id or currency.get("currency_code") == code:
            return str(currency.get("currency_symbol", ""))
    return ""


def _with_symbol(books: OrgBooks, record: Record) -> Record:
    return {"currency_symbol": _currency_symbol(books, record)}


def _application_id(owner_id: Any, index: int) -> str:
    """Zoho gives each application its own id; the sandbox derives it from the owner and the position, so
    it stays the same on every answer."""
    return f"{owner_id}{index + 1:03d}"


def _credit_note_detail(books: OrgBooks, record: Record) -> Record:
    applications = [
        {
            "creditnote_invoice_id": _application_id(record.get("creditnote_id"), index),
            "invoice_id": row.get("invoice_id"),
            "invoice_number": row.get("invoice_number"),
            "date": row.get("date"),
            "credited_amount": row.get("amount_applied"),
        }
        for index, row in enumerate(record.get("invoices_credited") or [])
    ]
    return {
        "invoices": applications,
        "currency_symbol": _currency_symbol(books, record),
        # The documents name a credit note's change time ``updated_time`` on its detail.
        "updated_time": record.get("last_modified_time"),
    }


def _customer_payment_detail(books: OrgBooks, record: Record) -> Record:
    invoices = books.records.get("invoices", {})
    rows = []
    for index, row in enumerate(record.get("invoices") or []):
        invoice = invoices.get(str(row.get("invoice_id")), {})
        rows.append(
            {
                "invoice_payment_id": _application_id(record.get("payment_id"), index),
                "invoice_id": row.get("invoice_id"),
                "invoice_number": row.get("invoice_number"),
                "date": row.get("date"),
                "invoice_amount": row.get("total"),
                "amount_applied": row.get("amount_applied"),
                "balance_amount": invoice.get("balance", ""),
                "tax_amount_withheld": row.get("tax_amount_withheld", Decimal("0.00")),
            }
        )
    return {"invoices": rows, "currency_symbol": _currency_symbol(books, record)}


def _vendor_credit_detail(books: OrgBooks, record: Record) -> Record:
    applications = [
        {
            "bill_id": row.get("bill_id"),
            "vendor_credit_bill_id": _application_id(record.get("vendor_credit_id"), index),
            "date": row.get("date"),
            "bill_number": row.get("bill_number"),
            "amount": row.get("amount_applied"),
        }
        for index, row in enumerate(record.get("bills_credited") or [])
    ]
    return {"bills_credited": applications}


def _vendor_payment_detail(books: OrgBooks, record: Record) -> Record:
    bills = [
        {
            "bill_payment_id": _application_id(record.get("payment_id"), index),
            "bill_id": row.get("bill_id"),
            "amount_applied": row.get("amount_applied"),
            "tax_amount_withheld": row.get("tax_amount_withheld", Decimal("0.00")),
        }
        for index, row in enumerate(record.get("bills") or [])
    ]
    account = books.records.get("chartofaccounts", {}).get(str(record.get("paid_through_account_id")), {})
    refunds = [
        refund
        for refund in books.records.get("vendorpaymentrefunds", {}).values()
        if refund["payment_id"] == record.get("payment_id")
    ]
    return {
        "vendorpayment_refunds": sorted(refunds, key=lambda refund: str(refund["vendorpayment_refund_id"])),
        "bills": bills,
        "currency_symbol": _currency_symbol(books, record),
        "paid_through_account_type": account.get("account_type", ""),
    }


def _vendor_payment_list(record: Record) -> Record:
    balance = record.get("balance")
    rate = record.get("exchange_rate")
    if isinstance(balance, Decimal) and isinstance(rate, Decimal):
        return {"bcy_balance": (balance * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)}
    return {}


def _expense_detail(books: OrgBooks, record: Record) -> Record:
    return {"is_itemized_expense": bool(record.get("line_items"))}


SHAPES: dict[str, Shape] = {
    "contacts": Shape(CONTACT_LIST, CONTACT_DETAIL, derive_detail=_with_symbol),
    "items": Shape(ITEM_LIST, ITEM_DETAIL),
    "chartofaccounts": Shape(ACCOUNT_LIST, ACCOUNT_LIST),
    "taxes": Shape(TAX_LIST, TAX_DETAIL),
    "currencies": Shape(CURRENCY_LIST, CURRENCY_DETAIL),
    "invoices": Shape(INVOICE_LIST, INVOICE_DETAIL, id_field="invoice_id"),
    "debitnotes": Shape(DEBIT_NOTE_LIST, DEBIT_NOTE_DETAIL, id_field="invoice_id"),
    "creditnotes": Shape(
        CREDIT_NOTE_LIST, CREDIT_NOTE_DETAIL, derive_detail=_credit_note_detail, id_field="creditnote_id"
    ),
    "customerpayments": Shape(
        CUSTOMER_PAYMENT_LIST,
        CUSTOMER_PAYMENT_DETAIL,
        derive_detail=_customer_payment_detail,
        id_field="payment_id",
    ),
    "bills": Shape(BILL_LIST, BILL_DETAIL, id_field="bill_id"),
    "vendorcredits": Shape(
        VENDOR_CREDIT_LIST,
        VENDOR_CREDIT_DETAIL,
        derive_detail=_vendor_credit_detail,
        id_field="vendor_credit_id",
    ),
    "vendorpayments": Shape(
        VENDOR_PAYMENT_LIST,
        VENDOR_PAYMENT_DETAIL,
        derive_list=_vendor_payment_list,
        derive_detail=_vendor_payment_detail,
        id_field="payment_id",
    ),
    "creditnoterefunds": Shape(
        CREDIT_NOTE_REFUND_LIST, CREDIT_NOTE_REFUND_DETAIL, id_field="creditnote_refund_id"
    ),
    "vendorcreditrefunds": Shape(
        VENDOR_CREDIT_REFUND_LIST, VENDOR_CREDIT_REFUND_DETAIL, id_field="vendor_credit_refund_id"
    ),
    "customerpaymentrefunds": Shape(
        CUSTOMER_PAYMENT_REFUND_LIST, CUSTOMER_PAYMENT_REFUND_DETAIL, id_field="payment_refund_id"
    ),
    "vendorpaymentrefunds": Shape(
        VENDOR_PAYMENT_REFUND_ROW, VENDOR_PAYMENT_REFUND_DETAIL, id_field="vendorpayment_refund_id"
    ),
    "salesreceipts": Shape(SALES_RECEIPT_LIST, SALES_RECEIPT_DETAIL, id_field="sales_receipt_id"),
    "retainerinvoices": Shape(RETAINER_INVOICE_LIST, RETAINER_INVOICE_DETAIL, id_field="retainerinvoice_id"),
    "purchaseorders": Shape(PURCHASE_ORDER_LIST, PURCHASE_ORDER_DETAIL, id_field="purchaseorder_id"),
    "expenses": Shape(EXPENSE_LIST, EXPENSE_DETAIL, derive_detail=_expense_detail, id_field="expense_id"),
    "journals": Shape(JOURNAL_LIST, JOURNAL_DETAIL, derive_detail=_with_symbol, id_field="journal_id"),
    "banktransactions": Shape(BANK_TRANSACTION_LIST, BANK_TRANSACTION_DETAIL, id_field="transaction_id"),
    "basecurrencyadjustments": Shape(BASE_CURRENCY_ADJUSTMENT_LIST, BASE_CURRENCY_ADJUSTMENT_DETAIL),
    "openingbalances": Shape(OPENING_BALANCE, OPENING_BALANCE),
}
