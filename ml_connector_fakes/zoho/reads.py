"""The read side of the Books API: which path is which endpoint, and what each endpoint returns.

Pure functions over ``OrgBooks``; the HTTP app resolves the route, checks auth, org and limits, takes the
dataset lock and calls them. Choices where Zoho's documentation is silent:

* Sort columns: each list accepts the ``sort_column`` values its published document allows (``SORT_COLUMNS``);
  invoices also accept ``last_modified_time``, as real Zoho does (recorded). Any other ``sort_column`` is
  ignored, as Zoho may do: the list comes in its default order and ``page_context.sort_column`` says which
  column that was. Default: the entity's date field (``date`` / ``journal_date``), else ``created_time``;
  order ``D``. An unknown ``sort_order`` → 400 code 2.
* Contacts and items: ``filter_by`` defaults to ``Status.Active`` (inactive records hidden); send
  ``Status.All`` for every record, ``Status.Inactive`` for the inactive ones.
* ``per_page`` above 200 is clamped to 200 (``page_context.per_page`` says so); below 1 → code 2.
* Chart of accounts: ``filter_by`` defaults to ``AccountType.Active`` (send ``AccountType.All`` for inactive
  accounts too); ``current_balance`` is on rows only with ``showbalance=true``.
* Journals: without ``filter_by=JournalDate.All`` and without ``date_start``/``date_end`` only the journals of
  the sandbox's current month are listed (``JournalDate.ThisMonth``).
* ``last_modified_time=<ts>`` keeps rows whose timestamp string is exactly ``<ts>``: it is not "since".
* Other ``filter_by`` values on document lists are accepted and ignored.
* Zoho's ledger (``chartofaccounts/transactions``) honours its documented ``date``, ``amount`` and
  ``transaction_type`` filters with their variants (``ledger_reads.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.payment_refunds import (
    CUSTOMER_PAYMENT_REFUNDS,
    VENDOR_REFUNDS,
    refunds_of_payment,
    refunds_of_vendor_payment,
)
from ml_connector_fakes.zoho import wire
from ml_connector_fakes.zoho.config import SandboxConfig
from ml_connector_fakes.zoho.entities import BY_PATH, ENTITIES, Entity
from ml_connector_fakes.zoho.envelope import ApiError, invalid_value, not_found, success
from ml_connector_fakes.zoho.ledger_reads import list_account_transactions
from ml_connector_fakes.zoho.listing import (
    id_key,
    in_date_range,
    page_context,
    page_slice,
    parse_date,
    parse_paging,
    sort_rows,
)

ORGANIZATIONS = "/organizations"
ORGANIZATION = "/organizations/{organization_id}"
ACCOUNT_TRANSACTIONS = "/chartofaccounts/transactions"
EXCHANGE_RATES = "/settings/currencies/{currency_id}/exchangerates"
OPENING_BALANCE = "/settings/openingbalances"
# Refunds of a customer or vendor payment, listed and detailed only under it (customer-payments.yml,
# vendor-payments.yml, D135).
PAYMENT_REFUNDS = "/customerpayments/{customer_payment_id}/refunds"
PAYMENT_REFUND = "/customerpayments/{customer_payment_id}/refunds/{refund_id}"
VENDOR_PAYMENT_REFUNDS = "/vendorpayments/{payment_id}/refunds"
VENDOR_PAYMENT_REFUND = "/vendorpayments/{payment_id}/refunds/{vendorpayment_refund_id}"
_REFUND_ROUTES = {
    "customerpayments": (PAYMENT_REFUNDS, PAYMENT_REFUND),
    "vendorpayments": (VENDOR_PAYMENT_REFUNDS, VENDOR_PAYMENT_REFUND),
}


@dataclass(frozen=True)
class Route:
    template: str  # for stats: "/invoices", "/invoices/{invoice_id}", ...
    entity: Entity | None = None
    record_id: str | None = None  # detail routes: the record id; exchange rates: the currency id
    parent_id: str | None = None  # details under a parent document (refunds): the parent's id

    @property
    def needs_org(self) -> bool:
        return self.template not in (ORGANIZATIONS, ORGANIZATION)


# Paths longer than an entity path plus an id, matched before the entity table.
_EXCHANGE_RATES_SUFFIX = "/exchangerates"
_ENTITY_PATHS = sorted(BY_PATH, key=len, reverse=True)  # "settings/taxes" before any one-segment path


def resolve(rest: str) -> Route | None:
    """Map the path after ``/books/v3/`` to a route, or None for Zoho's "Invalid URL Passed"."""
    rest = rest.strip("/")
    if rest == "organizations":
        return Route(ORGANIZATIONS)
    if rest.startswith("organizations/") and rest.count("/") == 1:
        return Route(ORGANIZATION, record_id=rest.split("/", 1)[1])
    if rest == "chartofaccounts/transactions":
        return Route(ACCOUNT_TRANSACTIONS)
    if rest == OPENING_BALANCE.strip("/"):
        return Route(OPENING_BALANCE)
    if rest.startswith("settings/currencies/") and rest.endswith(_EXCHANGE_RATES_SUFFIX):
        currency_id = rest[len("settings/currencies/") : -len(_EXCHANGE_RATES_SUFFIX)]
        if currency_id and "/" not in currency_id:
            return Route(EXCHANGE_RATES, record_id=currency_id)
        return None
    parts = rest.split("/")
    if len(parts) in (3, 4) and parts[0] in _REFUND_ROUTES and parts[2] == "refunds" and all(parts):
        listed, detailed = _REFUND_ROUTES[parts[0]]
        if len(parts) == 3:
            return Route(listed, record_id=parts[1])
        return Route(detailed, record_id=parts[3], parent_id=parts[1])
    for entity in ENTITIES:
        if entity.parent is None or len(parts) != 4 or not all(parts):
            continue
        parent_path, parent_field = entity.parent
        if parts[0] == parent_path and parts[2] == entity.path.rsplit("/", 1)[1]:
            template = f"/{parent_path}/{{{parent_field}}}/{parts[2]}/{{{entity.id_field}}}"
            return Route(template, entity, parts[3], parent_id=parts[1])
    for path in _ENTITY_PATHS:
        entity = BY_PATH[path]
        if rest == path:
            return Route(f"/{path}", entity)
        if rest.startswith(path + "/"):
            record_id = rest[len(path) + 1 :]
            if record_id and "/" not in record_id and entity.parent is None:
                return Route(f"/{path}/{{{entity.id_field}}}", entity, record_id)
    return None


def list_organizations(orgs: list[OrgBooks]) -> dict[str, Any]:
    rows = [books.organization for books in sorted(orgs, key=lambda b: b.organization_id)]
    return success(organizations=rows)


def get_organization(books: OrgBooks) -> dict[str, Any]:
    return success(organization=books.organization)


# Customer debit notes (D95): invoices of type debit_note, kept apart from the invoices; the invoices list
# returns them only with this filter (whether Zoho's plain list returns them too is not documented).
DEBIT_NOTES = "debitnotes"
DEBIT_NOTE_FILTER = "Type.DebitNote"


def get_record(
    books: OrgBooks, entity: Entity, record_id: str, parent_id: str | None = None
) -> dict[str, Any]:
    name = entity.name
    record = books.records.get(name, {}).get(record_id)
    if record is None and name == "invoices":
        # A debit note is an invoice: GET /invoices/{invoice_id} reads it (customer-debit-notes.yml).
        name, record = DEBIT_NOTES, books.records.get(DEBIT_NOTES, {}).get(record_id)
    if record is None:
        raise not_found()
    if parent_id is not None and entity.parent is not None and str(record.get(entity.parent[1])) != parent_id:
        raise not_found()  # a refund asked for under another credit note
    return success(**{entity.detail_root: wire.detail_record(books, name, record)})


# The ``sort_column`` values each list's published document allows (tests/reference/zoho-books-v3), plus
# what real answers showed (invoices sort by last_modified_time, recorded). The customer payments document
# names no values (its example is created_time); taxes and currencies document none.
SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "contacts": (
        "contact_name",
        "first_name",
        "last_name",
        "email",
        "outstanding_receivable_amount",
        "created_time",
        "last_modified_time",
    ),
    "items": ("name", "rate", "tax_name"),
    "chartofaccounts": ("account_name", "account_type"),
    "taxes": (),
    "currencies": (),
    "invoices": (
        "customer_name",
        "invoice_number",
        "date",
        "due_date",
        "total",
        "balance",
        "created_time",
        "last_modified_time",
    ),
    "creditnotes": ("customer_name", "creditnote_number", "balance", "total", "date", "created_time"),
    "customerpayments": ("date", "created_time"),
    "bills": ("vendor_name", "bill_number", "date", "due_date", "total", "balance", "created_time"),
    "vendorcredits": (
        "vendor_name",
        "vendor_credit_number",
        "balance",
        "total",
        "date",
        "created_time",
        "last_modified_time",
        "reference_number",
    ),
    "vendorpayments": ("vendor_name", "date", "reference_number", "amount", "balance"),
    "salesreceipts": ("customer_name", "receipt_number", "date", "total", "created_time"),
    # retainer-invoices.yml ("retainer invoice_number" as documented, with its space: not a member name).
    "retainerinvoices": (
        "customer_name",
        "retainerinvoice_number",
        "date",
        "due_date",
        "total",
        "balance",
        "created_time",
    ),
    "creditnoterefunds": (
        "refund_mode",
        "reference_number",
        "date",
        "creditnote_number",
        "customer_name",
        "amount_bcy",
        "amount_fcy",
    ),
    # The vendor credit refunds document copies the vendor credits' columns (list rows have no such members).
    "vendorcreditrefunds": (
        "vendor_name",
        "vendor_credit_number",
        "balance",
        "total",
        "date",
        "created_time",
        "last_modified_time",
        "reference_number",
    ),
    "purchaseorders": (
        "vendor_name",
        "purchaseorder_number",
        "date",
        "delivery_date",
        "total",
        "created_time",
    ),
    "expenses": (
        "date",
        "account_name",
        "total",
        "bcy_total",
        "reference_number",
        "customer_name",
        "created_time",
    ),
    "journals": ("journal_date", "entry_number", "reference_number", "total"),
    "banktransactions": ("date",),
    "basecurrencyadjustments": (
        "adjustment_date",
        "exchange_rate",
        "currency_code",
        "debit_or_credit",
        "gain_or_loss",
    ),
}
# Bank transactions' documented filter_by values and the statuses each keeps (None: every status).
_BANK_STATUS_FILTERS: dict[str, frozenset[str] | None] = {
    "Status.All": None,
    "Status.Uncategorized": frozenset({"uncategorized"}),
    "Status.Categorized": frozenset({"categorized"}),
    "Status.ManuallyAdded": frozenset({"manually_added"}),
    "Status.Excluded": frozenset({"excluded"}),
    "Status.Matched": frozenset({"matched"}),
}
# filter_by values of the lists that hide inactive records by default.
_STATUS_FILTERS = ("Status.All", "Status.Active", "Status.Inactive")


def _sort_columns(entity: Entity) -> tuple[str, ...]:
    return SORT_COLUMNS.get(entity.name, ())


def _sorted(rows: list[Record], column: str, descending: bool, id_field: str) -> list[Record]:
    """``sort_rows``, with numeric columns (totals, balances, rates) ordered as numbers, not as text."""
    values = [r.get(column) for r in rows if r.get(column) not in (None, "")]
    if values and all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values):
        return sorted(
            rows,
            key=lambda r: (Decimal(str(r.get(column) or 0)), id_key(r.get(id_field))),
            reverse=descending,
        )
    return sort_rows(rows, column, descending, id_field)


def _list_row(entity: Entity, record: Record, show_balance: bool, source: str | None = None) -> Record:
    row = wire.list_row(source or entity.name, record)
    hidden = set()
    if not entity.list_has_last_modified:
        hidden.add("last_modified_time")
    if entity.name == "chartofaccounts" and not show_balance:
        hidden.add("current_balance")
    return {k: v for k, v in row.items() if k not in hidden}


def _filter_rows(
    entity: Entity, rows: list[Record], params: Mapping[str, str], today: date
) -> tuple[list[Record], str]:
    """Apply the list filters; returns the rows and the filter Zoho reports as ``applied_filter``."""
    applied = params.get("filter_by", "")
    start, end = parse_date(params, "date_start"), parse_date(params, "date_end")
    if entity.name == "journals":
        if applied not in ("", "JournalDate.All", "JournalDate.ThisMonth"):
            raise invalid_value("filter_by")
        if applied == "JournalDate.ThisMonth" or (not applied and start is None and end is None):
            applied = "JournalDate.ThisMonth"
            rows = [r for r in rows if str(r.get("journal_date", ""))[:7] == today.isoformat()[:7]]
    elif entity.name in ("contacts", "items"):
        applied = applied or "Status.Active"
        if applied == "Status.Active":
            rows = [r for r in rows if r.get("status", "active") == "active"]
        elif applied == "Status.Inactive":
            rows = [r for r in rows if r.get("status", "active") != "active"]
        elif applied not in _STATUS_FILTERS and entity.name == "items":
            raise invalid_value("filter_by")
    elif entity.name == "chartofaccounts":
        applied = applied or "AccountType.Active"
        if applied == "AccountType.Active":
            rows = [r for r in rows if r.get("is_active", True)]
        elif applied == "AccountType.Inactive":
            rows = [r for r in rows if not r.get("is_active", True)]
        elif applied != "AccountType.All":
            raise invalid_value("filter_by")
    elif entity.name == "banktransactions":
        # Zoho documents the filter, not its default: the sandbox lists every status without one.
        if applied and applied not in _BANK_STATUS_FILTERS:
            raise invalid_value("filter_by")
        kept = _BANK_STATUS_FILTERS.get(applied or "Status.All")
        if kept is not None:
            rows = [r for r in rows if r.get("status") in kept]
    if entity.date_field and (start or end):
        rows = [r for r in rows if in_date_range(r.get(entity.date_field), start, end)]
    if "last_modified_time" in params:
        # Exact string match, as live Zoho behaves: the trap for connectors that use it as "since".
        wanted = params["last_modified_time"]
        rows = [r for r in rows if r.get("last_modified_time") == wanted]
    return rows, applied


def list_records(
    books: OrgBooks, entity: Entity, params: Mapping[str, str], config: SandboxConfig
) -> dict[str, Any]:
    paging = parse_paging(params)
    default_column = entity.date_field or "created_time"
    asked = params.get("sort_column") or default_column
    # An undocumented column is ignored, not refused: page_context.sort_column says what was used.
    sort_column = asked if asked in _sort_columns(entity) else default_column
    if sort_column != asked and config.refuse_undocumented_sort:
        raise invalid_value("sort_column")
    sort_order = params.get("sort_order") or "D"
    if sort_order not in ("A", "D"):
        raise invalid_value("sort_order")
    today = config.today or date.today()
    source, root = entity.name, entity.list_root
    if entity.name == "invoices" and params.get("filter_by") == DEBIT_NOTE_FILTER:
        source, root = DEBIT_NOTES, "debit_notes"  # customer-debit-notes.yml: the invoices list, filtered
    rows, applied = _filter_rows(entity, list(books.records.get(source, {}).values()), params, today)
    rows = _sorted(rows, sort_column, sort_order == "D", entity.id_field)
    repeat = entity.name == "invoices" and config.duplicate_invoice_rows_across_pages
    page_rows, has_more = page_slice(rows, paging, repeat)
    show_balance = params.get("showbalance", "").lower() == "true"
    context = page_context(paging, has_more, sort_column, sort_order)
    context["report_name"] = root.replace("_", " ").title()
    if applied:
        context["applied_filter"] = applied
    return success(
        **{root: [_list_row(entity, r, show_balance, source) for r in page_rows]}, page_context=context
    )


def list_exchange_rates(books: OrgBooks, currency_id: str, params: Mapping[str, str]) -> dict[str, Any]:
    known = currency_id in books.records.get("currencies", {}) or currency_id in books.exchange_rates
    if not known:
        raise not_found()
    paging = parse_paging(params)
    from_date = parse_date(params, "from_date")
    rows = [
        r
        for r in books.exchange_rates.get(currency_id, [])
        if in_date_range(r.get("effective_date"), from_date, None)
    ]
    rows.sort(key=lambda r: str(r.get("effective_date") or ""), reverse=True)  # newest first, like the UI
    page_rows, has_more = page_slice(rows, paging, repeat_boundary_row=False)
    context = page_context(paging, has_more, "effective_date", "D")
    return success(exchange_rates=page_rows, page_context=context)


def get_opening_balance(books: OrgBooks) -> dict[str, Any]:
    """The organization's opening balance, one object; an organization without one: not found."""
    found = next(iter(books.records.get("openingbalances", {}).values()), None)
    if found is None:
        raise not_found()
    return success(opening_balance=wire.detail_record(books, "openingbalances", found))


def _refunded_payment(books: OrgBooks, entity: str, payment_id: str | None) -> Record:
    payment = books.records.get(entity, {}).get(str(payment_id))
    if payment is None:
        raise not_found()
    return payment


def list_payment_refunds(
    books: OrgBooks, entity: str, payment_id: str, params: Mapping[str, str]
) -> dict[str, Any]:
    """A customer (vendor) payment's refunds, oldest first, paged (no sort or filter is documented), under
    ``payment_refunds`` (``vendorpayment_refunds``)."""
    payment = _refunded_payment(books, entity, payment_id)
    paging = parse_paging(params)
    if entity == "customerpayments":
        kind, root, refunds = CUSTOMER_PAYMENT_REFUNDS, "payment_refunds", refunds_of_payment
    else:
        kind, root, refunds = (
            VENDOR_REFUNDS,
            "vendorpayment_refunds",
            refunds_of_vendor_payment,
        )
    rows = [wire.list_row(kind, refund) for refund in refunds(books, payment["payment_id"])]
    page_rows, has_more = page_slice(rows, paging, repeat_boundary_row=False)
    context = page_context(paging, has_more, "date", "A")
    return success(**{root: page_rows, "page_context": context})


def get_payment_refund(
    books: OrgBooks, entity: str, payment_id: str | None, refund_id: str
) -> dict[str, Any]:
    """One refund of a customer (vendor) payment: documented as a list of one under ``payment_refunds``
    (``vendorpayment_refund``)."""
    payment = _refunded_payment(books, entity, payment_id)
    if entity == "customerpayments":
        kind, root = CUSTOMER_PAYMENT_REFUNDS, "payment_refunds"
    else:
        kind, root = VENDOR_REFUNDS, "vendorpayment_refund"
    refund = books.records.get(kind, {}).get(refund_id)
    if refund is None or refund["payment_id"] != payment["payment_id"]:
        raise not_found()
    return success(**{root: [wire.detail_record(books, kind, refund)]})


def read(route: Route, books: OrgBooks, params: Mapping[str, str], config: SandboxConfig) -> dict[str, Any]:
    """Answer an org-scoped GET (everything except the organizations routes)."""
    for entity, (listed, detailed) in _REFUND_ROUTES.items():
        if route.template == listed and route.record_id is not None:
            return list_payment_refunds(books, entity, route.record_id, params)
        if route.template == detailed and route.record_id is not None:
            return get_payment_refund(books, entity, route.parent_id, route.record_id)
    if route.template == OPENING_BALANCE:
        return get_opening_balance(books)
    if route.template == ACCOUNT_TRANSACTIONS:
        return list_account_transactions(books, params, config)
    if route.template == EXCHANGE_RATES:
        assert route.record_id is not None
        return list_exchange_rates(books, route.record_id, params)
    if route.entity is None:
        raise ApiError(404, 5, "Invalid URL Passed")
    if route.record_id is None:
        return list_records(books, route.entity, params, config)
    return get_record(books, route.entity, route.record_id, route.parent_id)


__all__ = ["ENTITIES", "Route", "get_organization", "list_organizations", "read", "resolve"]
