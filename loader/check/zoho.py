"""The Zoho checks of one connection: the token renews, ``api_domain`` names the configured data center, the
organization is visible, each entity the sync reads answers a one-row list, the daily quota is not spent,
and a webhook secret is stored where webhooks are in use.

About one call per entity: every list is asked for ``per_page=1`` (Zoho documents a maximum of 200 and no
minimum), and nothing is written to Zoho. The token is minted into memory, not the vault.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from loader.check import Check, Verdict
from loader.config import Config, ZohoConnectionConfig
from loader.connections import open_state, zoho_credentials
from loader.vault import Vault, VaultError
from loader.zoho.auth import MemoryTokenCache
from loader.zoho.client import RetryPolicy, ZohoBooksClient
from loader.zoho.endpoints import ALL_ENDPOINTS, Endpoint
from loader.zoho.errors import (
    ZohoApiError,
    ZohoAuthError,
    ZohoDailyLimitError,
    ZohoError,
    ZohoForbiddenError,
    ZohoUnavailableError,
)
from loader.zoho.regions import API_PATH, REGIONS
from loader.zoho.scopes import read_scope

SERVICE = "zoho"
CHECK_PAGE = {"page": 1, "per_page": 1}
SERVE_FILE = "serve.json"  # as loader.service.webhooks.service: present while `ml-connector serve` runs
# A check is cheap or it is nothing: two tries per call, not the sync's six.
CHECK_RETRY = RetryPolicy(max_attempts=2)


def region_of_api_domain(api_domain: str) -> str | None:
    """The data center an ``api_domain`` names: Zoho's API host of a region (``https://www.zohoapis.eu``),
    or a region code as the last path segment (the bundled sandbox's ``http://host/eu``)."""
    parts = urlsplit(api_domain.rstrip("/"))
    for code, region in REGIONS.items():
        if urlsplit(region.api_base_url).netloc == parts.netloc:
            return code
    last = parts.path.rsplit("/", 1)[-1]
    return last if last in REGIONS else None


def webhooks_in_use(config: Config, vault: Vault) -> bool:
    """Webhooks are set up when `serve` runs for this config or any connection has a webhook secret."""
    if (config.state_dir / SERVE_FILE).exists():
        return True
    try:
        names = vault.names()
    except VaultError:
        return False
    return any(name.startswith("webhook/") for name in names)


def check_connection(
    config: Config,
    vault: Vault,
    connection: ZohoConnectionConfig,
    *,
    transport: httpx.BaseTransport | None = None,
) -> tuple[list[Check], int]:
    """The checks of one connection and the API calls they made."""
    subject = connection.name
    checks: list[Check] = []

    def add(check: str, verdict: Verdict, detail: str, fix: str | None = None, about: str = subject) -> None:
        checks.append(Check(SERVICE, about, check, verdict, detail, fix))

    checks.append(_webhook_secret(config, vault, connection))
    try:
        credentials, _ = zoho_credentials(vault, connection)
    except VaultError as exc:
        add("credentials", Verdict.FAIL, "no Zoho credentials in the vault", str(exc))
        return checks, 0
    client = ZohoBooksClient(
        connection,
        credentials,
        token_cache=MemoryTokenCache(),
        retry=CHECK_RETRY,
        usage=open_state(config),
        transport=transport,
        token_limit_waits=(),
    )
    with client:
        try:
            token = client.auth.ensure_token(client._http)
        except ZohoAuthError as exc:
            add("token renews", Verdict.FAIL, "Zoho did not renew the access token", str(exc))
            return checks, client.calls_made
        except httpx.HTTPError as exc:
            add(
                "token renews",
                Verdict.FAIL,
                f"Zoho's accounts server did not answer ({type(exc).__name__})",
                "check the connection's region (or accounts_url) and the network",
            )
            return checks, client.calls_made
        add("token renews", Verdict.OK, "a new access token was issued")
        checks.append(_region(connection, token.api_domain))
        if checks[-1].verdict is Verdict.FAIL:
            return checks, client.calls_made
        visible = _organization(client, connection, add)
        if visible:
            entities, spent = _entities(client)
            checks.extend(entities)
            checks.append(_quota(client, spent))
    return checks, client.calls_made


def _webhook_secret(config: Config, vault: Vault, connection: ZohoConnectionConfig) -> Check:
    name = connection.name
    try:
        stored = (vault.get(f"webhook/{name}") or {}).get("secret") is not None
    except VaultError as exc:
        return Check(SERVICE, name, "webhook secret", Verdict.FAIL, "the vault cannot be read", str(exc))
    if stored:
        return Check(SERVICE, name, "webhook secret", Verdict.OK, "stored")
    if not webhooks_in_use(config, vault):
        return Check(SERVICE, name, "webhook secret", Verdict.SKIPPED, "no webhooks set up (polling only)")
    return Check(
        SERVICE,
        name,
        "webhook secret",
        Verdict.FAIL,
        "webhooks are in use (`serve` runs or another connection has a secret) but this connection has no "
        "secret: its webhooks are refused",
        f"copy the secret from the webhook's settings in Zoho Books and run `ml-connector auth webhook "
        f"--connection {name} --secret -`",
    )


def _region(connection: ZohoConnectionConfig, api_domain: str | None) -> Check:
    name = connection.name
    if not api_domain:
        return Check(SERVICE, name, "data center", Verdict.SKIPPED, "Zoho sent no api_domain with the token")
    found = region_of_api_domain(api_domain)
    if found is not None and found != connection.region:
        return Check(
            SERVICE,
            name,
            "data center",
            Verdict.FAIL,
            f"the account lives in the {found!r} data center (Zoho's api_domain {api_domain}), "
            f"not {connection.region!r}",
            f'set region = "{found}" for this connection in the config (and its accounts_url / api_base_url, '
            "if set, to that data center's)",
        )
    configured = connection.api_base_url
    if found is None and configured and not configured.startswith(api_domain.rstrip("/") + API_PATH):
        return Check(
            SERVICE,
            name,
            "data center",
            Verdict.FAIL,
            f"Zoho says the account's API is at {api_domain}, but api_base_url is {configured}",
            f"set api_base_url to {api_domain.rstrip('/')}{API_PATH} or remove it",
        )
    return Check(SERVICE, name, "data center", Verdict.OK, f"{connection.region} ({api_domain})")


def _organization(
    client: ZohoBooksClient, connection: ZohoConnectionConfig, add: Callable[..., None]
) -> bool:
    try:
        organizations = client.list_organizations()
    except ZohoError as exc:
        add("organization", Verdict.FAIL, "the organizations list could not be read", str(exc))
        return False
    ids = {str(o.get("organization_id")): str(o.get("name") or "") for o in organizations}
    wanted = connection.organization_id
    if wanted in ids:
        add("organization", Verdict.OK, f"{wanted} ({ids[wanted]}) is visible to this login")
        return True
    seen = ", ".join(f"{i} ({n})" for i, n in sorted(ids.items())) or "none"
    add(
        "organization",
        Verdict.FAIL,
        f"organization {wanted} is not visible to this login; it sees: {seen}",
        "set organization_id to one of those, or authorize with a Zoho user of that organization "
        "(`ml-connector auth zoho`); an organization of another data center needs that region",
    )
    return False


def _entities(client: ZohoBooksClient) -> tuple[list[Check], bool]:
    """One list call per entity the sync reads, ``per_page=1``; after a spent daily quota, none more.
    Also says whether the quota was found spent."""
    checks: list[Check] = []
    first_rows: dict[str, dict[str, Any]] = {}
    spent = False
    # Rates and the ledger last: they are read for a currency and an account the lists before them return.
    ordered = sorted(ALL_ENDPOINTS, key=lambda e: e.kind in ("per_currency", "per_account"))
    for endpoint in ordered:
        subject = f"{client.connection.name}/{endpoint.name}"
        if endpoint.kind == "organization":
            continue  # the organization check read it
        if spent:
            checks.append(
                Check(SERVICE, subject, "readable", Verdict.SKIPPED, "not checked: the daily quota is spent")
            )
            continue
        path, params = _probe(endpoint, first_rows)
        if path is None:
            checks.append(
                Check(
                    SERVICE, subject, "readable", Verdict.SKIPPED, "nothing to read it for: " + params["why"]
                )
            )
            continue
        try:
            body = client.get(path, {**endpoint.list_params, **params})
        except ZohoDailyLimitError:
            spent = True
            checks.append(
                Check(SERVICE, subject, "readable", Verdict.SKIPPED, "not checked: the daily quota is spent")
            )
            continue
        except ZohoError as exc:
            checks.append(_refusal(subject, path, exc))
            continue
        rows = body.get(endpoint.list_root)
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            first_rows[endpoint.name] = rows[0]
        checks.append(Check(SERVICE, subject, "readable", Verdict.OK, f"GET {path} answered"))
    return checks, spent


def _probe(endpoint: Endpoint, first_rows: dict[str, dict[str, Any]]) -> tuple[str | None, dict[str, Any]]:
    """The path and parameters of an entity's one-row call. Rates are per currency and the ledger per
    account: the first currency and account the earlier calls returned stand for all."""
    if endpoint.kind == "per_currency":
        currency = first_rows.get("currencies", {}).get("currency_id")
        if currency is None:
            return None, {"why": "no currency was listed"}
        return endpoint.path.format(currency_id=currency), dict(CHECK_PAGE)
    if endpoint.kind == "per_account":
        account = first_rows.get("chart_of_accounts", {}).get("account_id")
        if account is None:
            return None, {"why": "no account was listed"}
        return endpoint.path, {**CHECK_PAGE, "account_id": account}
    return endpoint.path, dict(CHECK_PAGE)


def _refusal(subject: str, path: str, exc: ZohoError) -> Check:
    if isinstance(exc, ZohoForbiddenError):
        scope = exc.scope or read_scope(path) or "the module's READ scope"
        return Check(
            SERVICE,
            subject,
            "readable",
            Verdict.FAIL,
            f"no access for this login (HTTP {exc.status}, code 57)",
            f"grant {scope} to the refresh token (then `ml-connector auth zoho` with the new token), or give "
            "the Zoho user's role access to this module",
        )
    if isinstance(exc, ZohoUnavailableError):
        return Check(
            SERVICE,
            subject,
            "readable",
            Verdict.FAIL,
            "not in this organization's plan or edition (HTTP 404)",
            "upgrade the Zoho Books plan, or leave the entity out (`ml-connector sync --entities`)",
        )
    status = f"HTTP {exc.status}, code {exc.code}" if isinstance(exc, ZohoApiError) else type(exc).__name__
    return Check(SERVICE, subject, "readable", Verdict.FAIL, f"Zoho refused the list ({status})", str(exc))


def _quota(client: ZohoBooksClient, spent: bool) -> Check:
    subject = client.connection.name
    if spent or client.daily_remaining == 0:
        return Check(
            SERVICE,
            subject,
            "daily quota",
            Verdict.FAIL,
            f"Zoho's daily API quota of organization {client.organization_id} is spent",
            "wait for the reset (midnight in the organization's time zone) or raise the plan's limit; "
            "a sync now would stop at once",
        )
    if client.daily_remaining is None:
        return Check(SERVICE, subject, "daily quota", Verdict.SKIPPED, "Zoho sent no rate-limit headers")
    limit = f" of {client.daily_limit:,}" if client.daily_limit else ""
    return Check(
        SERVICE, subject, "daily quota", Verdict.OK, f"{client.daily_remaining:,}{limit} calls left today"
    )
