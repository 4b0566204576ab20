"""Stored files: upload once, send with messages by `id`, fetch through signed links."""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, AsyncIterator

from .. import types
from .transport import AsyncTransport

CHUNK_BYTES = 64 * 1024


async def _read(path: str | os.PathLike[str]) -> AsyncIterator[bytes]:
    """A file's bytes in chunks, so an upload never holds it whole in memory."""
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


class AsyncAttachments:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def upload(
        self,
        file: str | os.PathLike[str] | bytes | AsyncIterable[bytes],
        *,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> types.StoredAttachment:
        """Uploads a file: a path (streamed from disk, named after it), bytes (retried like
        any call), or a stream of bytes (sent once). The server reads the type from the
        bytes; ``content_type`` is only a hint."""
        if isinstance(file, str | os.PathLike):
            filename = filename or os.path.basename(os.fspath(file))
            content: bytes | AsyncIterable[bytes] = _read(file)
        else:
            content = file
        result: types.StoredAttachment = await self._transport.call(
            "uploadAttachment",
            query={"filename": filename},
            content=content,
            content_type=content_type or "application/octet-stream",
        )
        return result

    async def get(self, id: str) -> types.StoredAttachment:
        """The stored file's object, with fresh signed links."""
        result: types.StoredAttachment = await self._transport.call(
            "getAttachment", path={"id": id}
        )
        return result

    async def content(self, id: str, *, thumbnail: bool = False) -> bytes:
        """The bytes (or an image's thumbnail), read with this client's credentials."""
        response = await self._transport.send(
            "getAttachmentContent",
            path={"id": id},
            query={"size": "thumbnail" if thumbnail else None},
        )
        return response.content
