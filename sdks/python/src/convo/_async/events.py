"""The event log: every change, in order, as a list and as a live stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, cast

import httpx

from .. import types
from .._core import backoff
from .._errors import ConvoConnectionError, ConvoError
from .collection import iterate_pages
from .transport import AsyncTransport

RECONNECT_STATUSES = frozenset({429, 502, 503, 504})


class AsyncEvents:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def list(self, **query: Any) -> types.ListEvent:
        """One page of the organization's events after `after`."""
        result: types.ListEvent = await self._transport.call("listEvents", query=query)
        return result

    def iterate(self, **query: Any) -> AsyncIterator[types.Event]:
        """Every event after `after`, fetching pages as the loop goes."""
        return iterate_pages(
            lambda cursor: self._transport.call("listEvents", query={**query, "cursor": cursor})
        )

    async def list_for_conversation(self, conversation_id: str, **query: Any) -> types.ListEvent:
        """One conversation's activity log."""
        result: types.ListEvent = await self._transport.call(
            "listConversationEvents", path={"id": conversation_id}, query=query
        )
        return result

    def stream(
        self, *, last_event_id: str | int | None = None, **query: Any
    ) -> AsyncGenerator[types.Event, None]:
        """The live stream (`streamEvents`): heartbeats are skipped; a dropped connection is
        reopened with `Last-Event-ID`, so no event is lost or repeated; a client that fell too
        far behind reads the gap from the list, then follows the stream again. Filters:
        `conversation_id`, `business_unit_id`, `types` (a list or a comma-separated string).
        Close it (`contextlib.aclosing`, or breaking out of the loop) to end the connection."""
        query.pop("signals", None)  # `live` is the stream with signals
        # Without signals, only events come.
        return cast(AsyncGenerator[types.Event, None], self._follow(last_event_id, query))

    def live(
        self, *, last_event_id: str | int | None = None, **query: Any
    ) -> AsyncGenerator[types.Event | types.Signal, None]:
        """The stream with live signals too (`signals=true`): typing and viewing, presence,
        notifications (`object_name` `"signal"`, no id: a reconnect does not bring them
        again). Filters as `stream`."""
        return self._follow(last_event_id, {**query, "signals": "true"})

    async def _follow(
        self, last_event_id: str | int | None, query: dict[str, Any]
    ) -> AsyncGenerator[types.Event | types.Signal, None]:
        last = None if last_event_id is None else str(last_event_id)
        if isinstance(query.get("types"), list | tuple):
            query["types"] = ",".join(query["types"])
        attempt = 0
        while True:
            try:
                async for message in self._transport.events(query, last):
                    attempt = 0
                    if message.event == "resume":
                        after = json.loads(message.data)["after"]
                        async for event in self.iterate(after=after, limit=500):
                            if _matches(event, query):
                                last = str(event["id"])
                                yield event
                        break  # reopen after the last event read
                    if not message.data:
                        continue
                    if message.id:
                        last = message.id
                    yield json.loads(message.data)
            except ConvoConnectionError:
                pass  # a lost connection while reading a gap: tried again
            except ConvoError as error:
                if error.status not in RECONNECT_STATUSES:
                    raise
            except httpx.TransportError:
                pass
            await asyncio.sleep(backoff(attempt))
            attempt += 1


def _matches(event: types.Event, query: dict[str, Any]) -> bool:
    """Whether a listed event passes the stream's filters (the list has none of its own)."""
    if query.get("conversation_id") and event.get("conversation_id") != query["conversation_id"]:
        return False
    types_filter = query.get("types")
    wanted = types_filter.split(",") if isinstance(types_filter, str) else types_filter
    return not wanted or event["type"] in wanted
