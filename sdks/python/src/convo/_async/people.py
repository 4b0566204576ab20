"""People sign in: sessions, the acting user's own profile, two factors, invitations,
password resets and the audit log."""

from __future__ import annotations

from typing import Any

from .. import types
from .._operations import OPERATIONS
from .transport import AsyncTransport


class AsyncSessions:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def create(self, **body: Any) -> types.Session:
        """Signs a person in (`email`, `password`, and `totp` or `recovery_code` with two
        factors on); from now on this client acts as them."""
        response = await self._transport.send("createSession", body=body)
        session: types.Session = self._transport.use_session(response)
        return session

    async def current(self) -> types.Session:
        """This client's session, with its CSRF token."""
        result: types.Session = await self._transport.call("getCurrentSession")
        return result

    async def sign_out(self) -> None:
        """Ends the session on the server."""
        await self._transport.call("deleteCurrentSession")
        self._transport.end_session()

    async def list(self, **query: Any) -> types.ListSession:
        """The acting user's sessions (their devices)."""
        result: types.ListSession = await self._transport.call("listSessions", query=query)
        return result

    async def delete(self, id: str) -> None:
        """Ends one of the acting user's sessions."""
        await self._transport.call("deleteSession", path={"id": id})

    def oidc_login_url(self) -> str:
        """Where a browser goes to sign in with the configured OpenID provider."""
        return str(self._transport.client.base_url) + OPERATIONS["startOidcSignIn"].path

    def oidc_callback_url(self) -> str:
        """Where the provider sends the browser back (register it at the provider)."""
        return str(self._transport.client.base_url) + OPERATIONS["finishOidcSignIn"].path


class AsyncMe:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def get(self) -> types.Me:
        result: types.Me = await self._transport.call("getMe")
        return result

    async def update(self, **body: Any) -> types.Me:
        """Name, avatar, locale; a new `password` needs `current_password`."""
        result: types.Me = await self._transport.call("updateMe", body=body)
        return result

    async def start_totp(self) -> types.TotpSetup:
        """A new TOTP secret; two factors are on after `confirm_totp`."""
        result: types.TotpSetup = await self._transport.call("startTotp")
        return result

    async def confirm_totp(self, code: str) -> types.RecoveryCodes:
        """Turns two factors on; answers ten recovery codes, once."""
        result: types.RecoveryCodes = await self._transport.call("confirmTotp", body={"code": code})
        return result

    async def disable_totp(self, password: str) -> None:
        await self._transport.call("disableTotp", body={"password": password})

    async def set_presence(self, status: str) -> types.User:
        """`away`, `busy` or `offline` hold while connected; `online` lets open streams decide."""
        result: types.User = await self._transport.call("setPresence", body={"status": status})
        return result


class AsyncInvitations:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def create(self, **body: Any) -> types.Invitation:
        """Invites a person (admins); the answer holds the link's `url` and `token`, once."""
        result: types.Invitation = await self._transport.call("createInvitation", body=body)
        return result

    async def list(self, **query: Any) -> types.ListInvitation:
        result: types.ListInvitation = await self._transport.call("listInvitations", query=query)
        return result

    async def delete(self, id: str) -> None:
        """Revokes an invitation."""
        await self._transport.call("deleteInvitation", path={"id": id})

    async def get(self, token: str) -> types.InvitationInfo:
        """What a link's token invites to (no key needed)."""
        result: types.InvitationInfo = await self._transport.call(
            "getInvitation", path={"id": token}
        )
        return result

    async def accept(self, token: str, **body: Any) -> types.Session:
        """Accepts with `name` and `password`: this client then acts as the new person."""
        response = await self._transport.send("acceptInvitation", path={"token": token}, body=body)
        session: types.Session = self._transport.use_session(response)
        return session


class AsyncPasswordResets:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def request(self, email: str) -> None:
        """Asks for a link mailed to `email` (always accepted: the answer tells nothing)."""
        await self._transport.call("requestPasswordReset", body={"email": email})

    async def get(self, token: str) -> types.PasswordResetInfo:
        result: types.PasswordResetInfo = await self._transport.call(
            "getPasswordReset", path={"token": token}
        )
        return result

    async def complete(self, token: str, **body: Any) -> None:
        """Sets the password with a link's token; every session of the person ends."""
        await self._transport.call("completePasswordReset", path={"token": token}, body=body)


class AsyncAuditLog:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def list(self, **query: Any) -> types.ListAuditEntry:
        """Newest first; `actor_id` and `action` filter (admins)."""
        result: types.ListAuditEntry = await self._transport.call("listAuditLog", query=query)
        return result
