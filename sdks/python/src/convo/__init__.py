"""The Python SDK of convo, the self-hostable backend for customer conversations.

    from convo import Convo
    client = Convo(api_key="convo_sk_...", base_url="http://127.0.0.1:8080")
    page = client.conversations.list(type="open", q="billing", limit=20, skip=0)

``AsyncConvo`` has the same methods, awaited. Answers are plain dicts, typed by the
TypedDicts in ``convo.types`` (generated from the OpenAPI document)."""

from . import types
from ._async.client import AsyncConvo
from ._async.connect import BatchCall, BatchOutcome
from ._errors import ConvoConnectionError, ConvoError, ConvoTimeoutError
from ._sync.client import Convo
from ._version import VERSION
from .webhooks import WebhookVerificationError, verify_webhook

__version__ = VERSION
__all__ = [
    "AsyncConvo",
    "BatchCall",
    "BatchOutcome",
    "Convo",
    "ConvoConnectionError",
    "ConvoError",
    "ConvoTimeoutError",
    "VERSION",
    "WebhookVerificationError",
    "types",
    "verify_webhook",
]
