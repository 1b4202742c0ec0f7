"""The vault on real files: encryption at rest, key handling, refusal to overwrite what it cannot read."""

from __future__ import annotations

import base64
import logging
import os
import secrets
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from loader.secret import Secret
from loader.vault import KEY_ENV, Vault, VaultError

CLIENT_SECRET = "cs-3f9a7c1e-very-private"
REFRESH_TOKEN = "1000.rt-5b2d8e4f-very-private"


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "ml-connector.toml"
    path.write_text("")
    return path


@pytest.fixture
def no_env() -> dict[str, str]:
    return {}


@pytest.fixture
def owner_only_umask() -> Iterator[None]:
    # The widest umask there is: file modes must come from the code, not from the umask.
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def zoho_record() -> dict[str, str | Secret]:
    return {
        "client_id": "1000.CLIENT",
        "client_secret": Secret(CLIENT_SECRET),
        "refresh_token": REFRESH_TOKEN,
    }


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_round_trip_through_a_new_instance(config: Path, no_env: dict[str, str]) -> None:
    Vault.beside(config, env=no_env).put("zoho/us", zoho_record())

    reread = Vault.beside(config, env=no_env)
    record = reread.get("zoho/us")

    assert record == {
        "client_id": Secret("1000.CLIENT"),
        "client_secret": Secret(CLIENT_SECRET),
        "refresh_token": Secret(REFRESH_TOKEN),
    }
    assert all(isinstance(value, Secret) for value in record.values())
    assert reread.names() == ["zoho/us"]
    assert reread.get("zoho/eu") is None


def test_put_replaces_update_merges_delete_removes(config: Path, no_env: dict[str, str]) -> None:
    vault = Vault.beside(config, env=no_env)
    vault.put("zoho/us", zoho_record())
    vault.update("zoho/us", {"access_token": Secret("at-1"), "access_token_expires_at": "1700000000"})
    merged = vault.get("zoho/us")
    assert merged is not None
    assert set(merged) == {
        "client_id",
        "client_secret",
        "refresh_token",
        "access_token",
        "access_token_expires_at",
    }

    vault.put("zoho/us", {"client_id": "1000.OTHER", "client_secret": "x", "refresh_token": "y"})
    replaced = vault.get("zoho/us")
    assert replaced is not None
    assert "access_token" not in replaced
    assert replaced["client_id"].reveal() == "1000.OTHER"

    vault.update("looker", {"client_id": "L"})
    assert vault.names() == ["looker", "zoho/us"]
    vault.delete("zoho/us")
    vault.delete("zoho/us")  # deleting what is gone is not an error
    assert vault.names() == ["looker"]


def test_nothing_is_created_until_the_first_write(config: Path, no_env: dict[str, str]) -> None:
    vault = Vault.beside(config, env=no_env)
    assert vault.get("zoho/us") is None
    assert vault.names() == []
    assert sorted(p.name for p in config.parent.iterdir()) == ["ml-connector.toml"]
    assert vault.created_key is False


def test_key_and_vault_files_are_owner_only_even_with_umask_0(
    config: Path, no_env: dict[str, str], owner_only_umask: None
) -> None:
    vault = Vault.beside(config, env=no_env)
    vault.put("zoho/us", zoho_record())

    assert vault.created_key is True
    assert vault.key_path == config.parent / "ml-connector.key"
    assert vault.vault_path == config.parent / "ml-connector.vault"
    assert mode(vault.key_path) == 0o600
    assert mode(vault.vault_path) == 0o600
    # The key file holds exactly a key in the form ML_CONNECTOR_KEY accepts.
    assert len(base64.urlsafe_b64decode(vault.key_path.read_text().strip())) == 32
    vault.update("zoho/us", {"access_token": "t"})
    assert mode(vault.vault_path) == 0o600
    # The next process finds the key rather than creating one.
    assert Vault.beside(config, env=no_env).created_key is False


def test_secrets_are_encrypted_at_rest_with_a_fresh_nonce_per_write(
    config: Path, no_env: dict[str, str]
) -> None:
    vault = Vault.beside(config, env=no_env)
    vault.put("zoho/us", zoho_record())
    first = vault.vault_path.read_bytes()
    vault.put("zoho/us", zoho_record())
    second = vault.vault_path.read_bytes()

    for data in (first, second):
        assert CLIENT_SECRET.encode() not in data
        assert REFRESH_TOKEN.encode() not in data
        assert b"zoho/us" not in data  # record names are encrypted too
        assert data.startswith(b"MLCV\x01")
    assert first != second
    # Atomic replace leaves no temporary file behind.
    assert not [p for p in config.parent.iterdir() if p.name.endswith(".tmp")]


def test_wrong_key_is_refused_and_the_file_is_never_overwritten(config: Path) -> None:
    Vault.beside(config, env={KEY_ENV: new_key()}).put("zoho/us", zoho_record())
    vault_path = config.parent / "ml-connector.vault"
    before = vault_path.read_bytes()

    wrong = Vault.beside(config, env={KEY_ENV: new_key()})
    with pytest.raises(VaultError, match="wrong key or file modified") as read_error:
        wrong.get("zoho/us")
    assert str(vault_path) in str(read_error.value)
    with pytest.raises(VaultError, match="wrong key or file modified"):
        wrong.put("zoho/eu", zoho_record())
    with pytest.raises(VaultError):
        wrong.update("zoho/us", {"access_token": "t"})
    with pytest.raises(VaultError):
        wrong.delete("zoho/us")

    assert vault_path.read_bytes() == before


def test_a_replaced_key_file_is_a_wrong_key(config: Path, no_env: dict[str, str]) -> None:
    vault = Vault.beside(config, env=no_env)
    vault.put("zoho/us", zoho_record())
    assert vault.key_path is not None
    vault.key_path.write_text(new_key() + "\n")
    before = vault.vault_path.read_bytes()

    with pytest.raises(VaultError, match=r"wrong key or file modified.*ml-connector\.key"):
        Vault.beside(config, env=no_env).put("looker", {"client_id": "x"})
    assert vault.vault_path.read_bytes() == before


@pytest.mark.parametrize("offset", [0, 4, 5, 17, -1], ids=["magic", "version", "nonce", "ciphertext", "tag"])
def test_a_tampered_byte_is_detected_and_the_file_kept(
    config: Path, no_env: dict[str, str], offset: int
) -> None:
    vault = Vault.beside(config, env=no_env)
    vault.put("zoho/us", zoho_record())
    data = bytearray(vault.vault_path.read_bytes())
    data[offset] ^= 0x01
    vault.vault_path.write_bytes(bytes(data))

    with pytest.raises(VaultError, match=r"ml-connector\.vault") as error:
        vault.get("zoho/us")
    assert "modified" in str(error.value) or "newer" in str(error.value)
    with pytest.raises(VaultError):
        vault.put("zoho/us", zoho_record())
    assert vault.vault_path.read_bytes() == bytes(data)


@pytest.mark.parametrize("keep", [0, 10, 20, -1], ids=["empty", "header", "short", "one-byte-less"])
def test_a_truncated_file_is_detected_and_the_file_kept(
    config: Path, no_env: dict[str, str], keep: int
) -> None:
    vault = Vault.beside(config, env=no_env)
    vault.put("zoho/us", zoho_record())
    truncated = vault.vault_path.read_bytes()[:keep]
    vault.vault_path.write_bytes(truncated)

    with pytest.raises(VaultError, match=r"truncated|wrong key or file modified"):
        vault.names()
    with pytest.raises(VaultError):
        vault.update("zoho/us", {"access_token": "t"})
    assert vault.vault_path.read_bytes() == truncated


def test_a_missing_key_file_is_never_silently_replaced(config: Path, no_env: dict[str, str]) -> None:
    vault = Vault.beside(config, env=no_env)
    vault.put("zoho/us", zoho_record())
    assert vault.key_path is not None
    vault.key_path.unlink()
    before = vault.vault_path.read_bytes()

    fresh = Vault.beside(config, env=no_env)
    with pytest.raises(VaultError, match=r"key file .*ml-connector\.key is missing"):
        fresh.get("zoho/us")
    with pytest.raises(VaultError, match="is missing"):
        fresh.put("looker", {"client_id": "x"})
    assert not vault.key_path.exists()
    assert vault.vault_path.read_bytes() == before


def test_env_key_is_used_and_no_key_file_is_created(config: Path) -> None:
    env = {KEY_ENV: new_key()}
    vault = Vault.beside(config, env=env)
    vault.put("zoho/us", zoho_record())

    assert vault.key_path is None
    assert vault.created_key is False
    assert not (config.parent / "ml-connector.key").exists()
    assert Vault.beside(config, env=env).get("zoho/us") is not None
    # Without the variable there is no key to read it with.
    with pytest.raises(VaultError, match=KEY_ENV):
        Vault.beside(config, env={}).get("zoho/us")


def test_env_key_without_padding_is_accepted(config: Path) -> None:
    key = new_key()
    Vault.beside(config, env={KEY_ENV: key}).put("looker", {"client_id": "x"})
    assert Vault.beside(config, env={KEY_ENV: key.rstrip("=")}).names() == ["looker"]


@pytest.mark.parametrize(
    "bad_key",
    [
        "",
        "not base64 !!",
        base64.urlsafe_b64encode(b"0" * 16).decode(),
        base64.b64encode(b"\xff" * 33).decode(),
    ],
    ids=["empty", "not-base64", "16-bytes", "33-bytes"],
)
def test_invalid_env_key_is_refused_with_how_to_make_one(config: Path, bad_key: str) -> None:
    with pytest.raises(VaultError, match=r"ML_CONNECTOR_KEY .*secrets\.token_bytes\(32\)") as error:
        Vault.beside(config, env={KEY_ENV: bad_key})
    if bad_key:
        assert bad_key not in str(error.value)
    assert not (config.parent / "ml-connector.vault").exists()


def test_a_corrupt_key_file_is_refused(config: Path, no_env: dict[str, str]) -> None:
    (config.parent / "ml-connector.key").write_text("garbage\n")
    with pytest.raises(VaultError, match=r"ml-connector\.key is not a vault key"):
        Vault.beside(config, env=no_env).put("looker", {"client_id": "x"})
    assert not (config.parent / "ml-connector.vault").exists()


def test_secrets_stay_out_of_repr_errors_and_logs(
    config: Path, no_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = new_key()
    vault = Vault.beside(config, env={KEY_ENV: key})
    vault.put("zoho/us", zoho_record())
    record = vault.get("zoho/us")
    with pytest.raises(VaultError) as error:
        Vault.beside(config, env={KEY_ENV: new_key()}).get("zoho/us")
    with pytest.raises(TypeError) as type_error:
        vault.put("zoho/us", {"client_secret": 12345678})  # type: ignore[dict-item]

    shown = " ".join(
        [
            repr(vault),
            str(vault),
            repr(record),
            str(record),
            str(error.value),
            str(type_error.value),
            caplog.text,
        ]
    )
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, key, "12345678"):
        assert secret not in shown
    assert "ml-connector.vault" in repr(vault)


def test_key_creation_is_logged_with_its_path(
    config: Path, no_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="loader.vault")
    Vault.beside(config, env=no_env).put("looker", {"client_id": "x"})
    assert f"created the vault key file {config.parent / 'ml-connector.key'}" in caplog.text


def test_a_key_file_others_can_read_is_warned_about(
    config: Path, no_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    vault = Vault.beside(config, env=no_env)
    vault.put("looker", {"client_id": "x"})
    assert vault.key_path is not None
    vault.key_path.chmod(0o644)
    caplog.set_level(logging.WARNING, logger="loader.vault")

    assert vault.names() == ["looker"]
    assert f"{vault.key_path} is readable by other users (mode 644): run chmod 600" in caplog.text


def test_concurrent_updates_lose_nothing(config: Path, no_env: dict[str, str]) -> None:
    Vault.beside(config, env=no_env).put("zoho/us", {"client_id": "x"})

    def writer(thread: int) -> None:
        vault = Vault.beside(config, env=no_env)
        for i in range(5):
            vault.update("zoho/us", {f"field_{thread}_{i}": "v"})

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    record = Vault.beside(config, env=no_env).get("zoho/us")
    assert record is not None
    assert len(record) == 1 + 6 * 5
