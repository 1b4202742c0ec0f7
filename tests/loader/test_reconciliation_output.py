"""What ``run``, ``status`` and ``demo`` print of the reconciliation (loader/transform/reconciliation.py), on
marts made by hand in a real DuckDB file: the share derived per transaction type, and the differences, worst
first.
The marts themselves are built and checked by tests/dbt (test_reconciliation_warns builds a difference)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from loader.cli import main
from loader.transform.reconciliation import Difference, TypeShare, print_reconciliation, read_reconciliation

ORG = "10234695"

# D64's worked example: INV-1 derived, TRF-1 taken, JV-1 derived and JV-2 taken, BILL-7 off by 5.00.
RECONCILIATION = [
    # type, account, derived dr/cr, taken dr/cr, derived lines, taken lines, Zoho lines, reconciled
    ("invoice", "ar", "110.00", "0.00", "0.00", "0.00", 1, 0, 1, True),
    ("invoice", "sales", "0.00", "100.00", "0.00", "0.00", 1, 0, 1, True),
    ("invoice", "tax", "0.00", "10.00", "0.00", "0.00", 1, 0, 1, True),
    ("transfer_fund", "savings", "0.00", "0.00", "500.00", "0.00", 0, 1, 1, True),
    ("transfer_fund", "checking", "0.00", "0.00", "0.00", "500.00", 0, 1, 1, True),
    ("journal", "rent", "300.00", "0.00", "100.00", "0.00", 1, 1, 2, True),
    ("journal", "checking", "0.00", "300.00", "0.00", "100.00", 1, 1, 2, True),
    ("bills", "supplies", "200.00", "0.00", "0.00", "0.00", 1, 0, 1, False),
    ("bills", "freight", "0.00", "0.00", "0.00", "0.00", 0, 0, 1, False),
    ("bills", "ap", "0.00", "200.00", "0.00", "0.00", 1, 0, 1, True),
]
DIFFERENCES = [
    # source id, number, account, ledger dr, ledger cr, zoho dr, zoho cr, difference
    ("B7", "BILL-7", "supplies", "200.00", "0.00", "195.00", "0.00", "5.00"),
    ("B7", "BILL-7", "freight", "0.00", "0.00", "5.00", "0.00", "-5.00"),
    ("B9", None, "ap", "0.00", "10.00", "0.00", "10.01", "0.01"),
]


def make_marts(path: Path, *, with_differences: bool) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema zoho_books")
        con.execute(
            "create table zoho_books.rpt_gl_reconciliation (organization_id varchar,"
            " zoho_transaction_type varchar, account_id varchar, derived_debit_base decimal(18,2),"
            " derived_credit_base decimal(18,2), taken_debit_base decimal(18,2),"
            " taken_credit_base decimal(18,2), ledger_debit_base decimal(18,2),"
            " ledger_credit_base decimal(18,2), derived_entry_count bigint, taken_entry_count bigint,"
            " zoho_entry_count bigint, is_reconciled boolean)"
        )
        for t, account, ddr, dcr, tdr, tcr, dn, tn, zn, ok in RECONCILIATION:
            ledger_dr, ledger_cr = Decimal(ddr) + Decimal(tdr), Decimal(dcr) + Decimal(tcr)
            con.execute(
                "insert into zoho_books.rpt_gl_reconciliation values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    ORG,
                    t,
                    account,
                    ddr,
                    dcr,
                    tdr,
                    tcr,
                    ledger_dr,
                    ledger_cr,
                    dn,
                    tn,
                    zn,
                    ok or not with_differences,
                ],
            )
        con.execute(
            "create table zoho_books.rpt_gl_reconciliation_differences (difference_key varchar,"
            " organization_id varchar, zoho_transaction_type varchar, source_id varchar,"
            " source_number varchar, account_id varchar, period_month date, ledger_debit_base decimal(18,2),"
            " ledger_credit_base decimal(18,2), zoho_debit_base decimal(18,2),"
            " zoho_credit_base decimal(18,2), net_difference_base decimal(18,2))"
        )
        for source_id, number, account, ldr, lcr, zdr, zcr, difference in (
            DIFFERENCES if with_differences else []
        ):
            con.execute(
                "insert into zoho_books.rpt_gl_reconciliation_differences values"
                " (?, ?, 'bills', ?, ?, ?, date '2026-03-01', ?, ?, ?, ?, ?)",
                [
                    f"{ORG}-{source_id}-{account}",
                    ORG,
                    source_id,
                    number,
                    account,
                    ldr,
                    lcr,
                    zdr,
                    zcr,
                    difference,
                ],
            )
        con.execute(
            "create table zoho_books.dim_accounts (organization_id varchar, account_id varchar,"
            " account_name varchar, account_code varchar)"
        )
        con.execute(
            "insert into zoho_books.dim_accounts values (?, 'supplies', 'Office Supplies', '5000'),"
            " (?, 'freight', 'Freight', null)",
            [ORG, ORG],
        )
    finally:
        con.close()


def read(path: Path) -> tuple[list[TypeShare], int, int, list[Difference]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = read_reconciliation(con.cursor(), worst=2)
    finally:
        con.close()
    assert found is not None
    return list(found.types), found.unreconciled_rows, found.differences, list(found.worst)


def test_share_derived_per_type_and_the_worst_differences_first(tmp_path: Path) -> None:
    make_marts(tmp_path / "w.duckdb", with_differences=True)
    types, unreconciled, differences, worst = read(tmp_path / "w.duckdb")
    assert types == [
        TypeShare("bills", 3, 2, 0, Decimal("1.0000")),
        TypeShare("invoice", 3, 3, 0, Decimal("1.0000")),
        TypeShare("journal", 4, 2, 2, Decimal("0.7500")),
        TypeShare("transfer_fund", 2, 0, 2, Decimal("0.0000")),
    ]
    assert (unreconciled, differences) == (2, 3)
    # The two largest of three, by absolute difference; named by account name (code).
    assert worst == [
        Difference(
            ORG, "bills", "BILL-7", "Freight", "2026-03", Decimal("0.00"), Decimal("5.00"), Decimal("-5.00")
        ),
        Difference(
            ORG,
            "bills",
            "BILL-7",
            "Office Supplies (5000)",
            "2026-03",
            Decimal("200.00"),
            Decimal("195.00"),
            Decimal("5.00"),
        ),
    ]


def test_a_difference_is_printed_as_a_warning_in_plain_text_off_a_terminal(tmp_path: Path) -> None:
    make_marts(tmp_path / "w.duckdb", with_differences=True)
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        found = read_reconciliation(con.cursor())
    finally:
        con.close()
    assert found is not None
    out = io.StringIO()
    print_reconciliation(found, Console(file=out, width=200))
    printed = out.getvalue()
    assert "\x1b[" not in printed  # not a terminal: no colors
    rows = {line.split("│")[1].strip(): line for line in printed.splitlines() if line.startswith("│")}
    assert rows["journal"].split("│")[2:6] == [
        "          4 ",
        "       2 ",
        "               2 ",
        "         75.0% ",
    ]
    assert "0.0%" in rows["transfer_fund"]
    assert (
        "2 type × account × month rows differ from Zoho's ledger (3 transaction lines; a warning" in printed
    )
    assert "Office Supplies (5000)" in printed
    assert "B9" in printed  # no number: its id


def test_a_ledger_that_reconciles_says_so(tmp_path: Path) -> None:
    make_marts(tmp_path / "w.duckdb", with_differences=False)
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        found = read_reconciliation(con.cursor())
    finally:
        con.close()
    assert found is not None
    assert found.reconciled
    out = io.StringIO()
    print_reconciliation(found, Console(file=out, width=200))
    assert "the general ledger equals Zoho's ledger on every type, account and month" in out.getvalue()
    assert "difference" not in out.getvalue()


def test_a_warehouse_never_built_has_no_reconciliation(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "raw.duckdb"))
    try:
        assert read_reconciliation(con.cursor()) is None
    finally:
        con.close()


def test_status_prints_the_reconciliation_of_a_built_warehouse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    database = tmp_path / "w.duckdb"
    make_marts(database, with_differences=True)
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema zoho_books_raw")
        con.execute(
            "create table zoho_books_raw.invoices as select '10234695' as _zoho_organization_id,"
            " timestamptz '2026-03-31 10:00:00+00' as _synced_at, false as _is_deleted"
        )
    finally:
        con.close()
    config = tmp_path / "ml-connector.toml"
    config.write_text(
        f'[warehouse]\ndestination = "duckdb"\npath = "{database}"\n\n'
        f'[[zoho.connections]]\nname = "us"\nregion = "us"\norganization_id = "{ORG}"\n',
        encoding="utf-8",
    )
    code = main(["--config", str(config), "status"])
    out = capsys.readouterr().out
    assert code == 0
    assert "General ledger vs Zoho's ledger, by Zoho transaction type" in out
    assert "2 type × account × month rows differ from Zoho's ledger" in out
    assert "BILL-7" in out
