# Generated from _async/people.py by make_sync.py; do not edit.
"""People sign in: sessions, the acting user's own profile, two factors, invitations,
password resets and the audit log."""

from __future__ import annotations

from typing import Any

from .. import types
from .._operations import OPERATIONS
from .transport import Transport


class Sessions:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(self, **body: Any) -> types.Session:
        """Signs a person in (`email`, `password`, and `totp` or `recovery_code` with two
        factors on); from now on this client acts as them."""
        response = self._transport.send("createSession", body=body)
        session: types.Session = self._transport.use_session(response)
        return session

    def current(self) -> types.Session:
        """This client's session, with its CSRF token."""
        result: types.Session = self._transport.call("getCurrentSession")
        return result

    def sign_out(self) -> None:
        """Ends the session on the server."""
        self._transport.call("deleteCurrentSession")
        self._transport.end_session()

    def list(self, **query: Any) -> types.ListSession:
        """The acting user's sessions (their devices)."""
        result: types.ListSession = self._transport.call("listSessions", query=query)
        return result

    def delete(self, id: str) -> None:
        """Ends one of the acting user's sessions."""
        self._transport.call("deleteSession", path={"id": id})

    def oidc_login_url(self) -> str:
        """Where a browser goes to sign in with the configured OpenID provider."""
        return str(self._transport.client.base_url) + OPERATIONS["startOidcSignIn"].path

    def oidc_callback_url(self) -> str:
        """Where the provider sends the browser back (register it at the provider)."""
        return str(self._transport.client.base_url) + OPERATIONS["finishOidcSignIn"].path


class Me:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def get(self) -> types.Me:
        result: types.Me = self._transport.call("getMe")
        return result

    def update(self, **body: Any) -> types.Me:
        """Name, avatar, locale; a new `password` needs `current_password`."""
        result: types.Me = self._transport.call("updateMe", body=body)
        return result

    def start_totp(self) -> types.TotpSetup:
        """A new TOTP secret; two factors are on after `confirm_totp`."""
        result: types.TotpSetup = self._transport.call("startTotp")
        return result

    def confirm_totp(self, code: str) -> types.RecoveryCodes:
        """Turns two factors on; answers ten recovery codes, once."""
        result: types.RecoveryCodes = self._transport.call("confirmTotp", body={"code": code})
        return result

    def disable_totp(self, password: str) -> None:
        self._transport.call("disableTotp", body={"password": password})

    def set_presence(self, status: str) -> types.User:
        """`away`, `busy` or `offline` hold while connected; `online` lets open streams decide."""
        result: types.User = self._transport.call("setPresence", body={"status": status})
        return result


class Invitations:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(self, **body: Any) -> types.Invitation:
        """Invites a person (admins); the answer holds the link's `url` and `token`, once."""
        result: types.Invitation = self._transport.call("createInvitation", body=body)
        return result

    def list(self, **query: Any) -> types.ListInvitation:
        result: types.ListInvitation = self._transport.call("listInvitations", query=query)
        return result

    def delete(self, id: str) -> None:
        """Revokes an invitation."""
        self._transport.call("deleteInvitation", path={"id": id})

    def get(self, token: str) -> types.InvitationInfo:
        """What a link's token invites to (no key needed)."""
        result: types.InvitationInfo = self._transport.call("getInvitation", path={"id": token})
        return result

    def accept(self, token: str, **body: Any) -> types.Session:
        """Accepts with `name` and `password`: this client then acts as the new person."""
        response = self._transport.send("acceptInvitation", path={"token": token}, body=body)
        session: types.Session = self._transport.use_session(response)
        return session


class PasswordResets:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def request(self, email: str) -> None:
        """Asks for a link mailed to `email` (always accepted: the answer tells nothing)."""
        self._transport.call("requestPasswordReset", body={"email": email})

    def get(self, token: str) -> types.PasswordResetInfo:
        result: types.PasswordResetInfo = self._transport.call(
            "getPasswordReset", path={"token": token}
        )
        return result

    def complete(self, token: str, **body: Any) -> None:
        """Sets the password with a link's token; every session of the person ends."""
        self._transport.call("completePasswordReset", path={"token": token}, body=body)


class AuditLog:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def list(self, **query: Any) -> types.ListAuditEntry:
        """Newest first; `actor_id` and `action` filter (admins)."""
        result: types.ListAuditEntry = self._transport.call("listAuditLog", query=query)
        return result
