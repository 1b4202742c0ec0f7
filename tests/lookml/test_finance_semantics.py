"""Numbers a finance team can trust (D108-D114): the generated LookML of the connector's marts,
queried the way Looker runs it (``lookml.query``), against the sandbox warehouse the session built once.

Every rule is checked on the demo's marts: period-end balances equal the trial balance of their period and
never add across periods; base and transaction currency measures refuse mixed currencies; document
measures count posting documents unless the filter is widened; no explore's measure changes when a join is
added; every explore filters on the user's organizations; the month-end dashboard's tiles follow its period
and organization filters, and its trial-balance tile ties to ``rpt_trial_balance``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from lookml.generate import DEFAULT_ACCESS_ATTRIBUTE, generate_lookml
from lookml.project import LookerProject, load_project
from lookml.query import Query, QueryError, compile_query, dashboard_query
from tests.lookml.conftest import BuiltProject

ORGANIZATIONS = {"10234695": "USD", "20088321": "EUR", "60012345": "INR"}
EVERY_ORGANIZATION = {DEFAULT_ACCESS_ATTRIBUTE: ",".join(ORGANIZATIONS)}
PERIOD = date(2026, 10, 1)  # the sandbox ledger's last month
TODAY = date(2026, 11, 15)  # "1 month ago for 1 month" is then October 2026
AGING_ORDER = ["current", "1-30", "31-60", "61-90", "over_90"]

Setup = tuple[LookerProject, Path, duckdb.DuckDBPyConnection]


@pytest.fixture(scope="module")
def setup(sandbox_duckdb_build: BuiltProject, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    out = tmp_path_factory.mktemp("finance_lookml")
    generate_lookml(sandbox_duckdb_build.manifest, out, dialect="duckdb")
    assert sandbox_duckdb_build.duckdb is not None
    con = duckdb.connect(str(sandbox_duckdb_build.duckdb), read_only=True)
    try:
        yield load_project(out), out, con
    finally:
        con.close()


def _run(setup: Setup, query: Query, attributes: dict[str, str] | None = None, **options: Any) -> list[Any]:
    project, _, con = setup
    sql = compile_query(project, query, EVERY_ORGANIZATION if attributes is None else attributes, **options)
    return con.execute(sql).fetchall()


def _one(setup: Setup, query: Query, **options: Any) -> Any:
    (row,) = _run(setup, query, **options)
    return row[0] if len(row) == 1 else row


def _sql(setup: Setup, sql: str) -> list[Any]:
    return setup[2].execute(sql).fetchall()


def test_period_end_balances_equal_the_trial_balance_of_their_period_and_never_add_across_periods(
    setup: Setup,
) -> None:
    for organization in ORGANIZATIONS:
        for period in (date(2026, 3, 1), PERIOD):
            filters = {
                "rpt_trial_balance.organization_id": organization,
                "rpt_trial_balance.period_month_month": period.strftime("%Y-%m"),
            }
            got = _run(
                setup,
                Query(
                    "rpt_trial_balance",
                    (
                        "rpt_trial_balance.account_id",
                        "rpt_trial_balance.period_end_opening_base",
                        "rpt_trial_balance.period_end_closing_base",
                        "rpt_trial_balance.period_end_closing_reporting",
                    ),
                    filters,
                    sorts=("rpt_trial_balance.account_id",),
                ),
            )
            expected = _sql(
                setup,
                "select account_id, opening_base, closing_base, closing_reporting"
                " from zoho_books.rpt_trial_balance"
                f" where organization_id = '{organization}' and period_month = date '{period}' order by 1",
            )
            assert got == expected, (organization, period)
            assert len(got) > 10, (organization, period)
            # The balance sheet's account lines at that month end are the trial balance's closing balances.
            sheet = _run(
                setup,
                Query(
                    "rpt_balance_sheet",
                    ("rpt_balance_sheet.account_id", "rpt_balance_sheet.period_end_net_balance_base"),
                    {
                        "rpt_balance_sheet.organization_id": organization,
                        "rpt_balance_sheet.period_month_month": period.strftime("%Y-%m"),
                        "rpt_balance_sheet.line_type": "account",
                    },
                    sorts=("rpt_balance_sheet.account_id",),
                ),
            )
            assert sheet == _sql(
                setup,
                "select account_id, closing_base from zoho_books.rpt_trial_balance where organization_id ="
                f" '{organization}' and period_month = date '{period}' and account_class in ('asset',"
                " 'liability', 'equity') order by 1",
            )
    # Over a year of months the closing balance is empty (a balance never adds across periods); the
    # month's movements, which do add up, are summed.
    year = {"rpt_trial_balance.organization_id": "10234695", "rpt_trial_balance.period_month_month": "2026"}
    closing, debits = _one(
        setup,
        Query(
            "rpt_trial_balance",
            ("rpt_trial_balance.period_end_closing_base", "rpt_trial_balance.total_debits_base"),
            year,
        ),
    )
    assert closing is None
    assert (
        debits
        == _sql(
            setup,
            "select sum(debits_base) from zoho_books.rpt_trial_balance where organization_id = '10234695'"
            " and year(period_month) = 2026",
        )[0][0]
    )


def test_base_and_transaction_measures_refuse_mixed_currencies(setup: Setup) -> None:
    fields = (
        "fct_invoices.sum_total_base",
        "fct_invoices.sum_total_transaction",
        "fct_invoices.sum_total_reporting",
    )
    base, transaction, reporting = _one(setup, Query("fct_invoices", fields))
    assert (base, transaction) == (None, None)  # USD, EUR and INR organizations in one number: refused
    assert (
        reporting
        == _sql(setup, "select sum(total_reporting) from zoho_books.fct_invoices where is_posting")[0][0]
    )
    by_currency = _run(
        setup,
        Query(
            "fct_invoices", ("fct_invoices.base_currency", fields[0]), sorts=("fct_invoices.base_currency",)
        ),
    )
    assert by_currency == _sql(
        setup,
        "select base_currency, sum(total_base) from zoho_books.fct_invoices where is_posting"
        " group by 1 order by 1",
    )
    assert sorted(c for c, _ in by_currency) == sorted(ORGANIZATIONS.values())
    # One organization is one base currency; several documents' currencies still refuse the transaction sum.
    usd_only = {"fct_invoices.organization_id": "10234695"}
    base, transaction, _ = _one(setup, Query("fct_invoices", fields, usd_only))
    assert (
        base
        == _sql(
            setup,
            "select sum(total_base) from zoho_books.fct_invoices"
            " where is_posting and organization_id = '10234695'",
        )[0][0]
    )
    currencies = _sql(
        setup,
        "select count(distinct transaction_currency) from zoho_books.fct_invoices"
        " where is_posting and organization_id = '10234695'",
    )[0][0]
    assert currencies > 1
    assert transaction is None
    # The trial balance has its base currency beside the base amounts.
    assert _run(
        setup,
        Query(
            "rpt_trial_balance",
            ("rpt_trial_balance.base_currency", "rpt_trial_balance.total_debits_base"),
            {"rpt_trial_balance.period_month_month": PERIOD.strftime("%Y-%m")},
            sorts=("rpt_trial_balance.base_currency",),
        ),
    ) == _sql(
        setup,
        "select base_currency, sum(debits_base) from zoho_books.rpt_trial_balance"
        f" where period_month = date '{PERIOD}' group by 1 order by 1",
    )


def test_document_measures_count_posting_documents_unless_the_filter_is_widened(setup: Setup) -> None:
    fields = ("fct_invoices.count", "fct_invoices.sum_total_reporting")
    posted = _sql(
        setup, "select count(*), sum(total_reporting) from zoho_books.fct_invoices where is_posting"
    )
    assert _one(setup, Query("fct_invoices", fields)) == posted[0]
    others = _sql(
        setup, "select count(*), sum(total_reporting) from zoho_books.fct_invoices where not is_posting"
    )
    assert others[0][0] > 0  # drafts, voids and approvals in the sandbox
    widened = {"fct_invoices.is_posting": "No"}
    assert _one(setup, Query("fct_invoices", fields, widened)) == others[0]
    everything = _one(setup, Query("fct_invoices", fields, {"fct_invoices.is_posting": ""}))
    assert everything[0] == posted[0][0] + others[0][0]
    # Every explore of documents that may not post has the filter; its lines too.
    project = setup[0]
    for name in ("fct_invoices", "fct_invoice_lines", "fct_bills", "fct_bill_lines", "fct_credit_notes"):
        assert project.explores[name].data["always_filter"] == {
            "filters__all": [[{f"{name}.is_posting": "Yes"}]]
        }
    lines = _one(setup, Query("fct_invoice_lines", ("fct_invoice_lines.total_item_total_reporting",)))
    assert (
        lines
        == _sql(setup, "select sum(item_total_reporting) from zoho_books.fct_invoice_lines where is_posting")[
            0
        ][0]
    )


def _measures(project: LookerProject, view: str) -> list[str]:
    """The visible measures, but the sync freshness ones (hours since now moves between two queries)."""
    return [
        name
        for name, target in project.views[view].fields.items()
        if target.kind == "measure"
        and target.data.get("hidden") != "yes"
        and target.data.get("group_label") != "Audit"
    ]


def _column_of(project: LookerProject, view: str, measure: str) -> str:
    """The table column a ``sum`` measure adds (through its dimension)."""
    fields = project.views[view].fields
    dimension = str(fields[measure].data["sql"]).strip().removeprefix("${").removesuffix("}")
    return str(fields[dimension].data["sql"]).strip().removeprefix("${TABLE}.")


def _first_dimension(project: LookerProject, join: Any) -> str:
    view = project.views[join.view]
    return next(
        name
        for name in join.data["fields"]
        if (found := view.find(name)) is not None and found[0].data.get("hidden") != "yes"
    )


def test_no_explore_measure_changes_when_a_join_is_added(setup: Setup) -> None:
    """Each explore's measures alone, then with every join joined: the same values. Joins offer no measures
    and none is one-to-many; a sum grouped by any joined dimension adds up to its total."""
    project = setup[0]
    checked = 0
    for name, explore in sorted(project.explores.items()):
        measures = _measures(project, explore.view)
        query = Query(name, tuple(f"{name}.{m}" for m in measures))
        alone = _run(setup, query, today=TODAY)
        assert alone == _run(setup, query, today=TODAY, join_all=True), name
        checked += len(measures)
        sums = [m for m in measures if project.views[explore.view].fields[m].type == "sum"]
        # ... and equal the warehouse: the rows counted and each column summed, posting rows where filtered.
        where = " where is_posting" if "always_filter" in explore.data else ""
        columns = [_column_of(project, explore.view, m) for m in sums]
        direct = _sql(
            setup,
            f"select count(*){''.join(f', sum({c})' for c in columns)} from zoho_books.{explore.view}{where}",
        )[0]
        got = _run(setup, Query(name, (f"{name}.count", *(f"{name}.{m}" for m in sums))), today=TODAY)[0]
        assert got == direct, name
        for join in explore.joins:
            assert join.data["relationship"] == "many_to_one", (name, join.name)
            assert not any(
                (found := project.views[join.view].find(f)) and found[0].kind == "measure"
                for f in join.data["fields"]
            ), (name, join.name)
            if not sums:
                continue
            dimension = f"{join.name}.{_first_dimension(project, join)}"
            grouped = _run(setup, Query(name, (dimension, *(f"{name}.{m}" for m in sums))), today=TODAY)
            totals = _run(setup, Query(name, tuple(f"{name}.{m}" for m in sums)), today=TODAY)[0]
            added = tuple(sum((row[i + 1] or 0 for row in grouped), Decimal(0)) for i in range(len(sums)))
            assert added == tuple(t or 0 for t in totals), (name, join.name)
        joined = next(j for j in explore.joins if j.view == "dim_organizations")
        with pytest.raises(QueryError, match="does not offer"):
            compile_query(project, Query(name, (f"{joined.name}.count",)), EVERY_ORGANIZATION)
    assert checked > 100
    # A header's explore does not join its lines; the lines' explore offers the header's dimensions only.
    assert [j.name for j in project.explores["fct_invoices"].joins] == ["dim_organizations", "customer"]
    with pytest.raises(QueryError, match="does not offer"):
        compile_query(
            project, Query("fct_invoice_lines", ("fct_invoices.sum_total_reporting",)), EVERY_ORGANIZATION
        )


def test_every_explore_filters_on_the_users_organizations(setup: Setup) -> None:
    project = setup[0]
    assert len(project.explores) == 18
    for name, explore in project.explores.items():
        assert explore.data["access_filters"] == [
            {"field": f"{name}.organization_id", "user_attribute": DEFAULT_ACCESS_ATTRIBUTE}
        ], name
    query = Query("fct_general_ledger", ("fct_general_ledger.count",))
    for organization in ORGANIZATIONS:
        seen = _one(setup, query, attributes={DEFAULT_ACCESS_ATTRIBUTE: organization})
        assert (
            seen
            == _sql(
                setup,
                "select count(*) from zoho_books.fct_general_ledger"
                f" where organization_id = '{organization}'",
            )[0][0]
        )
    # A user without the attribute sees nothing (Looker refuses the query).
    with pytest.raises(QueryError, match="has no value"):
        compile_query(project, query, {})


def test_the_access_filter_attribute_is_configurable_and_can_be_turned_off(
    sandbox_duckdb_build: BuiltProject, tmp_path: Path
) -> None:
    generate_lookml(sandbox_duckdb_build.manifest, tmp_path / "a", access_attribute="books_orgs")
    generate_lookml(sandbox_duckdb_build.manifest, tmp_path / "b", access_attribute="")
    named, off = load_project(tmp_path / "a"), load_project(tmp_path / "b")
    assert {e.data["access_filters"][0]["user_attribute"] for e in named.explores.values()} == {"books_orgs"}
    assert not any("access_filters" in e.data for e in off.explores.values())


def _dashboard(setup: Setup) -> dict[str, Any]:
    (dashboard,) = yaml.safe_load(
        (setup[1] / "generated/dashboards/month_end_close.dashboard.lookml").read_text()
    )
    assert isinstance(dashboard, dict)
    return dashboard


def test_month_end_trial_balance_tile_run_as_looker_would_ties_to_rpt_trial_balance(setup: Setup) -> None:
    dashboard = _dashboard(setup)
    assert [f["name"] for f in dashboard["filters"]] == ["period", "organization"]
    for element in dashboard["elements"]:
        assert set(element["listen"]) == {"period", "organization"}, element["title"]
    (tile,) = (e for e in dashboard["elements"] if e["explore"] == "rpt_trial_balance")
    for organization, name in (
        ("60012345", "Sahyadri Software Pvt Ltd"),
        ("20088321", "Müller Datenwerk GmbH"),
    ):
        query = dashboard_query(tile, {"organization": name}, dashboard["filters"])  # the default period
        assert query.filters["rpt_trial_balance.period_month_month"] == "1 month ago for 1 month"
        rows = _run(setup, query, today=TODAY)
        assert tile["fields"][:6] == [
            "dim_organizations.organization_name",
            "rpt_trial_balance.fiscal_year",
            "rpt_trial_balance.fiscal_period",
            "rpt_trial_balance.base_currency",
            "rpt_trial_balance.account_code",
            "rpt_trial_balance.account_name",
        ]
        amounts = [f.split(".")[1] for f in tile["fields"][6:]]
        assert amounts[:4] == [
            "period_end_opening_base",
            "total_debits_base",
            "total_credits_base",
            "period_end_closing_base",
        ]
        expected = _sql(
            setup,
            "select o.organization_name, t.fiscal_year, t.fiscal_period, t.base_currency, t.account_code,"
            " t.account_name, t.opening_base, t.debits_base, t.credits_base, t.closing_base"
            " from zoho_books.rpt_trial_balance t join zoho_books.dim_organizations o using (organization_id)"
            f" where t.organization_id = '{organization}' and t.period_month = date '{PERIOD}'"
            " order by t.account_code",
        )
        assert [row[:10] for row in rows] == expected
        assert len(expected) > 10
        # Debits equal credits in the month, and the closing balances sum to zero (base currency).
        assert sum(r[7] for r in rows) == sum(r[8] for r in rows)
        assert sum(r[9] for r in rows) == 0
    # The Indian organization's fiscal year starts in April: October 2026 is period 7 of fiscal 2027.
    assert {(r[1], r[2]) for r in rows if r[0] == "Sahyadri Software Pvt Ltd"} <= {(2027, 7)}


def test_month_end_aging_sorts_by_bucket_and_reconciliation_shows_absolute_differences(setup: Setup) -> None:
    dashboard = _dashboard(setup)
    tiles = {e["explore"]: e for e in dashboard["elements"]}
    aging = tiles["rpt_ar_aging"]
    # Aging is as of the build date: run it for the month of as_of_date and every organization.
    as_of = _sql(setup, "select max(as_of_date) from zoho_books.rpt_ar_aging")[0][0]
    rows = _run(setup, dashboard_query(aging, {"period": as_of.strftime("%Y-%m")}, dashboard["filters"]))
    buckets = [row[1] for row in rows]
    assert aging["fields"][1] == "rpt_ar_aging.aging_bucket"
    assert len(set(buckets)) > 2  # "current" sorts first, not between 61-90 and over_90
    assert buckets == sorted(buckets, key=AGING_ORDER.index)
    reconciliation = tiles["rpt_gl_reconciliation"]
    fields = [f.split(".")[1] for f in reconciliation["fields"]]
    assert "absolute_net_difference_base" in fields
    assert "share_derived_overall" in fields
    rows = _run(
        setup, dashboard_query(reconciliation, {"period": PERIOD.strftime("%Y-%m")}, dashboard["filters"])
    )
    position = reconciliation["fields"].index("rpt_gl_reconciliation.absolute_net_difference_base")
    assert rows
    assert all(row[position] >= 0 for row in rows)
    coverage = reconciliation["fields"].index("rpt_gl_reconciliation.share_derived_overall")
    assert all(0 <= row[coverage] <= 1 for row in rows)
