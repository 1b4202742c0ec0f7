"""``X-Zoho-Webhook-Signature``: the HMAC-SHA256 scheme of zoho-books-api.md ("Deletes and webhooks").

The signed message is every query pair and every form pair, sorted by key (ties by value, so the order is
total), each written as the key immediately followed by its decoded value, then the raw body appended. A
form-encoded body is already represented by its pairs, so only a non-form body (JSON) is appended; signing
the form bytes twice would make the scheme depend on how the sender encoded them. The digest is lowercase
hex, compared in constant time. The scheme is documented for Zoho Billing and unverified for Books
(DECISIONLOG D33); sender and receiver here share this one module's definition.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Final

from loader.secret import Secret

SIGNATURE_HEADER: Final = "X-Zoho-Webhook-Signature"

Pairs = Iterable[tuple[str, str]]


def signing_message(pairs: Pairs, body: bytes = b"") -> bytes:
    """The bytes that are signed: sorted ``key + value`` of every pair, then ``body`` (empty for forms)."""
    ordered = sorted(pairs)
    return "".join(key + value for key, value in ordered).encode("utf-8") + body


def sign(secret: Secret, pairs: Pairs, body: bytes = b"") -> str:
    """The lowercase hex signature of a delivery, as the sender computes it."""
    message = signing_message(pairs, body)
    return hmac.new(secret.reveal().encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(secret: Secret, signature: str | None, pairs: Pairs, body: bytes = b"") -> bool:
    """True when ``signature`` is the delivery's signature; a missing or malformed header is just False."""
    if not signature:
        return False
    expected = sign(secret, pairs, body)
    # compare_digest needs ASCII for str; any non-ASCII header is forged anyway.
    candidate = signature.strip().lower()
    if not candidate.isascii():
        return False
    return hmac.compare_digest(expected, candidate)
