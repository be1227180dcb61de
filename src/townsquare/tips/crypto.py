"""Encryption at rest of tips, and the keyed digests of follow-up codes and search words.

Keys: `TOWNSQUARE_TIP_KEYS`, comma-separated Fernet keys (`cryptography`'s MultiFernet):
the first encrypts, every one decrypts. Without it (the embedded default) one key is
generated once into the var dir (`tip_keys`, mode 0600), as the VAPID key is. Rotation
(docs/tips-and-questions.md): put a new key first, keep the old ones after it, run
`townsquare rotate_tip_keys` (re-encrypts everything with the first key), then drop the
old keys.

Digests (follow-up codes, Idempotency-Keys, search words) are HMAC-SHA256 with
`TOWNSQUARE_TIP_CODE_KEY`, or without it a key derived from SECRET_KEY: they must stay
the same across Fernet key rotations, or every code would stop working.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

CODE_BYTES_BITS = 140  # 28 base32 characters, shown in 7 groups of 4
_CODE_CHARS = 28
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# What people mistype when copying a code by hand: read as the letter it looks like.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def _key_path() -> Path:
    return Path(settings.VAR_DIR) / "tip_keys"


def _generate(path: Path) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(Fernet.generate_key())
    tmp.chmod(0o600)
    if not path.exists():  # write-then-rename: two processes must not read half a key
        tmp.replace(path)
    else:
        tmp.unlink()


def configured_keys() -> list[bytes]:
    """The Fernet keys, the encrypting one first."""
    raw = getattr(settings, "TOWNSQUARE_TIP_KEYS", "") or ""
    keys = [item.strip().encode() for item in raw.split(",") if item.strip()]
    if keys:
        return keys
    return list(_file_keys(str(_key_path())))


@functools.cache
def _file_keys(path_name: str) -> tuple[bytes, ...]:
    path = Path(path_name)
    if not path.exists():
        _generate(path)
    return tuple(line.strip() for line in path.read_bytes().splitlines() if line.strip())


@functools.cache
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def encrypt_bytes(data: bytes) -> str:
    return fernet().encrypt(data).decode("ascii")


def decrypt_bytes(token: str) -> bytes:
    return fernet().decrypt(token.encode("ascii"))


def encrypt_text(text: str) -> str:
    return encrypt_bytes(text.encode("utf-8"))


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token).decode("utf-8")


def rotate(token: str) -> str:
    """The same plaintext encrypted with the first key (unchanged if it already is)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


__all__ = ["InvalidToken", "decrypt_bytes", "decrypt_text", "encrypt_bytes", "encrypt_text",
           "rotate", "digest", "new_code", "normalize_code", "code_digest", "word_digests"]


# --- keyed digests ----------------------------------------------------------------------------
def _digest_key() -> bytes:
    return _derive_digest_key(getattr(settings, "TOWNSQUARE_TIP_CODE_KEY", "") or "",
                              settings.SECRET_KEY)


@functools.cache
def _derive_digest_key(configured: str, secret_key: str) -> bytes:
    if configured:
        return configured.encode()
    return hmac.new(secret_key.encode(), b"townsquare.tips.digest", hashlib.sha256).digest()


def digest(purpose: str, value: str) -> str:
    return hmac.new(_digest_key(), f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    """A follow-up code: 140 random bits as 28 base32 characters in groups of 4."""
    number = secrets.randbits(CODE_BYTES_BITS)
    chars = "".join(_B32[(number >> (5 * i)) & 31] for i in range(_CODE_CHARS))
    return "-".join(chars[i:i + 4] for i in range(0, _CODE_CHARS, 4))


def normalize_code(code: str) -> str | None:
    """The code as typed (any case, spaces or dashes, 0/1/8 for O/I/B), or None if it
    cannot be one."""
    if not isinstance(code, str) or len(code) > 80:
        return None
    text = re.sub(r"[\s-]", "", code).upper().translate(_LOOKALIKES)
    if len(text) != _CODE_CHARS or any(ch not in _B32 for ch in text):
        return None
    return text


def code_digest(code: str) -> str | None:
    normal = normalize_code(code)
    return None if normal is None else digest("code", normal)


_WORD = re.compile(r"\w{2,}", re.UNICODE)


def words(text: str) -> set[str]:
    return {word.casefold() for word in _WORD.findall(text or "")}


def word_digests(text: str) -> set[str]:
    """The search index's entries for `text`: 16 hex characters of a keyed digest per word."""
    return {digest("word", word)[:16] for word in words(text)}


def random_digest() -> str:
    """A code digest no code has (a forwarded copy: nobody holds a code for it)."""
    return digest("none", base64.b32encode(secrets.token_bytes(20)).decode())
