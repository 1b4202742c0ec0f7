from __future__ import annotations

from dataclasses import dataclass

import pytest

from loader.zoho.regions import REGIONS, UnknownRegionError, accounts_url_for, api_base_url_for


@dataclass(frozen=True)
class Conn:
    region: str
    accounts_url: str | None = None
    api_base_url: str | None = None


@pytest.mark.parametrize(
    ("code", "accounts", "api"),
    [
        ("us", "https://accounts.zoho.com", "https://www.zohoapis.com/books/v3"),
        ("eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu/books/v3"),
        ("in", "https://accounts.zoho.in", "https://www.zohoapis.in/books/v3"),
        ("au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au/books/v3"),
        ("jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp/books/v3"),
        ("ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca/books/v3"),
        ("cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn/books/v3"),
        ("sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa/books/v3"),
        ("uk", "https://accounts.zoho.uk", "https://www.zohoapis.uk/books/v3"),
        ("ae", "https://accounts.zoho.ae", "https://www.zohoapis.ae/books/v3"),
    ],
)
def test_every_region_routes_to_its_data_center(code: str, accounts: str, api: str) -> None:
    assert accounts_url_for(Conn(code)) == accounts
    assert api_base_url_for(Conn(code)) == api


def test_all_ten_regions_are_known() -> None:
    assert sorted(REGIONS) == ["ae", "au", "ca", "cn", "eu", "in", "jp", "sa", "uk", "us"]


def test_the_config_accepts_exactly_the_client_regions() -> None:
    from loader.config import REGIONS as CONFIG_REGIONS

    assert sorted(CONFIG_REGIONS) == sorted(REGIONS)


def test_canada_is_not_accounts_zoho_ca() -> None:
    assert "zoho.ca" not in accounts_url_for(Conn("ca"))


def test_api_domain_from_the_token_beats_the_region_default() -> None:
    assert api_base_url_for(Conn("us"), "https://www.zohoapis.eu") == "https://www.zohoapis.eu/books/v3"


def test_overrides_beat_everything() -> None:
    conn = Conn(
        "us", accounts_url="http://127.0.0.1:9000/us/", api_base_url="http://127.0.0.1:9000/x/books/v3/"
    )
    assert accounts_url_for(conn) == "http://127.0.0.1:9000/us"
    assert api_base_url_for(conn, "https://www.zohoapis.eu") == "http://127.0.0.1:9000/x/books/v3"


def test_unknown_region_names_the_valid_ones() -> None:
    with pytest.raises(UnknownRegionError, match="us, eu, in, au, jp, ca, cn, sa, uk, ae"):
        accounts_url_for(Conn("gb"))
