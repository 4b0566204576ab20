// The transport every resource uses: authentication, JSON, typed errors, idempotency keys,
// retries with backoff, and timeouts. Operations are named by their operationId in the
// OpenAPI document; their method and path come from the generated table.
import { ConvoConnectionError, ConvoError } from "./errors.js";
import { OPERATIONS, type OperationId } from "./generated/operations.js";
import type { operations } from "./generated/schema.js";
import { VERSION } from "./version.js";

export interface ConvoOptions {
  /**
   * The API key (`convo_sk_...`), sent as a bearer token. Leave it out to act as a person:
   * `sessions.create()` signs in (in a browser the session cookie is the browser's; elsewhere
   * the client keeps it), and writes then carry the session's CSRF token.
   */
  apiKey?: string;
  /** The server's address; default `http://127.0.0.1:8080`. */
  baseUrl?: string;
  /** Per-attempt time limit in milliseconds; default 30 000. */
  timeoutMs?: number;
  /** How often a repeatable call is retried on network errors, 429 and 503; default 3. */
  maxRetries?: number;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
}

type Op<K extends OperationId> = operations[K];
/** The query parameters an operation takes. */
export type QueryOf<K extends OperationId> = Op<K> extends { parameters: { query?: infer Q } }
  ? Exclude<Q, undefined>
  : never;
/** The JSON body an operation takes. */
export type BodyOf<K extends OperationId> = Op<K> extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;
type Json<R> = R extends { content: { "application/json": infer T } } ? T : undefined;
/** What an operation answers on success. */
export type ResultOf<K extends OperationId> = Op<K> extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 | 202 | 207 ? Json<R[S]> : S extends 204 ? undefined : never }[keyof R]
  : never;

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

/** A file sent as the request body (an upload), with its type. */
export interface RawBody {
  data: Blob | ArrayBuffer | Uint8Array | ReadableStream<Uint8Array>;
  contentType: string;
}

export interface CallOptions {
  path?: Record<string, string | number>;
  query?: unknown;
  body?: unknown;
  raw?: RawBody;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const RETRY_STATUSES = new Set([429, 503]);
const IS_BROWSER = typeof window !== "undefined" && typeof window.document !== "undefined";

export class Http {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly #apiKey: string | undefined;
  readonly #fetch: typeof fetch;
  /** The signed-in session: its CSRF token, and outside a browser its cookie. */
  #session: { csrfToken: string; cookie?: string } | undefined;

  constructor(options: ConvoOptions) {
    if (options.apiKey !== undefined && !options.apiKey) {
      throw new TypeError("Convo: `apiKey` is empty (leave it out to sign in as a person)");
    }
    this.baseUrl = (options.baseUrl ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
    if (!/^https?:\/\//.test(this.baseUrl)) {
      throw new TypeError(`Convo: \`${this.baseUrl}\` is not an http(s) URL`);
    }
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Calls one operation and answers its JSON (or `undefined` when the answer has no body). */
  async call<K extends OperationId>(op: K, options: CallOptions = {}): Promise<ResultOf<K>> {
    const response = await this.send(op, options);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as ResultOf<K>;
  }

  /** Sends one operation's request, retried when repeatable; answers the raw 2xx response. */
  async send(op: OperationId, options: CallOptions = {}): Promise<Response> {
    const { method, path, idempotent } = OPERATIONS[op];
    const url = this.url(fillPath(path, options.path ?? {}), options.query);
    const headers: Record<string, string> = {
      ...this.credentials(method),
      accept: "application/json",
      ...options.headers,
    };
    if (!IS_BROWSER) headers["user-agent"] = `convo-typescript/${VERSION}`;
    let body: BodyInit | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    // A stream can be read once: sent without retries (fetch needs `duplex` for it).
    const streamed = options.raw?.data instanceof ReadableStream;
    if (options.raw) {
      headers["content-type"] = options.raw.contentType;
      body = options.raw.data as BodyInit;
    }
    // A creating POST carries a key, so that retrying it can never create twice.
    if (idempotent && !hasHeader(headers, "idempotency-key")) headers["idempotency-key"] = uuid();
    const repeatable = !streamed && (method !== "POST" || hasHeader(headers, "idempotency-key"));
    const init: RequestInit & { duplex?: "half" } = { method, headers, body };
    if (streamed) init.duplex = "half";
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchOnce(url, init, options.signal);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (!repeatable || attempt >= this.maxRetries) throw connectionError(error);
        await sleep(backoff(attempt), options.signal);
        continue;
      }
      if (response.ok) return response;
      if (repeatable && attempt < this.maxRetries && RETRY_STATUSES.has(response.status)) {
        await response.body?.cancel();
        await sleep(retryAfter(response) ?? backoff(attempt), options.signal);
        continue;
      }
      throw await ConvoError.from(response);
    }
  }

  /** An absolute URL with a query string (arrays repeat the name; null and undefined are left out). */
  url(path: string, query?: unknown): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries((query ?? {}) as object) as [string, QueryValue][]) {
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
    }
    const text = search.toString();
    return `${this.baseUrl}${path}${text ? `?${text}` : ""}`;
  }

  /** The authorization header, for requests this class does not make itself (the live stream). */
  authorization(): Record<string, string> {
    const headers: Record<string, string> = this.credentials("GET");
    if (!IS_BROWSER) headers["user-agent"] = `convo-typescript/${VERSION}`;
    return headers;
  }

  /** Acts as the person of a session from now on (`sessions.create` calls it). */
  useSession(csrfToken: string, cookie?: string): void {
    this.#session = { csrfToken, cookie: IS_BROWSER ? undefined : cookie };
  }

  /** Sends this CSRF token on writes from now on, keeping the session's cookie. */
  useCsrfToken(csrfToken: string): void {
    this.#session = { csrfToken, cookie: this.#session?.cookie };
  }

  /** Forgets the session (after signing out). */
  endSession(): void {
    this.#session = undefined;
  }

  /** The API key, or the session's cookie (outside a browser) and CSRF token for writes. */
  private credentials(method: string): Record<string, string> {
    if (this.#apiKey) return { authorization: `Bearer ${this.#apiKey}` };
    const headers: Record<string, string> = {};
    if (!this.#session) return headers;
    if (this.#session.cookie) headers["cookie"] = this.#session.cookie;
    if (method !== "GET" && method !== "HEAD") headers["x-csrf-token"] = this.#session.csrfToken;
    return headers;
  }

  get fetch(): typeof fetch {
    return this.#fetch;
  }

  private async fetchOnce(url: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new ConvoTimeoutError(this.timeoutMs)), this.timeoutMs);
    const forward = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    try {
      // In a browser the session cookie goes along to the API's own origin.
      return await this.#fetch(url, { ...init, credentials: "same-origin", signal: controller.signal });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forward);
    }
  }
}

/** A request that took longer than `timeoutMs`. */
export class ConvoTimeoutError extends ConvoConnectionError {
  constructor(readonly timeoutMs: number) {
    super(`convo: no answer within ${timeoutMs} ms`, { code: "timeout" });
    this.name = "ConvoTimeoutError";
  }
}

/** A failed fetch as the SDK's own error: a timeout as itself, anything else as a connection error. */
function connectionError(error: unknown): ConvoError {
  if (error instanceof ConvoError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ConvoConnectionError(`convo could not be reached: ${reason}`, { cause: error });
}

function fillPath(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === "") throw new TypeError(`Convo: \`${name}\` is required`);
    // Commas stay literal: tRPC joins a batch's procedures with them, and a path may hold them.
    return encodeURIComponent(String(value)).replace(/%2C/gi, ",");
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Exponential backoff with full jitter: up to 0.5 s, 1 s, 2 s, ... capped at 8 s. */
export function backoff(attempt: number): number {
  return Math.random() * Math.min(8_000, 500 * 2 ** attempt);
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds. */
function retryAfter(response: Response): number | undefined {
  const value = response.headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function uuid(): string {
  const crypto = globalThis.crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
