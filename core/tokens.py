"""Secret link tokens that the database never holds.

A token is derived from a random nonce with the site's secret key (HMAC-SHA256, 256
bits, URL-safe): the database keeps the nonce and the token's SHA-256 hash, never the
token, so that nobody reading the tables or the pages — officials included — can read a
live link back. The outbox derives the token only when it sends a message (the message
holds the nonce), and an issued link is checked by looking up the hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

NONCE_BYTES = 16
# Where a link's token goes, in a link or a message body that holds one.
TOKEN_PLACEHOLDER = "{token}"
LINK_PLACEHOLDER = "{link}"
MASK = "••••••••"


def new_nonce() -> str:
    """A fresh random nonce (128 bits), stored with what the token opens."""
    return secrets.token_hex(NONCE_BYTES)


def derive_token(nonce: str, *, purpose: str = "link") -> str:
    """The token for a nonce: HMAC-SHA256 under the secret key, 43 URL-safe characters."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}:{nonce}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    """The hash kept in the database to find what a presented token opens."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
