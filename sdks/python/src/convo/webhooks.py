"""Verifies what convo's webhooks POST, with the public Standard Webhooks library."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from . import types

__all__ = ["WebhookVerificationError", "verify_webhook"]


def verify_webhook(body: str | bytes, headers: Mapping[str, str], secret: str) -> types.Event:
    """The event a webhook request carries, once its signature (``webhook-id``,
    ``webhook-timestamp``, ``webhook-signature``) is checked against the endpoint's ``whsec_``
    secret. Raises ``WebhookVerificationError`` when the signature is wrong or the timestamp
    is more than five minutes off. Pass the body exactly as received."""
    payload = body if isinstance(body, str) else body.decode()
    lowered = {name.lower(): value for name, value in headers.items()}
    return cast(types.Event, Webhook(secret).verify(payload, lowered))
