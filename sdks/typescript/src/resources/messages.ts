import type { BodyOf, Http, QueryOf, ResultOf } from "../http.js";
import { iteratePages, type Page } from "../pages.js";

type Message = ResultOf<"getMessage">;

/** The messages of conversations. */
export class Messages {
  constructor(private readonly http: Http) {}

  /** One page of a conversation's messages (oldest first by default). */
  list(conversationId: string, params?: QueryOf<"listMessages">): Promise<ResultOf<"listMessages">> {
    return this.http.call("listMessages", { path: { id: conversationId }, query: params });
  }

  /** Every message of a conversation, fetching pages as the loop goes. */
  iterate(
    conversationId: string,
    params?: Omit<QueryOf<"listMessages">, "cursor" | "skip">,
  ): AsyncGenerator<Message, void, undefined> {
    return iteratePages((cursor) => this.list(conversationId, { ...params, cursor }) as Promise<Page<Message>>);
  }

  /**
   * Posts a message; an `external_id` seen before answers the first message instead. Each call
   * carries a fresh `Idempotency-Key` (its own retries reuse it); pass `idempotencyKey` to keep
   * one across calls, so that sending again after a lost answer never sends twice.
   */
  create(
    conversationId: string,
    body: BodyOf<"createMessage">,
    options: { idempotencyKey?: string } = {},
  ): Promise<ResultOf<"createMessage">> {
    const headers = options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : undefined;
    return this.http.call("createMessage", { path: { id: conversationId }, body, headers });
  }

  get(id: string): Promise<ResultOf<"getMessage">> {
    return this.http.call("getMessage", { path: { id } });
  }

  update(id: string, body: BodyOf<"updateMessage">): Promise<ResultOf<"updateMessage">> {
    return this.http.call("updateMessage", { path: { id }, body });
  }

  delete(id: string): Promise<ResultOf<"deleteMessage">> {
    return this.http.call("deleteMessage", { path: { id } });
  }
}
