"""Typed errors: the server's problem+json as properties."""

from __future__ import annotations

import json
from typing import Any

import httpx


class ConvoError(Exception):
    """An answer that was not a success.

    ``code`` is stable (``not_found``, ``validation_failed``, ``rate_limited``, ...): match on it,
    not on the message. ``problem`` is the whole problem document as the server sent it.
    """

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        self.code: str = str(problem.get("code") or "unknown")
        self.detail: str | None = problem.get("detail")
        self.errors: list[dict[str, Any]] = list(problem.get("errors") or [])
        super().__init__(self.detail or problem.get("title") or f"convo answered {status}")

    @classmethod
    def from_response(cls, response: httpx.Response) -> ConvoError:
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = {"title": response.text[:200]}
        return cls.from_json(response.status_code, body)

    @classmethod
    def from_json(cls, status: int, body: Any) -> ConvoError:
        """tRPC's ``{"error": {"data": {"problem": ...}}}`` carries the REST problem inside."""
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            body = body["error"].get("data", {}).get("problem", body)
        return cls(status, body if isinstance(body, dict) else {})


class ConvoConnectionError(ConvoError):
    """The server could not be reached, or the connection broke before an answer (after the
    client's retries). ``status`` is 0; the network's own error is ``__cause__``."""

    def __init__(self, detail: str, code: str = "connection_failed") -> None:
        super().__init__(0, {"code": code, "detail": detail})


class ConvoTimeoutError(ConvoConnectionError):
    """A request that got no answer within the client's timeout."""

    def __init__(self, timeout: float) -> None:
        super().__init__(f"no answer within {timeout} s", code="timeout")
