"""Organizations per region, the envelope and Zoho's error codes."""

from __future__ import annotations

import httpx

from ml_connector_fakes.zoho.server import SandboxServer

from .conftest import EU_ORG, US_ORG, US_ORG_2, Api


def _error(response: httpx.Response) -> tuple[int, int, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


def test_organizations_are_listed_per_region(http: httpx.Client, sandbox: SandboxServer) -> None:
    us = Api(http, sandbox, "us").get("/organizations", org=None).json()
    eu = Api(http, sandbox, "eu").get("/organizations", org=None).json()
    assert (us["code"], us["message"]) == (0, "success")
    assert [o["organization_id"] for o in us["organizations"]] == [US_ORG, US_ORG_2]
    assert [o["organization_id"] for o in eu["organizations"]] == [EU_ORG]
    assert eu["organizations"][0]["currency_code"] == "EUR"


def test_organization_detail_and_other_region(api: Api) -> None:
    assert (
        api.get(f"/organizations/{US_ORG_2}", org=None).json()["organization"]["time_zone"] == "Asia/Kolkata"
    )
    assert _error(api.get(f"/organizations/{EU_ORG}", org=None))[:2] == (400, 6041)


def test_list_envelope_has_root_and_page_context(api: Api) -> None:
    body = api.get("/invoices", per_page=10).json()
    assert body["code"] == 0
    assert body["message"] == "success"
    assert len(body["invoices"]) == 10
    assert body["page_context"] == {
        "page": 1,
        "per_page": 10,
        "has_more_page": True,
        "sort_column": "date",
        "sort_order": "D",
        "report_name": "Invoices",
    }


def test_organization_id_is_required_and_checked(api: Api) -> None:
    assert _error(api.get("/invoices", org=None)) == (400, 2, "Invalid value passed for organization_id")
    assert _error(api.get("/invoices", org="99999"))[:2] == (400, 2)
    assert _error(api.get("/invoices", org=EU_ORG))[:2] == (400, 6041)


def test_unknown_record_path_and_method(http: httpx.Client, sandbox: SandboxServer, api: Api) -> None:
    assert _error(api.get("/invoices/123"))[:2] == (404, 1002)
    assert _error(api.get("/nosuchthing")) == (404, 5, "Invalid URL Passed")
    assert _error(api.get("/invoices/1/2/3"))[:2] == (404, 5)
    headers = {"Authorization": f"Zoho-oauthtoken {api.token}"}
    posted = http.post(f"{api.base}/invoices", params={"organization_id": US_ORG}, headers=headers, json={})
    assert _error(posted)[:2] == (405, 37)
    assert _error(http.get(f"{sandbox.base_url}/mars/books/v3/invoices"))[:2] == (404, 5)


def test_detail_carries_line_items_and_list_rows_do_not(api: Api) -> None:
    row = api.get("/invoices", per_page=1).json()["invoices"][0]
    detail = api.get(f"/invoices/{row['invoice_id']}").json()["invoice"]
    assert "line_items" not in row
    assert "sub_total" not in row
    assert detail["line_items"][0]["line_item_id"] == f"{row['invoice_id']}01"
    assert {k: v for k, v in detail.items() if k in row} == row


def test_empty_entity_lists_are_valid_envelopes(api: Api) -> None:
    body = api.get("/settings/taxes").json()
    assert body["taxes"] == []
    assert body["page_context"]["has_more_page"] is False
    assert api.get("/vendorcredits").json()["vendor_credits"] == []
