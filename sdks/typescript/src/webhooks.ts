// Verifies what convo's webhooks POST, with the public Standard Webhooks library.
import { Webhook } from "standardwebhooks";
import type { ConvoEvent } from "./resources/events.js";

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * The event a webhook request carries, once its signature (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) is checked against the endpoint's `whsec_` secret.
 * Throws when the signature is wrong or the timestamp is more than five minutes off.
 * Pass the body exactly as received (the raw text, not re-serialised JSON).
 */
export function verifyWebhook(body: string, headers: WebhookHeaders, secret: string): ConvoEvent {
  return new Webhook(secret).verify(body, plain(headers)) as ConvoEvent;
}

function plain(headers: WebhookHeaders): Record<string, string> {
  const entries: [string, string][] = [];
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    headers.forEach((value, name) => entries.push([name, value]));
  } else {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) entries.push([name.toLowerCase(), Array.isArray(value) ? value.join(",") : String(value)]);
    }
  }
  return Object.fromEntries(entries);
}
