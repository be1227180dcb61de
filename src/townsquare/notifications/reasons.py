"""Failure reasons as they are stored and shown: what a server said, never whom it was about.

Mail servers often quote the address they refuse, and a push service's URL names one
browser. Both are masked before a reason is stored (delivery.py), so equal reasons group
together in the agency's delivery report (selectors.py) and agency staff never learn an
address (the privacy wall, docs/privacy.md); the report masks again, for rows written
before.
"""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"<?[\w.+-]+@[\w-]+(?:\.[\w-]+)*>?")
_URL = re.compile(r"\b(?:https?|mailto):[^\s'\"<>)]+")


def public(error: str) -> str:
    return _ADDRESS.sub("<address>", _URL.sub("<url>", error))
