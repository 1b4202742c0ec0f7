"""Members the sandbox may send although Zoho's published documents do not list them for that answer.

Each entry is (endpoint, "list" | "detail", member path) → the evidence: a row of
``tests/reference/zoho-real-shapes.md`` ("real shapes: <row>") or a section of a vendored document. Paths
are ``undocumented``'s: ``line_items[].tax_id``. An endpoint of ``*`` means every endpoint, and a path
ending in ``*`` every member that starts so. List rows may also carry the fields observed in real list
answers (``tests/reference/zoho-list-fields.md``); those need no entry here.

Keep it short: a member without evidence must not be sent, whatever the product would like to read.
"""

from __future__ import annotations

REAL_SHAPES = "zoho-real-shapes.md"
_LINE_TAXES = f"{REAL_SHAPES} 'invoice / credit note taxes[]' row: per-line tax ids in line_items[].tax_id and line_items[].line_item_taxes[] (tax_id, tax_name, tax_amount) (doc, rec)"  # noqa: E501
_LINE_DOCUMENTS = ("invoices", "credit_notes", "bills", "vendor_credits", "purchase_orders")

ALLOWED: dict[tuple[str, str, str], str] = {
    # Credit note refunds: the detail documents neither the bank account nor the rate; the refund request
    # and its update do.
    (
        "credit_note_refunds",
        "detail",
        "from_account_id",
    ): "credit-notes.yml update-credit-note-refund-request: from_account_id, the account the refund is paid from",  # noqa: E501
    (
        "credit_note_refunds",
        "detail",
        "exchange_rate",
    ): "credit-notes.yml update-credit-note-refund-request: the refund's exchange_rate",
    ("*", "*", "cf_*"): f"{REAL_SHAPES} 'custom fields' row: cf_* and cf_*_unformatted members (rec)",
    # Customer payments: the detail documents neither the bank account nor the rate nor what is unapplied.
    (
        "customer_payments",
        "detail",
        "account_id",
    ): f"{REAL_SHAPES} 'customer payment' row: bank account in account_id (doc, sdk)",
    (
        "customer_payments",
        "detail",
        "exchange_rate",
    ): "customer-payments.yml create-a-payment-request and update-a-payment-request: the payment's exchange_rate",  # noqa: E501
    (
        "customer_payments",
        "detail",
        "unused_amount",
    ): f"{REAL_SHAPES} 'payments not fully applied' row: unused_amount (doc, rec)",
    (
        "customer_payments",
        "detail",
        "invoices[].invoice_payment_id",
    ): f"{REAL_SHAPES} 'customer payment' row: applied rows invoices[] with invoice_payment_id (doc, sdk)",
    (
        "customer_payments",
        "detail",
        "invoices[].tax_amount_withheld",
    ): f"{REAL_SHAPES} 'customer payment' row: applied rows invoices[] with tax_amount_withheld (doc, sdk)",
    # Invoices of an organization that rounds totals: the round-off (D79).
    (
        "invoices",
        "detail",
        "roundoff_value",
    ): f"{REAL_SHAPES} 'invoice arithmetic' row: roundoff_value (doc, rec)",
    # Invoices naming the account their discount posts to (D80).
    (
        "invoices",
        "detail",
        "discount_account_id",
    ): f"{REAL_SHAPES} 'invoice arithmetic' row: discount_account_id (doc, rec)",
    # Invoice lines: the answer schema lists no account; the request's line does.
    (
        "invoices",
        "detail",
        "line_items[].account_id",
    ): "invoices.yml components/schemas/account_id: 'Account ID that has to be associated to the line item'",
    (
        "invoices",
        "detail",
        "line_items[].account_name",
    ): "credit-notes.yml get-a-credit-note-response line_items[].account_name (the same sales line)",
    # Credit notes: the detail documents neither a rate nor the lines' amounts and taxes.
    (
        "credit_notes",
        "detail",
        "exchange_rate",
    ): "credit-notes.yml components/schemas/exchange_rate: 'Exchange rate for converting the credit note currency to base currency' (create and update requests)",  # noqa: E501
    (
        "credit_notes",
        "detail",
        "line_items[].line_item_id",
    ): "credit-notes.yml components/schemas/line_items (a credit note's line)",
    (
        "credit_notes",
        "detail",
        "line_items[].item_order",
    ): "credit-notes.yml components/schemas/line_items (a credit note's line)",
    (
        "credit_notes",
        "detail",
        "line_items[].rate",
    ): "credit-notes.yml components/schemas/line_items (a credit note's line)",
    (
        "credit_notes",
        "detail",
        "line_items[].item_total",
    ): f"invoices.yml get-an-invoice-response line_items[].item_total; {REAL_SHAPES} 'invoice / credit note' row gives both the same lines",  # noqa: E501
    ("credit_notes", "detail", "line_items[].tax_name"): _LINE_TAXES,
    ("credit_notes", "detail", "line_items[].tax_type"): _LINE_TAXES,
    ("credit_notes", "detail", "line_items[].tax_percentage"): _LINE_TAXES,
    (
        "credit_notes",
        "detail",
        "invoices[].creditnote_invoice_id",
    ): f"{REAL_SHAPES} 'credit notes applied' row; credit-notes.yml list-invoices-credited-response",
    (
        "credit_notes",
        "detail",
        "invoices[].date",
    ): f"{REAL_SHAPES} 'credit notes applied' row; credit-notes.yml list-invoices-credited-response",
    (
        "credit_notes",
        "detail",
        "invoices[].credited_amount",
    ): f"{REAL_SHAPES} 'credit notes applied' row; credit-notes.yml list-invoices-credited-response",
    # Vendor credits: the GET answer omits the tax summary its update answer documents.
    (
        "vendor_credits",
        "detail",
        "taxes",
    ): "vendor-credits.yml update-vendor-credit-response vendor_credit.taxes",
    (
        "vendor_credits",
        "detail",
        "taxes[].tax_name",
    ): "vendor-credits.yml update-vendor-credit-response vendor_credit.taxes",
    (
        "vendor_credits",
        "detail",
        "taxes[].tax_amount",
    ): "vendor-credits.yml update-vendor-credit-response vendor_credit.taxes",
    # Expenses: the paying account's id and itemized lines (the documents say line_item, singular).
    (
        "expenses",
        "detail",
        "paid_through_account_id",
    ): f"{REAL_SHAPES} 'expenses' row: paid_through_account_id (doc, sdk, rec)",
    (
        "expenses",
        "detail",
        "line_items",
    ): f"{REAL_SHAPES} 'expenses' row: itemized expenses have line_items[] (doc, sdk, rec)",
}
# Allowed members whose own members are checked against a documented member of another name.
ALIASES: dict[tuple[str, str, str], str] = {
    ("expenses", "detail", "line_items"): "line_item",  # expenses.yml get-an-expense-response line_item
}
for _endpoint in _LINE_DOCUMENTS:
    ALLOWED[(_endpoint, "detail", "line_items[].line_item_taxes")] = _LINE_TAXES
    ALLOWED[(_endpoint, "detail", "line_items[].line_item_taxes[].*")] = _LINE_TAXES
