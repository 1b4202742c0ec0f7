"""Zoho data centers: where a connection's accounts server and API live.

Each Zoho account lives in one data center; its refresh token only works on that data center's
accounts server, and its organizations only on that data center's API. Canada is the exception to the
``accounts.zoho.<tld>`` pattern: its accounts server is ``accounts.zohocloud.ca``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Region:
    code: str
    accounts_url: str
    api_base_url: str


REGIONS: dict[str, Region] = {
    r.code: r
    for r in (
        Region("us", "https://accounts.zoho.com", "https://www.zohoapis.com/books/v3"),
        Region("eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu/books/v3"),
        Region("in", "https://accounts.zoho.in", "https://www.zohoapis.in/books/v3"),
        Region("au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au/books/v3"),
        Region("jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp/books/v3"),
        Region("ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca/books/v3"),
        Region("cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn/books/v3"),
        Region("sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa/books/v3"),
        Region("uk", "https://accounts.zoho.uk", "https://www.zohoapis.uk/books/v3"),
        Region("ae", "https://accounts.zoho.ae", "https://www.zohoapis.ae/books/v3"),
    )
}

API_PATH = "/books/v3"


class ConnectionEndpoints(Protocol):
    """The parts of a connection's configuration that decide where it talks to."""

    @property
    def region(self) -> str: ...
    @property
    def accounts_url(self) -> str | None: ...
    @property
    def api_base_url(self) -> str | None: ...


class UnknownRegionError(ValueError):
    pass


def region(code: str) -> Region:
    try:
        return REGIONS[code.lower()]
    except KeyError:
        known = ", ".join(REGIONS)
        raise UnknownRegionError(f"unknown Zoho region {code!r}: use one of {known}") from None


def accounts_url_for(connection: ConnectionEndpoints) -> str:
    """The token host: the per-connection override, else the region's accounts server."""
    return (connection.accounts_url or region(connection.region).accounts_url).rstrip("/")


def api_base_url_for(connection: ConnectionEndpoints, api_domain: str | None = None) -> str:
    """The API base, in order of precedence: an explicit override, the ``api_domain`` Zoho returned
    with the token (it names the data center that holds the account), the region's default."""
    if connection.api_base_url:
        return connection.api_base_url.rstrip("/")
    if api_domain:
        return api_domain.rstrip("/") + API_PATH
    return region(connection.region).api_base_url
