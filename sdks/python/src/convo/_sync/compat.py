# Generated from _async/compat.py by make_sync.py; do not edit.
"""Other products' routes over the same data: the admin API v2 conversations and VoIPbin's
conversation resource."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import types
from .._core import merge
from .transport import Transport

Params = Mapping[str, Any] | None


class AdminConversations:
    """`/admin/api/v2/conversations`: paged with `page_num`, `page_size`."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def list(self, **query: Any) -> Any:
        return self._transport.call("adminListConversations", query=query)

    def create(self, body: Params = None, /, **fields: Any) -> types.Conversation:
        """`topic` defaults to "New Conversation", `status` to `running`."""
        result: types.Conversation = self._transport.call(
            "adminCreateConversation", body=merge(body, fields)
        )
        return result

    def get(self, conversation_id: str) -> types.Conversation:
        result: types.Conversation = self._transport.call(
            "adminGetConversation", path={"conversation_id": conversation_id}
        )
        return result

    def update(
        self, conversation_id: str, body: Params = None, /, **fields: Any
    ) -> types.Conversation:
        result: types.Conversation = self._transport.call(
            "adminUpdateConversation",
            path={"conversation_id": conversation_id},
            body=merge(body, fields),
        )
        return result

    def delete(self, conversation_id: str) -> None:
        """Deletes it and its messages."""
        self._transport.call("adminDeleteConversation", path={"conversation_id": conversation_id})

    def update_status(
        self, conversation_id: str, body: Params = None, /, **fields: Any
    ) -> types.Conversation:
        result: types.Conversation = self._transport.call(
            "adminUpdateConversationStatus",
            path={"conversation_id": conversation_id},
            body=merge(body, fields),
        )
        return result

    def list_messages(self, conversation_id: str, **query: Any) -> Any:
        """One page of its messages (`page`, `page_size`)."""
        return self._transport.call(
            "adminListMessagesByConversation",
            path={"conversation_id": conversation_id},
            query=query,
        )


class VoipbinConversations:
    """`/v1.0/conversations`: VoIPbin's object, paged with `page_size` and `page_token`."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def list(self, **query: Any) -> types.VoipbinPageVoipbinConversation:
        result: types.VoipbinPageVoipbinConversation = self._transport.call(
            "voipbinListConversations", query=query
        )
        return result

    def create(self, body: Params = None, /, **fields: Any) -> types.VoipbinConversation:
        result: types.VoipbinConversation = self._transport.call(
            "voipbinCreateConversation", body=merge(body, fields)
        )
        return result

    def get(self, id: str) -> types.VoipbinConversation:
        result: types.VoipbinConversation = self._transport.call(
            "voipbinGetConversation", path={"id": id}
        )
        return result

    def update(self, id: str, body: Params = None, /, **fields: Any) -> types.VoipbinConversation:
        """`owner_type`, `owner_id`, `name`, `detail`."""
        result: types.VoipbinConversation = self._transport.call(
            "voipbinUpdateConversation", path={"id": id}, body=merge(body, fields)
        )
        return result

    def delete(self, id: str) -> types.VoipbinConversation:
        """Soft delete; answers the conversation with `tm_delete` set."""
        result: types.VoipbinConversation = self._transport.call(
            "voipbinDeleteConversation", path={"id": id}
        )
        return result

    def list_messages(self, id: str, **query: Any) -> types.VoipbinPageVoipbinMessage:
        result: types.VoipbinPageVoipbinMessage = self._transport.call(
            "voipbinListMessages", path={"id": id}, query=query
        )
        return result

    def create_message(
        self, id: str, body: Params = None, /, **fields: Any
    ) -> types.VoipbinMessage:
        result: types.VoipbinMessage = self._transport.call(
            "voipbinCreateMessage", path={"id": id}, body=merge(body, fields)
        )
        return result


class Admin:
    """The admin API v2."""

    def __init__(self, transport: Transport) -> None:
        self.conversations = AdminConversations(transport)


class Voipbin:
    """VoIPbin's API."""

    def __init__(self, transport: Transport) -> None:
        self.conversations = VoipbinConversations(transport)
