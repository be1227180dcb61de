"""JSON out: UTF-8, timestamps in ISO 8601 with their offset, `<`, `>` and `&` escaped."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

# `<`, `>` and `&` occur in JSON text only inside strings, where \u escapes mean the same
# characters; escaping them means a response that is ever sniffed or pasted into HTML
# cannot open a tag. Decoded, a post's text is exactly what its author typed.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


class ApiJSONEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        # Django's encoder writes UTC as "Z"; the API promises an explicit offset.
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


class ApiRenderer(JSONRenderer):
    media_type = "application/json"
    charset = "utf-8"
    encoder_class = ApiJSONEncoder

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        text = json.dumps(data, cls=self.encoder_class, ensure_ascii=False)
        return text.translate(_HTML_SAFE).encode("utf-8")
