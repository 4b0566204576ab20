# Generated from _async/attachments.py by make_sync.py; do not edit.
"""Stored files: upload once, send with messages by `id`, fetch through signed links."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from .. import types
from .transport import Transport

CHUNK_BYTES = 64 * 1024


def _read(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """A file's bytes in chunks, so an upload never holds it whole in memory."""
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


class Attachments:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def upload(
        self,
        file: str | os.PathLike[str] | bytes | Iterable[bytes],
        *,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> types.StoredAttachment:
        """Uploads a file: a path (streamed from disk, named after it), bytes (retried like
        any call), or a stream of bytes (sent once). The server reads the type from the
        bytes; ``content_type`` is only a hint."""
        if isinstance(file, str | os.PathLike):
            filename = filename or os.path.basename(os.fspath(file))
            content: bytes | Iterable[bytes] = _read(file)
        else:
            content = file
        result: types.StoredAttachment = self._transport.call(
            "uploadAttachment",
            query={"filename": filename},
            content=content,
            content_type=content_type or "application/octet-stream",
        )
        return result

    def get(self, id: str) -> types.StoredAttachment:
        """The stored file's object, with fresh signed links."""
        result: types.StoredAttachment = self._transport.call("getAttachment", path={"id": id})
        return result

    def content(self, id: str, *, thumbnail: bool = False) -> bytes:
        """The bytes (or an image's thumbnail), read with this client's credentials."""
        response = self._transport.send(
            "getAttachmentContent",
            path={"id": id},
            query={"size": "thumbnail" if thumbnail else None},
        )
        return response.content
