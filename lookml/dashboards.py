"""LookML dashboards for the month-end close, as Looker Blocks ship them (``.dashboard.lookml``, YAML).

Tiles are chosen from the generated views, never from hard-coded field lists: each tile names the explore
it needs and picks its fields by role (period-end balances, the reporting-currency sums, a bucket dimension
...). A tile whose explore or fields are missing is left out, so a dashboard never references a field that
does not exist. Every tile follows the dashboard's period and organization filters (D114): the trial
balance, balance sheet and P&L show the chosen period, grouped by organization so base-currency columns
stay in one currency. Written with PyYAML from data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import yaml  # type: ignore[import-untyped]

from lookml.views import AUDIT_GROUP, View
from lookml.writer import RenderError, header

TILE_WIDTH: Final = 12
TILE_HEIGHT: Final = 6
ROW_LIMIT: Final = 500

Tile = dict[str, Any]


def _visible_dimensions(view: View, kind: str | None = None) -> list[str]:
    out = []
    for dimension in view.data.get("dimensions", []):
        if dimension.get("hidden") == "yes" or dimension.get("group_label") == AUDIT_GROUP:
            continue
        if kind is not None and dimension.get("type") != kind:
            continue
        out.append(str(dimension["name"]))
    return out


def _labels(view: View) -> list[str]:
    """Visible string dimensions that read as labels (not ids)."""
    return [d for d in _visible_dimensions(view, "string") if not d.endswith("_id")]


def _first(names: list[str], *hints: str) -> str | None:
    for hint in hints:
        for name in names:
            if hint in name:
                return name
    return names[0] if names else None


def _q(view: str, *fields: str | None) -> list[str]:
    return [f"{view}.{f}" for f in fields if f]


ORGANIZATIONS_JOIN: Final = "dim_organizations"
ORGANIZATION_NAME: Final = "organization_name"
# Last complete month: the month being closed (a Looker date filter expression).
DEFAULT_PERIOD: Final = "1 month ago for 1 month"


@dataclass(frozen=True)
class TileContext:
    """What a tile picker knows: its explore, the explore's view, and the organization name to group by."""

    explore: str
    view: View
    organization: str | None  # explore-qualified field, e.g. dim_organizations.organization_name


def _visible_measures(view: View, *, prefix: str = "") -> list[str]:
    return [
        str(m["name"])
        for m in view.data.get("measures", [])
        if m.get("hidden") != "yes"
        and m.get("group_label") != AUDIT_GROUP
        and m.get("type") != "count"
        and str(m["name"]).startswith(prefix)
    ]


def _dimension(view: View, name: str) -> str | None:
    return name if name in _visible_dimensions(view) else None


def _grid(ctx: TileContext, dims: list[str | None], measures: list[str], sort: str | None) -> Tile | None:
    if not measures:
        return None
    fields = [ctx.organization, *_q(ctx.explore, *dims, *measures)]
    chosen = [f for f in fields if f]
    sorts = [f"{ctx.organization} asc"] if ctx.organization else []
    if sort:
        sorts.append(f"{ctx.explore}.{sort} asc")
    return {"type": "looker_grid", "fields": chosen, "sorts": sorts}


def _trial_balance(ctx: TileContext) -> Tile | None:
    """Per organization and account for the chosen period: opening, debits, credits, closing (base, with its
    currency) and the reporting twins; the organization's fiscal year and period beside them."""
    view = ctx.view
    dims = ["fiscal_year", "fiscal_period", "base_currency", "account_code", "account_name"]
    measures = [m for m in _visible_measures(view) if m.endswith("_base")]
    measures += [m for m in _visible_measures(view) if m.endswith("_reporting")]
    return _grid(ctx, [_dimension(view, d) for d in dims], measures, _dimension(view, "account_code"))


def _balance_sheet(ctx: TileContext) -> Tile | None:
    view = ctx.view
    dims = ["base_currency", "account_class", "line_type", "account_code", "account_name"]
    measures = [m for m in _visible_measures(view, prefix="period_end_") if "net_" not in m]
    return _grid(ctx, [_dimension(view, d) for d in dims], measures, _dimension(view, "account_class"))


def _profit_and_loss(ctx: TileContext) -> Tile | None:
    view = ctx.view
    dims = ["fiscal_year", "fiscal_period", "base_currency", "account_class", "account_code", "account_name"]
    measures = [m for m in _visible_measures(view) if m.endswith(("_reporting", "_base"))]
    return _grid(ctx, [_dimension(view, d) for d in dims], measures, _dimension(view, "account_class"))


def _aging(ctx: TileContext) -> Tile | None:
    """Outstanding by bucket, in the buckets' order (their ``order_by_field``), reporting currency."""
    bucket = _first([d for d in _labels(ctx.view) if "bucket" in d])
    amount = next(iter(_visible_measures(ctx.view, prefix="total_outstanding_reporting")), None)
    if not (bucket and amount):
        return None
    fields = [f for f in [ctx.organization, *_q(ctx.explore, bucket, amount)] if f]
    return {"type": "looker_column", "fields": fields, "sorts": [f"{ctx.explore}.{bucket} asc"]}


def _by_currency(ctx: TileContext) -> Tile | None:
    view = ctx.view
    currency = _dimension(view, "transaction_currency")
    transaction = next((m for m in _visible_measures(view) if m.endswith("sub_total_transaction")), None)
    converted = next((m for m in _visible_measures(view) if m.endswith("sub_total_reporting")), None)
    if not (currency and transaction and converted):
        return None
    return {
        "type": "looker_grid",
        "fields": _q(ctx.explore, currency, transaction, converted),
        "sorts": [f"{ctx.explore}.{converted} desc"],
    }


def _reconciliation(ctx: TileContext) -> Tile | None:
    """Per organization and transaction type: the ledger's and Zoho's debits, the absolute differences (a
    difference of either sign counts) and the share the rules derived (the coverage)."""
    view = ctx.view
    measures = _visible_measures(view)
    wanted = ["total_ledger_debit_base", "total_zoho_debit_base", "absolute_net_difference_base"]
    wanted += [m for m in measures if m.startswith("absolute_") and m not in wanted]
    wanted += [m for m in measures if m.endswith("_overall")]
    chosen = [m for m in wanted if m in measures]
    if not any(m.startswith("absolute_") for m in chosen):
        return None
    dims = ["zoho_transaction_type", "source_type", "source_number"]
    tile = _grid(ctx, [_dimension(view, d) for d in dims], chosen, None)
    if tile is not None:
        tile["sorts"] = [f"{ctx.explore}.absolute_net_difference_base desc"]
    return tile


def _freshness(ctx: TileContext) -> Tile | None:
    names = [str(m["name"]) for m in ctx.view.data.get("measures", []) if m.get("group_label") == AUDIT_GROUP]
    hours = next((n for n in names if n.startswith("hours_since_")), None)
    return None if hours is None else {"type": "single_value", "fields": _q(ctx.explore, hours)}


def _freshness_latest(ctx: TileContext) -> Tile | None:
    names = [str(m["name"]) for m in ctx.view.data.get("measures", []) if m.get("group_label") == AUDIT_GROUP]
    latest = next((n for n in names if n.startswith("latest_")), None)
    return None if latest is None else {"type": "single_value", "fields": _q(ctx.explore, latest)}


Picker = Callable[[TileContext], Tile | None]

# (title, explore, picker)
MONTH_END_CLOSE: Final[tuple[tuple[str, str, Picker], ...]] = (
    ("Trial balance", "rpt_trial_balance", _trial_balance),
    ("Balance sheet", "rpt_balance_sheet", _balance_sheet),
    ("Profit and loss", "rpt_profit_and_loss", _profit_and_loss),
    ("AR aging (as of the build date)", "rpt_ar_aging", _aging),
    ("AP aging (as of the build date)", "rpt_ap_aging", _aging),
    ("Revenue by currency: transaction vs reporting", "fct_invoices", _by_currency),
    ("GL reconciliation: absolute differences and coverage", "rpt_gl_reconciliation", _reconciliation),
    ("GL reconciliation differences: the transactions", "rpt_gl_reconciliation_differences", _reconciliation),
    ("Hours since the last sync", "fct_general_ledger", _freshness),
    ("Last sync landed", "fct_general_ledger", _freshness_latest),
)


def _organization_field(explore: Mapping[str, Any], view: View) -> str | None:
    """``dim_organizations.organization_name`` when the explore joins it, else the view's organization id."""
    for join in explore.get("joins", []):
        if join.get("name") == ORGANIZATIONS_JOIN and ORGANIZATION_NAME in join.get(
            "fields", [ORGANIZATION_NAME]
        ):
            return f"{ORGANIZATIONS_JOIN}.{ORGANIZATION_NAME}"
    return None


def _listen(explore_name: str, view: View, organization: str | None) -> dict[str, str] | None:
    """The dashboard filters a tile follows: the period (its view's period, by month) and the organization."""
    if view.period_field is None or organization is None:
        return None
    return {"period": f"{explore_name}.{view.period_field}_month", "organization": organization}


def _filters(model: str, listens: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The period and organization filters, suggested from the trial balance (or the first tile's explore)."""
    explore = "rpt_trial_balance" if "rpt_trial_balance" in listens else next(iter(listens))
    listen = listens[explore]
    common = {"type": "field_filter", "model": model, "explore": explore}
    return [
        {
            "name": "period",
            "title": "Period",
            **common,
            "field": listen["period"],
            "default_value": DEFAULT_PERIOD,
            "allow_multiple_values": False,
            "required": True,
            "ui_config": {"type": "advanced", "display": "popover"},
        },
        {
            "name": "organization",
            "title": "Organization",
            **common,
            "field": listen["organization"],
            "default_value": "",
            "allow_multiple_values": True,
            "required": False,
            "ui_config": {"type": "tag_list", "display": "popover"},
        },
    ]


def build_dashboards(
    model: str, explores: Mapping[str, Mapping[str, Any]], views: Mapping[str, View], reporting_currency: str
) -> list[dict[str, Any]]:
    """The month-end close dashboard: every tile follows the period and organization filters (a tile whose
    explore has no period or organization is left out, as is one whose fields are missing)."""
    elements: list[dict[str, Any]] = []
    listens: dict[str, dict[str, str]] = {}
    for title, explore, picker in MONTH_END_CLOSE:
        if explore not in explores or explore not in views:
            continue
        view = views[explore]
        organization = _organization_field(explores[explore], view)
        listen = _listen(explore, view, organization)
        tile = picker(TileContext(explore, view, organization)) if listen else None
        if tile is None or listen is None:
            continue
        listens.setdefault(explore, listen)
        index = len(elements)
        name = "_".join("".join(c if c.isalnum() else " " for c in title.lower()).split())
        element: dict[str, Any] = {"title": title, "name": name, "model": model, "explore": explore}
        element.update(tile)
        if view.posting_field:
            # The explore's always_filter, stated: the tile counts posting documents only.
            element["filters"] = {f"{explore}.{view.posting_field}": "Yes"}
        element["listen"] = listen
        element["limit"] = ROW_LIMIT
        element.update(
            row=(index // 2) * TILE_HEIGHT, col=(index % 2) * TILE_WIDTH, width=TILE_WIDTH, height=TILE_HEIGHT
        )
        elements.append(element)
    if not elements:
        return []
    return [
        {
            "dashboard": "month_end_close",
            "title": "Month-end close",
            "description": "Close checklist for the chosen period and organizations: trial balance, balance "
            "sheet, P&L, aging, currencies (reporting currency "
            f"{reporting_currency}), reconciliation and sync freshness. Base-currency columns are empty "
            "where a row mixes organizations of different base currencies.",
            "layout": "newspaper",
            "preferred_viewer": "dashboards-next",
            "refresh": "1 hour",
            "filters": _filters(model, listens),
            "elements": elements,
        }
    ]


def render_dashboard(dashboard: Mapping[str, Any], comment: list[str]) -> str:
    text: str = header(comment) + yaml.safe_dump(
        [dict(dashboard)], sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    parsed = yaml.safe_load(text)
    if parsed != [dict(dashboard)]:
        raise RenderError(f"dashboard {dashboard.get('dashboard')} does not read back as written")
    return text
