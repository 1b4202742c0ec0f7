"""The credentials vault: every secret the connector keeps, encrypted at rest beside the config file.

File layout of ``ml-connector.vault``::

    MAGIC (4 bytes) | format version (1 byte) | nonce (12 bytes) | AES-256-GCM ciphertext + tag (16 bytes)

The magic and version are the GCM associated data, so they are authenticated with the content. The plaintext
is JSON ``{"records": {name: {field: value}}}``. Every write draws a fresh random nonce.

The key comes from ``ML_CONNECTOR_KEY`` (URL-safe base64 of 32 bytes) when set, otherwise from the key file
``ml-connector.key`` beside the vault, which the first write creates with owner-only permissions. A vault that
cannot be decrypted is never overwritten: each write decrypts the current file first and stops on failure.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import os
import secrets
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from loader.secret import Secret

if sys.platform != "win32":
    import fcntl

log = logging.getLogger(__name__)

VAULT_FILE: Final = "ml-connector.vault"
KEY_FILE: Final = "ml-connector.key"
LOCK_FILE: Final = ".ml-connector.vault.lock"
KEY_ENV: Final = "ML_CONNECTOR_KEY"

_MAGIC: Final = b"MLCV"
_VERSION: Final = 1
_HEADER: Final = _MAGIC + bytes([_VERSION])
_NONCE_BYTES: Final = 12  # 96 bits: the size GCM is specified for
_TAG_BYTES: Final = 16
_KEY_BYTES: Final = 32
_OWNER_ONLY: Final = 0o600

MAKE_KEY_HINT: Final = (
    'make one with: python -c "import secrets,base64;'
    'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'
)

Records = dict[str, dict[str, str]]


# Record names shared by the commands that write and the stages that read them.
WAREHOUSE_PASSWORD_RECORD: Final = "warehouse/postgres"  # noqa: S105 (a record name): field "password"
LOOKER_RECORD: Final = "looker"  # fields client_id, client_secret


class VaultError(Exception):
    """The vault or its key cannot be used. The message names the file and what to do, never a secret."""


def _decode_key(text: str) -> bytes | None:
    """32 key bytes from URL-safe base64 (padding optional), or None if the text is not such a key."""
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == _KEY_BYTES else None


def _fsync_dir(directory: Path) -> None:
    # Makes the rename/creation itself durable; not possible (nor needed) on Windows.
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Vault:
    """Named records of secret fields, e.g. ``zoho/us`` -> client_id, client_secret, refresh_token.

    Nothing is cached between calls: each read decrypts the file, so several processes (a scheduled sync,
    the webhook server, ``auth``) see each other's writes. Writes are serialised by an advisory lock.
    """

    def __init__(self, vault_path: Path, key_path: Path, env_key: bytes | None) -> None:
        self._vault_path = vault_path
        self._key_path = key_path
        self._env_key = env_key
        self._created_key = False

    @classmethod
    def beside(cls, config_path: Path, *, env: Mapping[str, str] | None = None) -> Vault:
        """The vault of the config at ``config_path``; creates nothing until the first write."""
        environ = os.environ if env is None else env
        directory = Path(config_path).absolute().parent
        env_key: bytes | None = None
        if KEY_ENV in environ:
            env_key = _decode_key(environ[KEY_ENV])
            if env_key is None:
                raise VaultError(
                    f"{KEY_ENV} is set but is not a vault key (URL-safe base64 of 32 bytes); {MAKE_KEY_HINT}"
                )
        return cls(directory / VAULT_FILE, directory / KEY_FILE, env_key)

    def __repr__(self) -> str:
        source = f"${KEY_ENV}" if self._env_key is not None else str(self._key_path)
        return f"Vault({str(self._vault_path)!r}, key={source!r})"

    # --- where things are ----------------------------------------------------------------------------

    @property
    def vault_path(self) -> Path:
        return self._vault_path

    @property
    def key_path(self) -> Path | None:
        """The key file in use, or None when the key comes from ``ML_CONNECTOR_KEY``."""
        return None if self._env_key is not None else self._key_path

    @property
    def created_key(self) -> bool:
        """True once this instance has created the key file (the caller should say where it is)."""
        return self._created_key

    # --- reading -------------------------------------------------------------------------------------

    def get(self, name: str) -> dict[str, Secret] | None:
        record = self._read().get(name)
        if record is None:
            return None
        return {field: Secret(value) for field, value in record.items()}

    def names(self) -> list[str]:
        return sorted(self._read())

    # --- writing -------------------------------------------------------------------------------------

    def put(self, name: str, record: Mapping[str, str | Secret]) -> None:
        """Replace the record ``name`` with ``record``."""
        fields = _plain_fields(name, record)
        self._mutate(lambda records: records.__setitem__(name, fields))

    def update(self, name: str, fields: Mapping[str, str | Secret]) -> None:
        """Merge ``fields`` into the record ``name`` (created if missing), e.g. a cached access token."""
        plain = _plain_fields(name, fields)
        self._mutate(lambda records: records.setdefault(name, {}).update(plain))

    def delete(self, name: str) -> None:
        """Remove the record ``name``; nothing happens if there is none."""
        if name in self._read():
            self._mutate(lambda records: records.pop(name, None))

    # --- internals -----------------------------------------------------------------------------------

    def _read(self) -> Records:
        return self._load(self._existing_key())

    def _load(self, key: bytes | None) -> Records:
        if not self._vault_path.exists():
            return {}
        if key is None:
            raise VaultError(
                f"cannot read {self._vault_path}: its key file {self._key_path} is missing. Restore the key "
                f"file from your backup or set {KEY_ENV} to the key that wrote the vault."
            )
        return self._decrypt(key)

    def _mutate(self, change: Callable[[Records], object]) -> None:
        with self._write_lock():
            key = self._existing_key()
            # Decrypt before anything else: a vault we cannot read must never be replaced.
            records = self._load(key)
            if key is None:
                key = self._create_key()
            change(records)
            self._write(key, records)

    def _existing_key(self) -> bytes | None:
        if self._env_key is not None:
            return self._env_key
        try:
            text = self._key_path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise VaultError(
                f"cannot read the vault key file {self._key_path}: {exc.__class__.__name__}"
            ) from None
        self._warn_if_shared(self._key_path)
        key = _decode_key(text)
        if key is None:
            raise VaultError(
                f"{self._key_path} is not a vault key (URL-safe base64 of 32 bytes): "
                "restore it from your backup"
            )
        return key

    def _create_key(self) -> bytes:
        key_text = base64.urlsafe_b64encode(secrets.token_bytes(_KEY_BYTES)).decode("ascii")
        try:
            # O_EXCL with the mode in the same call: the file never exists with wider permissions.
            fd = os.open(self._key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _OWNER_ONLY)
        except FileExistsError:
            # Another process created it since we looked: use theirs.
            key = self._existing_key()
            assert key is not None
            return key
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key_text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        _fsync_dir(self._key_path.parent)
        self._created_key = True
        log.info("created the vault key file %s", self._key_path)
        key = _decode_key(key_text)
        assert key is not None
        return key

    def _decrypt(self, key: bytes) -> Records:
        path = self._vault_path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise VaultError(f"cannot read {path}: {exc.__class__.__name__}") from None
        if len(data) < len(_HEADER) + _NONCE_BYTES + _TAG_BYTES:
            raise VaultError(f"{path} is truncated: restore it from a backup")
        header = data[: len(_HEADER)]
        nonce = data[len(_HEADER) : len(_HEADER) + _NONCE_BYTES]
        sealed = data[len(_HEADER) + _NONCE_BYTES :]
        if header[: len(_MAGIC)] != _MAGIC:
            raise VaultError(
                f"{path} is not an ml-connector vault, or was modified: restore it from a backup"
            )
        if header[len(_MAGIC)] > _VERSION:
            raise VaultError(f"{path} was written by a newer ml-connector: upgrade ml-connector to read it")
        try:
            plaintext = AESGCM(key).decrypt(nonce, sealed, header)
        except InvalidTag:
            source = f"${KEY_ENV}" if self._env_key is not None else str(self._key_path)
            raise VaultError(
                f"cannot decrypt {path}: wrong key or file modified. Use the key that wrote it "
                f"(now from {source}), or restore the vault from a backup."
            ) from None
        return _parse_records(path, plaintext)

    def _write(self, key: bytes, records: Records) -> None:
        plaintext = json.dumps({"records": records}, sort_keys=True).encode("utf-8")
        nonce = secrets.token_bytes(_NONCE_BYTES)
        data = _HEADER + nonce + AESGCM(key).encrypt(nonce, plaintext, _HEADER)
        directory = self._vault_path.parent
        # mkstemp creates the file 0600; the replace is atomic, so readers see the old or the new vault.
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{VAULT_FILE}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, _OWNER_ONLY)
            os.replace(tmp_name, self._vault_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        _fsync_dir(directory)

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        """An exclusive advisory lock across processes for read-modify-write (no-op on Windows)."""
        if sys.platform == "win32":
            yield
            return
        lock_path = self._vault_path.parent / LOCK_FILE
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, _OWNER_ONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    @staticmethod
    def _warn_if_shared(key_path: Path) -> None:
        if sys.platform == "win32":
            return
        mode = stat.S_IMODE(key_path.stat().st_mode)
        if mode & 0o077:
            log.warning(
                "the vault key file %s is readable by other users (mode %o): run chmod 600 on it",
                key_path,
                mode,
            )


def _plain_fields(name: str, record: Mapping[str, str | Secret]) -> dict[str, str]:
    if not isinstance(name, str) or not name:
        raise ValueError("a vault record needs a non-empty name")
    plain: dict[str, str] = {}
    for field, value in record.items():
        if isinstance(value, Secret):
            plain[field] = value.reveal()
        elif isinstance(value, str):
            plain[field] = value
        else:
            # The type only: the value may be a secret.
            raise TypeError(f"vault field {name}/{field} must be a str or Secret, not {type(value).__name__}")
    return plain


def _parse_records(path: Path, plaintext: bytes) -> Records:
    try:
        content = json.loads(plaintext)
    except ValueError:
        content = None
    records = content.get("records") if isinstance(content, dict) else None
    if not isinstance(records, dict) or not all(
        isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values())
        for fields in records.values()
    ):
        # Authenticated, so only a bug could get here; say so without showing the content.
        raise VaultError(f"{path} decrypted but does not hold vault records: restore it from a backup")
    return records
