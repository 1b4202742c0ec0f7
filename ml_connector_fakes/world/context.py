"""The per-organization context every document builder shares: the books, the random source, an id
factory, and lookups of rates, accounts and tags.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ml_connector_fakes.world.amounts import ONE
from ml_connector_fakes.world.dataset import OrgBooks, Record
from ml_connector_fakes.world.reference_data import COST_CENTER_TAG, COST_CENTERS
from ml_connector_fakes.world.zoho_time import local_timestamp


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


def sequential_ids(org_id: str) -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"{org_id}{next(counter):010d}"
