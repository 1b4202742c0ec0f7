"""Explores from the dbt relationships: every fact and report is an explore, joined to what it references.

- ``many_to_one`` joins follow relationships tests and foreign keys outward from the base, breadth first,
  so each view is joined once, by its shortest path (an organization reached from the ledger directly is
  not joined again through the account).
- A foreign key named after a role (``customer_id`` to ``dim_contacts.contact_id``) joins the dimension
  under the role's name (``join: customer { from: dim_contacts }``), so a fact can join one dimension in
  two roles. In a compound key the role is the one column named unlike its parent column
  (``organization_id, customer_id`` to ``organization_id, contact_id``).
- Several relationships from one view to the same join (a ``relationships`` test on ``account_id`` and a
  ``foreign_key`` constraint on ``organization_id, account_id``) give one join, on the one that covers the
  parent's whole key: where an id is unique only within its organization, the id alone would fan out.
- No fan-out (D111): a header's explore does not join its lines (``fct_invoice_lines`` references
  ``fct_invoices`` and is named after it, the dbt header/line naming convention): grouped by a line's
  account, a header total would count in every account of its lines. Lines have their own explore, which
  reaches the header many-to-one. Every join is many-to-one on the whole key of the "one" side and offers
  only its dimensions (``fields``): measures come from the explore's own view, so adding a join never
  changes a measure.
- Row-level security (D112): every explore has an ``access_filter`` on its organization id from the
  configured user attribute; documents that may not post (``meta.finance: posting_flag``) are filtered to
  posting rows by an ``always_filter`` a user may widen (D110).
- A join whose columns are not the whole key of the "one" side is written ``many_to_many`` and reported.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from lookml.manifest import Mart, Relationship
from lookml.views import View

EXPLORE_PREFIXES: Final = ("fct_", "rpt_")
_PREFIXES: Final = ("dim_", "fct_", "rpt_")
MAX_DEPTH: Final = 3


@dataclass(frozen=True)
class Explore:
    name: str
    data: dict[str, Any]
    warnings: tuple[str, ...]


def title(name: str) -> str:
    stem = next((name[len(p) :] for p in _PREFIXES if name.startswith(p)), name)
    return " ".join(word.capitalize() for word in stem.split("_") if word)


def _stem(name: str) -> str:
    return next((name[len(p) :] for p in _PREFIXES if name.startswith(p)), name)


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def is_explore(mart: Mart) -> bool:
    looker = mart.meta.get("looker")
    if isinstance(looker, dict) and "explore" in looker:
        return bool(looker["explore"])
    return mart.name.startswith(EXPLORE_PREFIXES)


def _role(relationship: Relationship, parent: str) -> str | None:
    """``customer`` for ``customer_id`` -> ``contact_id``; None when the key names the parent itself.

    In a compound key the columns named as in the parent (``organization_id``) scope the key; the role comes
    from the one column that is named otherwise, and there is none when several are.
    """
    renamed = [
        column
        for column, parent_column in zip(relationship.columns, relationship.parent_columns, strict=True)
        if column != parent_column
    ]
    if len(renamed) != 1:
        return None
    column = renamed[0]
    role = column[: -len("_id")] if column.endswith("_id") else column
    return role if role and role != _singular(_stem(parent)) else None


def build_explores(
    marts: tuple[Mart, ...],
    relationships: tuple[Relationship, ...],
    views: Mapping[str, View],
    *,
    access_attribute: str | None = None,
) -> list[Explore]:
    """An explore per fact and report; ``access_attribute`` names the Looker user attribute holding the
    organizations a user may see (None: no access filter)."""
    explores = []
    for mart in marts:
        if is_explore(mart) and mart.name in views:
            explores.append(_build(mart, relationships, views, access_attribute))
    return explores


def dimension_fields(view: View) -> list[str]:
    """The fields of a view's dimensions and dimension groups (each timeframe), as a join offers them."""
    out = [str(d["name"]) for d in view.data.get("dimensions", [])]
    for group in view.data.get("dimension_groups", []):
        out.extend(f"{group['name']}_{t}" for t in group.get("timeframes", []))
    return out


def _sql_on(
    left_alias: str,
    left: View,
    columns: tuple[str, ...],
    right_alias: str,
    right: View,
    right_columns: tuple[str, ...],
) -> str:
    # The joined ("one") side is met on its pk{n}_ dimensions, so LAMS E2 can see the whole key is used.
    return " AND ".join(
        f"${{{left_alias}.{left.column_fields[a]}}} = "
        f"${{{right_alias}.{right.key_fields.get(b, right.column_fields[b])}}}"
        for a, b in zip(columns, right_columns, strict=True)
    )


def _covers_key(view: View, columns: tuple[str, ...]) -> bool:
    return bool(view.primary_key_columns) and set(view.primary_key_columns) <= set(columns)


def _one_per_alias(
    candidates: list[Relationship], alias_of: Callable[[Relationship], str], views: Mapping[str, View]
) -> list[Relationship]:
    """One relationship per join alias, in the given order: the first that covers the parent's whole key,
    else the first."""
    chosen: dict[str, Relationship] = {}
    for relationship in candidates:
        alias = alias_of(relationship)
        current = chosen.get(alias)
        if current is None or (
            not _covers_key(views[current.parent], current.parent_columns)
            and _covers_key(views[relationship.parent], relationship.parent_columns)
        ):
            chosen[alias] = relationship
    kept = set(chosen.values())
    return [r for r in candidates if r in kept]


def _walk_joins(
    base: Mart, relationships: tuple[Relationship, ...], views: Mapping[str, View], warnings: list[str]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The joins breadth first from ``base`` along the relationships, ``MAX_DEPTH`` deep, one per alias;
    with the views joined (alias → view)."""
    joins: list[dict[str, Any]] = []
    joined: dict[str, str] = {base.name: base.name}  # alias -> view
    queue: deque[tuple[str, int]] = deque([(base.name, 0)])

    def usable(relationship: Relationship) -> bool:
        child, parent = views.get(relationship.child), views.get(relationship.parent)
        return (
            child is not None
            and parent is not None
            and all(c in child.column_fields for c in relationship.columns)
            and all(c in parent.column_fields for c in relationship.parent_columns)
        )

    def alias_of(relationship: Relationship) -> str:
        role = _role(relationship, relationship.parent)
        return role if role and role not in views else relationship.parent

    while queue:
        alias, depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        view_name = joined[alias]
        candidates = [r for r in relationships if r.child == view_name and usable(r)]
        for relationship in _one_per_alias(candidates, alias_of, views):
            parent_name = relationship.parent
            target_alias = alias_of(relationship)
            if target_alias in joined or (parent_name == base.name and target_alias == base.name):
                continue
            child, parent = views[view_name], views[parent_name]
            relation = "many_to_one" if _covers_key(parent, relationship.parent_columns) else "many_to_many"
            if relation == "many_to_many":
                warnings.append(
                    f"explore {base.name}: {alias} joins {parent_name} on "
                    f"{', '.join(relationship.parent_columns)}, not its whole key "
                    f"({', '.join(parent.primary_key_columns) or 'none declared'})"
                )
            join: dict[str, Any] = {"name": target_alias}
            if target_alias != parent_name:
                join["from"] = parent_name
                join["view_label"] = " ".join(w.capitalize() for w in target_alias.split("_"))
            join.update(
                type="left_outer",
                relationship=relation,
                fields=dimension_fields(parent),
                sql_on=_sql_on(
                    alias, child, relationship.columns, target_alias, parent, relationship.parent_columns
                ),
            )
            joins.append(join)
            joined[target_alias] = parent_name
            queue.append((target_alias, depth + 1))
    return joins, joined


def _build(
    base: Mart,
    relationships: tuple[Relationship, ...],
    views: Mapping[str, View],
    access_attribute: str | None,
) -> Explore:
    warnings: list[str] = []
    joins, joined = _walk_joins(base, relationships, views, warnings)
    data: dict[str, Any] = {"name": base.name}
    looker = base.meta.get("looker")
    label = looker.get("label") if isinstance(looker, dict) else None
    data["label"] = str(label or title(base.name))
    if base.description:
        data["description"] = " ".join(base.description.split())
    view = views[base.name]
    if view.posting_field:
        data["always_filter"] = {"filters__all": [[{f"{base.name}.{view.posting_field}": "Yes"}]]}
    if access_attribute:
        # The view's own organization id, else the one of a joined view (Looker then always joins it).
        # Else the organizations' own view (keyed by it), which every row meets, before any other.
        joined_views = [(str(j["name"]), views[joined[str(j["name"])]]) for j in joins]
        joined_views.sort(key=lambda item: item[1].primary_key_columns != ("organization_id",))
        owners = [(base.name, view), *joined_views]
        field = next((f"{a}.{v.organization_field}" for a, v in owners if v.organization_field), None)
        if field is not None:
            data["access_filters"] = [{"field": field, "user_attribute": access_attribute}]
        else:
            warnings.append(f"explore {base.name}: no organization_id, so no access filter")
    if joins:
        data["joins"] = joins
    return Explore(base.name, data, tuple(warnings))
