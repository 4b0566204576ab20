// The admin API v2 routes (`/admin/api/v2/conversations`), over the same data and keys.
import type { BodyOf, Http, QueryOf, ResultOf } from "../http.js";

export class AdminConversations {
  constructor(private readonly http: Http) {}

  /** One page (`page_num`, `page_size`); filters `status`, `statuses`, `agent_id`, ... */
  list(params?: QueryOf<"adminListConversations">): Promise<ResultOf<"adminListConversations">> {
    return this.http.call("adminListConversations", { query: params });
  }

  /** `topic` defaults to "New Conversation", `status` to `running`. */
  create(
    body: BodyOf<"adminCreateConversation"> = {},
    params?: QueryOf<"adminCreateConversation">,
  ): Promise<ResultOf<"adminCreateConversation">> {
    return this.http.call("adminCreateConversation", { query: params, body });
  }

  get(conversationId: string, params?: QueryOf<"adminGetConversation">): Promise<ResultOf<"adminGetConversation">> {
    return this.http.call("adminGetConversation", { path: { conversation_id: conversationId }, query: params });
  }

  update(
    conversationId: string,
    body: BodyOf<"adminUpdateConversation">,
    params?: QueryOf<"adminUpdateConversation">,
  ): Promise<ResultOf<"adminUpdateConversation">> {
    return this.http.call("adminUpdateConversation", { path: { conversation_id: conversationId }, query: params, body });
  }

  /** Deletes it and its messages. */
  delete(conversationId: string): Promise<ResultOf<"adminDeleteConversation">> {
    return this.http.call("adminDeleteConversation", { path: { conversation_id: conversationId } });
  }

  updateStatus(
    conversationId: string,
    body: BodyOf<"adminUpdateConversationStatus">,
    params?: QueryOf<"adminUpdateConversationStatus">,
  ): Promise<ResultOf<"adminUpdateConversationStatus">> {
    return this.http.call("adminUpdateConversationStatus", {
      path: { conversation_id: conversationId },
      query: params,
      body,
    });
  }

  /** One page of its messages (`page`, `page_size`). */
  listMessages(
    conversationId: string,
    params?: QueryOf<"adminListMessagesByConversation">,
  ): Promise<ResultOf<"adminListMessagesByConversation">> {
    return this.http.call("adminListMessagesByConversation", {
      path: { conversation_id: conversationId },
      query: params,
    });
  }
}
