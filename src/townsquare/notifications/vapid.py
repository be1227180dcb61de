"""The server's VAPID key pair (RFC 8292), which identifies us to every push service.

From VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY when set (every web process and worker must use
the same pair: browsers subscribe with the public key, and a changed key orphans every
subscription). Otherwise a pair is generated once into the var dir, like the secret key.
"""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _key_path() -> Path:
    return Path(settings.VAR_DIR) / "vapid_private.pem"


def _generate(path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    # Write-then-rename: two processes starting at once must not read half a key.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pem)
    tmp.chmod(0o600)
    if not path.exists():
        tmp.replace(path)
    else:
        tmp.unlink()


@functools.cache
def keys() -> tuple[Vapid, str]:
    """(the signing key, the public key as the browser's applicationServerKey)."""
    if settings.VAPID_PRIVATE_KEY:
        vapid = Vapid.from_string(private_key=settings.VAPID_PRIVATE_KEY)
    else:
        path = _key_path()
        if not path.exists():
            _generate(path)
        vapid = Vapid.from_file(private_key_file=str(path))
    public = vapid.public_key.public_bytes(serialization.Encoding.X962,
                                           serialization.PublicFormat.UncompressedPoint)
    derived = _b64(public)
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PUBLIC_KEY.rstrip("=") != derived:
        raise RuntimeError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY.")
    return vapid, derived


def public_key() -> str:
    return keys()[1]


def subject() -> str:
    """The contact the push services see (`sub` claim): VAPID_SUBJECT, else the site."""
    if settings.VAPID_SUBJECT:
        return settings.VAPID_SUBJECT
    site = urlsplit(settings.SITE_URL)
    if site.scheme == "https":
        return settings.SITE_URL
    return f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>').strip()}"


def headers_for(endpoint: str, *, ttl_hours: int = 12) -> dict[str, str]:
    """The Authorization header for one push service (one signature per origin serves
    every message to it until it expires: workers cache it per batch)."""
    import time

    parts = urlsplit(endpoint)
    vapid, _public = keys()
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "sub": subject(),
              "exp": int(time.time()) + ttl_hours * 3600}
    return dict(vapid.sign(claims))
