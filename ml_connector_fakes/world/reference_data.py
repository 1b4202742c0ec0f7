"""Reference data of the demo world: the three organizations, their chart of accounts (with its German
and localized names), the accounts documents draw from, the items sold and bought, and the stems of
contact names. Constants only; ``reference_records.py`` builds the records from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ml_connector_fakes.world.ledger_vocabulary import (
    BAD_DEBT,
    BANK_CHARGES,
    EXCHANGE_GAIN_OR_LOSS,
    PURCHASE_ADJUSTMENT,
    PURCHASE_DISCOUNT,
    PURCHASE_SHIPPING,
    ROUNDING,
    SALES_ADJUSTMENT,
    SALES_DISCOUNT,
    SHIPPING_INCOME,
    TDS_PAYABLE,
    TDS_RECEIVABLE,
)

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
