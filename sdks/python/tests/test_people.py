"""People sign in through the SDK: an invitation accepted, a session, its CSRF token on
writes, two factors, sign-out, the audit log."""

from __future__ import annotations

import asyncio

import pytest
from conftest import Server

from convo import AsyncConvo, Convo, ConvoError

PASSWORD = "tulip-orbit-cascade-91"


def test_an_invited_person_signs_in_works_and_signs_out(client: Convo, server: Server) -> None:
    invitation = client.invitations.create(email="mai.py@example.com", name="Mai")
    token = invitation.get("token") or ""
    person = Convo(base_url=server.base_url)
    assert person.invitations.get(token)["email"] == "mai.py@example.com"
    session = person.invitations.accept(token, name="Mai", password=PASSWORD)
    assert session["user"]["email"] == "mai.py@example.com"
    assert person.me.get()["authenticated_by"] == "session"
    created = person.conversations.create(name="from Python")
    assert created["name"] == "from Python"
    person.sessions.sign_out()
    with pytest.raises(ConvoError) as ended:
        person.me.get()
    assert ended.value.status == 401

    again = Convo(base_url=server.base_url)
    with pytest.raises(ConvoError) as wrong:
        again.sessions.create(email="mai.py@example.com", password="wrong-password-1")
    assert (wrong.value.status, wrong.value.code) == (401, "invalid_credentials")
    signed_in = again.sessions.create(email="MAI.py@example.com", password=PASSWORD)
    assert again.sessions.current()["id"] == signed_in["id"]
    assert len(again.sessions.list()["data"]) == 1
    setup = again.me.start_totp()
    assert setup["otpauth_url"].startswith("otpauth://totp/")
    again.me.disable_totp(PASSWORD)
    assert again.me.update(locale="vi")["locale"] == "vi"
    again.password_resets.request("nobody@example.com")
    with pytest.raises(ConvoError) as unknown:
        again.password_resets.get("convo_pwr_unknown")
    assert unknown.value.status == 404
    entries = client.audit_log.list(action="invitation.accepted")["data"]
    assert [e["target_id"] for e in entries] == [invitation["id"]]
    other = client.invitations.create(email="tam.py@example.com")
    client.invitations.delete(other["id"])
    assert again.sessions.oidc_login_url().endswith("/auth/oidc/login")
    assert again.sessions.oidc_callback_url().endswith("/auth/oidc/callback")
    again.sessions.delete(again.sessions.current()["id"])
    with pytest.raises(ConvoError):
        again.me.get()


def test_the_async_client_signs_in_too(client: Convo, server: Server) -> None:
    token = client.invitations.create(email="an.py@example.com").get("token") or ""

    async def flow() -> None:
        async with AsyncConvo(base_url=server.base_url) as person:
            await person.invitations.accept(token, name="An", password=PASSWORD)
            me = await person.me.get()
            assert me["user"]["email"] == "an.py@example.com"
            await person.sessions.sign_out()

    asyncio.run(flow())
