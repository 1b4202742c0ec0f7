"""What the sandbox's ledger names: Zoho's system accounts by chart key, the transaction types each
document posts under, the fields that hold numbers, ids and dates, and which account types are
debit-normal.
"""

from __future__ import annotations

# Zoho's system accounts, found by their chart key (the generator's ``chart_key``: Zoho's English default
# name, whatever the organization's localized or configured display name is); AR and AP by type.
SHIPPING_INCOME = "Shipping Charge"
SALES_ADJUSTMENT = "Other Charges"
SALES_DISCOUNT = "Discount"
PURCHASE_SHIPPING = "Freight Inward"
PURCHASE_ADJUSTMENT = "Other Expenses"
PURCHASE_DISCOUNT = "Purchase Discounts"
BANK_CHARGES = "Bank Fees and Charges"
EXCHANGE_GAIN_OR_LOSS = "Exchange Gain or Loss"
# Where a customer payment's unapplied amount waits until it is applied (Zoho's customer advance account).
CUSTOMER_ADVANCES = "Customer Advances"
# Where a written-off invoice's balance goes (D78).
BAD_DEBT = "Bad Debt"
# Where an invoice's round-off (``roundoff_value``, a total rounded to whole units) goes (D79).
ROUNDING = "Rounding Off"
# What customers withhold from payments as tax deducted at source (India), receivable from the state (D81).
TDS_RECEIVABLE = "TDS Receivable"
# What the organization withholds from vendors' payments as tax deducted at source, owed to the state (D101).
TDS_PAYABLE = "TDS Payable"
# Fixed assets (D103): depreciation and disposals post only to Zoho's ledger here.
FIXED_ASSETS = "Furniture and Equipment"
ACCUMULATED_DEPRECIATION = "Accumulated Depreciation"
DEPRECIATION = "Depreciation Expense"
LOSS_ON_DISPOSAL = "Other Expenses"
# Inventory (D104): the cost of inventory items sold and stock adjustments, valued by Zoho alone.
INVENTORY_ASSET = "Inventory Asset"
COST_OF_GOODS_SOLD = "Cost of Goods Sold"

# The transaction_type of each document's ledger rows: the values chart-of-accounts.yml documents
# (``bills``, ``credit_notes``...); vendor credits are not among them, "vendor_credit" is the sandbox's guess.
TRANSACTION_TYPES: dict[str, str] = {
    "invoices": "invoice",
    "creditnotes": "credit_notes",
    "customerpayments": "customer_payment",
    "bills": "bills",
    "vendorcredits": "vendor_credit",
    "vendorpayments": "vendor_payment",
    "expenses": "expense",
    "journals": "journal",
    # Refunds (D72): "creditnote_refund" is documented; vendor credit refunds are not, the sandbox's guess.
    "creditnoterefunds": "creditnote_refund",
    "vendorcreditrefunds": "vendor_credit_refund",
    # Refunds of customer and vendor payments (D135): "refund" is among the documented types.
    "customerpaymentrefunds": "refund",
    "vendorpaymentrefunds": "refund",
    # Sales receipts (D73): not documented among the types; the sandbox's guess.
    "salesreceipts": "sales_receipt",
    # Retainer payments (D92): not documented among the types, nor served by any documented route; only their
    # ledger rows are (ml_connector_fakes/world/retainers.py). "retainer_payment" is the sandbox's guess.
    "retainerpayments": "retainer_payment",
    # Customer debit notes (D95): invoices of type debit_note; not documented among the types, the sandbox's
    # guess.
    "debitnotes": "debit_note",
}
NUMBER_FIELDS: dict[str, str] = {
    "invoices": "invoice_number",
    "creditnotes": "creditnote_number",
    "customerpayments": "payment_number",
    "bills": "bill_number",
    "vendorcredits": "vendor_credit_number",
    "vendorpayments": "payment_number",
    "expenses": "reference_number",
    "journals": "entry_number",
    "creditnoterefunds": "creditnote_number",
    "vendorcreditrefunds": "vendor_credit_number",
    "customerpaymentrefunds": "payment_number",
    "vendorpaymentrefunds": "payment_number",
    "salesreceipts": "receipt_number",
    "retainerpayments": "payment_number",
    "debitnotes": "invoice_number",
}
ID_FIELDS: dict[str, str] = {
    "invoices": "invoice_id",
    "creditnotes": "creditnote_id",
    "customerpayments": "payment_id",
    "bills": "bill_id",
    "vendorcredits": "vendor_credit_id",
    "vendorpayments": "payment_id",
    "expenses": "expense_id",
    "journals": "journal_id",
    "creditnoterefunds": "creditnote_refund_id",
    "vendorcreditrefunds": "vendor_credit_refund_id",
    "customerpaymentrefunds": "payment_refund_id",
    "vendorpaymentrefunds": "vendorpayment_refund_id",
    "salesreceipts": "sales_receipt_id",
    "retainerpayments": "payment_id",
    "debitnotes": "invoice_id",
}
# Banking (banking.py): bank transactions post under their own transaction_type, base currency
# adjustments and the opening balance under the types chart-of-accounts.yml documents for them.
BANKING_ENTITIES = ("banktransactions", "basecurrencyadjustments", "openingbalances")
# The bank transaction types that move money between the bank account and one other account (debit the
# to_account, credit the from_account); others (expense, customer_payment...) are other modules' documents.
BANK_TRANSFER_TYPES = frozenset(
    {
        "deposit",
        "transfer_fund",
        "card_payment",
        "owner_contribution",
        "owner_drawings",
        "interest_income",
        "other_income",
        "expense_refund",
        "sales_without_invoices",
        "refund",
    }
)
# Statement lines not yet categorized (or excluded) post nothing.
NON_POSTING_BANK_STATUSES = frozenset({"uncategorized", "excluded"})
POSTING_ENTITIES = (*TRANSACTION_TYPES, *BANKING_ENTITIES)
ID_FIELDS.update(
    banktransactions="transaction_id",
    basecurrencyadjustments="base_currency_adjustment_id",
    openingbalances="opening_balance_id",
)
NUMBER_FIELDS.update(banktransactions="reference_number")
DATE_FIELDS = {"journals": "journal_date", "basecurrencyadjustments": "adjustment_date"}

# Approval workflows: "pending_approval" and "approved" documents are not issued yet, so they post nothing.
NON_POSTING_STATUSES = frozenset({"draft", "void", "pending_approval", "approved"})

# Account types whose balance grows with debits (assets and expenses); every other type grows with credits.
DEBIT_NORMAL_TYPES = frozenset(
    {
        "bank",
        "cash",
        "accounts_receivable",
        "other_current_asset",
        "fixed_asset",
        "stock",
        "other_asset",
        "intangible_asset",
        "right_to_use_asset",
        "financial_asset",
        "contingent_asset",
        "contract_asset",
        "payment_clearing",
        "expense",
        "cost_of_goods_sold",
        "other_expense",
        "manufacturing_expense",
        "impairment_expense",
        "depreciation_expense",
        "employee_benefit_expense",
        "lease_expense",
        "finance_expense",
        "tax_expense",
    }
)
