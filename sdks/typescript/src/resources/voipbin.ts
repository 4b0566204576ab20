// VoIPbin's conversation resource (`/v1.0/conversations`): its object, its paging
// (`page_size`, `page_token` -> `next_page_token`) and its messages (`text`, `medias`).
import type { BodyOf, Http, QueryOf, ResultOf } from "../http.js";

export class VoipbinConversations {
  constructor(private readonly http: Http) {}

  list(params?: QueryOf<"voipbinListConversations">): Promise<ResultOf<"voipbinListConversations">> {
    return this.http.call("voipbinListConversations", { query: params });
  }

  create(body: BodyOf<"voipbinCreateConversation">): Promise<ResultOf<"voipbinCreateConversation">> {
    return this.http.call("voipbinCreateConversation", { body });
  }

  get(id: string): Promise<ResultOf<"voipbinGetConversation">> {
    return this.http.call("voipbinGetConversation", { path: { id } });
  }

  /** `owner_type`, `owner_id`, `name`, `detail`. */
  update(id: string, body: BodyOf<"voipbinUpdateConversation">): Promise<ResultOf<"voipbinUpdateConversation">> {
    return this.http.call("voipbinUpdateConversation", { path: { id }, body });
  }

  /** Soft delete; answers the conversation with `tm_delete` set. */
  delete(id: string): Promise<ResultOf<"voipbinDeleteConversation">> {
    return this.http.call("voipbinDeleteConversation", { path: { id } });
  }

  listMessages(id: string, params?: QueryOf<"voipbinListMessages">): Promise<ResultOf<"voipbinListMessages">> {
    return this.http.call("voipbinListMessages", { path: { id }, query: params });
  }

  createMessage(id: string, body: BodyOf<"voipbinCreateMessage">): Promise<ResultOf<"voipbinCreateMessage">> {
    return this.http.call("voipbinCreateMessage", { path: { id }, body });
  }
}
