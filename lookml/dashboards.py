"""LookML dashboards for the month-end close, as Looker Blocks ship them (``.dashboard.lookml``, YAML).

Tiles are chosen from the generated views, never from hard-coded field lists: each tile names the explore
it needs and picks its fields by role (the first month timeframe, the reporting-currency sum, a bucket
dimension ...). A tile whose explore or fields are missing is left out, so a dashboard never references a
field that does not exist. Written with PyYAML from data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import yaml  # type: ignore[import-untyped]

from lookml.views import AUDIT_GROUP, View
from lookml.writer import RenderError, header

TILE_WIDTH: Final = 12
TILE_HEIGHT: Final = 6
ROW_LIMIT: Final = 500

Tile = dict[str, Any]
Picker = Callable[[str, View], Tile | None]


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


def _month(view: View) -> str | None:
    for group in view.data.get("dimension_groups", []):
        if group.get("group_label") != AUDIT_GROUP and "month" in group.get("timeframes", []):
            return f"{group['name']}_month"
    return None


def _sums(view: View, suffix: str = "") -> list[str]:
    return [
        str(m["name"])
        for m in view.data.get("measures", [])
        if m.get("type") == "sum" and str(m["name"]).endswith(suffix)
    ]


def _amount(view: View) -> str | None:
    """The measure to chart: reporting currency first (it adds up across organizations), then base."""
    for suffix in ("_reporting", "_base", ""):
        found = _sums(view, suffix)
        if found:
            return found[0]
    return None


def _first(names: list[str], *hints: str) -> str | None:
    for hint in hints:
        for name in names:
            if hint in name:
                return name
    return names[0] if names else None


def _q(view: str, *fields: str | None) -> list[str]:
    return [f"{view}.{f}" for f in fields if f]


def _pnl(explore: str, view: View) -> Tile | None:
    month, amount = _month(view), _amount(view)
    category = _first(_labels(view), "class", "section", "type", "category", "name")
    if not (month and amount):
        return None
    tile: Tile = {"type": "looker_column", "fields": _q(explore, month, category, amount)}
    if category:
        tile["pivots"] = _q(explore, category)
    tile["sorts"] = [f"{explore}.{month} asc"]
    return tile


def _table(explore: str, view: View, dimensions: int = 3, measures: int = 4) -> Tile | None:
    dims = (_labels(view) or _visible_dimensions(view, "string"))[:dimensions]
    sums = _sums(view)[:measures]
    if not dims or not sums:
        return None
    return {"type": "looker_grid", "fields": _q(explore, *dims, *sums), "sorts": [f"{explore}.{dims[0]} asc"]}


def _aging(explore: str, view: View) -> Tile | None:
    bucket = _first(_labels(view), "bucket", "aging", "age")
    amount = _amount(view)
    if not (bucket and amount):
        return None
    return {"type": "looker_bar", "fields": _q(explore, bucket, amount), "sorts": [f"{explore}.{bucket} asc"]}


def _by_currency(explore: str, view: View) -> Tile | None:
    currency = next((d for d in _visible_dimensions(view, "string") if "currency" in d), None)
    transaction = next(iter(_sums(view, "_transaction")), None)
    converted = next(iter(_sums(view, "_reporting") + _sums(view, "_base")), None)
    if not (currency and transaction and converted):
        return None
    return {
        "type": "looker_grid",
        "fields": _q(explore, currency, transaction, converted),
        "sorts": [f"{explore}.{converted} desc"],
    }


def _reconciliation(explore: str, view: View) -> Tile | None:
    """The ledger against Zoho's by label (transaction type, document) and reconciled flag: the ledger's,
    Zoho's and the difference when the view has them, else its first measures."""
    dims = (_labels(view) + _visible_dimensions(view, "yesno"))[:4]
    sums = _sums(view)
    measures = [m for hint in ("ledger_debit", "zoho_debit", "net_difference") for m in sums if hint in m][:3]
    if not measures:
        measures = [str(m["name"]) for m in view.data.get("measures", []) if m.get("type") != "count"]
        measures = [m for m in measures if not m.startswith(("latest_", "hours_since_"))][:3]
    if not dims:
        return None
    return {
        "type": "looker_grid",
        "fields": _q(explore, *dims, *measures),
        "sorts": [f"{explore}.{dims[0]} asc"],
    }


def _freshness(explore: str, view: View) -> Tile | None:
    names = [str(m["name"]) for m in view.data.get("measures", []) if m.get("group_label") == AUDIT_GROUP]
    hours = next((n for n in names if n.startswith("hours_since_")), None)
    if hours is None:
        return None
    return {"type": "single_value", "fields": _q(explore, hours)}


def _freshness_latest(explore: str, view: View) -> Tile | None:
    names = [str(m["name"]) for m in view.data.get("measures", []) if m.get("group_label") == AUDIT_GROUP]
    latest = next((n for n in names if n.startswith("latest_")), None)
    return None if latest is None else {"type": "single_value", "fields": _q(explore, latest)}


# (dashboard, title, explore, picker)
MONTH_END_CLOSE: Final[tuple[tuple[str, str, Picker], ...]] = (
    ("Profit and loss by month", "rpt_profit_and_loss", _pnl),
    ("Balance sheet", "rpt_balance_sheet", _table),
    ("Trial balance", "rpt_trial_balance", _table),
    ("AR aging", "rpt_ar_aging", _aging),
    ("AP aging", "rpt_ap_aging", _aging),
    ("Revenue by currency: transaction vs reporting", "fct_invoices", _by_currency),
    ("GL reconciliation status", "rpt_gl_reconciliation", _reconciliation),
    ("GL reconciliation differences: the transactions", "rpt_gl_reconciliation_differences", _reconciliation),
    ("Hours since the last sync", "fct_general_ledger", _freshness),
    ("Last sync landed", "fct_general_ledger", _freshness_latest),
)


def build_dashboards(
    model: str, explores: set[str], views: Mapping[str, View], reporting_currency: str
) -> list[dict[str, Any]]:
    elements: list[dict[str, Any]] = []
    for title, explore, picker in MONTH_END_CLOSE:
        if explore not in explores or explore not in views:
            continue
        tile = picker(explore, views[explore])
        if tile is None:
            continue
        index = len(elements)
        name = "_".join("".join(c if c.isalnum() else " " for c in title.lower()).split())
        element: dict[str, Any] = {"title": title, "name": name, "model": model, "explore": explore}
        element.update(tile)
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
            "description": "Close checklist: P&L, balance sheet, trial balance, aging, currencies "
            f"(reporting currency {reporting_currency}), reconciliation and sync freshness.",
            "layout": "newspaper",
            "preferred_viewer": "dashboards-next",
            "refresh": "1 hour",
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
