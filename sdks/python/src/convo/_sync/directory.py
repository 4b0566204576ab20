# Generated from _async/directory.py by make_sync.py; do not edit.
"""The directory: who and where conversations come from, and who may call the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import types
from .._core import merge
from .collection import Collection
from .transport import Transport


class Contacts(Collection[types.Contact, types.ListContact]):
    """Customers; `list(q=...)` finds them by words of their name, email, phone or external id."""

    _list, _create, _get = "listContacts", "createContact", "getContact"
    _update, _delete = "updateContact", "deleteContact"

    def merge(self, id: str, from_: str) -> types.Contact:
        """Merges contact `from_` (the same person) into `id`: its conversations move over,
        and it answers 404 afterwards."""
        result: types.Contact = self._transport.call(
            "mergeContacts", path={"id": id}, body={"from": from_}
        )
        return result


class Channels(Collection[types.Channel, types.ListChannel]):
    _list, _create, _get = "listChannels", "createChannel", "getChannel"
    _update, _delete = "updateChannel", "deleteChannel"


class Users(Collection[types.User, types.ListUser]):
    _list, _create, _get = "listUsers", "createUser", "getUser"
    _update, _delete = "updateUser", "deleteUser"


class BusinessUnits(Collection[types.BusinessUnit, types.ListBusinessUnit]):
    _list, _create, _get = "listBusinessUnits", "createBusinessUnit", "getBusinessUnit"
    _update, _delete = "updateBusinessUnit", "deleteBusinessUnit"


class Labels(Collection[types.Label, types.ListLabel]):
    """Organization-wide labels; renamed, a label stays on its conversations."""

    _list, _create, _get = "listLabels", "createLabel", "getLabel"
    _update, _delete = "updateLabel", "deleteLabel"


class ApiKeys(Collection[types.ApiKey, types.ListApiKey]):
    """API keys; the secret is in the answer of `create` only."""

    _list, _create, _get = "listApiKeys", "createApiKey", "getApiKey"
    _update, _delete = "updateApiKey", "deleteApiKey"


class Webhooks(Collection[types.Webhook, types.ListWebhook]):
    """Webhook endpoints, their deliveries and their signing secrets."""

    _list, _create, _get = "listWebhooks", "createWebhook", "getWebhook"
    _update, _delete = "updateWebhook", "deleteWebhook"

    def list_deliveries(self, id: str, **query: Any) -> types.ListWebhookDelivery:
        result: types.ListWebhookDelivery = self._transport.call(
            "listWebhookDeliveries", path={"id": id}, query=query
        )
        return result

    def replay_delivery(self, id: str, delivery_id: str) -> Any:
        return self._transport.call(
            "replayWebhookDelivery", path={"id": id, "delivery_id": delivery_id}
        )

    def rotate_secret(self, id: str) -> types.Webhook:
        """A new signing secret."""
        result: types.Webhook = self._transport.call("rotateWebhookSecret", path={"id": id})
        return result


class Organizations:
    """Organizations (tenants); needs an admin key."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def list(self, **query: Any) -> types.ListOrganization:
        result: types.ListOrganization = self._transport.call("listOrganizations", query=query)
        return result

    def create(
        self, body: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> types.OrganizationCreated:
        result: types.OrganizationCreated = self._transport.call(
            "createOrganization", body=merge(body, fields)
        )
        return result

    def current(self) -> types.Organization:
        """The caller's own organization."""
        result: types.Organization = self._transport.call("getCurrentOrganization")
        return result

    def update_current(
        self, body: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> types.Organization:
        """Its name, and `require_totp` (every person must use two factors; admins)."""
        result: types.Organization = self._transport.call(
            "updateCurrentOrganization", body=merge(body, fields)
        )
        return result
