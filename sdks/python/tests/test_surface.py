"""The rest of the surface against a real server: every resource, errors, retries,
idempotency, paging, the live stream and webhooks."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Server

from convo import (
    Convo,
    ConvoConnectionError,
    ConvoError,
    ConvoTimeoutError,
    WebhookVerificationError,
    verify_webhook,
)


class Faulty(httpx.BaseTransport):
    """The real HTTP transport, with chosen attempts failing; records each request."""

    def __init__(self, fail: Mapping[int, httpx.Response | Exception]) -> None:
        self.inner = httpx.HTTPTransport()
        self.fail = fail
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        failure = self.fail.get(len(self.requests))
        if isinstance(failure, Exception):
            self.inner.handle_request(request).close()  # it reached the server; the answer is lost
            raise failure
        return failure if failure is not None else self.inner.handle_request(request)


def faulty_client(server: Server, transport: httpx.BaseTransport, **options: Any) -> Convo:
    return Convo(
        api_key=server.api_key,
        base_url=server.base_url,
        http_client=httpx.Client(transport=transport),
        **options,
    )


@pytest.fixture(scope="module")
def ids(client: Convo) -> dict[str, str]:
    channel = client.channels.create(type="sms", identifier="+15550200")
    contact = client.contacts.create(name="Surface Customer", phone="+15550299")
    return {"channel": channel["id"], "contact": contact["id"]}


def test_errors_carry_the_problem(client: Convo, server: Server) -> None:
    with pytest.raises(ConvoError) as missing:
        client.conversations.get("00000000-0000-0000-0000-000000000000")
    assert (missing.value.status, missing.value.code) == (404, "not_found")
    with pytest.raises(ConvoError) as invalid:
        client.contacts.create(name="x", email="not an email")
    assert invalid.value.status == 422
    assert any(error["field"] == "email" for error in invalid.value.errors)
    with pytest.raises(ConvoError) as unknown:
        Convo(api_key="convo_sk_nobody_00000000000", base_url=server.base_url).contacts.list()
    assert unknown.value.code == "unauthorized"
    key = client.api_keys.create(name="reader", scopes=["conversations:read"])
    reader = Convo(api_key=key["secret"] or "", base_url=server.base_url)
    with pytest.raises(ConvoError) as forbidden:
        reader.contacts.create(name="no")
    assert (forbidden.value.status, forbidden.value.code) == (403, "missing_scope")
    with pytest.raises(ConvoError) as trpc:
        client.conversations.get_conversation(id="00000000-0000-0000-0000-000000000000")
    assert (trpc.value.status, trpc.value.code) == (404, "not_found")


def test_a_lost_answer_is_retried_with_the_same_idempotency_key(
    client: Convo, server: Server, ids: dict[str, str]
) -> None:
    transport = Faulty({1: httpx.ReadError("connection reset")})
    flaky = faulty_client(server, transport)
    created = flaky.conversations.create(channel_id=ids["channel"], name="exactly once")
    keys = [request.headers.get("idempotency-key") for request in transport.requests]
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    assert transport.requests[0].headers["user-agent"].startswith("convo-python/")
    found = client.conversations.list(q="exactly once")["data"]
    assert [c["id"] for c in found] == [created["id"]]


def test_429_and_503_are_retried_after_retry_after(server: Server, ids: dict[str, str]) -> None:
    busy = Faulty({1: httpx.Response(429, headers={"retry-after": "0"})})
    assert faulty_client(server, busy).contacts.get(ids["contact"])["id"] == ids["contact"]
    assert len(busy.requests) == 2
    down = {n: httpx.Response(503, headers={"retry-after": "0"}) for n in range(1, 10)}
    failing = Faulty(down)
    with pytest.raises(ConvoError) as error:
        faulty_client(server, failing, max_retries=2).contacts.get(ids["contact"])
    assert error.value.status == 503 and len(failing.requests) == 3


def test_a_request_past_its_timeout_fails(server: Server, ids: dict[str, str]) -> None:
    slow = Faulty({1: httpx.ReadTimeout("no answer")})
    with pytest.raises(ConvoTimeoutError):
        faulty_client(server, slow, max_retries=0).contacts.get(ids["contact"])


def test_an_unreachable_server_is_a_convo_connection_error() -> None:
    # Nothing listens on port 9 of this machine: refused at once, retried, then reported.
    unreachable = Convo(
        api_key="convo_sk_nobody_00000000000", base_url="http://127.0.0.1:9", max_retries=1
    )
    with pytest.raises(ConvoConnectionError) as caught:
        unreachable.contacts.list()
    assert isinstance(caught.value, ConvoError)
    assert caught.value.status == 0
    assert caught.value.code == "connection_failed"
    assert isinstance(caught.value.__cause__, httpx.TransportError)


def test_iterate_follows_the_cursor(client: Convo) -> None:
    created = {client.contacts.create(name=f"paged {i}")["id"] for i in range(5)}
    seen = [contact["id"] for contact in client.contacts.iterate(limit=2)]
    assert created <= set(seen) and len(seen) == len(set(seen))


def test_directory_resources(client: Convo) -> None:
    unit = client.business_units.create(name="Support EU")
    assert client.business_units.update(unit["id"], name="Support Europe")["name"] == (
        "Support Europe"
    )
    assert client.business_units.get(unit["id"])["name"] == "Support Europe"
    assert any(u["id"] == unit["id"] for u in client.business_units.list()["data"])
    channel = client.channels.create(
        type="email", identifier="help@py.example.com", business_unit_id=unit["id"]
    )
    assert client.channels.update(channel["id"], name="Help desk")["name"] == "Help desk"
    assert client.channels.get(channel["id"])["business_unit_id"] == unit["id"]
    assert len(client.channels.list(identifier="help@py.example.com")["data"]) == 1
    client.channels.delete(channel["id"])
    client.business_units.delete(unit["id"])
    user = client.users.create(name="Temp", email="temp@py.example.com")
    assert client.users.update(user["id"], {"name": "Temporary"})["name"] == "Temporary"
    assert client.users.get(user["id"])["email"] == "temp@py.example.com"
    assert any(u["id"] == user["id"] for u in client.users.list()["data"])
    client.users.delete(user["id"])
    contact = client.contacts.create(name="Gone soon")
    assert client.contacts.update(contact["id"], name="Going")["name"] == "Going"
    client.contacts.delete(contact["id"])
    with pytest.raises(ConvoError):
        client.contacts.get(contact["id"])
    key = client.api_keys.create(name="temp", scopes=["conversations:read"])
    assert client.api_keys.update(key["id"], name="renamed")["name"] == "renamed"
    assert client.api_keys.get(key["id"])["name"] == "renamed"
    assert any(k["id"] == key["id"] for k in client.api_keys.list()["data"])
    client.api_keys.delete(key["id"])
    org = client.organizations.create(name="Second Org")
    assert any(o["id"] == org["organization"]["id"] for o in client.organizations.list()["data"])
    assert client.health()["status"] == "ok"
    assert client.readiness()["status"] == "ready"


def test_conversations_messages_and_events(client: Convo, ids: dict[str, str]) -> None:
    parent = client.conversations.get_or_create(
        customer_id=ids["contact"], channel_ids=[ids["channel"]]
    )
    child = client.conversations.create_child(parent["id"], name="Order #7")
    assert [c["id"] for c in client.conversations.list_children(parent["id"])["data"]] == [
        child["id"]
    ]
    assert client.conversations.update(child["id"], metadata={"a": 1})["metadata"] == {"a": 1}
    message = client.messages.create(parent["id"], content="hello", message_type="incoming")
    assert client.messages.get(message["id"])["content"] == "hello"
    assert client.messages.update(message["id"], content="hello!")["content"] == "hello!"
    assert [m["id"] for m in client.messages.iterate(parent["id"], limit=1)] == [message["id"]]
    assert [m["id"] for m in client.messages.list(parent["id"])["data"]] == [message["id"]]
    client.messages.delete(message["id"])
    log = client.events.list_for_conversation(parent["id"])["data"]
    assert "message.deleted" in [event["type"] for event in log]
    every_id = [event["id"] for event in client.events.iterate(after=0, limit=5)]
    assert len(every_id) > 5 and every_id == sorted(set(every_id))
    assert client.events.list(after=0, limit=1)["has_more"]
    client.conversations.delete(child["id"], hard=True)
    with pytest.raises(ConvoError):
        client.conversations.get(child["id"])


def test_inbox_handoff_labels_and_priority(client: Convo, server: Server) -> None:
    bot = client.users.create(name="Surface Bot", kind="ai_agent")
    key = client.api_keys.create(
        name="bot",
        scopes=["conversations:read", "conversations:write", "messages:write"],
        user_id=bot["id"],
    )
    as_bot = Convo(api_key=key["secret"] or "", base_url=server.base_url)
    conversation = client.conversations.create(member_ids=[bot["id"]], priority="high")
    pending = as_bot.conversations.handoff(
        conversation["id"], to={"type": "human"}, reason="refund"
    )
    assert pending["handoff"] is not None and pending["handoff"]["reason"] == "refund"
    assert client.conversations.get_views_count(handoff_pending=True)["all"] == 1
    taken = client.conversations.accept_handoff(conversation["id"])
    assert taken["control"]["type"] == "human"
    with pytest.raises(ConvoError) as refused:
        as_bot.messages.create(conversation["id"], content="me too")
    assert (refused.value.status, refused.value.code) == (409, "not_in_control")
    forced = as_bot.messages.create(conversation["id"], content="forced", force=True)
    assert forced["content"] == "forced"

    label = client.labels.create(name="Needs reply/soon", color="#00aa00")
    labeled = client.conversations.add_labels(conversation["id"], ["needs reply/soon"])
    assert labeled["labels"] == [label["name"]]
    found = client.conversations.list(labels="NEEDS REPLY/SOON", order="priority")["data"]
    assert [c["id"] for c in found] == [conversation["id"]]
    assert client.conversations.remove_label(conversation["id"], label["name"])["labels"] == []
    client.labels.delete(label["id"])


def test_reply_times_reads_receipts_transfers_and_merges(client: Convo) -> None:
    unit = client.business_units.create(name="Surface transfers")
    conversation = client.conversations.create()
    asked = client.messages.create(conversation["id"], content="hello?", message_type="incoming")
    waiting = client.conversations.list(order="waiting_since")["data"]
    assert any(
        c["id"] == conversation["id"] and c["waiting_since"] == asked["created_at"] for c in waiting
    )
    assert client.conversations.get(conversation["id"])["unread_count"] == 1
    assert client.conversations.mark_read(conversation["id"])["unread_count"] == 0
    seen = client.conversations.mark_read(conversation["id"], contact=True)
    assert seen["contact_read"] is not None and seen["contact_read"]["message_id"] == asked["id"]

    reply = client.messages.create(conversation["id"], content="on it", status="pending")
    client.messages.update(reply["id"], status="delivered")
    assert client.messages.update(reply["id"], status="sent")["status"] == "delivered"
    client.messages.update(
        reply["id"], status="failed", error={"code": "30007", "message": "filtered"}
    )
    failed = client.messages.list(conversation["id"], status="failed", message_type="outgoing")
    assert [m["id"] for m in failed["data"]] == [reply["id"]]

    moved = client.conversations.update(conversation["id"], business_unit_id=unit["id"])
    assert moved["business_unit_id"] == unit["id"]

    sms = client.contacts.create(phone="+84 90 222 4444")
    email = client.contacts.create(name="Phạm Thu", email="thu@example.com", external_id="e:thu")
    assert [c["id"] for c in client.contacts.list(q="pham thu")["data"]] == [email["id"]]
    merged = client.contacts.merge(sms["id"], email["id"])
    assert merged["name"] == "Phạm Thu"
    found = client.contacts.list(external_id="e:thu")["data"]
    assert [c["id"] for c in found] == [sms["id"]]
    with pytest.raises(ConvoError):
        client.contacts.get(email["id"])


def test_connect360_batches(client: Convo, ids: dict[str, str]) -> None:
    conversation = client.conversations.get_or_create_conversation(customerId=ids["contact"])
    outcomes = client.connect.batch_query(
        [
            {"procedure": "v1.connect.getConversation", "input": {"id": conversation["id"]}},
            {"procedure": "v1.connect.getConversation", "input": {"id": ids["contact"]}},
        ]
    )
    assert outcomes[0]["ok"] and outcomes[0]["data"]["id"] == conversation["id"]
    assert not outcomes[1]["ok"] and outcomes[1]["error"] is not None
    assert outcomes[1]["error"].status == 404
    changed = client.connect.batch_mutation(
        [
            {
                "procedure": "v1.connect.updateConversation",
                "input": {"id": conversation["id"], "name": "batched"},
            }
        ]
    )
    assert changed[0]["ok"] and client.conversations.get(conversation["id"])["name"] == "batched"


def test_admin_v2_and_voipbin(client: Convo, ids: dict[str, str]) -> None:
    admin = client.admin.conversations.create(topic="AI run")
    assert admin["status"] == "running"
    assert client.admin.conversations.update(admin["id"], topic="AI run 2")["topic"] == "AI run 2"
    done = client.admin.conversations.update_status(admin["id"], status="completed")
    assert done["status"] == "completed"
    assert client.admin.conversations.get(admin["id"])["topic"] == "AI run 2"
    listed = client.admin.conversations.list(page_size=100)["data"]
    assert admin["id"] in [c["id"] for c in listed]
    assert client.admin.conversations.list_messages(admin["id"])["data"] == []
    client.admin.conversations.delete(admin["id"])

    voip = client.voipbin.conversations.create(name="call", account_id=ids["channel"])
    assert client.voipbin.conversations.update(voip["id"], name="call 2")["name"] == "call 2"
    assert client.voipbin.conversations.get(voip["id"])["name"] == "call 2"
    sent = client.voipbin.conversations.create_message(voip["id"], text="hi", medias=[])
    assert sent["text"] == "hi"
    assert len(client.voipbin.conversations.list_messages(voip["id"])["result"]) == 1
    page = client.voipbin.conversations.list(page_size=100)["result"]
    assert voip["id"] in [c["id"] for c in page]
    deleted = client.voipbin.conversations.delete(voip["id"])
    assert deleted["tm_delete"] != "9999-01-01 00:00:00.000000"


def test_webhooks_verify_replay_and_rotate(client: Convo, ids: dict[str, str]) -> None:
    received: list[tuple[bytes, dict[str, str]]] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.append((body, dict(self.headers.items())))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
        hook = client.webhooks.create(url=url, event_types=["conversation.created"])
        secret = hook.get("secret") or ""
        assert client.webhooks.update(hook["id"], active=True)["active"] is True
        assert client.webhooks.get(hook["id"])["url"] == url
        assert hook["id"] in [w["id"] for w in client.webhooks.list()["data"]]
        client.conversations.create(channel_id=ids["channel"], name="Webhook conversation")
        for _ in range(100):
            if received:
                break
            threading.Event().wait(0.05)
        body, headers = received[0]
        assert verify_webhook(body, headers, secret)["type"] == "conversation.created"
        with pytest.raises(WebhookVerificationError):
            verify_webhook(body.replace(b"Webhook", b"Forged!"), headers, secret)
        delivery = client.webhooks.list_deliveries(hook["id"])["data"][0]
        client.webhooks.replay_delivery(hook["id"], delivery["id"])
        assert client.webhooks.rotate_secret(hook["id"]).get("secret") not in (None, secret)
        client.webhooks.delete(hook["id"])
    finally:
        receiver.shutdown()


def test_attachments_from_bytes_a_path_and_a_stream(
    client: Convo, ids: dict[str, str], tmp_path: Path
) -> None:
    text = ("Hóa đơn 42\n" * 50).encode()
    from_bytes = client.attachments.upload(text, filename="invoice.txt")
    assert (from_bytes["content_type"], from_bytes["size"]) == ("text/plain", len(text))
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    from_path = client.attachments.upload(path)
    assert (from_path["filename"], from_path["content_type"]) == ("report.pdf", "application/pdf")
    from_stream = client.attachments.upload(iter([text[:100], text[100:]]), filename="s.txt")
    assert from_stream["sha256"] == from_bytes["sha256"]
    conversation = client.conversations.create(contact_id=ids["contact"])
    message = client.messages.create(
        conversation["id"],
        content="files",
        attachments=[{"id": from_bytes["id"]}, {"id": from_path["id"]}],
    )
    assert [a["name"] for a in message["attachments"]] == ["invoice.txt", "report.pdf"]
    assert httpx.get(message["attachments"][0]["url"]).content == text
    assert client.attachments.content(from_bytes["id"]) == text
    assert client.attachments.get(from_bytes["id"])["unused"] is False
