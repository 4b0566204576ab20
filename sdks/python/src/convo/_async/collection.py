"""Collections with list, iterate, create, get, update and delete."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Generic, TypeVar

from .._core import merge
from .transport import AsyncTransport

Item = TypeVar("Item")
PageT = TypeVar("PageT")


async def iterate_pages(
    fetch_page: Callable[[str | None], Any],
) -> AsyncIterator[Any]:
    """Every item of a list, page after page, following `next_cursor` while `has_more`."""
    cursor: str | None = None
    while True:
        page = await fetch_page(cursor)
        for item in page.get("data", []):
            yield item
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            return


class AsyncCollection(Generic[Item, PageT]):
    """A collection resource; subclasses name its operations."""

    _list: str
    _create: str
    _get: str
    _update: str
    _delete: str

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def list(self, params: Mapping[str, Any] | None = None, /, **query: Any) -> PageT:
        """One page; `limit` and `cursor` (or `skip`) page through it."""
        result: PageT = await self._transport.call(self._list, query=merge(params, query))
        return result

    def iterate(
        self, params: Mapping[str, Any] | None = None, /, **query: Any
    ) -> AsyncIterator[Item]:
        """Every item, fetching pages as the loop goes."""
        filters = merge(params, query)
        return iterate_pages(
            lambda cursor: self._transport.call(self._list, query={**filters, "cursor": cursor})
        )

    async def create(self, body: Mapping[str, Any] | None = None, /, **fields: Any) -> Item:
        result: Item = await self._transport.call(self._create, body=merge(body, fields))
        return result

    async def get(self, id: str) -> Item:
        result: Item = await self._transport.call(self._get, path={"id": id})
        return result

    async def update(
        self, id: str, body: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Item:
        result: Item = await self._transport.call(
            self._update, path={"id": id}, body=merge(body, fields)
        )
        return result

    async def delete(self, id: str) -> None:
        await self._transport.call(self._delete, path={"id": id})
