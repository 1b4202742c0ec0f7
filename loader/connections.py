"""Zoho clients built from the configuration and the vault: what every command that talks to Zoho uses.

The access token is cached in the vault record of its connection (``zoho/<name>``) together with its expiry,
so consecutive runs (a nightly sync, then a webhook-triggered one) reuse it instead of minting a new one:
Zoho allows about ten tokens per refresh token in ten minutes.
"""

from __future__ import annotations

from loader.config import Config, ZohoConnectionConfig
from loader.secret import Secret
from loader.state import StateStore
from loader.vault import Vault, VaultError
from loader.zoho.auth import AccessToken, ZohoCredentials
from loader.zoho.client import ZohoBooksClient
from loader.zoho.daily_cap import DailyCap

ACCESS_TOKEN_FIELD = "access_token"  # noqa: S105 (a field name, not a secret)
EXPIRES_AT_FIELD = "access_token_expires_at"
API_DOMAIN_FIELD = "api_domain"


def vault_record_name(connection_name: str) -> str:
    return f"zoho/{connection_name}"


class VaultTokenCache:
    """A ``TokenCache`` that keeps the access token in the connection's vault record."""

    def __init__(self, vault: Vault, connection_name: str) -> None:
        self._vault = vault
        self._record = vault_record_name(connection_name)

    def __repr__(self) -> str:
        return f"VaultTokenCache({self._record!r})"

    def load(self) -> AccessToken | None:
        record = self._vault.get(self._record) or {}
        value = record.get(ACCESS_TOKEN_FIELD)
        expires = record.get(EXPIRES_AT_FIELD)
        if value is None or expires is None:
            return None
        try:
            expires_at = float(expires.reveal())
        except ValueError:
            return None  # a damaged cache entry costs one token, nothing more
        domain = record.get(API_DOMAIN_FIELD)
        return AccessToken(value, expires_at, domain.reveal() if domain else None)

    def save(self, token: AccessToken) -> None:
        fields: dict[str, str | Secret] = {
            ACCESS_TOKEN_FIELD: token.value,
            EXPIRES_AT_FIELD: repr(token.expires_at),
        }
        if token.api_domain:
            fields[API_DOMAIN_FIELD] = token.api_domain
        self._vault.update(self._record, fields)


def zoho_credentials(vault: Vault, connection: ZohoConnectionConfig) -> tuple[ZohoCredentials, str | None]:
    """The stored credentials of ``connection`` and the API domain learnt at the code exchange, if any."""
    record = vault.get(vault_record_name(connection.name))
    needed = ("client_id", "client_secret", "refresh_token")
    if record is None or any(name not in record for name in needed):
        raise VaultError(
            f"no Zoho credentials stored for connection {connection.name!r}: run `ml-connector auth zoho "
            f"--connection {connection.name} --client-id ID --client-secret - --refresh-token -` first"
        )
    credentials = ZohoCredentials(
        record["client_id"].reveal(), record["client_secret"], record["refresh_token"]
    )
    domain = record.get(API_DOMAIN_FIELD)
    return credentials, domain.reveal() if domain else None


def open_zoho_client(
    config: Config, vault: Vault, connection_name: str, *, state: StateStore | None = None
) -> ZohoBooksClient:
    """A client for one configured connection, its token cached in the vault and its calls counted in
    ``state`` (by default the store under the config's state directory)."""
    connection = config.connection(connection_name)
    credentials, api_domain = zoho_credentials(vault, connection)
    store = state if state is not None else open_state(config)
    return ZohoBooksClient(
        connection,
        credentials,
        api_domain=api_domain,
        token_cache=VaultTokenCache(vault, connection.name),
        usage=store,
        daily_cap=daily_cap(connection, store),
    )


def daily_cap(connection: ZohoConnectionConfig, state: StateStore) -> DailyCap | None:
    """The connection's ``daily_call_limit``, less what earlier runs used today; None without a limit."""
    if connection.daily_call_limit is None:
        return None
    used = sum(
        u.calls
        for u in state.usage()
        if (u.connection, u.organization_id) == (connection.name, connection.organization_id)
    )
    return DailyCap(connection.name, connection.organization_id, connection.daily_call_limit, used)


def open_state(config: Config) -> StateStore:
    from loader.private_files import restrict

    restrict(config.state_dir / "state.db")
    return StateStore(config.state_dir / "state.db")
