"""What the sync and async clients share: requests built from the operation table, retry
rules, and argument handling. No I/O here."""

from __future__ import annotations

import email.utils
import random
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from ._operations import OPERATIONS
from ._version import VERSION

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
USER_AGENT = f"convo-python/{VERSION}"
RETRY_STATUSES = frozenset({429, 503})


class Request:
    """One operation's request: method, path, query, JSON body and headers."""

    def __init__(
        self,
        op: str,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        content: Any = None,
        content_type: str | None = None,
    ) -> None:
        operation = OPERATIONS[op]
        self.method = operation.method
        self.path = fill_path(operation.path, path or {})
        self.query = clean_query(query or {})
        self.body = body
        # A file as the body (an upload): bytes, or a stream that can be read only once.
        self.content = content
        self.headers = dict(headers or {})
        if content_type is not None:
            self.headers["Content-Type"] = content_type
        # A creating POST carries a key, so that retrying it can never create twice.
        if operation.idempotent and "idempotency-key" not in {h.lower() for h in self.headers}:
            self.headers["Idempotency-Key"] = str(uuid.uuid4())
        streamed = content is not None and not isinstance(content, bytes | bytearray)
        self.repeatable = not streamed and (
            self.method != "POST" or any(h.lower() == "idempotency-key" for h in self.headers)
        )

    def build(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        return client.build_request(
            self.method,
            self.path,
            params=self.query,
            json=self.body,
            content=self.content,
            headers=self.headers,
        )


def fill_path(template: str, values: Mapping[str, str]) -> str:
    path = template
    for name in [part.split("}")[0] for part in template.split("{")[1:]]:
        value = values.get(name)
        if not value:
            raise TypeError(f"convo: `{name}` is required")
        # Commas stay literal: tRPC joins a batch's procedures with them.
        path = path.replace("{" + name + "}", quote(str(value), safe=","))
    return path


QueryPairs = list[tuple[str, str | int | float | bool | None]]


def clean_query(query: Mapping[str, Any]) -> QueryPairs:
    """Query pairs: None is left out, lists repeat the name, booleans are `true`/`false`."""
    pairs: QueryPairs = []
    for name, value in query.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is None:
                continue
            pairs.append((name, str(item).lower() if isinstance(item, bool) else str(item)))
    return pairs


def merge(params: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments given as a dict, as keywords, or both (keywords win)."""
    merged = dict(params or {})
    merged.update(fields)
    return merged


def pop_required(values: dict[str, Any], name: str) -> str:
    value = values.pop(name, None)
    if not value:
        raise TypeError(f"convo: `{name}` is required")
    return str(value)


def should_retry(request: Request, attempt: int, max_retries: int, status: int | None) -> bool:
    """Network errors (status None), 429 and 503 are retried when the request is repeatable."""
    return (
        request.repeatable
        and attempt < max_retries
        and (status is None or status in RETRY_STATUSES)
    )


def backoff(attempt: int) -> float:
    """Exponential backoff with full jitter: up to 0.5 s, 1 s, 2 s, ... capped at 8 s."""
    return random.uniform(0, min(8.0, 0.5 * 2**attempt))


def retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds or as an HTTP date."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def decode(response: httpx.Response) -> Any:
    return response.json() if response.content else None


def client_headers(api_key: str | None) -> dict[str, str]:
    """Without a key the client acts as nobody until `sessions.create` signs a person in."""
    if api_key is not None and not api_key:
        raise TypeError("convo: `api_key` is empty (leave it out to sign in as a person)")
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return headers


SESSION_COOKIE = "convo_session"


def set_session(
    client: httpx.Client | httpx.AsyncClient, response: httpx.Response, session: Any
) -> None:
    """Sends the session's cookie and, on writes, its CSRF token from now on."""
    token = response.cookies.get(SESSION_COOKIE)
    client.cookies.clear()
    if token:
        client.headers["Cookie"] = f"{SESSION_COOKIE}={token}"
    client.headers["X-CSRF-Token"] = str(session.get("csrf_token") or "")


def end_session(client: httpx.Client | httpx.AsyncClient) -> None:
    client.headers.pop("Cookie", None)
    client.headers.pop("X-CSRF-Token", None)
    client.cookies.clear()


def base_url_of(base_url: str | None) -> str:
    url = (base_url or DEFAULT_BASE_URL).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise TypeError(f"convo: `{url}` is not an http(s) URL")
    return url
