# Generated from _async/transport.py by make_sync.py; do not edit.
"""The HTTP transport: authentication, JSON, typed errors, retries with backoff, timeouts."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
from httpx_sse import ServerSentEvent, connect_sse

from .._core import (
    Request,
    backoff,
    base_url_of,
    client_headers,
    decode,
    end_session,
    retry_after,
    set_session,
    should_retry,
)
from .._errors import ConvoConnectionError, ConvoError, ConvoTimeoutError
from .._operations import OPERATIONS


class Transport:
    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        timeout: float,
        max_retries: int,
        http_client: httpx.Client | None,
    ) -> None:
        self.timeout = timeout
        self.max_retries = max_retries
        self.client = http_client or httpx.Client()
        self.client.base_url = httpx.URL(base_url_of(base_url))
        self.client.headers.update(client_headers(api_key))
        self.client.timeout = httpx.Timeout(timeout)

    def call(
        self,
        op: str,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        content: Any = None,
        content_type: str | None = None,
    ) -> Any:
        """Calls one operation; answers its JSON (None when the answer has no body)."""
        response = self.send(
            op, path=path, query=query, body=body, content=content, content_type=content_type
        )
        return decode(response)

    def send(
        self,
        op: str,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        content: Any = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        """Sends one operation's request (retried when repeatable); answers the 2xx response."""
        request = Request(
            op, path=path, query=query, body=body, content=content, content_type=content_type
        )
        attempt = 0
        while True:
            try:
                response = self.client.send(request.build(self.client))
            except httpx.TimeoutException as error:
                if not should_retry(request, attempt, self.max_retries, None):
                    raise ConvoTimeoutError(self.timeout) from error
                delay = backoff(attempt)
            except httpx.TransportError as error:
                if not should_retry(request, attempt, self.max_retries, None):
                    raise ConvoConnectionError(f"convo could not be reached: {error}") from error
                delay = backoff(attempt)
            else:
                if response.is_success:
                    return response
                if not should_retry(request, attempt, self.max_retries, response.status_code):
                    raise ConvoError.from_response(response)
                delay = retry_after(response) or backoff(attempt)
            time.sleep(delay)
            attempt += 1

    def events(
        self, query: Mapping[str, Any], last_event_id: str | None
    ) -> Iterator[ServerSentEvent]:
        """One connection to the live stream; its events until the server or network ends it."""
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        params = Request("streamEvents", query=query).query
        timeout = httpx.Timeout(self.timeout, read=None)
        with connect_sse(
            self.client,
            "GET",
            OPERATIONS["streamEvents"].path,
            params=params,
            headers=headers,
            timeout=timeout,
        ) as source:
            if not source.response.is_success:
                source.response.read()
                raise ConvoError.from_response(source.response)
            yield from source.iter_sse()

    def use_session(self, response: httpx.Response) -> Any:
        """Acts as the person of the session a sign-in answered: its cookie, and its CSRF
        token on writes. Answers the session."""
        session = decode(response)
        set_session(self.client, response, session)
        return session

    def end_session(self) -> None:
        end_session(self.client)

    def close(self) -> None:
        self.client.close()
