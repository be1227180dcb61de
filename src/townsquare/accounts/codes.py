"""Verification codes and secret tokens: generation, normalisation and keyed hashing.

Codes use Crockford's base32 alphabet (no I, L, O, U) so that a code read off a postcard
and typed back is forgiving: case, spaces and dashes are ignored, O reads as 0, I/L as 1.
Only a keyed hash (HMAC with SECRET_KEY) is stored, so a database leak does not leak codes.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 32**8 ≈ 1.1e12 codes; guessing is rate-limited to a few tries an hour
_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(_TRANSLATE)


def hash_code(text: str) -> str:
    return salted_hmac("townsquare.verification-code", normalise_code(text)).hexdigest()


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a plain digest is enough to make a leak useless.
    return hashlib.sha256(token.encode()).hexdigest()
