"""Conversations: the inbox, the team working them, sub-conversations, and their messages.

Arguments may be a dict, keywords, or both, as the documentation writes them:
``join({"conversation_id": ...})`` and ``join(conversation_id=...)`` are the same call."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Mapping
from typing import Any

from .. import types
from .._core import merge, pop_required
from .collection import iterate_pages
from .connect import AsyncConnect
from .transport import AsyncTransport

Params = Mapping[str, Any] | None


class AsyncConversations:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport
        self._connect = AsyncConnect(transport)

    async def list(self, params: Params = None, /, **query: Any) -> types.ListConversation:
        """One page; `type` is a status or a view (`open`, `mine`, ...), `q` a text filter."""
        result: types.ListConversation = await self._transport.call(
            "listConversations", query=merge(params, query)
        )
        return result

    def iterate(self, params: Params = None, /, **query: Any) -> AsyncIterator[types.Conversation]:
        """Every conversation the filters select, fetching pages as the loop goes."""
        filters = merge(params, query)
        return iterate_pages(
            lambda cursor: self._transport.call(
                "listConversations", query={**filters, "cursor": cursor}
            )
        )

    async def get(self, id: str) -> types.Conversation:
        result: types.Conversation = await self._transport.call("getConversation", path={"id": id})
        return result

    async def get_by_conversation_id(self, public_id: str) -> types.Conversation:
        """By the public conversation id (`public_id`)."""
        result: types.Conversation = await self._transport.call(
            "getByConversationId", path={"public_id": public_id}
        )
        return result

    async def search(self, params: Params = None, /, **query: Any) -> types.ListSearchHit:
        """Full-text search: `q`, `business_unit_id`, `limit`."""
        result: types.ListSearchHit = await self._transport.call(
            "searchConversations", query=merge(params, query)
        )
        return result

    async def get_views_count(self, params: Params = None, /, **query: Any) -> types.ViewsCount:
        """Counts per view (`mine`, `unassigned`, `assigned`, `all`) and per status."""
        result: types.ViewsCount = await self._transport.call(
            "getViewsCount", query=merge(params, query)
        )
        return result

    async def create(self, body: Params = None, /, **fields: Any) -> types.Conversation:
        """Every field is optional: `create()` makes a conversation with the defaults."""
        result: types.Conversation = await self._transport.call(
            "createConversation", body=merge(body, fields)
        )
        return result

    async def get_or_create(self, body: Params = None, /, **fields: Any) -> types.Conversation:
        """The customer's open top-level conversation, or a new one (REST form, snake_case)."""
        result: types.Conversation = await self._transport.call(
            "getOrCreateConversation", body=merge(body, fields)
        )
        return result

    async def update(self, id: str, body: Params = None, /, **fields: Any) -> types.Conversation:
        """Name, detail, metadata (merged), parent and the other fields `PATCH` takes."""
        result: types.Conversation = await self._transport.call(
            "updateConversation", path={"id": id}, body=merge(body, fields)
        )
        return result

    async def update_name(self, params: Params = None, /, **fields: Any) -> types.Conversation:
        """`conversation_id` and `name`."""
        values = merge(params, fields)
        return await self.update(pop_required(values, "conversation_id"), name=values.get("name"))

    async def update_status(self, params: Params = None, /, **fields: Any) -> types.Conversation:
        """`conversation_id`, `status` and optionally `snoozed_until`."""
        values = merge(params, fields)
        result: types.Conversation = await self._transport.call(
            "updateStatus", path={"id": pop_required(values, "conversation_id")}, body=values
        )
        return result

    async def delete(self, id: str, *, hard: bool | None = None) -> None:
        """Soft delete; `hard=True` removes it and its messages for good."""
        await self._transport.call("deleteConversation", path={"id": id}, query={"hard": hard})

    async def join(self, params: Params = None, /, **fields: Any) -> types.Conversation:
        """The key's acting user joins the conversation's team."""
        return await self._team("joinConversation", merge(params, fields))

    async def leave(self, params: Params = None, /, **fields: Any) -> types.Conversation:
        return await self._team("leaveConversation", merge(params, fields))

    async def assign_team_member(
        self, params: Params = None, /, **fields: Any
    ) -> types.Conversation:
        """`conversation_id` and `user_id`."""
        values = merge(params, fields)
        id = pop_required(values, "conversation_id")
        result: types.Conversation = await self._transport.call(
            "assignTeamMember", path={"id": id}, body=values
        )
        return result

    async def remove_team_member(
        self, params: Params = None, /, **fields: Any
    ) -> types.Conversation:
        """`conversation_id` and `user_id`."""
        values = merge(params, fields)
        path = {
            "id": pop_required(values, "conversation_id"),
            "user_id": pop_required(values, "user_id"),
        }
        result: types.Conversation = await self._transport.call("removeTeamMember", path=path)
        return result

    async def handoff(self, id: str, body: Params = None, /, **fields: Any) -> types.Conversation:
        """`to={"type": "human"}` hands to the team (pending until a human accepts); with an
        `id`, to that person or AI agent at once. `reason` and `metadata` are optional."""
        result: types.Conversation = await self._transport.call(
            "handoffConversation", path={"id": id}, body=merge(body, fields)
        )
        return result

    async def accept_handoff(self, id: str) -> types.Conversation:
        """The key's acting user (a human) takes the pending handoff and joins the team."""
        result: types.Conversation = await self._transport.call("acceptHandoff", path={"id": id})
        return result

    async def mark_read(self, id: str, body: Params = None, /, **fields: Any) -> types.Conversation:
        """Read up to `message_id` (default the latest) as the key's acting user, or with
        `contact=True` as the contact. A read horizon only moves forward."""
        result: types.Conversation = await self._transport.call(
            "markConversationRead", path={"id": id}, body=merge(body, fields)
        )
        return result

    async def bulk_update(self, ids: builtins.list[str], **change: Any) -> types.BulkResults:
        """One change (`status`, `assignee_id`, `priority`, `labels_add`, ...) for up to 100
        conversations, with a result per id."""
        result: types.BulkResults = await self._transport.call(
            "bulkUpdateConversations", body={"ids": ids, "set": change}
        )
        return result

    async def get_draft(self, id: str) -> types.Draft:
        """The acting user's draft (a 404 `ConvoError` when there is none)."""
        result: types.Draft = await self._transport.call("getDraft", path={"id": id})
        return result

    async def save_draft(
        self, id: str, content: str, message_type: str | None = None
    ) -> types.Draft:
        """Sending a message of its type clears it."""
        body: dict[str, Any] = {"content": content}
        if message_type is not None:
            body["message_type"] = message_type
        result: types.Draft = await self._transport.call("saveDraft", path={"id": id}, body=body)
        return result

    async def delete_draft(self, id: str) -> None:
        await self._transport.call("deleteDraft", path={"id": id})

    async def report_activity(self, id: str, activity: str) -> None:
        """Tells every stream that sees the conversation: `typing`, `viewing` or `idle`."""
        await self._transport.call("reportActivity", path={"id": id}, body={"activity": activity})

    async def add_labels(self, id: str, labels: builtins.list[str]) -> types.Conversation:
        """Puts labels (by name; each must exist) on the conversation."""
        result: types.Conversation = await self._transport.call(
            "addConversationLabels", path={"id": id}, body={"labels": labels}
        )
        return result

    async def remove_label(self, id: str, name: str) -> types.Conversation:
        """Takes a label (by name, ignoring case) off the conversation."""
        result: types.Conversation = await self._transport.call(
            "removeConversationLabel", path={"id": id, "name": name}
        )
        return result

    async def get_invitable_users(
        self, conversation_id: str, **query: Any
    ) -> builtins.list[dict[str, Any]]:
        """Every active user who may be added (all pages), each readable as `u["_id"]` too."""
        pages = iterate_pages(
            lambda cursor: self._transport.call(
                "getInvitableUsers",
                path={"id": conversation_id},
                query={**query, "cursor": cursor},
            )
        )
        return [{**user, "_id": user["id"]} async for user in pages]

    async def init_video_call(
        self, params: Params = None, /, **fields: Any
    ) -> types.VideoCallStarted:
        """Starts a video call: `{"video_call": ..., "conversation": ...}`."""
        values = merge(params, fields)
        result: types.VideoCallStarted = await self._transport.call(
            "initVideoCall", path={"id": pop_required(values, "conversation_id")}
        )
        return result

    async def list_children(self, id: str, **query: Any) -> types.ListConversation:
        """One page of a conversation's sub-conversations (REST form)."""
        result: types.ListConversation = await self._transport.call(
            "listSubConversations", path={"id": id}, query=query
        )
        return result

    async def create_child(
        self, id: str, body: Params = None, /, **fields: Any
    ) -> types.Conversation:
        """A sub-conversation of `id` (REST form; inherits the parent's channels by default)."""
        result: types.Conversation = await self._transport.call(
            "createSubConversation", path={"id": id}, body=merge(body, fields)
        )
        return result

    # Connect360's procedures (over tRPC), with their camelCase inputs and answers.

    async def get_or_create_conversation(
        self, input: Params = None, /, **fields: Any
    ) -> types.Connect360Conversation:
        result: types.Connect360Conversation = await self._connect.call(
            "trpcGetOrCreateConversation", merge(input, fields)
        )
        return result

    async def create_sub_conversation(
        self, input: Params = None, /, **fields: Any
    ) -> types.Connect360Conversation:
        result: types.Connect360Conversation = await self._connect.call(
            "trpcCreateSubConversation", merge(input, fields)
        )
        return result

    async def list_sub_conversations(
        self, input: Params = None, /, **fields: Any
    ) -> types.Connect360Page:
        result: types.Connect360Page = await self._connect.call(
            "trpcListSubConversations", merge(input, fields)
        )
        return result

    async def update_conversation(
        self, input: Params = None, /, **fields: Any
    ) -> types.Connect360Conversation:
        result: types.Connect360Conversation = await self._connect.call(
            "trpcUpdateConversation", merge(input, fields)
        )
        return result

    async def delete_conversation(
        self, input: Params = None, /, **fields: Any
    ) -> types.Connect360Deleted:
        result: types.Connect360Deleted = await self._connect.call(
            "trpcDeleteConversation", merge(input, fields)
        )
        return result

    async def get_conversation(
        self, input: Params = None, /, **fields: Any
    ) -> types.Connect360Conversation:
        result: types.Connect360Conversation = await self._connect.call(
            "trpcGetConversation", merge(input, fields)
        )
        return result

    async def _team(self, op: str, values: dict[str, Any]) -> types.Conversation:
        result: types.Conversation = await self._transport.call(
            op, path={"id": pop_required(values, "conversation_id")}
        )
        return result


class AsyncMessages:
    """The messages of conversations."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def list(self, conversation_id: str, **query: Any) -> types.ListMessage:
        """One page of a conversation's messages (oldest first by default)."""
        result: types.ListMessage = await self._transport.call(
            "listMessages", path={"id": conversation_id}, query=query
        )
        return result

    def iterate(self, conversation_id: str, **query: Any) -> AsyncIterator[types.Message]:
        """Every message of a conversation, fetching pages as the loop goes."""
        return iterate_pages(
            lambda cursor: self._transport.call(
                "listMessages", path={"id": conversation_id}, query={**query, "cursor": cursor}
            )
        )

    async def create(
        self, conversation_id: str, body: Params = None, /, **fields: Any
    ) -> types.Message:
        """Posts a message; an `external_id` seen before answers the first message instead."""
        result: types.Message = await self._transport.call(
            "createMessage", path={"id": conversation_id}, body=merge(body, fields)
        )
        return result

    async def get(self, id: str) -> types.Message:
        result: types.Message = await self._transport.call("getMessage", path={"id": id})
        return result

    async def update(self, id: str, body: Params = None, /, **fields: Any) -> types.Message:
        result: types.Message = await self._transport.call(
            "updateMessage", path={"id": id}, body=merge(body, fields)
        )
        return result

    async def delete(self, id: str) -> None:
        await self._transport.call("deleteMessage", path={"id": id})
