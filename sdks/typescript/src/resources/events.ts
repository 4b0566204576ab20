import { createParser, type EventSourceMessage } from "eventsource-parser";
import { ConvoConnectionError, ConvoError } from "../errors.js";
import { OPERATIONS } from "../generated/operations.js";
import { backoff, sleep, type Http, type QueryOf, type ResultOf } from "../http.js";
import type { components } from "../generated/schema.js";
import { iteratePages, type Page } from "../pages.js";

export type ConvoEvent = ResultOf<"listEvents">["data"][number];
/** A live signal (with `signals: true`): typing and viewing, presence, notifications. */
export type ConvoSignal = components["schemas"]["Signal"];

export interface StreamOptions extends QueryOf<"streamEvents"> {
  /** Resume after this event id (as the `Last-Event-ID` header). */
  lastEventId?: string | number;
  /** Stops the stream (the loop then ends). */
  signal?: AbortSignal;
  /**
   * Told when the connection opens (`"open"`) and when it is lost and being reopened
   * (`"reconnecting"`), for a "live" indicator that tells the truth.
   */
  onState?: (state: "open" | "reconnecting") => void;
  /**
   * A connection that sends nothing for this long (the server's heartbeats included, every
   * 15 s) is taken as dead and reopened; default 40 000 ms.
   */
  idleTimeoutMs?: number;
}

/** The event log: every change, in order, as a list and as a live stream. */
export class Events {
  constructor(private readonly http: Http) {}

  /** One page of the organization's events after `after`. */
  list(params?: QueryOf<"listEvents">): Promise<ResultOf<"listEvents">> {
    return this.http.call("listEvents", { query: params });
  }

  /** Every event after `params.after`, fetching pages as the loop goes. */
  iterate(params?: Omit<QueryOf<"listEvents">, "cursor">): AsyncGenerator<ConvoEvent, void, undefined> {
    return iteratePages((cursor) => this.list({ ...params, cursor }) as Promise<Page<ConvoEvent>>);
  }

  /** One conversation's activity log. */
  listForConversation(
    conversationId: string,
    params?: QueryOf<"listConversationEvents">,
  ): Promise<ResultOf<"listConversationEvents">> {
    return this.http.call("listConversationEvents", { path: { id: conversationId }, query: params });
  }

  /**
   * The live stream (`streamEvents`) as an async iterator. Heartbeats are skipped; a dropped
   * connection is reopened with `Last-Event-ID`, so no event is lost or repeated; a client
   * that fell too far behind reads the gap from the list, then follows the stream again.
   * Ends when `signal` aborts. With `signals: true`, live signals come too (`object_name`
   * `"signal"`, no id: a reconnect does not bring them again).
   */
  stream(options: StreamOptions & { signals: true }): AsyncGenerator<ConvoEvent | ConvoSignal, void, undefined>;
  stream(options?: StreamOptions): AsyncGenerator<ConvoEvent, void, undefined>;
  async *stream(options: StreamOptions = {}): AsyncGenerator<ConvoEvent | ConvoSignal, void, undefined> {
    const { lastEventId, signal, onState, idleTimeoutMs, ...query } = options;
    let last = lastEventId === undefined ? undefined : String(lastEventId);
    for (let attempt = 0; !signal?.aborted; attempt++) {
      // One connection's lifetime: ended by the caller's signal, or by the idle watchdog.
      const connection = new AbortController();
      const stop = () => connection.abort(signal?.reason);
      signal?.addEventListener("abort", stop, { once: true });
      try {
        const response = await this.open(query, last, connection.signal);
        attempt = 0;
        onState?.("open");
        const watchdog = idleWatchdog(connection, idleTimeoutMs ?? 40_000);
        for await (const message of messages(response, connection.signal, watchdog.touch)) {
          if (message.event === "resume") {
            const { after } = JSON.parse(message.data) as { after: number };
            for await (const event of this.iterate({ after, limit: 500 })) {
              if (!matches(event, query)) continue;
              last = String(event.id);
              yield event;
            }
            break; // reopen after the last event read
          }
          if (!message.data) continue;
          if (message.id) last = message.id;
          yield JSON.parse(message.data) as ConvoEvent | ConvoSignal;
        }
      } catch (error) {
        if (signal?.aborted) return;
        // A refusal ends the stream; a busy server or a lost connection is tried again.
        const passing = error instanceof ConvoConnectionError || (error instanceof ConvoError && [429, 502, 503, 504].includes(error.status));
        if (error instanceof ConvoError && !passing) throw error;
      } finally {
        signal?.removeEventListener("abort", stop);
        connection.abort();
      }
      if (signal?.aborted) return;
      onState?.("reconnecting");
      await sleep(backoff(attempt), signal).catch(() => undefined);
    }
  }

  private async open(query: object, last: string | undefined, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { ...this.http.authorization(), accept: "text/event-stream" };
    if (last !== undefined) headers["last-event-id"] = last;
    // `types` is one comma-separated value (the document's `explode: false`).
    const types = (query as QueryOf<"streamEvents">).types?.join(",");
    const url = this.http.url(OPERATIONS.streamEvents.path, { ...query, types });
    const response = await this.http.fetch(url, { headers, signal });
    if (!response.ok) throw await ConvoError.from(response);
    return response;
  }
}

/** Whether a listed event passes the stream's filters (the list has no filters of its own). */
function matches(event: ConvoEvent, query: QueryOf<"streamEvents">): boolean {
  if (query.conversation_id && event.conversation_id !== query.conversation_id) return false;
  if (query.types && !query.types.includes(event.type)) return false;
  return true;
}

/** Aborts `connection` when `touch` has not been called for `ms`. */
function idleWatchdog(connection: AbortController, ms: number): { touch: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const touch = () => {
    clearTimeout(timer);
    if (!connection.signal.aborted) timer = setTimeout(() => connection.abort(), ms);
  };
  connection.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  touch();
  return { touch };
}

/**
 * The messages of one SSE response, parsed by eventsource-parser (comments are dropped);
 * `onBytes` hears every chunk, heartbeats included.
 */
async function* messages(
  response: Response,
  signal?: AbortSignal,
  onBytes?: () => void,
): AsyncGenerator<EventSourceMessage> {
  if (!response.body) return;
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const stop = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onBytes?.();
      parser.feed(value);
      yield* queue.splice(0);
    }
  } finally {
    signal?.removeEventListener("abort", stop);
    reader.releaseLock();
  }
}
