"""The client: one attribute per resource."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx

from .. import types
from .attachments import AsyncAttachments
from .compat import AsyncAdmin, AsyncVoipbin
from .connect import AsyncConnect
from .conversations import AsyncConversations, AsyncMessages
from .directory import (
    AsyncApiKeys,
    AsyncBusinessUnits,
    AsyncChannels,
    AsyncContacts,
    AsyncLabels,
    AsyncOrganizations,
    AsyncUsers,
    AsyncWebhooks,
)
from .events import AsyncEvents
from .people import AsyncAuditLog, AsyncInvitations, AsyncMe, AsyncPasswordResets, AsyncSessions
from .together import AsyncCannedResponses, AsyncNotifications, AsyncViews
from .transport import AsyncTransport


class AsyncConvo:
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
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._transport = AsyncTransport(api_key, base_url, timeout, max_retries, http_client)
        self.conversations = AsyncConversations(self._transport)
        self.messages = AsyncMessages(self._transport)
        self.attachments = AsyncAttachments(self._transport)
        self.contacts = AsyncContacts(self._transport)
        self.channels = AsyncChannels(self._transport)
        self.labels = AsyncLabels(self._transport)
        self.canned_responses = AsyncCannedResponses(self._transport)
        self.views = AsyncViews(self._transport)
        self.notifications = AsyncNotifications(self._transport)
        self.users = AsyncUsers(self._transport)
        self.business_units = AsyncBusinessUnits(self._transport)
        self.api_keys = AsyncApiKeys(self._transport)
        self.organizations = AsyncOrganizations(self._transport)
        self.events = AsyncEvents(self._transport)
        self.webhooks = AsyncWebhooks(self._transport)
        self.connect = AsyncConnect(self._transport)
        self.admin = AsyncAdmin(self._transport)
        self.voipbin = AsyncVoipbin(self._transport)
        self.sessions = AsyncSessions(self._transport)
        self.me = AsyncMe(self._transport)
        self.invitations = AsyncInvitations(self._transport)
        self.password_resets = AsyncPasswordResets(self._transport)
        self.audit_log = AsyncAuditLog(self._transport)

    async def health(self) -> types.Health:
        """Whether the process is up."""
        result: types.Health = await self._transport.call("getHealth")
        return result

    async def readiness(self) -> Any:
        """Whether the server can serve (its database answers)."""
        return await self._transport.call("getReadiness")

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def __aenter__(self) -> AsyncConvo:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
