"""Refunds of payments, read with the payment's detail only where one shows (D135), and counted."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from loader.extract.refunds import MISSING, add_refunds, has_refunds
from loader.zoho.endpoints import BY_NAME, Refunds
from loader.zoho.errors import ZohoDailyLimitError, ZohoNotFoundError

SYNCED = datetime(2026, 6, 1, tzinfo=UTC)
CUSTOMER = BY_NAME["customer_payments"].refunds
VENDOR = BY_NAME["vendor_payments"].refunds


def _spec(spec: Refunds | None) -> Refunds:
    assert spec is not None
    return spec


class FakeZoho:
    """Answers by path, as Zoho's envelope; a path mapped to an exception raises it. Records every GET."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.calls.append((path, dict(params or {})))
        answer = self.answers[path]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, list):  # pages
            return dict(answer[int((params or {}).get("page", 1)) - 1])
        return dict(answer)


def _cap() -> ZohoDailyLimitError:
    return ZohoDailyLimitError(
        "cap",
        status=429,
        code=45,
        path="x",
        organization_id="o",
        calls_today=1000,
        daily_limit=1000,
        resets_in_seconds=None,
    )


def test_a_payment_shows_a_refund_by_its_refunded_amount_or_its_refund_rows() -> None:
    customer, vendor = _spec(CUSTOMER), _spec(VENDOR)
    assert has_refunds(customer, {"amount_refunded": "25.00"})
    assert has_refunds(customer, {"amount_refunded": 0, "bcy_refunded_amount": 12.5})
    assert not has_refunds(customer, {"amount_refunded": "0.000", "bcy_refunded_amount": ""})
    assert not has_refunds(customer, {})
    assert has_refunds(vendor, {"vendorpayment_refunds": [{"vendorpayment_refund_id": "1"}]})
    assert not has_refunds(vendor, {"vendorpayment_refunds": []})


def test_customer_refunds_are_listed_page_by_page_and_completed_by_their_detail() -> None:
    base = "customerpayments/P1/refunds"
    zoho = FakeZoho(
        {
            base: [
                {
                    "payment_refunds": [{"payment_refund_id": "R1", "amount_bcy": 324, "amount_fcy": 300}],
                    "page_context": {"has_more_page": True},
                },
                {
                    "payment_refunds": [{"payment_refund_id": "R2", "amount_bcy": 5, "amount_fcy": 5}],
                    "page_context": {"has_more_page": False},
                },
            ],
            f"{base}/R1": {
                "payment_refunds": [
                    {"payment_refund_id": "R1", "exchange_rate": 1.08, "from_account_id": "bank", "x": 1}
                ]
            },
            f"{base}/R2": ZohoNotFoundError("gone", status=404, code=1002, path=f"{base}/R2"),
        }
    )
    refunded: dict[str, Any] = {"payment_id": "P1", "amount_refunded": 305}
    untouched: dict[str, Any] = {"payment_id": "P2", "amount_refunded": 0}
    records: list[dict[str, Any] | None] = [refunded, None, untouched]
    reads = add_refunds(zoho, _spec(CUSTOMER), records, "org", SYNCED)
    # Two list pages, two details; nothing for the payment without a refund or the missing record.
    assert [path for path, _ in zoho.calls] == [base, base, f"{base}/R1", f"{base}/R2"]
    assert [params.get("page") for _, params in zoho.calls[:2]] == [1, 2]
    assert reads.calls == 4
    assert reads.capped is None
    assert reads.refused is None
    # R2 was deleted between the list and its detail: left out; R1 takes only the declared detail members.
    assert refunded["payment_refunds"] == [
        {
            "payment_refund_id": "R1",
            "amount_bcy": 324,
            "amount_fcy": 300,
            "exchange_rate": 1.08,
            "from_account_id": "bank",
            "_synced_at": SYNCED,
            "_zoho_organization_id": "org",
            "_zoho_source_id": "R1",
        }
    ]
    assert "payment_refunds" not in untouched


def test_vendor_refunds_come_with_the_detail_and_cost_one_call_each() -> None:
    base = "vendorpayments/VP1/refunds"
    zoho = FakeZoho(
        {
            f"{base}/VR1": {
                "vendorpayment_refund": [
                    {"vendorpayment_refund_id": "VR1", "to_account_id": "bank", "exchange_rate": 1.262}
                ]
            }
        }
    )
    payment: dict[str, Any] = {
        "payment_id": "VP1",
        "vendorpayment_refunds": [{"vendorpayment_refund_id": "VR1", "amount_bcy": 126.2}],
    }
    reads = add_refunds(zoho, _spec(VENDOR), [payment], "org", SYNCED)
    assert reads.calls == 1
    (refund,) = payment["vendorpayment_refunds"]
    assert (refund["to_account_id"], refund["exchange_rate"], refund["amount_bcy"]) == ("bank", 1.262, 126.2)
    assert refund["_zoho_source_id"] == "VR1"


def test_the_daily_cap_leaves_every_payment_still_to_read_unloaded() -> None:
    zoho = FakeZoho({"customerpayments/P1/refunds": _cap()})
    first: dict[str, Any] = {"payment_id": "P1", "amount_refunded": 1}
    second: dict[str, Any] = {"payment_id": "P2", "amount_refunded": 1}
    plain: dict[str, Any] = {"payment_id": "P3", "amount_refunded": 0}
    records: list[dict[str, Any] | None] = [first, second, plain]
    reads = add_refunds(zoho, _spec(CUSTOMER), records, "org", SYNCED)
    assert reads.capped is not None
    assert records == [MISSING, MISSING, plain]  # no call after the cap; a payment without refunds loads
    assert len(zoho.calls) == 1
