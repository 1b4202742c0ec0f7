"""The sandbox's accounting contract: the ledger postings each document makes (its arithmetic is in
``amounts.py``, the accounts and transaction types it names in ``ledger_vocabulary.py``).

A later dbt project derives the general ledger from the documents' fields alone, so every rule here is
stated in terms of fields a sync loads (docs/ledger-posting-rules.md has the rules with worked examples):

* Money is ``Decimal``; amounts are rounded half up to cents, exchange rates carry 6 decimals.
* A document converts to base currency piece by piece with *cumulative rounding*: with its pieces in a
  fixed order and ``running_k`` the sum of the first k pieces in document currency,
  ``base_k = round(running_k × exchange_rate) − round(running_(k-1) × exchange_rate)``. The pieces then
  add up to exactly ``bcy_total = round(total × exchange_rate)``, so every document balances to the cent
  and a single full payment clears the receivable exactly.
* Drafts, voids and documents awaiting approval (or approved, not yet sent) post nothing; neither do
  purchase orders nor cash-basis-only journals (``journal_type`` "cash": Zoho's ledger here is accrual).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ml_connector_fakes.world.amounts import ZERO, cents, cumulative_base, to_base
from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.ledger_vocabulary import (
    BAD_DEBT,
    BANK_CHARGES,
    BANK_TRANSFER_TYPES,
    BANKING_ENTITIES,
    COST_OF_GOODS_SOLD,
    CUSTOMER_ADVANCES,
    DATE_FIELDS,
    DEBIT_NORMAL_TYPES,
    EXCHANGE_GAIN_OR_LOSS,
    ID_FIELDS,
    INVENTORY_ASSET,
    NON_POSTING_BANK_STATUSES,
    NON_POSTING_STATUSES,
    NUMBER_FIELDS,
    POSTING_ENTITIES,
    PURCHASE_ADJUSTMENT,
    PURCHASE_DISCOUNT,
    PURCHASE_SHIPPING,
    ROUNDING,
    SALES_ADJUSTMENT,
    SALES_DISCOUNT,
    SHIPPING_INCOME,
    TDS_PAYABLE,
    TRANSACTION_TYPES,
)


@dataclass(frozen=True)
class ControlAccounts:
    """The accounts documents post to without naming them on the document."""

    receivable: str
    payable: str
    by_name: Mapping[str, str]  # chart key -> account_id

    def named(self, name: str) -> str:
        return self.by_name[name]


def control_accounts(books: OrgBooks) -> ControlAccounts:
    by_name: dict[str, str] = {}
    by_type: dict[str, str] = {}
    for account in books.records.get("chartofaccounts", {}).values():
        # Hand-made data sets (tests) have no chart key: their names are the keys.
        by_name.setdefault(account.get("chart_key") or account["account_name"], account["account_id"])
        by_type.setdefault(account["account_type"], account["account_id"])
    return ControlAccounts(by_type["accounts_receivable"], by_type["accounts_payable"], by_name)


def line_net(record: Record, line: Record) -> Decimal:
    """What a line's account is posted: its ``item_total``, less the tax it holds on a tax-inclusive
    document (D100)."""
    item_total: Decimal = line["item_total"]
    if not record.get("is_inclusive_tax"):
        return item_total
    return item_total - sum((tax["tax_amount"] for tax in line.get("line_item_taxes") or ()), ZERO)


# One posting before it becomes a row: net amounts, debit positive; on the document's date unless it says.
@dataclass(frozen=True)
class Piece:
    account_id: str
    net_base: Decimal
    net_fcy: Decimal
    date: str | None = None


def _line_document_pieces(
    books: OrgBooks, accounts: ControlAccounts, record: Record, *, sales: bool
) -> list[Piece]:
    """Pieces of an invoice (sales) or a bill (purchase) in their natural direction; credit notes and
    vendor credits are the same pieces negated."""
    rate: Decimal = record["exchange_rate"]
    taxes = books.records.get("taxes", {})
    # The side the lines post to: credit (income) for sales, debit (expense) for purchases.
    sign = Decimal(-1) if sales else Decimal(1)
    # The posting accounts are internal members: Zoho documents them on taxes for one edition only.
    tax_account_field = "posting_account_id" if sales else "purchase_posting_account_id"
    targets = [line["account_id"] for line in record["line_items"]]
    amounts = [line_net(record, line) for line in record["line_items"]]
    for tax in record["taxes"]:
        targets.append(taxes[tax["tax_id"]][tax_account_field])
        amounts.append(tax["tax_amount"])
    names = (
        (SHIPPING_INCOME, SALES_ADJUSTMENT, SALES_DISCOUNT)
        if sales
        else (PURCHASE_SHIPPING, PURCHASE_ADJUSTMENT, PURCHASE_DISCOUNT)
    )
    targets += [accounts.named(name) for name in names]
    if record.get("discount_account_id"):
        targets[-1] = record["discount_account_id"]  # the discount account the document names (D80)
    amounts += [record["shipping_charge"], record["adjustment"], -record["discount_total"]]
    if record.get("roundoff_value"):
        targets.append(accounts.named(ROUNDING))
        amounts.append(record["roundoff_value"])
    if record.get("tds_total"):
        targets.append(accounts.named(TDS_PAYABLE))  # withheld from the vendor, owed to the state (D102)
        amounts.append(-record["tds_total"])
    pieces = [
        Piece(account, sign * base, sign * amount)
        for account, amount, base in zip(targets, amounts, cumulative_base(amounts, rate), strict=True)
    ]
    counterpart = accounts.receivable if sales else accounts.payable
    pieces.append(Piece(counterpart, -sign * record["bcy_total"], -sign * record["total"]))
    return pieces


def _write_off_pieces(accounts: ControlAccounts, record: Record) -> list[Piece]:
    """An invoice written off: Dr Bad Debt / Cr the receivable for ``write_off_amount`` at the invoice's
    rate (what the receivable is carried at), on the day it was written off (internal ``write_off_date``)."""
    amount: Decimal = record["write_off_amount"]
    base = to_base(amount, record["exchange_rate"])
    day: str = record["write_off_date"]
    return [
        Piece(accounts.named(BAD_DEBT), base, amount, day),
        Piece(accounts.receivable, -base, -amount, day),
    ]


def _cost_of_goods_sold_pieces(books: OrgBooks, accounts: ControlAccounts, record: Record) -> list[Piece]:
    """Inventory items sold (D104): Dr Cost of Goods Sold / Cr Inventory Asset for what Zoho values the
    goods at, after the invoice's own pieces. Zoho values them from its stock movements (FIFO); the sandbox's
    stand-in is the item's purchase rate in base currency × the quantity. No answer carries the amount, so
    no rule can derive it: the lines are taken from Zoho's ledger."""
    items = books.records.get("items", {})
    cost = ZERO
    for line in record["line_items"]:
        item = items.get(str(line.get("item_id") or ""))
        if item and item.get("item_type") == "inventory":
            cost += cents(item["purchase_rate"] * line["quantity"])
    if not cost:
        return []
    return [
        Piece(accounts.named(COST_OF_GOODS_SOLD), cost, ZERO),
        Piece(accounts.named(INVENTORY_ASSET), -cost, ZERO),
    ]


def _payment_pieces(
    books: OrgBooks, accounts: ControlAccounts, record: Record, *, customer: bool
) -> list[Piece]:
    """Bank at the payment's rate, the receivable (payable) at each applied document's own rate,
    bank charges, and the difference to Exchange Gain or Loss.

    A customer payment may leave part of its amount unapplied on its date: that part goes to Customer
    Advances at the payment's rate. An application to an invoice dated after the payment happens on the
    invoice's date (an advance applied later): Customer Advances at the payment's rate against the
    receivable at the invoice's rate, the difference to Exchange Gain or Loss, all on that date."""
    rate: Decimal = record["exchange_rate"]
    day: str = record["date"]
    sign = Decimal(1) if customer else Decimal(-1)  # customer payments debit the bank
    pieces = _cash_pieces(accounts, record, customer=customer)
    if customer:
        applied_rows, documents, control = record["invoices"], books.records["invoices"], accounts.receivable
        id_field = "invoice_id"
    else:
        applied_rows, documents, control = record["bills"], books.records["bills"], accounts.payable
        id_field = "bill_id"
    later: dict[str, list[Piece]] = {}
    applied_now = ZERO
    for applied in applied_rows:
        document = documents[applied[id_field]]
        document_rate: Decimal = document["exchange_rate"]
        # what settles the document: the amount applied and the tax withheld on it (D81, D101)
        paid: Decimal = applied["amount_applied"]
        amount = paid + (applied.get("tax_amount_withheld") or ZERO)
        settle = Piece(control, -sign * to_base(amount, document_rate), -sign * amount)
        applied_on = max(day, document["date"])
        if applied_on == day or not customer:
            pieces.append(settle)
            applied_now += paid
        else:
            advance = Piece(accounts.named(CUSTOMER_ADVANCES), to_base(paid, rate), paid, applied_on)
            later.setdefault(applied_on, []).extend(
                [advance, Piece(settle.account_id, settle.net_base, settle.net_fcy, applied_on)]
            )
    unapplied = record["amount"] - applied_now
    if customer and unapplied:
        pieces.append(Piece(accounts.named(CUSTOMER_ADVANCES), -to_base(unapplied, rate), -unapplied))
    elif unapplied:
        # A vendor overpaid: the excess is the vendor's debit on the payable, at the payment's rate (D135).
        pieces.append(Piece(control, to_base(unapplied, rate), unapplied))
    difference = sum((piece.net_base for piece in pieces), ZERO)
    if difference:
        pieces.append(Piece(accounts.named(EXCHANGE_GAIN_OR_LOSS), -difference, ZERO))
    for applied_on in sorted(later):
        moved = later[applied_on]
        pieces.extend(moved)
        difference = sum((piece.net_base for piece in moved), ZERO)
        if difference:
            pieces.append(Piece(accounts.named(EXCHANGE_GAIN_OR_LOSS), -difference, ZERO, applied_on))
    return pieces


def _cash_pieces(accounts: ControlAccounts, record: Record, *, customer: bool) -> list[Piece]:
    """A payment's bank line (net of bank charges), its bank charges and the tax withheld on it."""
    rate: Decimal = record["exchange_rate"]
    sign = Decimal(1) if customer else Decimal(-1)  # customer payments debit the bank
    charges: Decimal = record.get("bank_charges") or ZERO
    charges_base = to_base(charges, rate)
    pieces = [
        Piece(
            record["account_id"],
            sign * (record["bcy_amount"] - charges_base),
            sign * (record["amount"] - charges),
        )
    ]
    if charges_base or charges:
        pieces.append(Piece(accounts.named(BANK_CHARGES), sign * charges_base, sign * charges))
    withheld: Decimal = record.get("tax_amount_withheld") or ZERO
    if withheld:
        # Tax deducted at source: on a customer payment the account the payment names, a receivable from
        # the state (D81); on a vendor payment the organization's TDS payable, owed to the state (D101).
        tds_account = record["tax_account_id"] if customer else accounts.named(TDS_PAYABLE)
        pieces.append(Piece(tds_account, sign * to_base(withheld, rate), sign * withheld))
    return pieces


def _refund_pieces(
    books: OrgBooks, accounts: ControlAccounts, record: Record, *, customer: bool
) -> list[Piece]:
    """A refund of a credit note (customer) pays the customer back: the bank is credited at the refund's
    base amount, the receivable debited at the credit note's own rate (where its credit was booked), the
    difference to Exchange Gain or Loss. A vendor credit refund mirrors it: bank debited, payable credited."""
    sign = Decimal(-1) if customer else Decimal(1)  # the bank's side
    if customer:
        bank, credit = record["from_account_id"], books.records["creditnotes"][record["creditnote_id"]]
        control = accounts.receivable
    else:
        bank, credit = record["account_id"], books.records["vendorcredits"][record["vendor_credit_id"]]
        control = accounts.payable
    amount: Decimal = record["amount"]
    pieces = [
        Piece(bank, sign * record["amount_bcy"], sign * amount),
        Piece(control, -sign * to_base(amount, credit["exchange_rate"]), -sign * amount),
    ]
    difference = sum((piece.net_base for piece in pieces), ZERO)
    if difference:
        pieces.append(Piece(accounts.named(EXCHANGE_GAIN_OR_LOSS), -difference, ZERO))
    return pieces


def _payment_refund_pieces(
    books: OrgBooks, accounts: ControlAccounts, record: Record, *, customer: bool
) -> list[Piece]:
    """A refund of a customer payment's excess (D135): the excess waited in Customer Advances at the
    payment's rate, so that account is debited at it; the bank is credited the refund's base amount (at the
    refund's own rate), and the difference goes to Exchange Gain or Loss. A vendor's refund mirrors it: the
    bank debited, the payable (where the vendor's excess waited) credited at the payment's rate."""
    amount: Decimal = record["amount"]
    if customer:
        payment = books.records["customerpayments"][record["payment_id"]]
        held, bank, sign = accounts.named(CUSTOMER_ADVANCES), record["from_account_id"], Decimal(1)
    else:
        payment = books.records["vendorpayments"][record["payment_id"]]
        held, bank, sign = accounts.payable, record["to_account_id"], Decimal(-1)
    pieces = [
        Piece(bank, -sign * record["amount_bcy"], -sign * amount),
        Piece(held, sign * to_base(amount, payment["exchange_rate"]), sign * amount),
    ]
    difference = sum((piece.net_base for piece in pieces), ZERO)
    if difference:
        pieces.append(Piece(accounts.named(EXCHANGE_GAIN_OR_LOSS), -difference, ZERO))
    return pieces


def _expense_pieces(books: OrgBooks, record: Record) -> list[Piece]:
    rate: Decimal = record["exchange_rate"]
    lines: list[Record] = record["line_items"]
    if lines:
        targets = [line["account_id"] for line in lines]
        amounts = [line["amount"] for line in lines]
    else:
        targets, amounts = [record["account_id"]], [record["sub_total"]]
    if record["tax_id"]:
        targets.append(books.records["taxes"][record["tax_id"]]["purchase_posting_account_id"])
        amounts.append(record["tax_amount"])
    pieces = [
        Piece(account, base, amount)
        for account, amount, base in zip(targets, amounts, cumulative_base(amounts, rate), strict=True)
    ]
    pieces.append(Piece(record["paid_through_account_id"], -record["bcy_total"], -record["total"]))
    return pieces


def _journal_pieces(record: Record) -> list[Piece]:
    pieces = []
    for line in record["line_items"]:
        sign = Decimal(1) if line["debit_or_credit"] == "debit" else Decimal(-1)
        pieces.append(Piece(line["account_id"], sign * line["bcy_amount"], sign * line["amount"]))
    return pieces


def _bank_transaction_pieces(record: Record) -> list[Piece]:
    """Money from ``from_account_id`` into ``to_account_id`` (a transfer, deposit, card payment, owner's
    contribution...): debit the receiving account, credit the giving one, at ``bcy_total``."""
    return [
        Piece(record["to_account_id"], record["bcy_total"], record["total"]),
        Piece(record["from_account_id"], -record["bcy_total"], -record["total"]),
    ]


def _base_currency_adjustment_pieces(accounts: ControlAccounts, record: Record) -> list[Piece]:
    """Each revalued account moves by its gain_or_loss (a gain raises an asset's debit balance or lowers a
    liability's credit balance); Exchange Gain or Loss takes the opposite of their sum. Base currency only."""
    pieces = [Piece(row["account_id"], row["gain_or_loss"], ZERO) for row in record["accounts"]]
    total = sum((row["gain_or_loss"] for row in record["accounts"]), ZERO)
    pieces.append(Piece(accounts.named(EXCHANGE_GAIN_OR_LOSS), -total, ZERO))
    return pieces


def _opening_balance_pieces(record: Record) -> list[Piece]:
    pieces = []
    for row in record["accounts"]:
        sign = Decimal(1) if row["debit_or_credit"] == "debit" else Decimal(-1)
        pieces.append(Piece(row["account_id"], sign * row["bcy_amount"], sign * row["amount"]))
    return pieces


def _pieces(books: OrgBooks, accounts: ControlAccounts, entity: str, record: Record) -> list[Piece]:
    if entity == "banktransactions":
        return _bank_transaction_pieces(record)
    if entity == "basecurrencyadjustments":
        return _base_currency_adjustment_pieces(accounts, record)
    if entity == "openingbalances":
        return _opening_balance_pieces(record)
    if entity in ("invoices", "creditnotes", "bills", "vendorcredits", "debitnotes"):
        sales = entity in ("invoices", "creditnotes", "debitnotes")  # a debit note posts as an invoice
        pieces = _line_document_pieces(books, accounts, record, sales=sales)
        if entity in ("creditnotes", "vendorcredits"):
            return [Piece(p.account_id, -p.net_base, -p.net_fcy) for p in pieces]
        if entity == "invoices" and record.get("write_off_amount"):
            pieces += _write_off_pieces(accounts, record)
        if entity == "invoices":
            pieces += _cost_of_goods_sold_pieces(books, accounts, record)
        return pieces
    if entity in ("customerpayments", "vendorpayments"):
        return _payment_pieces(books, accounts, record, customer=entity == "customerpayments")
    if entity == "expenses":
        return _expense_pieces(books, record)
    if entity == "journals":
        return _journal_pieces(record)
    if entity == "salesreceipts":
        # An invoice's pieces, with the money deposited where the invoice would leave a receivable.
        *lines, paid = _line_document_pieces(books, accounts, record, sales=True)
        return [*lines, Piece(record["deposit_to_account_id"], paid.net_base, paid.net_fcy)]
    if entity == "retainerpayments":
        # Money received before any invoice: the bank against the customer advance (unearned revenue).
        return [
            Piece(record["deposit_to_account_id"], record["bcy_amount"], record["amount"]),
            Piece(record["advance_account_id"], -record["bcy_amount"], -record["amount"]),
        ]
    if entity in ("customerpaymentrefunds", "vendorpaymentrefunds"):
        return _payment_refund_pieces(books, accounts, record, customer=entity == "customerpaymentrefunds")
    if entity in ("creditnoterefunds", "vendorcreditrefunds"):
        return _refund_pieces(books, accounts, record, customer=entity == "creditnoterefunds")
    return []


def _rows(entity: str, record: Record, pieces: Iterable[Piece]) -> list[Record]:
    document_id = str(record[ID_FIELDS[entity]])
    customer_id = record.get("customer_id") or ""
    rows = []
    for index, piece in enumerate(pieces):
        if not piece.net_base:
            continue  # a piece worth nothing in base currency posts nothing (e.g. no shipping charge)
        debit = piece.net_base > 0
        rows.append(
            {
                "categorized_transaction_id": f"{document_id}{index:03d}",
                "account_id": piece.account_id,
                "transaction_id": document_id,
                "transaction_type": transaction_type(entity, record),
                "transaction_date": piece.date or record[DATE_FIELDS.get(entity, "date")],
                "entry_number": record.get(NUMBER_FIELDS.get(entity, "")) or "",
                "reference_number": record.get("reference_number") or "",
                "customer_id": customer_id,
                "debit_or_credit": "debit" if debit else "credit",
                "debit_amount": piece.net_base if debit else ZERO,
                "credit_amount": ZERO if debit else -piece.net_base,
                "currency_id": record.get("currency_id") or "",
                "currency_code": record.get("currency_code") or "",
            }
        )
    return rows


def transaction_type(entity: str, record: Record) -> str:
    """The transaction_type of a record's ledger rows."""
    if entity == "banktransactions":
        return str(record["transaction_type"])
    if entity == "basecurrencyadjustments":
        return "base_currency_adjustment"
    if entity == "openingbalances":
        return "opening_balance"
    return TRANSACTION_TYPES[entity]


def posts(entity: str, record: Record) -> bool:
    if entity == "banktransactions":
        return (
            record.get("transaction_type") in BANK_TRANSFER_TYPES
            and record.get("status") not in NON_POSTING_BANK_STATUSES
        )
    if entity in BANKING_ENTITIES:
        return True
    if entity == "journals" and record.get("journal_type") == "cash":
        return False  # a cash-basis-only journal: not in the accrual ledger
    return entity in TRANSACTION_TYPES and record.get("status") not in NON_POSTING_STATUSES


def _postings(books: OrgBooks, accounts: ControlAccounts, entity: str, record: Record) -> list[Record]:
    if not posts(entity, record):
        return []
    return _rows(entity, record, _pieces(books, accounts, entity, record))


def postings_for(books: OrgBooks, entity: str, record: Record) -> list[Record]:
    """Account-transaction rows for one document ([] for drafts, voids and non-posting entities)."""
    return _postings(books, control_accounts(books), entity, record)


def _balance_delta(account: Record, row: Record) -> Decimal:
    net: Decimal = row["debit_amount"] - row["credit_amount"]
    return net if account["account_type"] in DEBIT_NORMAL_TYPES else -net


def _adjust_balances(books: OrgBooks, rows: Iterable[Record], sign: int) -> None:
    chart = books.records["chartofaccounts"]
    for row in rows:
        account = chart[row["account_id"]]
        account["current_balance"] += sign * _balance_delta(account, row)


def rebuild_account_transactions(books: OrgBooks) -> None:
    """Recompute books.account_transactions and every account's current_balance from all records."""
    accounts = control_accounts(books)
    rows: list[Record] = []
    for entity in POSTING_ENTITIES:
        for record in books.records.get(entity, {}).values():
            rows.extend(_postings(books, accounts, entity, record))
    # What only Zoho's ledger carries (fixed-asset depreciation and disposals, inventory adjustments: D103,
    # D104): made with the books, kept through every rebuild.
    rows.extend(books.ledger_only_lines)
    books.account_transactions = rows
    for account in books.records.get("chartofaccounts", {}).values():
        account["current_balance"] = ZERO
    _adjust_balances(books, rows, 1)


def post_document(books: OrgBooks, entity: str, record: Record) -> None:
    """Add one document's postings to the ledger and the account balances."""
    rows = postings_for(books, entity, record)
    books.account_transactions.extend(rows)
    _adjust_balances(books, rows, 1)


def unpost_document(books: OrgBooks, document_id: str) -> None:
    """Take one document's postings out of the ledger and the account balances.

    A scan of the ledger list (tens of milliseconds on the largest data sets), not a rebuild.
    """
    removed = [row for row in books.account_transactions if row["transaction_id"] == document_id]
    if removed:
        books.account_transactions = [
            row for row in books.account_transactions if row["transaction_id"] != document_id
        ]
        _adjust_balances(books, removed, -1)


def repost_document(books: OrgBooks, entity: str, record: Record) -> None:
    """Replace one document's postings after it changed (nothing to do for entities that never post)."""
    if entity not in POSTING_ENTITIES:
        return
    unpost_document(books, str(record[ID_FIELDS[entity]]))
    post_document(books, entity, record)
