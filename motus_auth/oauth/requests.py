"""From a Starlette request to authlib's OAuth2Request, read in full before authlib runs.

The form is read with `await` on the event loop; authlib then only sees plain
dicts, in its worker thread. The URI is rebuilt on the public issuer, not from the
Host header: a call through HAProxy's internal frontend (http://haproxy:8081 in
compose) is still the same provider, and authlib refuses plain-http hostnames.
"""

from __future__ import annotations

from collections import defaultdict

from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from starlette.requests import Request


class _Payload(OAuth2Payload):
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list] = defaultdict(list)
        for key, value in items:
            self._datalist[key].append(value)
        # authlib reads single values from .data; repeated ones are refused where it matters.
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self):
        return self._data

    @property
    def datalist(self):
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):
    def __init__(self, method: str, uri: str, headers, query: list, form: list) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = dict(query)
        self._form = dict(form)
        self.payload = _Payload(query + form)

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


async def from_starlette(request: Request, issuer_origin: str) -> StarletteOAuth2Request:
    form: list[tuple[str, str]] = []
    if request.method == "POST":
        parsed = await request.form(max_files=0, max_fields=30)
        form = [(k, v) for k, v in parsed.multi_items() if isinstance(v, str)]
    query = list(request.query_params.multi_items())
    uri = issuer_origin + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    # Starlette's Headers: case-insensitive, as authlib expects ("Authorization").
    return StarletteOAuth2Request(request.method, uri, request.headers, query, form)
