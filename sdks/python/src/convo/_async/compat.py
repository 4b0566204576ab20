"""Other products' routes over the same data: the admin API v2 conversations and VoIPbin's
conversation resource."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import types
from .._core import merge
from .transport import AsyncTransport

Params = Mapping[str, Any] | None


class AsyncAdminConversations:
    """`/admin/api/v2/conversations`: paged with `page_num`, `page_size`."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def list(self, **query: Any) -> Any:
        return await self._transport.call("adminListConversations", query=query)

    async def create(self, body: Params = None, /, **fields: Any) -> types.Conversation:
        """`topic` defaults to "New Conversation", `status` to `running`."""
        result: types.Conversation = await self._transport.call(
            "adminCreateConversation", body=merge(body, fields)
        )
        return result

    async def get(self, conversation_id: str) -> types.Conversation:
        result: types.Conversation = await self._transport.call(
            "adminGetConversation", path={"conversation_id": conversation_id}
        )
        return result

    async def update(
        self, conversation_id: str, body: Params = None, /, **fields: Any
    ) -> types.Conversation:
        result: types.Conversation = await self._transport.call(
            "adminUpdateConversation",
            path={"conversation_id": conversation_id},
            body=merge(body, fields),
        )
        return result

    async def delete(self, conversation_id: str) -> None:
        """Deletes it and its messages."""
        await self._transport.call(
            "adminDeleteConversation", path={"conversation_id": conversation_id}
        )

    async def update_status(
        self, conversation_id: str, body: Params = None, /, **fields: Any
    ) -> types.Conversation:
        result: types.Conversation = await self._transport.call(
            "adminUpdateConversationStatus",
            path={"conversation_id": conversation_id},
            body=merge(body, fields),
        )
        return result

    async def list_messages(self, conversation_id: str, **query: Any) -> Any:
        """One page of its messages (`page`, `page_size`)."""
        return await self._transport.call(
            "adminListMessagesByConversation",
            path={"conversation_id": conversation_id},
            query=query,
        )


class AsyncVoipbinConversations:
    """`/v1.0/conversations`: VoIPbin's object, paged with `page_size` and `page_token`."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def list(self, **query: Any) -> types.VoipbinPageVoipbinConversation:
        result: types.VoipbinPageVoipbinConversation = await self._transport.call(
            "voipbinListConversations", query=query
        )
        return result

    async def create(self, body: Params = None, /, **fields: Any) -> types.VoipbinConversation:
        result: types.VoipbinConversation = await self._transport.call(
            "voipbinCreateConversation", body=merge(body, fields)
        )
        return result

    async def get(self, id: str) -> types.VoipbinConversation:
        result: types.VoipbinConversation = await self._transport.call(
            "voipbinGetConversation", path={"id": id}
        )
        return result

    async def update(
        self, id: str, body: Params = None, /, **fields: Any
    ) -> types.VoipbinConversation:
        """`owner_type`, `owner_id`, `name`, `detail`."""
        result: types.VoipbinConversation = await self._transport.call(
            "voipbinUpdateConversation", path={"id": id}, body=merge(body, fields)
        )
        return result

    async def delete(self, id: str) -> types.VoipbinConversation:
        """Soft delete; answers the conversation with `tm_delete` set."""
        result: types.VoipbinConversation = await self._transport.call(
            "voipbinDeleteConversation", path={"id": id}
        )
        return result

    async def list_messages(self, id: str, **query: Any) -> types.VoipbinPageVoipbinMessage:
        result: types.VoipbinPageVoipbinMessage = await self._transport.call(
            "voipbinListMessages", path={"id": id}, query=query
        )
        return result

    async def create_message(
        self, id: str, body: Params = None, /, **fields: Any
    ) -> types.VoipbinMessage:
        result: types.VoipbinMessage = await self._transport.call(
            "voipbinCreateMessage", path={"id": id}, body=merge(body, fields)
        )
        return result


class AsyncAdmin:
    """The admin API v2."""

    def __init__(self, transport: AsyncTransport) -> None:
        self.conversations = AsyncAdminConversations(transport)


class AsyncVoipbin:
    """VoIPbin's API."""

    def __init__(self, transport: AsyncTransport) -> None:
        self.conversations = AsyncVoipbinConversations(transport)
