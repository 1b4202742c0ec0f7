"""The sandbox's deterministic data set: three organizations (US, EU, IN) of Zoho Books records.

``generate_dataset(seed, ...)`` always returns byte-identical records for the same arguments: every random
choice comes from ``random.Random`` seeded per organization, and no value depends on the wall clock.
Records are the sandbox's internal records, richer than Zoho's answers (base-currency twins, applications
in one shape) because its ledger needs them; ``wire.py`` turns them into Zoho's list rows and details.
Money is ``Decimal``; document arithmetic and postings live in ``ledger.py``, and the document builders
here are reused by ``mutations.py`` to create new documents.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from ml_connector_fakes.world.banking import add_banking
from ml_connector_fakes.world.dataset import Dataset, OAuthClient, OrgBooks, Record
from ml_connector_fakes.world.ledger import (
    BAD_DEBT,
    BANK_CHARGES,
    CENT,
    EXCHANGE_GAIN_OR_LOSS,
    NON_POSTING_STATUSES,
    ONE,
    PURCHASE_ADJUSTMENT,
    PURCHASE_DISCOUNT,
    PURCHASE_SHIPPING,
    ROUNDING,
    SALES_ADJUSTMENT,
    SALES_DISCOUNT,
    SHIPPING_INCOME,
    TDS_PAYABLE,
    TDS_RECEIVABLE,
    ZERO,
    cents,
    rate6,
    rebuild_account_transactions,
    recompute_expense,
    recompute_journal,
    recompute_line_document,
    recompute_payment,
)
from ml_connector_fakes.world.payment_refunds import add_payment_refunds, add_vendor_payment_refunds
from ml_connector_fakes.world.refunds import add_refunds
from ml_connector_fakes.world.sales_receipts import add_sales_receipts
from ml_connector_fakes.world.zoho_time import local_timestamp, parse_zoho_timestamp

T = TypeVar("T")

CLIENT_ID = "1000.SANDBOX0CLIENT"
CLIENT_SECRET = "sandbox-client-secret-0001"  # noqa: S105 - the sandbox's published test client
COST_CENTER_TAG = "Cost Center"
COST_CENTERS = ("Engineering", "Sales", "Operations", "Finance")

# Rough value of one unit in USD: where each organization's rate history starts.
USD_VALUE = {"USD": Decimal(1), "EUR": Decimal("1.08"), "GBP": Decimal("1.27"), "INR": Decimal("0.012")}
CURRENCY_META = {  # code -> (name, symbol, format)
    "USD": ("US Dollar", "$", "$1,234,567.89"),
    "EUR": ("Euro", "€", "1.234.567,89 €"),
    "GBP": ("Pound Sterling", "£", "£1,234,567.89"),
    "INR": ("Indian Rupee", "₹", "₹12,34,567.89"),
}


@dataclass(frozen=True)
class OrgProfile:
    organization_id: str
    region: str
    name: str
    currency_code: str
    time_zone: str
    plan_name: str
    daily_limit: int
    fiscal_year_start_month: int
    country: str
    country_code: str
    state: str
    language_code: str
    taxes: tuple[tuple[str, Decimal], ...]


# fiscal_year_start_month is 0-based as in Zoho's answers (January = 0, April = 3; zoho-real-shapes.md).
ORG_PROFILES = (
    OrgProfile(
        "10234695", "us", "Northwind Analytics Inc.", "USD", "America/Los_Angeles", "Premium", 10_000, 0,
        "U.S.A", "US", "California", "en",
        (("CA Sales Tax", Decimal("7.25")), ("NY Sales Tax", Decimal("8.875"))),
    ),
    OrgProfile(
        "20088321", "eu", "Müller Datenwerk GmbH", "EUR", "Europe/Berlin", "Professional", 5_000, 0,
        "Germany", "DE", "Berlin", "de",
        (("MwSt 19%", Decimal(19)), ("MwSt 7%", Decimal(7))),
    ),
    OrgProfile(
        "60012345", "in", "Sahyadri Software Pvt Ltd", "INR", "Asia/Kolkata", "Standard", 2_000, 3,
        "India", "IN", "Maharashtra", "en",
        (("GST18", Decimal(18)), ("GST12", Decimal(12)), ("GST5", Decimal(5))),  # tax groups: CGST + SGST
    ),
)  # fmt: skip

# Accounts the recurring journals post to (depreciation, payroll, loan interest, tax, revaluation).
ACCUMULATED_DEPRECIATION = "Accumulated Depreciation"
INVESTMENTS = "Investments in Securities"
BANK_LOAN = "Bank Loan"
FAIR_VALUE_RESERVE = "Fair Value Reserve"
SALARIES = "Salaries and Employee Wages"
DEPRECIATION = "Depreciation Expense"
INTEREST_EXPENSE = "Interest Expense"
INCOME_TAX = "Income Tax Expense"

# name, code, type, parent name. Types are Zoho's documented account_type values (chart-of-accounts.yml),
# each used where a real chart would use it: a model must place every one of them in its reports.
CHART: tuple[tuple[str, str, str, str], ...] = (
    ("Business Checking", "1000", "bank", ""),
    ("Savings Account", "1010", "bank", ""),
    ("Petty Cash", "1050", "cash", ""),
    ("Accounts Receivable", "1200", "accounts_receivable", ""),
    ("Input Tax Credits", "1300", "other_current_asset", ""),
    ("Prepaid Expenses", "1350", "other_current_asset", ""),
    ("Inventory Asset", "1400", "stock", ""),
    ("Furniture and Equipment", "1500", "fixed_asset", ""),
    (ACCUMULATED_DEPRECIATION, "1510", "fixed_asset", ""),
    ("Software Licences", "1600", "intangible_asset", ""),
    ("Office Right-of-Use Asset", "1650", "right_to_use_asset", ""),
    (INVESTMENTS, "1700", "financial_asset", ""),
    ("Security Deposits", "1800", "other_asset", ""),
    ("Accounts Payable", "2000", "accounts_payable", ""),
    ("Tax Payable", "2100", "other_current_liability", ""),
    ("Employee Reimbursements", "2200", "other_current_liability", ""),
    ("Corporate Credit Card", "2300", "credit_card", ""),
    ("Customer Advances", "2400", "contract_liability", ""),
    ("Payroll Liabilities", "2500", "employee_benefit_liability", ""),
    ("Office Lease Liability", "2600", "lease_liability", ""),
    (BANK_LOAN, "2700", "loans_and_borrowing", ""),
    ("Owner's Equity", "3000", "equity", ""),
    ("Opening Balance Offset", "3100", "equity", ""),
    ("Retained Earnings", "3200", "equity", ""),
    (FAIR_VALUE_RESERVE, "3300", "other_comprehensive_income", ""),
    ("Sales", "4000", "income", ""),
    ("Consulting Income", "4010", "income", "Sales"),
    ("Subscription Revenue", "4020", "income", "Sales"),
    (SHIPPING_INCOME, "4800", "income", ""),
    (SALES_ADJUSTMENT, "4810", "other_income", ""),
    (SALES_DISCOUNT, "4900", "income", ""),
    ("Interest Income", "4500", "finance_income", ""),
    ("Cost of Goods Sold", "5000", "cost_of_goods_sold", ""),
    (PURCHASE_SHIPPING, "5010", "cost_of_goods_sold", ""),
    (PURCHASE_DISCOUNT, "5020", "cost_of_goods_sold", ""),
    ("Advertising and Marketing", "6000", "expense", ""),
    ("Office Supplies", "6010", "expense", ""),
    ("Rent Expense", "6020", "lease_expense", ""),
    ("Travel Expense", "6030", "expense", ""),
    ("Meals and Entertainment", "6031", "expense", "Travel Expense"),
    ("IT and Internet Expenses", "6040", "expense", ""),
    ("Contract Labor", "6050", "expense", ""),
    (BANK_CHARGES, "6100", "expense", ""),
    (SALARIES, "6200", "employee_benefit_expense", ""),
    (DEPRECIATION, "6300", "depreciation_expense", ""),
    (INTEREST_EXPENSE, "6400", "finance_expense", ""),
    (INCOME_TAX, "6500", "tax_expense", ""),
    ("Uncategorized", "6999", "expense", ""),
    (PURCHASE_ADJUSTMENT, "6900", "other_expense", ""),
    (EXCHANGE_GAIN_OR_LOSS, "7000", "other_expense", ""),
    (BAD_DEBT, "6600", "expense", ""),
    (ROUNDING, "7010", "other_expense", ""),
    ("Sales Discounts", "4910", "income", ""),
    (TDS_RECEIVABLE, "1370", "other_current_asset", ""),
    (TDS_PAYABLE, "2150", "other_current_liability", ""),
)
# Display names where an organization's chart differs from Zoho's English defaults: the EUR organization's
# chart is in German, the Indian one has renamed a few defaults (Zoho lets both happen). The ledger and the
# builders find accounts by their CHART key (``chart_key``, internal), never by the name Zoho sends.
GERMAN_ACCOUNT_NAMES = {
    "Business Checking": "Geschäftskonto",
    "Savings Account": "Tagesgeldkonto",
    "Petty Cash": "Kasse",
    "Accounts Receivable": "Forderungen aus Lieferungen und Leistungen",
    "Input Tax Credits": "Vorsteuer",
    "Prepaid Expenses": "Aktive Rechnungsabgrenzung",
    "Inventory Asset": "Warenbestand",
    "Furniture and Equipment": "Betriebs- und Geschäftsausstattung",
    ACCUMULATED_DEPRECIATION: "Kumulierte Abschreibungen",
    "Software Licences": "Software-Lizenzen",
    "Office Right-of-Use Asset": "Nutzungsrecht Büroräume",
    INVESTMENTS: "Wertpapiere",
    "Security Deposits": "Mietkautionen",
    "Accounts Payable": "Verbindlichkeiten aus Lieferungen und Leistungen",
    "Tax Payable": "Umsatzsteuer",
    "Employee Reimbursements": "Verbindlichkeiten gegenüber Mitarbeitern",
    "Corporate Credit Card": "Firmenkreditkarte",
    "Customer Advances": "Erhaltene Anzahlungen",
    "Payroll Liabilities": "Verbindlichkeiten aus Lohn und Gehalt",
    "Office Lease Liability": "Leasingverbindlichkeiten",
    BANK_LOAN: "Bankdarlehen",
    "Owner's Equity": "Eigenkapital",
    "Opening Balance Offset": "Eröffnungsbilanzkonto",
    "Retained Earnings": "Gewinnvortrag",
    FAIR_VALUE_RESERVE: "Neubewertungsrücklage",
    "Sales": "Umsatzerlöse",
    "Consulting Income": "Beratungserlöse",
    "Subscription Revenue": "Abonnementerlöse",
    SHIPPING_INCOME: "Versandkosten",
    SALES_ADJUSTMENT: "Sonstige Gebühren",
    SALES_DISCOUNT: "Gewährte Rabatte",
    "Interest Income": "Zinserträge",
    "Cost of Goods Sold": "Wareneinsatz",
    PURCHASE_SHIPPING: "Eingangsfrachten",
    PURCHASE_DISCOUNT: "Erhaltene Rabatte",
    "Advertising and Marketing": "Werbung und Marketing",
    "Office Supplies": "Bürobedarf",
    "Rent Expense": "Miete",
    "Travel Expense": "Reisekosten",
    "Meals and Entertainment": "Bewirtung",
    "IT and Internet Expenses": "IT- und Internetkosten",
    "Contract Labor": "Fremdleistungen",
    BANK_CHARGES: "Bankgebühren",
    SALARIES: "Löhne und Gehälter",
    DEPRECIATION: "Abschreibungen",
    INTEREST_EXPENSE: "Zinsaufwendungen",
    INCOME_TAX: "Ertragsteuern",
    "Uncategorized": "Nicht kategorisiert",
    PURCHASE_ADJUSTMENT: "Sonstige Aufwendungen",
    EXCHANGE_GAIN_OR_LOSS: "Wechselkursgewinn oder -verlust",
    BAD_DEBT: "Forderungsverluste",
    ROUNDING: "Rundungsdifferenzen",
    "Sales Discounts": "Erlösschmälerungen",
    TDS_RECEIVABLE: "Quellensteuerforderungen",
}
CONFIGURED_ACCOUNT_NAMES = {
    "eu": GERMAN_ACCOUNT_NAMES,
    "in": {
        "Accounts Receivable": "Sundry Debtors", "Accounts Payable": "Sundry Creditors",
        "Tax Payable": "GST Payable", "Input Tax Credits": "GST Input Credit",
        SALES_DISCOUNT: "Sales Discount", BANK_CHARGES: "Bank Charges",
        EXCHANGE_GAIN_OR_LOSS: "Forex Gain / Loss",
    },
}  # fmt: skip
# The Indian organization's GST accounts: one per component and direction (Zoho India's defaults).
GST_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("Input CGST", "1310", "other_current_asset", ""),
    ("Input SGST", "1320", "other_current_asset", ""),
    ("Input IGST", "1330", "other_current_asset", ""),
    ("Output CGST", "2110", "other_current_liability", ""),
    ("Output SGST", "2120", "other_current_liability", ""),
    ("Output IGST", "2130", "other_current_liability", ""),
)
INACTIVE_ACCOUNTS = frozenset({"Uncategorized"})
SYSTEM_ACCOUNTS = frozenset(
    {
        "Accounts Receivable", "Accounts Payable", "Tax Payable", "Input Tax Credits",
        "Opening Balance Offset", "Retained Earnings", SHIPPING_INCOME, SALES_ADJUSTMENT, SALES_DISCOUNT,
        PURCHASE_SHIPPING, PURCHASE_DISCOUNT, PURCHASE_ADJUSTMENT, BANK_CHARGES, EXCHANGE_GAIN_OR_LOSS,
    }
)  # fmt: skip
BILL_EXPENSE_ACCOUNTS = (
    "Advertising and Marketing", "Office Supplies", "Rent Expense", "IT and Internet Expenses",
    "Contract Labor", "Cost of Goods Sold",
)  # fmt: skip
EXPENSE_ACCOUNTS = (
    "Travel Expense",
    "Meals and Entertainment",
    "Office Supplies",
    "IT and Internet Expenses",
)
EXPENSE_PAID_THROUGH = ("Business Checking", "Petty Cash", "Corporate Credit Card")
JOURNAL_DEBIT_ACCOUNTS = ("Prepaid Expenses", "Rent Expense", "Contract Labor", "IT and Internet Expenses")
JOURNAL_CREDIT_ACCOUNTS = ("Business Checking", "Employee Reimbursements", "Corporate Credit Card")

# name, product type, rate in USD, unit, income account, purchase account
ITEMS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Analytics Platform Licence", "service", "1200.00", "year", "Subscription Revenue", "Contract Labor"),
    ("Dashboard Seat", "service", "45.00", "month", "Subscription Revenue", "IT and Internet Expenses"),
    ("Data Engineering (hour)", "service", "165.00", "hr", "Consulting Income", "Contract Labor"),
    ("Onboarding Workshop", "service", "2400.00", "day", "Consulting Income", "Contract Labor"),
    ("Looker Model Review", "service", "980.00", "ea", "Consulting Income", "Contract Labor"),
    ("Support Plan — Gold", "service", "350.00", "month", "Subscription Revenue", "IT and Internet Expenses"),
    ("Edge Sensor Kit", "goods", "89.90", "pcs", "Sales", "Cost of Goods Sold"),
    ("Rack Server R2", "goods", "4350.00", "pcs", "Sales", "Cost of Goods Sold"),
    ("Thermal Printer", "goods", "210.50", "pcs", "Sales", "Cost of Goods Sold"),
    ("Cable Set (5 m)", "goods", "12.75", "pcs", "Sales", "Cost of Goods Sold"),
    ("Café Display Stand", "goods", "149.00", "pcs", "Sales", "Cost of Goods Sold"),
    ("Training Voucher", "service", "500.00", "ea", "Sales", "Contract Labor"),
)  # fmt: skip

CUSTOMER_STEMS = (
    "Müller & Söhne GmbH", "株式会社サンプル", "São Paulo Ltda", "Zoë's Café", "Nordlicht Energie AG",
    "Ørsted Design ApS", "Łódź Logistics Sp. z o.o.", "Café Ñandú SRL", "Acme Widgets Inc.",
    "Blue Harbor Ltd",
    "Crédit Rapide SA", "Dvořák Audio s.r.o.", "Évora Vinhos Lda", "Fjällräven Outfitters AB",
    "Globex Corporation", "Håkon Marine AS", "Istanbul Çay A.Ş.", "Jalapeño Foods LLC",
    "Kraków Tech Hub", "Lumière Studios SARL", "Mumbai Masala Pvt Ltd", "Nakamura Robotics 株式会社",
    "O'Brien & Daughters", "Příbram Glass", "Quantum Leap Labs",
)  # fmt: skip
VENDOR_STEMS = (
    "Cloud Hosting Partners", "Bürobedarf Schmidt", "Office Depot Supplies", "Rapid Couriers",
    "Global Components Ltd", "Tata Consultancy Services", "Papelería Núñez", "Grand Hôtel Réception",
)  # fmt: skip
STREETS = ("Hauptstraße", "Main Street", "Rua Augusta", "MG Road")
NAME_SUFFIXES = ("", " Holdings", " Services", " Group", " International", " Partners")
FIRST_NAMES = ("Anna", "José", "Zoë", "Björn", "Priya", "Hiro", "Chloé", "Łukasz", "Amara", "Sean")
LAST_NAMES = ("Müller", "García", "Ng", "Søndergaard", "Iyer", "Tanaka", "Dubois", "Nowak", "Okafor", "Kelly")


# --- the per-organization context the builders share ---------------------------------------------------


@dataclass
class Context:
    """What document builders need from an organization, plus the random source and an id factory."""

    books: OrgBooks
    rng: random.Random
    new_id: Callable[[], str]
    today: date
    time_zone: str
    base_currency: str
    currencies: dict[str, Record]  # code -> currency record
    rate_dates: dict[str, list[str]]  # code -> effective dates, ascending
    rate_values: dict[str, list[Decimal]]  # code -> rates, aligned with rate_dates
    account_ids: dict[str, str]  # chart key (CHART's English name) -> account_id
    accounts: dict[str, Record]
    taxes: list[Record]
    customers: list[Record]
    vendors: list[Record]
    items: list[Record]
    tag_options: list[Record] = field(default_factory=list)  # one tag dict per cost center

    @classmethod
    def from_books(
        cls, books: OrgBooks, rng: random.Random, new_id: Callable[[], str], today: date
    ) -> Context:
        currencies = {c["currency_code"]: c for c in books.records["currencies"].values()}
        code_of = {c["currency_id"]: code for code, c in currencies.items()}
        rate_dates: dict[str, list[str]] = {}
        rate_values: dict[str, list[Decimal]] = {}
        for currency_id, rows in books.exchange_rates.items():
            ordered = sorted(rows, key=lambda row: str(row["effective_date"]))
            rate_dates[code_of[currency_id]] = [str(row["effective_date"]) for row in ordered]
            rate_values[code_of[currency_id]] = [row["rate"] for row in ordered]
        contacts = list(books.records["contacts"].values())
        accounts = books.records["chartofaccounts"]
        org = books.organization
        return cls(
            books=books,
            rng=rng,
            new_id=new_id,
            today=today,
            time_zone=str(org["time_zone"]),
            base_currency=str(org["currency_code"]),
            currencies=currencies,
            rate_dates=rate_dates,
            rate_values=rate_values,
            account_ids={
                str(a.get("chart_key") or a["account_name"]): a["account_id"] for a in accounts.values()
            },
            accounts=accounts,
            # What a line or expense may name: taxes and tax groups, not a group's components.
            taxes=[
                t
                for t in books.records["taxes"].values()
                if t["tax_percentage"] > 0 and not t.get("is_group_component")
            ],
            customers=[c for c in contacts if c["contact_type"] == "customer" and c["status"] == "active"],
            vendors=[c for c in contacts if c["contact_type"] == "vendor" and c["status"] == "active"],
            items=[i for i in books.records["items"].values() if i["status"] == "active"],
            tag_options=cost_center_options(books.organization_id),
        )

    def rate_on(self, currency_code: str, day: date) -> Decimal:
        """The rate in effect on ``day``: the latest history row dated on or before it."""
        if currency_code == self.base_currency:
            return ONE
        dates = self.rate_dates[currency_code]
        index = bisect.bisect_right(dates, day.isoformat()) - 1
        return self.rate_values[currency_code][max(index, 0)]

    def stamp(self, day: date, seconds: int) -> str:
        return local_timestamp(day, seconds, self.time_zone)

    def office_seconds(self) -> int:
        return 8 * 3600 + int(self.rng.random() * 11 * 3600)

    def account(self, name: str) -> Record:
        return self.accounts[self.account_ids[name]]

    def maybe_tags(self) -> list[Record]:
        """Most lines carry the cost center tag; some carry none, as in real books. The tag dicts are
        shared between lines (nothing mutates them), which saves a dict per line on big data sets."""
        draw = self.rng.random()
        if draw < 0.15:
            return []
        return [self.tag_options[int(draw * 1000) % len(self.tag_options)]]


def cost_center_options(org_id: str) -> list[Record]:
    """The reporting tag "Cost Center" and its options, with ids derived from the organization's."""
    return [
        {
            "tag_id": f"{org_id}0000007",
            "tag_name": COST_CENTER_TAG,
            "tag_option_id": f"{org_id}000007{index + 1}",
            "tag_option_name": name,
        }
        for index, name in enumerate(COST_CENTERS)
    ]


def _sequential_ids(org_id: str) -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"{org_id}{next(counter):010d}"


# --- reference data ------------------------------------------------------------------------------------


def _organization_row(profile: OrgProfile, period_start: date) -> Record:
    _, symbol, currency_format = CURRENCY_META[profile.currency_code]
    return {
        "organization_id": profile.organization_id,
        "name": profile.name,
        "contact_name": "Sandbox Admin",
        "email": f"books-admin@{profile.region}.sandbox.example",
        "is_default_org": profile.region == "us",
        "plan_type": 1,
        "plan_name": profile.plan_name,
        "plan_period": "yearly",
        "tax_group_enabled": True,
        "language_code": profile.language_code,
        "fiscal_year_start_month": profile.fiscal_year_start_month,
        "account_created_date": (period_start - timedelta(days=400)).isoformat(),
        "account_created_date_formatted": (period_start - timedelta(days=400)).strftime("%d %b %Y"),
        "time_zone": profile.time_zone,
        "time_zone_formatted": profile.time_zone,
        "is_org_active": True,
        "isOrgActive": True,
        "isOrgNotSupported": False,
        "currency_id": f"{profile.organization_id}0000001",  # matches the base currency record
        "currency_code": profile.currency_code,
        "currency_symbol": symbol,
        "currency_format": currency_format,
        "price_precision": 2,
        "field_separator": ",",
        "country": profile.country,
        "country_code": profile.country_code,
        "state": profile.state,
        "state_code": "",
        "phone": "",
        "mode": "production",
        "version": "global",
        "version_formatted": "Global",
        "org_type": "books",
        "org_action": "",
        "org_settings": True,
        "org_created_app_source": 0,
        "org_joined_app_list": [],
        "AppList": ["books"],
        "source": 0,
        "sales_tax_type": "vat" if profile.region != "us" else "sales_tax",
        "is_registered_for_tax": True,
        "is_tax_registered": True,
        "is_gst_india_version": profile.region == "in",
        "is_registered_for_gst": profile.region == "in",
        "is_registered_for_composite_scheme": False,
        "is_hsn_or_sac_enabled": profile.region == "in",
        "is_international_trade_enabled": True,
        "is_invoice_pmt_tds_allowed": False,
        "is_sales_inclusive_tax_enabled": False,
        "is_sales_reverse_charge_enabled": False,
        "is_designated_zone": False,
        "is_free_zone": False,
        "is_dsign_required": False,
        "is_user_dsign_mandatory": False,
        "digital_signature_mode": "",
        "can_change_timezone": True,
        "can_show_document_tab": True,
        "can_sign_invoice": False,
        "custom_field_type": 0,
        "custom_fields": [],
        "is_export_with_payment_enabled": False,
        "is_quick_setup_completed": True,
        "is_scan_preference_enabled": False,
        "is_search360_enabled": "false",  # a string in Zoho's own responses
        "is_sku_enabled": True,
        "is_solo_org": False,
        "is_trial_expired": False,
        "is_trial_period_extended": False,
        "is_user_accountant": False,
        "is_ziedition": False,
        "is_zpayroll_grid": False,
        "partners_domain": "",
        "user_status": 1,
        "user_status_formatted": "Active",
        "zi_zb_client": 0,
        "zi_zb_edition": 0,
        "zoho_one_org": "false",
    }


def _chart_of_accounts(
    ctx_ids: Callable[[], str],
    base: Record,
    created: str,
    names: dict[str, str],
    rows: tuple[tuple[str, str, str, str], ...] = CHART,
) -> dict[str, Record]:
    accounts: dict[str, Record] = {}
    by_name: dict[str, Record] = {}
    for name, code, account_type, parent_name in rows:
        parent = by_name.get(parent_name)
        account = {
            "account_id": ctx_ids(),
            "account_name": names.get(name, name),
            "chart_key": name,  # internal: how the sandbox finds the account whatever its display name
            "account_code": code,
            "account_type": account_type,
            "account_type_formatted": account_type.replace("_", " ").title(),
            "description": "",
            "is_active": name not in INACTIVE_ACCOUNTS,
            "is_user_created": name not in SYSTEM_ACCOUNTS,
            "is_system_account": name in SYSTEM_ACCOUNTS,
            "parent_account_id": parent["account_id"] if parent else "",
            "parent_account_name": parent["account_name"] if parent else "",
            "depth": 1 if parent else 0,
            "has_attachment": False,
            "currency_id": base["currency_id"],
            "currency_code": base["currency_code"],
            "current_balance": ZERO,
            "created_time": created,
            "last_modified_time": created,
        }
        accounts[account["account_id"]] = account
        by_name[name] = account
    return accounts


def _tax(tax_id: str, name: str, percentage: Decimal, created: str, **members: object) -> Record:
    record: Record = {
        "tax_id": tax_id,
        "tax_name": name,
        "tax_percentage": percentage,
        "tax_type": "tax",
        "tax_specific_type": "",
        "tax_specification": "",
        "is_default_tax": False,
        "is_editable": True,
        "is_inactive": False,
        "status": "active",
        "start_date": "",
        "end_date": "",
        "diff_rate_reason": "",
        "last_modified_time": created,
    }
    record.update(members)
    return record


def _posting_accounts(sales: Record, purchase: Record, *, documented: bool) -> Record:
    """Where a tax posts: internal members the ledger reads, and (``documented``) the members Zoho's
    documents give a tax (``tax_account_id``... "Mexico edition only"; the US and EUR organizations send
    them, the Indian one does not, so a reader learns its tax accounts from Zoho's ledger)."""
    members: Record = {
        "posting_account_id": sales["account_id"],
        "purchase_posting_account_id": purchase["account_id"],
    }
    if documented:
        members.update(
            tax_account_id=sales["account_id"],
            output_tax_account_name=sales["account_name"],
            purchase_tax_account_id=purchase["account_id"],
            purchase_tax_account_name=purchase["account_name"],
        )
    return members


def _taxes(
    profile: OrgProfile, new_id: Callable[[], str], accounts: dict[str, Record], created: str
) -> dict[str, Record]:
    by_key = {a["chart_key"]: a for a in accounts.values()}
    if profile.region == "in":
        return _gst_taxes(profile, new_id, by_key, created)
    taxes: dict[str, Record] = {}
    posting = _posting_accounts(by_key["Tax Payable"], by_key["Input Tax Credits"], documented=True)
    for index, (name, percentage) in enumerate(profile.taxes):
        tax_id = new_id()
        taxes[tax_id] = _tax(tax_id, name, percentage, created, is_default_tax=index == 0, **posting)
    return taxes


def _gst_taxes(
    profile: OrgProfile, new_id: Callable[[], str], by_key: dict[str, Record], created: str
) -> dict[str, Record]:
    """Indian GST: each intra-state rate is a tax group (GST18) of a central and a state component (CGST9 +
    SGST9), each posting to its own accounts; inter-state supplies take IGST, a plain tax."""
    taxes: dict[str, Record] = {}
    for index, (group_name, percentage) in enumerate(profile.taxes):
        half = percentage / 2
        label = format(half.normalize(), "f")
        component_ids = []
        for kind in ("CGST", "SGST"):
            posting = _posting_accounts(by_key[f"Output {kind}"], by_key[f"Input {kind}"], documented=False)
            tax_id = new_id()
            component = _tax(
                tax_id, f"{kind}{label}", half, created, tax_specific_type=kind.lower(), **posting
            )
            taxes[tax_id] = {**component, "is_group_component": True}  # internal, like "components"
            component_ids.append(tax_id)
        group_id = new_id()
        taxes[group_id] = _tax(
            group_id, group_name, percentage, created, tax_type="tax_group", is_default_tax=index == 0,
            components=component_ids,
        )  # fmt: skip
    posting = _posting_accounts(by_key["Output IGST"], by_key["Input IGST"], documented=False)
    igst_id = new_id()
    taxes[igst_id] = _tax(igst_id, "IGST18", Decimal(18), created, tax_specific_type="igst", **posting)
    return taxes


def _currencies(
    profile: OrgProfile, rng: random.Random, period_start: date, period_end: date
) -> tuple[dict[str, Record], dict[str, list[Record]]]:
    """Base plus USD, EUR, GBP and INR; a weekly random walk of each foreign rate (base per foreign unit)."""
    records: dict[str, Record] = {}
    histories: dict[str, list[Record]] = {}
    codes = [profile.currency_code] + [c for c in USD_VALUE if c != profile.currency_code]
    first_week = period_start - timedelta(days=7)
    weeks = (period_end - first_week).days // 7 + 1
    for index, code in enumerate(codes):
        currency_id = f"{profile.organization_id}{index + 1:07d}"
        name, symbol, currency_format = CURRENCY_META[code]
        record: Record = {
            "currency_id": currency_id,
            "currency_code": code,
            "currency_name": f"{code}- {name}",
            "currency_symbol": symbol,
            "price_precision": 2,
            "currency_format": currency_format,
            "is_base_currency": code == profile.currency_code,
            "exchange_rate": ONE,
            "effective_date": "",
        }
        if code != profile.currency_code:
            rate = rate6(USD_VALUE[code] / USD_VALUE[profile.currency_code])
            rows = []
            for week in range(weeks):
                # ±0.8% a week in 0.01% steps: integer randomness keeps floats out of the money.
                rate = rate6(rate * (1 + Decimal(rng.randint(-80, 80)) / 10_000))
                effective = first_week + timedelta(days=7 * week)
                rows.append(
                    {
                        "exchange_rate_id": f"{currency_id}{week + 1:04d}",
                        "currency_id": currency_id,
                        "currency_code": code,
                        "effective_date": effective.isoformat(),
                        "rate": rate,
                    }
                )
            histories[currency_id] = rows
            record["exchange_rate"] = rows[-1]["rate"]
            record["effective_date"] = rows[-1]["effective_date"]
        records[currency_id] = record
    return records, histories


def _contact_name(stems: tuple[str, ...], index: int) -> str:
    stem = stems[index % len(stems)]
    round_ = index // len(stems)
    suffix = NAME_SUFFIXES[round_ % len(NAME_SUFFIXES)]
    number = f" {round_ // len(NAME_SUFFIXES) + 1}" if round_ >= len(NAME_SUFFIXES) else ""
    return f"{stem}{suffix}{number}"


def _address(rng: random.Random, country: str) -> Record:
    return {
        "attention": rng.choice(FIRST_NAMES),
        "address": f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
        "street2": "",
        "city": rng.choice(("Berlin", "San Francisco", "Pune", "São Paulo", "Kraków", "Osaka")),
        "state": "",
        "zipcode": str(rng.randint(10000, 99999)),
        "country": country,
        "fax": "",
        "phone": "",
    }


def build_contact(ctx: Context, contact_type: str, name: str, currency_code: str, created: str) -> Record:
    rng = ctx.rng
    currency = ctx.currencies[currency_code]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    terms = rng.choice((0, 15, 30, 45))
    contact_id = ctx.new_id()
    slug = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())[:16] or "kontakt"
    return {
        "contact_id": contact_id,
        "contact_name": name,
        "company_name": name,
        "customer_name": name if contact_type == "customer" else "",
        "vendor_name": name if contact_type == "vendor" else "",
        "contact_type": contact_type,
        "contact_type_formatted": contact_type.title(),
        "customer_sub_type": "business",
        "status": "active",
        "first_name": first,
        "last_name": last,
        "email": f"{slug}@example.com",
        "phone": f"+1-555-{rng.randint(1000, 9999)}",
        "mobile": "",
        "website": "",
        "facebook": "",
        "twitter": "",
        "currency_id": currency["currency_id"],
        "currency_code": currency_code,
        "payment_terms": terms,
        "payment_terms_label": f"Net {terms}" if terms else "Due on Receipt",
        "language_code": "en",
        "language_code_formatted": "English",
        "portal_status": "disabled",
        "portal_status_formatted": "Disabled",
        "source": "user",
        "pan_no": "",
        "ach_supported": False,
        "has_attachment": False,
        "is_linked_with_zohocrm": False,
        "custom_fields": [],
        "custom_field_hash": {},
        "outstanding_receivable_amount": ZERO,
        "outstanding_receivable_amount_bcy": ZERO,
        "outstanding_payable_amount": ZERO,
        "outstanding_payable_amount_bcy": ZERO,
        "unused_credits_receivable_amount": ZERO,
        "unused_credits_receivable_amount_bcy": ZERO,
        "unused_credits_payable_amount": ZERO,
        "unused_credits_payable_amount_bcy": ZERO,
        "created_time": created,
        "created_time_formatted": created[:10],
        "last_modified_time": created,
        "last_modified_time_formatted": created[:10],
        "contact_persons": [
            {
                "contact_person_id": ctx.new_id(),
                "first_name": first,
                "last_name": last,
                "is_primary_contact": True,
            }
        ],
        "billing_address": _address(rng, ctx.books.organization.get("country", "")),
        "shipping_address": _address(rng, ctx.books.organization.get("country", "")),
    }


def build_item(ctx: Context, spec: tuple[str, str, str, str, str, str], created: str) -> Record:
    name, product_type, usd_rate, unit, income_account, purchase_account = spec
    rate = cents(Decimal(usd_rate) / USD_VALUE[ctx.base_currency])
    tax = ctx.taxes[0]
    item_id = ctx.new_id()
    goods = product_type == "goods"
    return {
        "item_id": item_id,
        "name": name,
        "item_name": name,
        "description": f"{name} ({unit})",
        "sku": f"SKU-{item_id[-5:]}",
        "status": "active",
        "source": "user",
        "unit": unit,
        "rate": rate,
        "purchase_rate": cents(rate * Decimal("0.62")),
        "purchase_description": f"{name}, purchased",
        "account_id": ctx.account_ids[income_account],
        "account_name": ctx.account(income_account)["account_name"],
        "purchase_account_id": ctx.account_ids[purchase_account],
        "purchase_account_name": ctx.account(purchase_account)["account_name"],
        "item_type": "inventory" if goods else "sales_and_purchases",
        "product_type": product_type,
        "tax_id": tax["tax_id"],
        "tax_name": tax["tax_name"],
        "tax_percentage": tax["tax_percentage"],
        "stock_on_hand": Decimal(ctx.rng.randint(0, 500)) if goods else None,
        "available_stock": Decimal(ctx.rng.randint(0, 500)) if goods else None,
        "actual_available_stock": Decimal(ctx.rng.randint(0, 500)) if goods else None,
        "reorder_level": "10" if goods else "",
        "has_attachment": False,
        "image_document_id": "",
        "image_name": "",
        "image_type": "",
        "is_linked_with_zohocrm": False,
        "zcrm_product_id": "",
        "created_time": created,
        "last_modified_time": created,
    }


# --- documents -------------------------------------------------------------------------------------------

PREFIXES = {
    "invoices": ("invoice_id", "invoice_number", "INV-"),
    "creditnotes": ("creditnote_id", "creditnote_number", "CN-"),
    "bills": ("bill_id", "bill_number", "BILL-"),
    "vendorcredits": ("vendor_credit_id", "vendor_credit_number", "VC-"),
    "purchaseorders": ("purchaseorder_id", "purchaseorder_number", "PO-"),
}
SALES_ENTITIES = frozenset({"invoices", "creditnotes"})


def pick(rng: random.Random, choices: Sequence[T]) -> T:
    """``rng.choice`` through ``rng.random()``: several times faster, and the hot loops draw millions."""
    return choices[int(rng.random() * len(choices))]


LINE_COUNTS = (1, 2, 3, 3, 4, 5, 6)  # 3.43 lines per document on average
QUANTITIES = tuple(Decimal(q) for q in (1, 1, 1, 2, 3, 5, 10))
HOURS = tuple(Decimal(h) / 2 for h in range(2, 41))
LINE_DISCOUNTS = tuple(Decimal(d) for d in (0, 0, 0, 0, 5, 10))
NO_TAX_PERCENTAGE = Decimal(0)


def _line(ctx: Context, entity: str, currency_rate: Decimal) -> Record:
    rng = ctx.rng
    sales = entity in SALES_ENTITIES
    if sales or rng.random() < 0.5:
        item = pick(rng, ctx.items)
        base_rate = item["rate"] if sales else item["purchase_rate"]
        account_id = item["account_id"] if sales else item["purchase_account_id"]
        name, item_id, unit = item["name"], item["item_id"], item["unit"]
    else:
        account_name = pick(rng, BILL_EXPENSE_ACCOUNTS)
        base_rate = cents(Decimal(int(rng.random() * 250_000) + 2_000) / 100 / USD_VALUE[ctx.base_currency])
        account_id, name, item_id, unit = ctx.account_ids[account_name], account_name, "", ""
    # A price in the document's currency near the base price, jittered by up to ±5%.
    jitter = 1 + Decimal(int(rng.random() * 101) - 50) / 1000
    rate = max(cents(base_rate / currency_rate * jitter), CENT)
    tax = pick(rng, ctx.taxes) if rng.random() < 0.75 else None
    quantity = pick(rng, HOURS if unit == "hr" else QUANTITIES)
    return {
        "line_item_id": ctx.new_id(),
        "item_id": item_id,
        "account_id": account_id,
        "account_name": ctx.accounts[account_id]["account_name"],
        "name": name,
        "description": "" if rng.random() < 0.5 else f"{name}, {pick(rng, COST_CENTERS).lower()} order",
        "item_order": 0,
        "rate": rate,
        "bcy_rate": ZERO,
        "quantity": quantity,
        "unit": unit,
        "discount": pick(rng, LINE_DISCOUNTS),
        "item_total": ZERO,
        "tax_id": tax["tax_id"] if tax else "",
        "tax_name": tax["tax_name"] if tax else "",
        "tax_percentage": tax["tax_percentage"] if tax else NO_TAX_PERCENTAGE,
        "tags": ctx.maybe_tags(),
    }


def build_line_document(
    ctx: Context,
    entity: str,
    contact: Record,
    day: date,
    number: str,
    *,
    currency_code: str | None = None,
    exchange_rate: Decimal | None = None,
    line_count: int | None = None,
) -> Record:
    """A posted-shape invoice, credit note, bill, vendor credit or purchase order with its totals.

    Status and balance are the caller's: ``balance`` starts at ``total``, ``status`` at "open".
    """
    rng = ctx.rng
    id_field, number_field, _ = PREFIXES[entity]
    code = currency_code or contact["currency_code"]
    currency = ctx.currencies[code]
    rate = exchange_rate if exchange_rate is not None else ctx.rate_on(code, day)
    count = line_count or pick(rng, LINE_COUNTS)
    lines = [_line(ctx, entity, rate) for _ in range(count)]
    for order, line in enumerate(lines, 1):
        line["item_order"] = order
    sales = entity in SALES_ENTITIES
    created = ctx.stamp(day, ctx.office_seconds())
    terms = int(contact["payment_terms"])
    record: Record = {
        id_field: ctx.new_id(),
        number_field: number,
        "date": day.isoformat(),
        "status": "open",
        "currency_id": currency["currency_id"],
        "currency_code": code,
        "currency_symbol": currency["currency_symbol"],
        "exchange_rate": rate,
        "reference_number": f"REF-{int(rng.random() * 90_000) + 10_000}" if rng.random() < 0.6 else "",
        "line_items": lines,
        "shipping_charge": ZERO,
        "adjustment": ZERO,
        "discount_total": ZERO,
        "discount_type": "entity_level",
        "is_discount_before_tax": False,
        "price_precision": 2,
        "notes": "Thank you for your business." if sales else "",
        "terms": "",
        "created_time": created,
        "last_modified_time": created,
        "has_attachment": False,
        "color_code": "",
        "current_sub_status_id": "",
        "client_viewed_time": "",
        "is_viewed_by_client": False,
        "template_id": "",
        "template_type": "standard",
    }
    if sales:
        record.update(customer_id=contact["contact_id"], customer_name=contact["contact_name"])
        if rng.random() < 0.2:
            record["shipping_charge"] = cents(Decimal(rng.randint(500, 6_000)) / 100)
        if rng.random() < 0.1:
            record["adjustment"] = cents(Decimal(rng.randint(-300, 300)) / 100)
    else:
        record.update(vendor_id=contact["contact_id"], vendor_name=contact["vendor_name"])
        if entity == "bills" and rng.random() < 0.1:
            record["adjustment"] = cents(Decimal(rng.randint(-300, 300)) / 100)
    # The Indian organization rounds its rupee invoices to whole rupees (roundoff_value, D79).
    record["rounds_to_whole"] = entity == "invoices" and record["currency_code"] == ctx.base_currency == "INR"
    recompute_line_document(record, ctx.books.records["taxes"])
    if sales and rng.random() < 0.15:
        # An after-tax discount of a few percent of the lines: never more than the document is worth.
        record["discount_total"] = cents(record["sub_total"] * Decimal(rng.choice((2, 5, 10))) / 100)
        recompute_line_document(record, ctx.books.records["taxes"])
    if entity == "creditnotes" and (
        record["shipping_charge"] or record["adjustment"] or record["discount_total"]
    ):
        # Zoho's credit-note detail documents no shipping charge, adjustment or discount: a credit note here
        # credits lines and their taxes only (the draws above stay, so the random stream does not move).
        record.update(shipping_charge=ZERO, adjustment=ZERO, discount_total=ZERO)
        recompute_line_document(record, ctx.books.records["taxes"])
    record["balance"] = record["total"]
    _entity_fields(ctx, entity, record, contact, day, terms)
    return record


def due_days_label(due: date, today: date) -> str:
    if due < today:
        return f"Overdue by {(today - due).days} day(s)"
    return f"Due in {(due - today).days} day(s)"


def _entity_fields(ctx: Context, entity: str, record: Record, contact: Record, day: date, terms: int) -> None:
    """The list-row fields particular to each document type (zoho-list-fields.md)."""
    due = day + timedelta(days=terms)
    if entity == "invoices":
        record.update(
            type="invoice",
            transaction_type="invoice",
            due_date=due.isoformat(),
            due_days=due_days_label(due, ctx.today),
            payment_terms=terms,
            payment_terms_label=contact["payment_terms_label"],
            ach_payment_initiated=False,
            billing_address=contact["billing_address"],
            shipping_address=contact["shipping_address"],
            company_name=contact["company_name"],
            country=contact["billing_address"]["country"],
            created_by="Sandbox Admin",
            current_sub_status="open",
            custom_field_hash={},
            custom_fields=[],
            documents="",
            email=contact["email"],
            phone=contact["phone"],
            invoice_url="",
            is_emailed=False,
            is_pre_gst=False,
            last_payment_date="",
            last_reminder_sent_date="",
            no_of_copies=1,
            show_no_of_copies=False,
            payment_expected_date="",
            project_name="",
            reminders_sent=0,
            salesperson_id="",
            salesperson_name=None if ctx.rng.random() < 0.3 else "Dana Whitfield",
            schedule_time="",
            unprocessed_payment_amount=ZERO,
            updated_time=record["last_modified_time"],
            write_off_amount=ZERO,
            zcrm_potential_id="",
            zcrm_potential_name="",
        )
    elif entity == "creditnotes":
        first = record["line_items"][0]
        record.update(
            applied_invoices="",
            invoices_credited=[],
            current_sub_status="open",
            is_emailed=False,
            item_price=first["rate"],
            item_quantity=first["quantity"],
            item_total=first["item_total"],
            item_total_price=first["item_total"],
            item_total_without_tax=first["item_total"],
            salesperson_id="",
            salesperson_name="",
        )
    elif entity in ("bills", "vendorcredits"):
        record.update(
            due_date=due.isoformat(),
            due_days=due_days_label(due, ctx.today) if entity == "bills" else "",
            entity_type="bill" if entity == "bills" else "vendor_credit",
            current_sub_status="open",
            attachment_name="",
            is_bill_reconciliation_violated=False,
            is_tally_bill=False,
            is_uber_bill=False,
            tds_total=ZERO,
            unprocessed_payment_amount=ZERO,
        )
        if entity == "vendorcredits":
            record["bills_credited"] = []
    elif entity == "purchaseorders":
        delivery = day + timedelta(days=ctx.rng.randint(5, 30))
        record.update(
            price_precision="2",  # a string on purchase orders (zoho-list-fields.md)
            company_name=contact["company_name"],
            delivery_date=delivery.isoformat(),
            delivery_days="",
            due_by_days="",
            due_in_days="",
            order_status="open",
            billed_status="yet_to_be_billed",
            current_sub_status="open",
            quantity_marked_as_received=Decimal(0),
            quantity_yet_to_receive=sum((line["quantity"] for line in record["line_items"]), Decimal(0)),
            receives=[],
        )


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
        if code != ctx.base_currency and rng.random() < 0.35:
            record["bank_charges"] = min(cents(amount * Decimal("0.004")) + Decimal(5), cents(amount / 2))
        record.update(
            customer_id=contact["contact_id"],
            customer_name=contact["contact_name"],
            invoices=applied_rows,
            applied_invoices=[
                {"invoice_id": row["invoice_id"], "amount_applied": row["amount_applied"]}
                for row in applied_rows
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
    else:
        record.update(
            vendor_id=contact["contact_id"],
            vendor_name=contact["vendor_name"],
            bills=applied_rows,
            bill_numbers=numbers,
            paid_through_account_id=bank["account_id"],
            paid_through_account_name=bank["account_name"],
            balance=ZERO,
        )
    recompute_payment(record, "invoices" if customer else "bills")
    return record


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


def build_expense(ctx: Context, day: date) -> Record:
    rng = ctx.rng
    foreign = rng.random() < 0.15
    code = rng.choice([c for c in ctx.currencies if c != ctx.base_currency]) if foreign else ctx.base_currency
    currency = ctx.currencies[code]
    rate = ctx.rate_on(code, day)
    paid_through = ctx.account(rng.choice(EXPENSE_PAID_THROUGH))
    scale = USD_VALUE["USD"] / USD_VALUE[code]
    lines: list[Record] = []
    if rng.random() < 0.3:  # itemized
        for order in range(1, rng.randint(2, 3) + 1):
            account = ctx.account(rng.choice(EXPENSE_ACCOUNTS))
            lines.append(
                {
                    "line_item_id": ctx.new_id(),
                    "account_id": account["account_id"],
                    "account_name": account["account_name"],
                    "description": f"{account['account_name']} receipt {order}",
                    "amount": cents(Decimal(rng.randint(800, 40_000)) / 100 * scale),
                    "bcy_amount": ZERO,
                    "item_order": order,
                    "tags": ctx.maybe_tags(),
                }
            )
    account = ctx.accounts[lines[0]["account_id"]] if lines else ctx.account(rng.choice(EXPENSE_ACCOUNTS))
    # An expense names a plain tax (the sandbox's expenses do not split tax groups).
    tax = rng.choice([t for t in ctx.taxes if not t.get("components")]) if rng.random() < 0.5 else None
    vendor = rng.choice(ctx.vendors) if rng.random() < 0.5 else None
    customer = rng.choice(ctx.customers) if rng.random() < 0.15 else None
    created = ctx.stamp(day, ctx.office_seconds())
    record: Record = {
        "expense_id": ctx.new_id(),
        "date": day.isoformat(),
        "description": account["account_name"],
        "account_id": account["account_id"],
        "account_name": "Itemized Expense" if lines else account["account_name"],
        "paid_through_account_id": paid_through["account_id"],
        "paid_through_account_name": paid_through["account_name"],
        "currency_id": currency["currency_id"],
        "currency_code": code,
        "exchange_rate": rate,
        "line_items": lines,
        "sub_total": cents(Decimal(rng.randint(500, 90_000)) / 100 * scale),
        "tax_id": tax["tax_id"] if tax else "",
        "tax_name": tax["tax_name"] if tax else "",
        "tax_percentage": tax["tax_percentage"] if tax else Decimal(0),
        "tags": ctx.maybe_tags(),
        "reference_number": f"RCPT-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else None,
        "status": "unbilled" if customer else "nonbillable",
        "is_billable": customer is not None,
        "is_personal": False,
        "customer_id": customer["contact_id"] if customer else "",
        "customer_name": customer["contact_name"] if customer else "",
        "vendor_id": vendor["contact_id"] if vendor else "",
        "vendor_name": vendor["vendor_name"] if vendor else "",
        "expense_type": "non-mileage",
        "expense_receipt_name": "",
        "custom_fields_list": "",
        "distance": Decimal(0),
        "mileage_rate": Decimal(0),
        "mileage_type": "",
        "mileage_unit": "",
        "start_reading": "",
        "end_reading": "",
        "report_id": "",
        "report_name": "",
        "report_number": "",
        "user_name": "Sandbox Admin",
        "has_attachment": False,
        "created_time": created,
        "last_modified_time": created,
    }
    recompute_expense(record)
    return record


def build_journal(
    ctx: Context, day: date, number: str, *, lines: list[tuple[str, str, Decimal]] | None = None
) -> Record:
    """A journal; without ``lines`` (account name, debit_or_credit, amount) a random balanced one."""
    rng = ctx.rng
    foreign = lines is None and rng.random() < 0.2
    code = rng.choice([c for c in ctx.currencies if c != ctx.base_currency]) if foreign else ctx.base_currency
    currency = ctx.currencies[code]
    if lines is None:
        scale = USD_VALUE["USD"] / USD_VALUE[code]
        debit_names = rng.sample(JOURNAL_DEBIT_ACCOUNTS, rng.randint(1, 2))
        debits = [cents(Decimal(rng.randint(10_000, 900_000)) / 100 * scale) for _ in debit_names]
        credit_name = rng.choice(JOURNAL_CREDIT_ACCOUNTS)
        lines = [(n, "debit", a) for n, a in zip(debit_names, debits, strict=True)]
        lines.append((credit_name, "credit", sum(debits, ZERO)))
    created = ctx.stamp(day, ctx.office_seconds())
    record: Record = {
        "journal_id": ctx.new_id(),
        "entry_number": number,
        "journal_date": day.isoformat(),
        "journal_type": "both",
        "entity_type": "journal",
        "status": "published",
        "reference_number": f"JV-REF-{rng.randint(100, 999)}" if rng.random() < 0.5 else "",
        "notes": "Monthly accrual" if rng.random() < 0.5 else "",
        "currency_id": currency["currency_id"],
        "currency_code": code,
        "exchange_rate": ctx.rate_on(code, day),
        "created_by_id": f"{ctx.books.organization_id}0000900",
        "created_by_name": "Sandbox Admin",
        "created_time": created,
        "last_modified_time": created,
        "line_items": [
            {
                "line_id": ctx.new_id(),
                "account_id": ctx.account_ids[name],
                "account_name": ctx.account(name)["account_name"],
                "debit_or_credit": side,
                "amount": amount,
                "bcy_amount": ZERO,
                "description": "",
                "customer_id": "",
                "customer_name": "",
                "tax_id": "",
                "project_id": "",
                "location_id": "",
                "tags": ctx.maybe_tags(),
            }
            for name, side, amount in lines
        ],
    }
    recompute_journal(record)
    return record


# --- one organization -------------------------------------------------------------------------------------


@dataclass
class _Plan:
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


def _period_start(period_end: date, months: int) -> date:
    month_index = period_end.year * 12 + period_end.month - 1 - (months - 1)
    return date(month_index // 12, month_index % 12 + 1, 1)


def _reference_data(
    profile: OrgProfile, rng: random.Random, plan: _Plan, new_id: Callable[[], str]
) -> OrgBooks:
    set_up = plan.period_start - timedelta(days=30)
    created = local_timestamp(set_up, 9 * 3600, profile.time_zone)
    books = OrgBooks(
        organization=_organization_row(profile, plan.period_start),
        region=profile.region,
        daily_limit=profile.daily_limit,
    )
    currencies, histories = _currencies(profile, rng, plan.period_start, plan.period_end)
    base = next(c for c in currencies.values() if c["is_base_currency"])
    rows = CHART + (GST_ACCOUNTS if profile.region == "in" else ())
    accounts = _chart_of_accounts(
        new_id, base, created, CONFIGURED_ACCOUNT_NAMES.get(profile.region, {}), rows
    )
    books.records = {
        "chartofaccounts": accounts,
        "taxes": _taxes(profile, new_id, accounts, created),
        "currencies": currencies,
        "contacts": {},
        "items": {},
    }
    books.exchange_rates = histories
    return books


def _add_contacts_and_items(ctx: Context, plan: _Plan, profile: OrgProfile) -> None:
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
            ctx, "customer", _contact_name(CUSTOMER_STEMS, index), code, ctx.stamp(day, ctx.office_seconds())
        )
        contacts[record["contact_id"]] = record
    for index in range(vendor_count):
        day = set_up + timedelta(days=index % 20)
        # One supplier abroad per organization, so vendor payments also realize exchange differences.
        code = foreign[-1] if index == 4 else ctx.base_currency
        record = build_contact(
            ctx, "vendor", _contact_name(VENDOR_STEMS, index), code, ctx.stamp(day, ctx.office_seconds())
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


def _invoices_and_payments(ctx: Context, plan: _Plan) -> None:
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


def _credit_applied_to(ctx: Context, plan: _Plan, entity: str, document: Record, number: str) -> Record:
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


def _credit_notes(ctx: Context, plan: _Plan) -> None:
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


def _bills_and_vendor_payments(ctx: Context, plan: _Plan) -> None:
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


def _other_purchase_documents(ctx: Context, plan: _Plan) -> None:
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


def _expenses_and_journals(ctx: Context, plan: _Plan) -> None:
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


def _opening_journal(ctx: Context, plan: _Plan) -> Record:
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


def _month_ends(plan: _Plan) -> list[date]:
    ends = []
    first = plan.period_start
    while first <= plan.period_end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        ends.append(min(following - timedelta(days=1), plan.period_end))
        first = following
    return ends


def _recurring_journals(ctx: Context, plan: _Plan, first_seq: int) -> list[Record]:
    """What a real company books by journal every month or quarter: depreciation, payroll (net pay and
    withholdings), loan interest, income tax, and a fair-value gain on its investments at the period's end.
    They post to the accounts of the documented types no document names."""
    equipment, salaries = _in_base(ctx, 60_000), _in_base(ctx, 38_000)
    interest, income_tax = _in_base(ctx, 1_800), _in_base(ctx, 12_000)
    plans: list[tuple[date, str, list[tuple[str, str, Decimal]]]] = []
    month_ends = _month_ends(plan)
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


def refresh_contact_balances(books: OrgBooks, contact_ids: set[str] | None = None) -> None:
    """Outstanding and unused-credit amounts on contacts, from open invoices, bills and credits."""
    totals: dict[tuple[str, str], list[Decimal]] = {}

    def add(contact_id: str, field_name: str, document: Record) -> None:
        if contact_ids is not None and contact_id not in contact_ids:
            return
        if document["status"] in NON_POSTING_STATUSES or not document["balance"]:
            return
        pair = totals.setdefault((contact_id, field_name), [ZERO, ZERO])
        pair[0] += document["balance"]
        pair[1] += cents(document["balance"] * document["exchange_rate"])

    for entity, contact_field, field_name in (
        ("invoices", "customer_id", "outstanding_receivable_amount"),
        ("debitnotes", "customer_id", "outstanding_receivable_amount"),
        ("bills", "vendor_id", "outstanding_payable_amount"),
        ("creditnotes", "customer_id", "unused_credits_receivable_amount"),
        ("vendorcredits", "vendor_id", "unused_credits_payable_amount"),
    ):
        for document in books.records.get(entity, {}).values():
            add(document[contact_field], field_name, document)
    for contact in books.records["contacts"].values():
        if contact_ids is not None and contact["contact_id"] not in contact_ids:
            continue
        for field_name in (
            "outstanding_receivable_amount",
            "outstanding_payable_amount",
            "unused_credits_receivable_amount",
            "unused_credits_payable_amount",
        ):
            fcy, bcy = totals.get((contact["contact_id"], field_name), (ZERO, ZERO))
            contact[field_name] = fcy
            contact[f"{field_name}_bcy"] = bcy


def _share_timestamps(books: OrgBooks, rng: random.Random) -> None:
    """Give about 2% of invoices and bills the last_modified_time of a later-created one, to the second:
    incremental syncs must handle equal watermarks (the overlap logic)."""
    for entity in ("invoices", "bills"):
        documents = list(books.records[entity].values())  # in date order
        for index in range(len(documents) - 1):
            if rng.random() < 0.02:
                document = documents[index]
                later = documents[rng.randrange(index + 1, len(documents))]
                shared = later["last_modified_time"]
                if parse_zoho_timestamp(shared) >= parse_zoho_timestamp(document["last_modified_time"]):
                    document["last_modified_time"] = shared
                    if entity == "invoices":
                        document["updated_time"] = shared


def _schema_drift(books: OrgBooks) -> None:
    """A few records with a field no schema knows, and a few nulls where Zoho may send them."""
    for entity in ("invoices", "bills", "items"):
        for index, record in enumerate(books.records[entity].values()):
            if index % 40 == 7:
                record["cf_legacy_region"] = "north"
            if index % 25 == 3 and "reference_number" in record:
                record["reference_number"] = None


# Custom fields per entity: label, api name, data type. Zoho sends each on the record three ways: a row of
# custom_fields[] (value typed by the field: text, number, boolean, date), cf_<name> (formatted text) and
# cf_<name>_unformatted (the raw value), and on some lists custom_field_hash with both.
CUSTOM_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "invoices": (
        ("PO Reference", "cf_po_reference", "string"),
        ("Delivery Week", "cf_delivery_week", "number"),
        ("Signed Off", "cf_signed_off", "check_box"),
    ),
    "contacts": (
        ("Customer Tier", "cf_customer_tier", "dropdown"),
        ("Credit Score", "cf_credit_score", "decimal"),
        ("Key Account", "cf_key_account", "check_box"),
    ),
    "bills": (
        ("Cost Centre Code", "cf_cost_centre_code", "string"),
        ("Approved On", "cf_approved_on", "date"),
    ),
}
_CUSTOM_FIELD_HASH_ENTITIES = frozenset({"invoices", "contacts"})  # list rows observed to carry the hash


def _custom_value(rng: random.Random, data_type: str, record: Record) -> tuple[object, str]:
    """A field's raw value and its formatted text."""
    if data_type == "number":
        week = rng.randint(1, 52)
        return week, str(week)
    if data_type == "decimal":
        score = cents(Decimal(rng.randint(30_000, 85_000)) / 100)
        return score, f"{score:,.2f}"
    if data_type == "check_box":
        checked = rng.random() < 0.5
        return checked, "true" if checked else "false"
    if data_type == "date":
        day = date.fromisoformat(str(record.get("date") or "2026-01-01")) + timedelta(days=rng.randint(0, 9))
        return day.isoformat(), day.strftime("%d %b %Y")
    if data_type == "dropdown":
        tier = rng.choice(("Gold", "Silver", "Bronze"))
        return tier, tier
    text = f"PO-{rng.randint(10_000, 99_999)}" if data_type == "string" else ""
    return text, text


def _add_custom_fields(books: OrgBooks, rng: random.Random) -> None:
    """Custom fields on about one record in five of the entities that define some."""
    org_id = books.organization_id
    for entity, fields in CUSTOM_FIELDS.items():
        for position, record in enumerate(books.records[entity].values()):
            if position % 5 != 1:
                continue
            rows, flat = [], {}
            for index, (label, api_name, data_type) in enumerate(fields, 1):
                value, formatted = _custom_value(rng, data_type, record)
                rows.append(
                    {
                        "customfield_id": f"{org_id}00009{len(entity):02d}{index}",
                        "index": index,
                        "label": label,
                        "api_name": api_name,
                        "data_type": data_type,
                        "value": value,
                        "value_formatted": formatted,
                    }
                )
                flat.update({api_name: formatted, f"{api_name}_unformatted": value})
            record["custom_fields"] = rows
            record.update(flat)
            if entity in _CUSTOM_FIELD_HASH_ENTITIES:
                record["custom_field_hash"] = dict(flat)


def _generate_org(
    profile: OrgProfile, seed: int, invoices_per_org: int, period_end: date, months: int
) -> OrgBooks:
    from ml_connector_fakes.world.advances import add_customer_advances  # these modules build on this one
    from ml_connector_fakes.world.debit_notes import add_debit_notes
    from ml_connector_fakes.world.discounts import name_discount_accounts
    from ml_connector_fakes.world.fixed_assets import add_fixed_asset_postings
    from ml_connector_fakes.world.inclusive_tax import price_some_documents_tax_inclusive
    from ml_connector_fakes.world.inventory import add_inventory_adjustments
    from ml_connector_fakes.world.retainers import add_retainers
    from ml_connector_fakes.world.tds import withhold_tds
    from ml_connector_fakes.world.vendor_tds import withhold_tds_on_bills, withhold_vendor_tds
    from ml_connector_fakes.world.writeoffs import write_off_invoices

    rng = random.Random(f"{seed}:{profile.organization_id}")
    new_id = _sequential_ids(profile.organization_id)
    plan = _Plan(invoices_per_org, _period_start(period_end, months), period_end)
    books = _reference_data(profile, rng, plan, new_id)
    ctx = Context.from_books(books, rng, new_id, period_end)
    _add_contacts_and_items(ctx, plan, profile)
    _invoices_and_payments(ctx, plan)
    name_discount_accounts(ctx)
    withhold_tds(ctx)
    add_customer_advances(ctx, plan.period_start, plan.period_end)
    _credit_notes(ctx, plan)
    write_off_invoices(ctx, plan.period_end)
    _bills_and_vendor_payments(ctx, plan)
    withhold_vendor_tds(ctx)
    withhold_tds_on_bills(ctx)
    _other_purchase_documents(ctx, plan)
    _expenses_and_journals(ctx, plan)
    add_refunds(ctx, f"{seed}:{profile.organization_id}")
    add_payment_refunds(ctx, f"{seed}:{profile.organization_id}")
    add_vendor_payment_refunds(ctx, f"{seed}:{profile.organization_id}")
    days = (plan.period_end - plan.period_start).days + 1
    add_sales_receipts(ctx, f"{seed}:{profile.organization_id}", days)
    price_some_documents_tax_inclusive(ctx)
    refresh_contact_balances(books)
    _share_timestamps(books, rng)
    _schema_drift(books)
    _add_custom_fields(books, rng)
    add_banking(ctx, seed, plan.period_start, plan.period_end)
    add_retainers(ctx, f"{seed}:{profile.organization_id}", plan.period_start, plan.period_end)
    add_debit_notes(ctx, f"{seed}:{profile.organization_id}", plan.period_end)
    refresh_contact_balances(books)  # the debit notes are open receivables too
    add_fixed_asset_postings(ctx, plan.period_start, plan.period_end)
    add_inventory_adjustments(ctx, plan.period_start, plan.period_end)
    rebuild_account_transactions(books)
    return books


def generate_dataset(
    seed: int = 42, invoices_per_org: int = 60, period_end: date = date(2026, 10, 31), months: int = 12
) -> Dataset:
    """Three organizations (US/USD, EU/EUR, IN/INR) with ``months`` months of books ending ``period_end``."""
    if invoices_per_org < 1 or months < 1:
        raise ValueError("invoices_per_org and months must be at least 1")
    # Millions of fresh dicts and no cycles: the cyclic collector would only rescan them over and over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        orgs = {
            p.organization_id: _generate_org(p, seed, invoices_per_org, period_end, months)
            for p in ORG_PROFILES
        }
    finally:
        if collecting:
            gc.enable()
    return Dataset(
        orgs=orgs,
        oauth_clients=[OAuthClient(CLIENT_ID, CLIENT_SECRET)],
        refresh_tokens={f"1000.sandbox-refresh-{p.region}": (CLIENT_ID, p.region) for p in ORG_PROFILES},
    )
