// Working together: canned responses, saved views, notifications and presence.
import type { BodyOf, Http, QueryOf, ResultOf } from "../http.js";
import { Collection } from "./collection.js";

/** Replies kept for reuse: `list({ q })` finds them by short code or words. */
export class CannedResponses extends Collection<
  "listCannedResponses",
  "createCannedResponse",
  "getCannedResponse",
  "updateCannedResponse",
  "deleteCannedResponse"
> {
  constructor(http: Http) {
    super(http, {
      list: "listCannedResponses",
      create: "createCannedResponse",
      get: "getCannedResponse",
      update: "updateCannedResponse",
      remove: "deleteCannedResponse",
    });
  }

  /** The content filled in for a conversation; unknown variables stay and are listed. */
  render(id: string, conversationId: string): Promise<ResultOf<"renderCannedResponse">> {
    return this.http.call("renderCannedResponse", { path: { id }, body: { conversation_id: conversationId } });
  }
}

/** Saved views of the conversation list: `conversations.list({ view_id })` uses one. */
export class Views extends Collection<"listViews", "createView", "getView", "updateView", "deleteView"> {
  constructor(http: Http) {
    super(http, { list: "listViews", create: "createView", get: "getView", update: "updateView", remove: "deleteView" });
  }
}

/** The acting user's notifications and which kinds they get. */
export class Notifications {
  constructor(private readonly http: Http) {}

  /** Newest first; `{ unread: true }` for those not read. */
  list(params?: QueryOf<"listNotifications">): Promise<ResultOf<"listNotifications">> {
    return this.http.call("listNotifications", { query: params });
  }

  /** Marks some read by id. */
  read(ids: string[]): Promise<ResultOf<"readNotifications">> {
    return this.http.call("readNotifications", { body: { ids } });
  }

  readAll(): Promise<ResultOf<"readNotifications">> {
    return this.http.call("readNotifications", { body: { all: true } });
  }

  settings(): Promise<ResultOf<"getNotificationSettings">> {
    return this.http.call("getNotificationSettings");
  }

  updateSettings(body: BodyOf<"updateNotificationSettings">): Promise<ResultOf<"updateNotificationSettings">> {
    return this.http.call("updateNotificationSettings", { body });
  }
}
