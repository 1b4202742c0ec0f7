"""Which OAuth scope reads which Books API path, as Zoho's published documents give them
(``tests/reference/zoho-books-v3/*.yml``, the ``security`` of each operation).

Used to say what to grant when Zoho refuses a module (code 57): vendor credits are ``debitnotes``, the
chart of accounts, its transactions and journals are ``accountants``, items, taxes, currencies and
organizations are ``settings``.
"""

from __future__ import annotations

_SCOPE_BY_ROOT = {
    "contacts": "contacts",
    "items": "settings",
    "settings": "settings",
    "organizations": "settings",
    "invoices": "invoices",
    "retainerinvoices": "invoices",  # retainer-invoices.yml: the invoices scope
    "creditnotes": "creditnotes",
    "customerpayments": "customerpayments",
    "bills": "bills",
    "vendorcredits": "debitnotes",
    "vendorpayments": "vendorpayments",
    "purchaseorders": "purchaseorders",
    "expenses": "expenses",
    "journals": "accountants",
    "chartofaccounts": "accountants",
}


def read_scope(path: str) -> str | None:
    """``ZohoBooks.<module>.READ`` for an API path (``bills/123``, ``settings/taxes``), None if unknown."""
    root = path.strip("/").split("/", 1)[0]
    module = _SCOPE_BY_ROOT.get(root)
    return f"ZohoBooks.{module}.READ" if module else None
