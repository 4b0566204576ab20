import type { Http, QueryOf, ResultOf } from "../http.js";
import { Collection } from "./collection.js";

/** Webhook endpoints, their deliveries and their signing secrets. */
export class Webhooks extends Collection<"listWebhooks", "createWebhook", "getWebhook", "updateWebhook", "deleteWebhook"> {
  constructor(http: Http) {
    super(http, { list: "listWebhooks", create: "createWebhook", get: "getWebhook", update: "updateWebhook", remove: "deleteWebhook" });
  }

  /** The delivery attempts of one endpoint, newest first. */
  listDeliveries(id: string, params?: QueryOf<"listWebhookDeliveries">): Promise<ResultOf<"listWebhookDeliveries">> {
    return this.http.call("listWebhookDeliveries", { path: { id }, query: params });
  }

  /** Sends a delivery again. */
  replayDelivery(id: string, deliveryId: string): Promise<ResultOf<"replayWebhookDelivery">> {
    return this.http.call("replayWebhookDelivery", { path: { id, delivery_id: deliveryId } });
  }

  /** A new signing secret (the old one keeps verifying for the grace period the answer gives). */
  rotateSecret(id: string): Promise<ResultOf<"rotateWebhookSecret">> {
    return this.http.call("rotateWebhookSecret", { path: { id } });
  }
}
