"""The documentation's Python examples, as written there, against a real server."""

from __future__ import annotations

from convo import Convo


def test_the_documented_python_calls(client: Convo) -> None:
    channel = client.channels.create(type="web", identifier="python.example.com")
    contact = client.contacts.create(name="Billing Customer", external_id="py-000")
    created = client.conversations.create(
        {"channel_id": channel["id"], "contact_id": contact["id"], "name": "billing question"}
    )
    client.messages.create(created["id"], content="a refund request", message_type="incoming")

    page = client.conversations.list(type="open", q="billing", limit=20, skip=0)
    rows = [(conv["id"], conv.get("name"), conv.get("status")) for conv in page.get("data", [])]
    assert rows == [(created["id"], "billing question", "open")]

    results = client.conversations.search(
        business_unit_id=channel["business_unit_id"],
        q="refund request",
        limit=10,
    )
    assert [hit["id"] for hit in results["data"]] == [created["id"]]

    conversation = client.conversations.create()
    print(conversation["id"])
    assert conversation["status"] == "open"

    client.conversations.join({"conversation_id": created["id"]})
    assert len(client.conversations.get(created["id"])["users"]) == 1
    client.conversations.update_status(
        {
            "conversation_id": created["id"],
            "status": "resolved",
        }
    )
    client.conversations.leave({"conversation_id": created["id"]})
    counts = client.conversations.get_views_count(type="open")
    print(counts)
    assert counts["all"] == len(list(client.conversations.iterate(type="open"))) >= 1
    after = client.conversations.get(created["id"])
    assert (after["status"], after["users"]) == ("resolved", [])


def test_the_methods_the_documented_python_lacks(client: Convo) -> None:
    channel = client.channels.create(type="web", identifier="python-more.example.com")
    agent = client.users.create(name="Python Agent", email="py.agent@example.com")
    conversation = client.conversations.create(channel_id=channel["id"])
    conversation_id = conversation["id"]
    assert client.conversations.get_by_conversation_id(conversation["public_id"])["id"] == (
        conversation_id
    )
    named = client.conversations.update_name(conversation_id=conversation_id, name="VIP")
    assert named["name"] == "VIP"
    users = client.conversations.get_invitable_users(conversation_id)
    assert any(u["_id"] == agent["id"] and u["name"] == "Python Agent" for u in users)
    assigned = client.conversations.assign_team_member(
        {"conversation_id": conversation_id, "user_id": agent["id"]}
    )
    assert [u["id"] for u in assigned["users"]] == [agent["id"]]
    removed = client.conversations.remove_team_member(
        conversation_id=conversation_id, user_id=agent["id"]
    )
    assert removed["users"] == []
    started = client.conversations.init_video_call({"conversation_id": conversation_id})
    assert started["conversation"]["id"] == conversation_id
    assert started["video_call"]["join_url"].startswith("http")


def test_connect360_procedures_with_camel_case_inputs(client: Convo) -> None:
    client.channels.create(type="web", identifier="connect.example.com")
    conversation = client.conversations.get_or_create_conversation(
        {
            "type": "DIRECT",
            "customer": {
                "externalId": "website_user_py",
                "name": "Jane Customer",
                "email": "jane.py@example.com",
            },
            "channelIdentifier": "connect.example.com",
            "metadata": {"source": "website-chat"},
        }
    )
    thread = client.conversations.create_sub_conversation(
        parentId=conversation["id"],
        name="Order #1042",
        type="GROUP",
        customer={"externalId": "website_user_py"},
        channelIdentifier="connect.example.com",
    )
    assert thread["parentId"] == conversation["id"]
    updated = client.conversations.update_conversation(
        id=conversation["id"], name="VIP customer support", metadata={"priority": "high"}
    )
    assert updated["metadata"] == {"source": "website-chat", "priority": "high"}
    page = client.conversations.list_sub_conversations(parentId=conversation["id"], limit=30)
    assert [item["id"] for item in page["items"]] == [thread["id"]]
    assert page["nextCursor"] is None
    fetched = client.conversations.get_conversation(id=thread["id"])
    assert fetched["name"] == "Order #1042"
    client.conversations.delete_conversation(id=thread["id"])
    assert client.conversations.list_sub_conversations(parentId=conversation["id"])["items"] == []
