# Generated from _async/collection.py by make_sync.py; do not edit.
"""Collections with list, iterate, create, get, update and delete."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from .._core import merge
from .transport import Transport

Item = TypeVar("Item")
PageT = TypeVar("PageT")


def iterate_pages(
    fetch_page: Callable[[str | None], Any],
) -> Iterator[Any]:
    """Every item of a list, page after page, following `next_cursor` while `has_more`."""
    cursor: str | None = None
    while True:
        page = fetch_page(cursor)
        yield from page.get("data", [])
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            return


class Collection(Generic[Item, PageT]):
    """A collection resource; subclasses name its operations."""

    _list: str
    _create: str
    _get: str
    _update: str
    _delete: str

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def list(self, params: Mapping[str, Any] | None = None, /, **query: Any) -> PageT:
        """One page; `limit` and `cursor` (or `skip`) page through it."""
        result: PageT = self._transport.call(self._list, query=merge(params, query))
        return result

    def iterate(self, params: Mapping[str, Any] | None = None, /, **query: Any) -> Iterator[Item]:
        """Every item, fetching pages as the loop goes."""
        filters = merge(params, query)
        return iterate_pages(
            lambda cursor: self._transport.call(self._list, query={**filters, "cursor": cursor})
        )

    def create(self, body: Mapping[str, Any] | None = None, /, **fields: Any) -> Item:
        result: Item = self._transport.call(self._create, body=merge(body, fields))
        return result

    def get(self, id: str) -> Item:
        result: Item = self._transport.call(self._get, path={"id": id})
        return result

    def update(self, id: str, body: Mapping[str, Any] | None = None, /, **fields: Any) -> Item:
        result: Item = self._transport.call(self._update, path={"id": id}, body=merge(body, fields))
        return result

    def delete(self, id: str) -> None:
        self._transport.call(self._delete, path={"id": id})
