"""AsyncConvo against a real server: the same methods awaited, and the live stream resumed
after a dropped connection without losing or repeating an event."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from conftest import Server

from convo import AsyncConvo, types


class CutStream(httpx.AsyncByteStream):
    """Passes the first event through, then fails as a dropped connection does."""

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self.inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            yield chunk
            if b"data:" in chunk:
                raise httpx.ReadError("dropped")

    async def aclose(self) -> None:
        await self.inner.aclose()


class CuttingTransport(httpx.AsyncBaseTransport):
    """The real transport; the first live-stream connection is cut after one event."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.streams: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path != "/v1/events/stream":
            return response
        self.streams.append(request)
        if len(self.streams) > 1:
            return response
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code, headers=response.headers, stream=CutStream(response.stream)
        )


async def _flow(server: Server) -> None:
    transport = CuttingTransport()
    async with AsyncConvo(
        api_key=server.api_key,
        base_url=server.base_url,
        http_client=httpx.AsyncClient(transport=transport),
    ) as client:
        channel = await client.channels.create(type="web", identifier="async.example.com")
        conversation = await client.conversations.create(channel_id=channel["id"])
        page = await client.conversations.list(type="open", limit=20, skip=0)
        assert conversation["id"] in [c["id"] for c in page["data"]]
        await client.conversations.join({"conversation_id": conversation["id"]})
        listed = [c["id"] async for c in client.conversations.iterate(limit=1)]
        assert conversation["id"] in listed

        received: list[types.Event] = []

        async def follow() -> None:
            stream = client.events.stream(conversation_id=conversation["id"])
            async with contextlib.aclosing(stream) as events:  # closes the connection on return
                async for event in events:
                    received.append(event)
                    if len(received) == 3:
                        return

        follower = asyncio.create_task(follow())
        await asyncio.sleep(0.3)
        for text in ("one", "two", "three"):
            await client.messages.create(conversation["id"], content=text, message_type="outgoing")
        await asyncio.wait_for(follower, timeout=20)
        assert len(transport.streams) >= 2
        resumed = transport.streams[1].headers.get("last-event-id")
        assert resumed == str(received[0]["id"])
        assert [event["type"] for event in received] == ["message.created"] * 3
        event_ids = [event["id"] for event in received]
        assert event_ids == sorted(set(event_ids))


def test_async_client_and_resumed_stream(server: Server) -> None:
    asyncio.run(_flow(server))
