# Generated from _async/client.py by make_sync.py; do not edit.
"""The client: one attribute per resource."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx

from .. import types
from .attachments import Attachments
from .compat import Admin, Voipbin
from .connect import Connect
from .conversations import Conversations, Messages
from .directory import (
    ApiKeys,
    BusinessUnits,
    Channels,
    Contacts,
    Labels,
    Organizations,
    Users,
    Webhooks,
)
from .events import Events
from .people import AuditLog, Invitations, Me, PasswordResets, Sessions
from .together import CannedResponses, Notifications, Views
from .transport import Transport


class Convo:
    """A client of one convo server, authenticated by one API key, or, without one, as the
    person `sessions.create` signs in.

    ``timeout`` is per attempt, in seconds; ``max_retries`` is how often a repeatable call is
    retried on network errors, 429 and 503 (honouring ``Retry-After``)."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 3,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._transport = Transport(api_key, base_url, timeout, max_retries, http_client)
        self.conversations = Conversations(self._transport)
        self.messages = Messages(self._transport)
        self.attachments = Attachments(self._transport)
        self.contacts = Contacts(self._transport)
        self.channels = Channels(self._transport)
        self.labels = Labels(self._transport)
        self.canned_responses = CannedResponses(self._transport)
        self.views = Views(self._transport)
        self.notifications = Notifications(self._transport)
        self.users = Users(self._transport)
        self.business_units = BusinessUnits(self._transport)
        self.api_keys = ApiKeys(self._transport)
        self.organizations = Organizations(self._transport)
        self.events = Events(self._transport)
        self.webhooks = Webhooks(self._transport)
        self.connect = Connect(self._transport)
        self.admin = Admin(self._transport)
        self.voipbin = Voipbin(self._transport)
        self.sessions = Sessions(self._transport)
        self.me = Me(self._transport)
        self.invitations = Invitations(self._transport)
        self.password_resets = PasswordResets(self._transport)
        self.audit_log = AuditLog(self._transport)

    def health(self) -> types.Health:
        """Whether the process is up."""
        result: types.Health = self._transport.call("getHealth")
        return result

    def readiness(self) -> Any:
        """Whether the server can serve (its database answers)."""
        return self._transport.call("getReadiness")

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Convo:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
