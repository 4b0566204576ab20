"""Connect360's procedures, called over tRPC's HTTP protocol (queries as GET with `?input=`,
mutations as POST with the input as body; answers `{"result": {"data": ...}}`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from .._errors import ConvoError
from .._operations import OPERATIONS
from .transport import AsyncTransport


class BatchCall(TypedDict, total=False):
    """One call of a batch: a procedure's path (`v1.connect.getConversation`) and its input."""

    procedure: str
    input: Any


class BatchOutcome(TypedDict):
    """One outcome of a batch, in the order of the calls: `data`, or `error` when not `ok`."""

    ok: bool
    data: Any
    error: ConvoError | None


class AsyncConnect:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def call(self, op: str, input: Mapping[str, Any]) -> Any:
        if OPERATIONS[op].method == "GET":
            answer = await self._transport.call(op, query={"input": json.dumps(input)})
        else:
            answer = await self._transport.call(op, body=dict(input))
        return answer["result"]["data"]

    async def batch_query(self, calls: Sequence[BatchCall]) -> list[BatchOutcome]:
        """Several queries in one request (`?batch=1`); each succeeds or fails on its own."""
        answers = await self._transport.call(
            "trpcBatchQuery",
            path={"procedures": _procedures(calls)},
            query={"batch": "1", "input": json.dumps(_keyed(calls))},
        )
        return [_outcome(answer) for answer in answers]

    async def batch_mutation(self, calls: Sequence[BatchCall]) -> list[BatchOutcome]:
        """Several mutations in one request (`?batch=1`); each succeeds or fails on its own."""
        answers = await self._transport.call(
            "trpcBatchMutation",
            path={"procedures": _procedures(calls)},
            query={"batch": "1"},
            body=_keyed(calls),
        )
        return [_outcome(answer) for answer in answers]


def _procedures(calls: Sequence[BatchCall]) -> str:
    return ",".join(call["procedure"] for call in calls)


def _keyed(calls: Sequence[BatchCall]) -> dict[str, Any]:
    return {str(index): call.get("input") for index, call in enumerate(calls)}


def _outcome(answer: dict[str, Any]) -> BatchOutcome:
    if "result" in answer:
        return {"ok": True, "data": answer["result"]["data"], "error": None}
    status = int(answer["error"]["data"]["httpStatus"])
    return {"ok": False, "data": None, "error": ConvoError.from_json(status, answer)}
