"""Working together through the SDK: drafts, canned responses, saved views, bulk changes,
mentions and notifications, presence, and typing seen live on the stream."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from conftest import Server

from convo import Convo, ConvoError


def person(client: Convo, server: Server, name: str) -> tuple[str, Convo]:
    user = client.users.create(name=name)
    key = client.api_keys.create(
        name=name,
        user_id=user["id"],
        scopes=["conversations:read", "conversations:write", "messages:read", "messages:write"],
    )
    return user["id"], Convo(key.get("secret") or "", base_url=server.base_url)


def test_drafts_canned_responses_views_and_bulk(client: Convo) -> None:
    conversation = client.conversations.create(name="bulk-view-py")
    client.conversations.save_draft(conversation["id"], "Dear cust")
    assert client.conversations.get_draft(conversation["id"])["content"] == "Dear cust"
    client.messages.create(conversation["id"], content="Dear customer.", message_type="outgoing")
    with pytest.raises(ConvoError) as gone:
        client.conversations.get_draft(conversation["id"])
    assert gone.value.status == 404

    canned = client.canned_responses.create(
        short_code="thanks-py", title="Thanks", content="Thanks, {{contact.name}}!"
    )
    assert len(client.canned_responses.list(q="/thanks")["data"]) == 1
    rendered = client.canned_responses.render(canned["id"], conversation["id"])
    assert rendered["unresolved"] == ["contact.name"]

    view = client.views.create(name="High", filters={"priority": "high", "q": "bulk-view-py"})
    results = client.conversations.bulk_update([conversation["id"]], priority="high")
    assert results["results"][0]["status"] == 200
    listed = client.conversations.list(view_id=view["id"])
    assert [c["id"] for c in listed["data"]] == [conversation["id"]]
    counted = client.conversations.get_views_count(view_ids=view["id"])
    assert counted.get("views", {}).get(view["id"]) == 1
    client.views.delete(view["id"])


def test_a_mention_and_typing_reach_the_other_person_live(client: Convo, server: Server) -> None:
    lan_id, lan = person(client, server, "Lan py")
    minh_id, minh = person(client, server, "Minh py")
    conversation = client.conversations.create()
    heard: list[Any] = []
    ready = threading.Event()

    def listen() -> None:
        stream = minh.events.live()
        ready.set()
        for item in stream:
            if item.get("object_name") == "signal":
                heard.append(item)
            kinds = {s["type"] for s in heard}
            if {"conversation.activity", "notification.created"} <= kinds:
                stream.close()
                return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    ready.wait()
    time.sleep(0.5)
    lan.conversations.report_activity(conversation["id"], "typing")
    lan.messages.create(
        conversation["id"], message_type="note", content=f"@[Minh](user:{minh_id}) look"
    )
    listener.join(timeout=10)
    assert not listener.is_alive(), f"signals heard: {heard}"
    typing = next(s for s in heard if s["type"] == "conversation.activity")
    assert typing["data"]["user"]["id"] == lan_id
    assert minh.me.get()["notifications_unread"] == 1
    assert minh.notifications.list(unread=True)["data"][0]["type"] == "mention"
    assert minh.notifications.read_all()["unread"] == 0
    assert minh.notifications.update_settings(assigned=False)["assigned"] is False
    assert minh.notifications.settings()["assigned"] is False
    assert lan.me.set_presence("away")["presence"] == "offline"
