"""``X-Zoho-Webhook-Signature``: the signing schemes Zoho documents, one chosen per connection (D122).

Zoho Books gives a webhook a secret "for webhook signature verification" but not the algorithm; its sibling
products document two, and a connection names the one its Zoho account uses (``webhook_signature``):

- ``billing-hex`` (the default) and ``billing-base64``: Zoho Billing's. HMAC-SHA256 over every query and form
  pair sorted by key (ties by value), each written as the key immediately followed by its decoded value, then
  the raw body of a non-form (JSON) delivery; the digest in lowercase hex or in base64 (users report both).
- ``payments``: Zoho Payments'. The header is ``t=<epoch ms>,v=<hex>``; HMAC-SHA256 over ``t + "." + body``.

Billing's message has no separators, so ``timestamp=1700…`` and ``timestamp1700…=`` sign alike: a verified
signature proves the bytes, not where one pair ends. ``ambiguity`` closes that (D123): it refuses a
delivery where a key the receiver acts on (``timestamp``, ``event_type``, ``event``) appears in the signed
text anywhere but as a whole key of its own, and ``duplicate_key`` refuses a key given twice. Digests are
compared in constant time. Everything here is pure: no I/O, nothing logged.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from loader.secret import Secret

SIGNATURE_HEADER: Final = "X-Zoho-Webhook-Signature"

Pairs = Iterable[tuple[str, str]]


class Scheme(enum.StrEnum):
    BILLING_HEX = "billing-hex"
    BILLING_BASE64 = "billing-base64"
    PAYMENTS = "payments"


SCHEMES: Final = tuple(scheme.value for scheme in Scheme)
DEFAULT_SCHEME: Final = Scheme.BILLING_HEX

# The pair keys whose values the receiver acts on: freshness and the event's action. The payload's own
# field (``invoice=``, ``JSONString=``) is checked by parsing: JSON with text glued to it does not parse.
CONTROL_KEYS: Final = ("timestamp", "event_type", "event")

_PAYMENTS_HEADER: Final = re.compile(r"t=(?P<t>[0-9]{10,16}),v=(?P<v>[0-9a-fA-F]{64})")


@dataclass(frozen=True)
class Verified:
    """A delivery whose signature matched; ``signed_at`` is the time the scheme itself carries, if any."""

    signed_at: datetime | None


def signing_message(pairs: Pairs, body: bytes = b"") -> bytes:
    """Billing's signed bytes: sorted ``key + value`` of every pair, then ``body`` (empty for forms)."""
    ordered = sorted(pairs)
    return "".join(key + value for key, value in ordered).encode("utf-8") + body


def _digest(secret: Secret, message: bytes) -> bytes:
    return hmac.new(secret.reveal().encode("utf-8"), message, hashlib.sha256).digest()


def sign(
    secret: Secret, pairs: Pairs, body: bytes = b"", scheme: Scheme = DEFAULT_SCHEME, at_ms: int = 0
) -> str:
    """The header value a sender puts on a delivery (``at_ms``: the time ``payments`` signs)."""
    if scheme is Scheme.PAYMENTS:
        mac = _digest(secret, str(at_ms).encode("ascii") + b"." + body).hex()
        return f"t={at_ms},v={mac}"
    raw = _digest(secret, signing_message(pairs, body))
    return base64.b64encode(raw).decode("ascii") if scheme is Scheme.BILLING_BASE64 else raw.hex()


def verify_delivery(
    scheme: Scheme,
    secret: Secret,
    header: str | None,
    pairs: Sequence[tuple[str, str]],
    body: bytes,
    form: bool,
) -> Verified | None:
    """The verified delivery, or None when the header is missing, malformed or does not match."""
    if not header or not header.isascii():
        return None  # compare_digest needs ASCII; a non-ASCII header is forged anyway
    given = header.strip()
    if scheme is Scheme.PAYMENTS:
        match = _PAYMENTS_HEADER.fullmatch(given)
        if match is None:
            return None
        expected = _digest(secret, match["t"].encode("ascii") + b"." + body).hex()
        if not hmac.compare_digest(expected, match["v"].lower()):
            return None
        return Verified(datetime.fromtimestamp(int(match["t"]) / 1000, UTC))
    raw = _digest(secret, signing_message(pairs, b"" if form else body))
    if scheme is Scheme.BILLING_BASE64:
        try:
            candidate = base64.b64decode(given, validate=True)
        except (binascii.Error, ValueError):
            return None
        return Verified(None) if hmac.compare_digest(raw, candidate) else None
    return Verified(None) if hmac.compare_digest(raw.hex(), given.lower()) else None


def verify(secret: Secret, signature: str | None, pairs: Pairs, body: bytes = b"") -> bool:
    """Billing-hex over ``pairs`` and ``body``: True when ``signature`` matches (the sender's tests)."""
    return verify_delivery(Scheme.BILLING_HEX, secret, signature, list(pairs), body, form=False) is not None


def duplicate_key(pairs: Sequence[tuple[str, str]]) -> str | None:
    """A key given more than once (in the query, the form, or both), else None: which one counts would
    depend on the parser, so none does."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    return None


def ambiguity(pairs: Sequence[tuple[str, str]], payload_key: str | None = None) -> str | None:
    """Why the signed pairs could be read as other pairs with the same signature, else None.

    Every occurrence of a control key in the concatenated ``key + value`` text must start a pair whose key is
    exactly that control key (or a longer control key it begins, ``event`` in ``event_type``); anything else
    (``timestamp1700…=``, a value ending in ``…t`` before a key ``imestamp``) is a re-split of signed bytes.
    Text inside the payload field's value (``payload_key``, the form field whose value parsed as the entity
    JSON) is the document's own and is not searched: JSON with a pair glued to it would not have parsed.
    """
    ordered = sorted(pairs)
    text_parts: list[str] = []
    starts: dict[int, str] = {}
    skipped: list[tuple[int, int]] = []
    position = 0
    for key, value in ordered:
        starts[position] = key
        text_parts.append(key + value)
        if key == payload_key:
            skipped.append((position + len(key), position + len(key) + len(value)))
        position += len(key) + len(value)
    text = "".join(text_parts)
    for name in CONTROL_KEYS:
        for found in re.finditer(re.escape(name), text):
            at = found.start()
            if any(begin <= at and at + len(name) <= end for begin, end in skipped):
                continue
            key_there = starts.get(at)
            if key_there is not None and key_there in CONTROL_KEYS and key_there.startswith(name):
                continue
            return f"{name!r} appears inside another pair"
    return None
