"""The directory: who and where conversations come from, and who may call the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import types
from .._core import merge
from .collection import AsyncCollection
from .transport import AsyncTransport


class AsyncContacts(AsyncCollection[types.Contact, types.ListContact]):
    """Customers; `list(q=...)` finds them by words of their name, email, phone or external id."""

    _list, _create, _get = "listContacts", "createContact", "getContact"
    _update, _delete = "updateContact", "deleteContact"

    async def merge(self, id: str, from_: str) -> types.Contact:
        """Merges contact `from_` (the same person) into `id`: its conversations move over,
        and it answers 404 afterwards."""
        result: types.Contact = await self._transport.call(
            "mergeContacts", path={"id": id}, body={"from": from_}
        )
        return result


class AsyncChannels(AsyncCollection[types.Channel, types.ListChannel]):
    _list, _create, _get = "listChannels", "createChannel", "getChannel"
    _update, _delete = "updateChannel", "deleteChannel"


class AsyncUsers(AsyncCollection[types.User, types.ListUser]):
    _list, _create, _get = "listUsers", "createUser", "getUser"
    _update, _delete = "updateUser", "deleteUser"


class AsyncBusinessUnits(AsyncCollection[types.BusinessUnit, types.ListBusinessUnit]):
    _list, _create, _get = "listBusinessUnits", "createBusinessUnit", "getBusinessUnit"
    _update, _delete = "updateBusinessUnit", "deleteBusinessUnit"


class AsyncLabels(AsyncCollection[types.Label, types.ListLabel]):
    """Organization-wide labels; renamed, a label stays on its conversations."""

    _list, _create, _get = "listLabels", "createLabel", "getLabel"
    _update, _delete = "updateLabel", "deleteLabel"


class AsyncApiKeys(AsyncCollection[types.ApiKey, types.ListApiKey]):
    """API keys; the secret is in the answer of `create` only."""

    _list, _create, _get = "listApiKeys", "createApiKey", "getApiKey"
    _update, _delete = "updateApiKey", "deleteApiKey"


class AsyncWebhooks(AsyncCollection[types.Webhook, types.ListWebhook]):
    """Webhook endpoints, their deliveries and their signing secrets."""

    _list, _create, _get = "listWebhooks", "createWebhook", "getWebhook"
    _update, _delete = "updateWebhook", "deleteWebhook"

    async def list_deliveries(self, id: str, **query: Any) -> types.ListWebhookDelivery:
        result: types.ListWebhookDelivery = await self._transport.call(
            "listWebhookDeliveries", path={"id": id}, query=query
        )
        return result

    async def replay_delivery(self, id: str, delivery_id: str) -> Any:
        return await self._transport.call(
            "replayWebhookDelivery", path={"id": id, "delivery_id": delivery_id}
        )

    async def rotate_secret(self, id: str) -> types.Webhook:
        """A new signing secret."""
        result: types.Webhook = await self._transport.call("rotateWebhookSecret", path={"id": id})
        return result


class AsyncOrganizations:
    """Organizations (tenants); needs an admin key."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def list(self, **query: Any) -> types.ListOrganization:
        result: types.ListOrganization = await self._transport.call(
            "listOrganizations", query=query
        )
        return result

    async def create(
        self, body: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> types.OrganizationCreated:
        result: types.OrganizationCreated = await self._transport.call(
            "createOrganization", body=merge(body, fields)
        )
        return result

    async def current(self) -> types.Organization:
        """The caller's own organization."""
        result: types.Organization = await self._transport.call("getCurrentOrganization")
        return result

    async def update_current(
        self, body: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> types.Organization:
        """Its name, and `require_totp` (every person must use two factors; admins)."""
        result: types.Organization = await self._transport.call(
            "updateCurrentOrganization", body=merge(body, fields)
        )
        return result
