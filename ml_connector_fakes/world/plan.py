"""The year's plan of one organization: how many documents of each kind, on which days, in which order
they are drawn from the organization's random source, and the journals of its opening and month ends.

The order of the steps is part of the data set: each draws from the same random source, so moving one
changes every record after it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ml_connector_fakes.world.amounts import ZERO, cents, recompute_line_document
from ml_connector_fakes.world.context import Context
from ml_connector_fakes.world.dataset import Record
from ml_connector_fakes.world.documents import build_line_document
from ml_connector_fakes.world.expenses_journals import build_expense, build_journal
from ml_connector_fakes.world.ledger_vocabulary import NON_POSTING_STATUSES
from ml_connector_fakes.world.parties import build_contact, build_item, contact_display_name
from ml_connector_fakes.world.payments import (
    UNPAID_INVOICE_STATUSES,
    apply_payment,
    build_payment,
    receivable_status,
)
from ml_connector_fakes.world.reference_data import (
    ACCUMULATED_DEPRECIATION,
    BANK_LOAN,
    CUSTOMER_STEMS,
    DEPRECIATION,
    FAIR_VALUE_RESERVE,
    INCOME_TAX,
    INTEREST_EXPENSE,
    INVESTMENTS,
    ITEMS,
    SALARIES,
    USD_VALUE,
    VENDOR_STEMS,
    OrgProfile,
)


@dataclass
class Plan:
    """Sizes and dates of one organization's documents."""

    invoices: int
    period_start: date
    period_end: date

    def scaled(self, factor: float, minimum: int = 1) -> int:
        return max(minimum, round(self.invoices * factor))

    def random_day(self, rng: random.Random) -> date:
        return self.period_start + timedelta(
            days=rng.randrange((self.period_end - self.period_start).days + 1)
        )

    def sorted_days(self, rng: random.Random, count: int) -> list[date]:
        return sorted(self.random_day(rng) for _ in range(count))


def plan_start(period_end: date, months: int) -> date:
    month_index = period_end.year * 12 + period_end.month - 1 - (months - 1)
    return date(month_index // 12, month_index % 12 + 1, 1)


def add_contacts_and_items(ctx: Context, plan: Plan, profile: OrgProfile) -> None:
    rng = ctx.rng
    total = max(20, plan.invoices // 10)
    vendor_count = max(5, total * 3 // 10)
    foreign = [c for c in ("USD", "EUR", "GBP") if c != ctx.base_currency]
    customer_currencies = [ctx.base_currency] * 3 + foreign * 2
    contacts = ctx.books.records["contacts"]
    set_up = plan.period_start - timedelta(days=20)
    for index in range(total - vendor_count):
        day = set_up + timedelta(days=index % 20)
        code = (
            customer_currencies[index % len(customer_currencies)]
            if index < 6
            else rng.choice(customer_currencies)
        )
        record = build_contact(
            ctx,
            "customer",
            contact_display_name(CUSTOMER_STEMS, index),
            code,
            ctx.stamp(day, ctx.office_seconds()),
        )
        contacts[record["contact_id"]] = record
    for index in range(vendor_count):
        day = set_up + timedelta(days=index % 20)
        # One supplier abroad per organization, so vendor payments also realize exchange differences.
        code = foreign[-1] if index == 4 else ctx.base_currency
        record = build_contact(
            ctx,
            "vendor",
            contact_display_name(VENDOR_STEMS, index),
            code,
            ctx.stamp(day, ctx.office_seconds()),
        )
        contacts[record["contact_id"]] = record
    ctx.customers = [c for c in contacts.values() if c["contact_type"] == "customer"]
    ctx.vendors = [c for c in contacts.values() if c["contact_type"] == "vendor"]
    ctx.customers[-1]["status"] = "inactive"
    ctx.customers[-1]["cf_legacy_region"] = "north"  # an unknown field: schema drift
    ctx.customers[2]["website"] = None
    for spec in ITEMS:
        item = build_item(ctx, spec, ctx.stamp(set_up, ctx.office_seconds()))
        ctx.books.records["items"][item["item_id"]] = item
    ctx.items = list(ctx.books.records["items"].values())
    ctx.customers = [c for c in ctx.customers if c["status"] == "active"]


def add_invoices_and_payments(ctx: Context, plan: Plan) -> None:
    rng = ctx.rng
    records = ctx.books.records
    invoices: dict[str, Record] = {}
    payments: dict[str, Record] = {}
    records["invoices"], records["customerpayments"] = invoices, payments
    # Settlements: (payment day, customer, [(invoice, amount)]) made after every invoice exists.
    settlements: list[tuple[date, Record, list[tuple[Record, Decimal]]]] = []
    open_batch: dict[tuple[str, str], tuple[date, Record, list[tuple[Record, Decimal]]]] = {}
    for seq, day in enumerate(plan.sorted_days(rng, plan.invoices), 1):
        customer = rng.choice(ctx.customers)
        invoice = build_line_document(ctx, "invoices", customer, day, f"INV-{seq:06d}")
        invoices[invoice["invoice_id"]] = invoice
        roll = rng.random()
        if roll < 0.05:
            invoice.update(status="draft", current_sub_status="draft", due_days="")
            continue
        if roll < 0.08:
            invoice.update(status="void", current_sub_status="void", balance=ZERO, due_days="")
            continue
        if roll < 0.10:
            _await_approval(invoice, roll < 0.09)
            continue
        invoice["status"] = rng.choice(UNPAID_INVOICE_STATUSES)
        invoice["status"] = receivable_status(invoice, ctx.today)
        invoice["current_sub_status"] = invoice["status"]
        invoice["is_viewed_by_client"] = invoice["status"] == "viewed"
        fate = rng.random()
        pay_day = day + timedelta(days=rng.randint(3, 75))
        if fate < 0.62 and pay_day <= plan.period_end:
            key = (customer["contact_id"], invoice["currency_code"])
            batch = open_batch.get(key)
            if batch is not None and batch[0] >= day and len(batch[2]) == 1 and rng.random() < 0.3:
                batch[2].append((invoice, invoice["total"]))  # one payment settling two invoices
            else:
                batch = (pay_day, customer, [(invoice, invoice["total"])])
                settlements.append(batch)
                open_batch[key] = batch
        elif fate < 0.74 and pay_day <= plan.period_end:
            first = cents(invoice["total"] * Decimal(rng.randint(30, 70)) / 100)
            if first <= 0:
                continue
            settlements.append((pay_day, customer, [(invoice, first)]))
            second_day = pay_day + timedelta(days=rng.randint(5, 40))
            if rng.random() < 0.4 and second_day <= plan.period_end:
                settlements.append((second_day, customer, [(invoice, invoice["total"] - first)]))
    settlements.sort(key=lambda s: s[0])
    for seq, (day, customer, applications) in enumerate(settlements, 1):
        payment = build_payment(ctx, "customerpayments", customer, day, f"PMT-{seq:06d}", applications)
        payments[payment["payment_id"]] = payment
        apply_payment(ctx, payment, invoices, "invoice_id", "invoices")


def _await_approval(document: Record, pending: bool) -> None:
    """A document in an approval workflow: submitted and waiting, or approved but not yet sent. Neither is
    issued, so it posts nothing and is owed by no one yet."""
    status = "pending_approval" if pending else "approved"
    document.update(status=status, current_sub_status=status, due_days="")


# credit entity -> (settled document id field, its number field, its contact field, the applied list)
CREDITS_APPLIED = {
    "creditnotes": ("invoice_id", "invoice_number", "customer_id", "invoices_credited"),
    "vendorcredits": ("bill_id", "bill_number", "vendor_id", "bills_credited"),
}


def _credit_applied_to(ctx: Context, plan: Plan, entity: str, document: Record, number: str) -> Record:
    """A one-line credit for part of ``document``'s balance, applied to it in full (Zoho's "apply to
    invoice/bill"): the credit closes, the document's balance and status follow."""
    rng = ctx.rng
    id_field, number_field, contact_field, applied_key = CREDITS_APPLIED[entity]
    contact = ctx.books.records["contacts"][document[contact_field]]
    day = min(date.fromisoformat(document["date"]) + timedelta(days=rng.randint(1, 20)), plan.period_end)
    # Credited at the document's rate, so the receivable or payable nets out in base currency too.
    credit = build_line_document(
        ctx,
        entity,
        contact,
        day,
        number,
        currency_code=document["currency_code"],
        exchange_rate=document["exchange_rate"],
        line_count=1,
    )
    line = credit["line_items"][0]
    line.update(
        rate=cents(document["balance"] * Decimal(rng.randint(10, 50)) / 100),
        quantity=Decimal(1),
        discount=Decimal(0),
        tax_id="",
        tax_name="",
        tax_percentage=Decimal(0),
    )
    credit.update(shipping_charge=ZERO, adjustment=ZERO, discount_total=ZERO)
    recompute_line_document(credit, ctx.books.records["taxes"])
    if entity == "creditnotes":  # a credit note's list row describes its single line
        credit.update(
            item_price=line["rate"],
            item_total=line["item_total"],
            item_total_price=line["item_total"],
            item_total_without_tax=line["item_total"],
            item_quantity=line["quantity"],
        )
    applied = credit["total"]
    credit.update(balance=ZERO, status="closed", current_sub_status="closed")
    credit[applied_key] = [
        {
            id_field: document[id_field],
            number_field: document[number_field],
            "date": credit["date"],
            "amount_applied": applied,
        }
    ]
    document["balance"] -= applied
    document["status"] = receivable_status(document, ctx.today)
    document["current_sub_status"] = document["status"]
    document["last_modified_time"] = credit["created_time"]
    return credit


def _open_documents(records: dict[str, Record]) -> list[Record]:
    return [r for r in records.values() if r["status"] not in NON_POSTING_STATUSES and r["status"] != "paid"]


def add_credit_notes(ctx: Context, plan: Plan) -> None:
    rng = ctx.rng
    notes: dict[str, Record] = {}
    ctx.books.records["creditnotes"] = notes
    open_invoices = _open_documents(ctx.books.records["invoices"])
    for seq in range(1, plan.scaled(0.05) + 1):
        number = f"CN-{seq:05d}"
        if open_invoices and rng.random() < 0.4:
            invoice = open_invoices.pop(rng.randrange(len(open_invoices)))
            note = _credit_applied_to(ctx, plan, "creditnotes", invoice, number)
            note["applied_invoices"] = invoice["invoice_number"]
        else:
            note = build_line_document(
                ctx, "creditnotes", rng.choice(ctx.customers), plan.random_day(rng), number
            )
            note["status"] = rng.choices(("open", "draft", "void"), (90, 6, 4))[0]
            note["current_sub_status"] = note["status"]
            if note["status"] == "void":
                note["balance"] = ZERO
        notes[note["creditnote_id"]] = note


def add_bills_and_vendor_payments(ctx: Context, plan: Plan) -> None:
    rng = ctx.rng
    bills: dict[str, Record] = {}
    payments: dict[str, Record] = {}
    ctx.books.records["bills"], ctx.books.records["vendorpayments"] = bills, payments
    settlements: list[tuple[date, Record, list[tuple[Record, Decimal]]]] = []
    for seq, day in enumerate(plan.sorted_days(rng, plan.scaled(0.6)), 1):
        vendor = rng.choice(ctx.vendors)
        bill = build_line_document(ctx, "bills", vendor, day, f"BILL-{seq:06d}")
        bill["reference_number"] = f"V-{rng.randint(100_000, 999_999)}"
        bills[bill["bill_id"]] = bill
        roll = rng.random()
        if roll < 0.04:
            bill.update(status="draft", current_sub_status="draft", due_days="")
            continue
        if roll < 0.06:
            bill.update(status="void", current_sub_status="void", balance=ZERO, due_days="")
            continue
        if roll < 0.08:
            _await_approval(bill, roll < 0.07)
            continue
        bill["status"] = receivable_status(bill, ctx.today)
        pay_day = day + timedelta(days=rng.randint(5, 50))
        fate = rng.random()
        if pay_day > plan.period_end or fate > 0.7:
            continue
        amount = bill["total"] if fate < 0.62 else cents(bill["total"] * Decimal(rng.randint(20, 80)) / 100)
        settlements.append((pay_day, vendor, [(bill, amount)]))
    settlements.sort(key=lambda s: s[0])
    for seq, (day, vendor, applications) in enumerate(settlements, 1):
        payment = build_payment(ctx, "vendorpayments", vendor, day, f"VP-{seq:06d}", applications)
        payments[payment["payment_id"]] = payment
        apply_payment(ctx, payment, bills, "bill_id", "bills")


def add_other_purchase_documents(ctx: Context, plan: Plan) -> None:
    rng = ctx.rng
    credits: dict[str, Record] = {}
    orders: dict[str, Record] = {}
    ctx.books.records["vendorcredits"], ctx.books.records["purchaseorders"] = credits, orders
    open_bills = _open_documents(ctx.books.records["bills"])
    for seq, day in enumerate(plan.sorted_days(rng, plan.scaled(0.02)), 1):
        if open_bills and rng.random() < 0.4:
            bill = open_bills.pop(rng.randrange(len(open_bills)))
            credit = _credit_applied_to(ctx, plan, "vendorcredits", bill, f"VC-{seq:05d}")
        else:
            credit = build_line_document(ctx, "vendorcredits", rng.choice(ctx.vendors), day, f"VC-{seq:05d}")
            credit["status"] = rng.choices(("open", "draft"), (9, 1))[0]
            credit["current_sub_status"] = credit["status"]
        credits[credit["vendor_credit_id"]] = credit
    for seq, day in enumerate(plan.sorted_days(rng, plan.scaled(0.2)), 1):
        order = build_line_document(ctx, "purchaseorders", rng.choice(ctx.vendors), day, f"PO-{seq:05d}")
        status = rng.choices(("draft", "open", "billed", "cancelled"), (10, 40, 45, 5))[0]
        order.update(status=status, order_status=status, current_sub_status=status)
        if status == "billed":
            order.update(
                billed_status="billed",
                quantity_marked_as_received=order["quantity_yet_to_receive"],
                quantity_yet_to_receive=Decimal(0),
            )
        orders[order["purchaseorder_id"]] = order


def add_expenses_and_journals(ctx: Context, plan: Plan) -> None:
    rng = ctx.rng
    expenses: dict[str, Record] = {}
    journals: dict[str, Record] = {}
    ctx.books.records["expenses"], ctx.books.records["journals"] = expenses, journals
    for day in plan.sorted_days(rng, plan.scaled(0.3)):
        expense = build_expense(ctx, day)
        expenses[expense["expense_id"]] = expense
    opening = _opening_journal(ctx, plan)
    journals[opening["journal_id"]] = opening
    seq = 1
    for seq, day in enumerate(plan.sorted_days(rng, plan.scaled(0.1)), 2):
        journal = build_journal(ctx, day, f"JV-{seq:05d}")
        if rng.random() < 0.15 or seq == 3:  # at least one draft, whatever the size
            journal["status"] = "draft"
        elif rng.random() < 0.1 or seq == 4:  # and one for cash-basis reports only
            journal["journal_type"] = "cash"
        journals[journal["journal_id"]] = journal
    for journal in _recurring_journals(ctx, plan, seq + 1):
        journals[journal["journal_id"]] = journal


def _in_base(ctx: Context, usd: int) -> Decimal:
    return cents(Decimal(usd) / USD_VALUE[ctx.base_currency])


def _opening_journal(ctx: Context, plan: Plan) -> Record:
    """The opening balances, booked as a journal on the first day of the period: assets, a bank loan, a
    lease and customer advances against Opening Balance Offset."""
    cash, loan, equipment = _in_base(ctx, 250_000), _in_base(ctx, 120_000), _in_base(ctx, 60_000)
    investments, lease, software = _in_base(ctx, 40_000), _in_base(ctx, 36_000), _in_base(ctx, 15_000)
    deposits, advances = _in_base(ctx, 6_000), _in_base(ctx, 9_000)
    offset = cash + equipment + investments + software + deposits - advances
    opening = build_journal(
        ctx,
        plan.period_start,
        "JV-00001",
        lines=[
            ("Business Checking", "debit", cash + loan),
            ("Furniture and Equipment", "debit", equipment),
            (INVESTMENTS, "debit", investments),
            ("Office Right-of-Use Asset", "debit", lease),
            ("Software Licences", "debit", software),
            ("Security Deposits", "debit", deposits),
            ("Opening Balance Offset", "credit", offset),
            (BANK_LOAN, "credit", loan),
            ("Office Lease Liability", "credit", lease),
            ("Customer Advances", "credit", advances),
        ],
    )
    opening.update(notes="Opening balances", reference_number="OPENING")
    return opening


def _month_ends(plan: Plan) -> list[date]:
    ends = []
    first = plan.period_start
    while first <= plan.period_end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        ends.append(min(following - timedelta(days=1), plan.period_end))
        first = following
    return ends


def _recurring_journals(ctx: Context, plan: Plan, first_seq: int) -> list[Record]:
    """What a real company books by journal every month or quarter: depreciation, payroll (net pay and
    withholdings), loan interest, income tax, and a fair-value gain on its investments at the period's end.
    They post to the accounts of the documented types no document names."""
    equipment, salaries = _in_base(ctx, 60_000), _in_base(ctx, 38_000)
    interest, income_tax = _in_base(ctx, 1_800), _in_base(ctx, 12_000)
    month_ends = _month_ends(plan)
    plans = _month_end_plans(ctx, month_ends, equipment, salaries, interest, income_tax)
    gain = cents(_in_base(ctx, 40_000) * Decimal("0.04"))
    plans.append(
        (
            month_ends[-1],
            "Fair value of investments",
            [(INVESTMENTS, "debit", gain), (FAIR_VALUE_RESERVE, "credit", gain)],
        )
    )
    journals = []
    for seq, (day, notes, lines) in enumerate(plans, first_seq):
        journal = build_journal(ctx, day, f"JV-{seq:05d}", lines=lines)
        journal["notes"] = notes
        journals.append(journal)
    return journals


JournalPlan = tuple[date, str, list[tuple[str, str, Decimal]]]  # day, notes, (account, side, amount) lines


def _month_end_plans(
    ctx: Context,
    month_ends: list[date],
    equipment: Decimal,
    salaries: Decimal,
    interest: Decimal,
    income_tax: Decimal,
) -> list[JournalPlan]:
    """Depreciation and payroll every month end, loan interest and advance income tax every quarter end."""
    plans: list[JournalPlan] = []
    for end in month_ends:
        monthly_pay = cents(salaries * (1 + Decimal(ctx.rng.randint(-30, 30)) / 1000))
        withheld = cents(monthly_pay * Decimal("0.22"))
        plans.append(
            (
                end,
                "Depreciation",
                [
                    (DEPRECIATION, "debit", cents(equipment / 60)),
                    (ACCUMULATED_DEPRECIATION, "credit", cents(equipment / 60)),
                ],
            )
        )
        plans.append(
            (
                end,
                "Payroll",
                [
                    (SALARIES, "debit", monthly_pay),
                    ("Business Checking", "credit", monthly_pay - withheld),
                    ("Payroll Liabilities", "credit", withheld),
                ],
            )
        )
        if end.month % 3 == 0:
            plans.append(
                (
                    end,
                    "Loan interest",
                    [(INTEREST_EXPENSE, "debit", interest), ("Business Checking", "credit", interest)],
                )
            )
            plans.append(
                (
                    end,
                    "Advance income tax",
                    [(INCOME_TAX, "debit", income_tax), ("Business Checking", "credit", income_tax)],
                )
            )
    return plans
