"""Working together: canned responses, saved views and notifications."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from .. import types
from .._core import merge
from .collection import AsyncCollection
from .transport import AsyncTransport


class AsyncCannedResponses(AsyncCollection[types.CannedResponse, types.ListCannedResponse]):
    """Replies kept for reuse: `list(q=...)` finds them by short code or words."""

    _list, _create, _get = "listCannedResponses", "createCannedResponse", "getCannedResponse"
    _update, _delete = "updateCannedResponse", "deleteCannedResponse"

    async def render(self, id: str, conversation_id: str) -> types.RenderedCannedResponse:
        """The content filled in for a conversation; unknown variables stay and are listed."""
        result: types.RenderedCannedResponse = await self._transport.call(
            "renderCannedResponse", path={"id": id}, body={"conversation_id": conversation_id}
        )
        return result


class AsyncViews(AsyncCollection[types.SavedView, types.ListSavedView]):
    """Saved views of the conversation list: `conversations.list(view_id=...)` uses one."""

    _list, _create, _get = "listViews", "createView", "getView"
    _update, _delete = "updateView", "deleteView"


class AsyncNotifications:
    """The acting user's notifications and which kinds they get."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def list(
        self, params: Mapping[str, Any] | None = None, /, **query: Any
    ) -> types.ListNotification:
        """Newest first; `unread=True` for those not read."""
        result: types.ListNotification = await self._transport.call(
            "listNotifications", query=merge(params, query)
        )
        return result

    async def read(self, ids: builtins.list[str]) -> types.NotificationsRead:
        """Marks some read by id."""
        result: types.NotificationsRead = await self._transport.call(
            "readNotifications", body={"ids": ids}
        )
        return result

    async def read_all(self) -> types.NotificationsRead:
        result: types.NotificationsRead = await self._transport.call(
            "readNotifications", body={"all": True}
        )
        return result

    async def settings(self) -> types.NotificationSettings:
        result: types.NotificationSettings = await self._transport.call("getNotificationSettings")
        return result

    async def update_settings(self, **body: Any) -> types.NotificationSettings:
        result: types.NotificationSettings = await self._transport.call(
            "updateNotificationSettings", body=body
        )
        return result
