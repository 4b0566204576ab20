import type { components } from "./generated/schema.js";

export type Problem = components["schemas"]["Problem"];
export type FieldError = NonNullable<Problem["errors"]>[number];

/**
 * An answer that was not a success: the server's problem+json as properties. `code` is stable
 * (`not_found`, `validation_failed`, `rate_limited`, ...); match on it, not on `message`.
 */
export class ConvoError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[];
  /** The whole problem document, as the server sent it. */
  readonly problem: Partial<Problem>;

  constructor(status: number, problem: Partial<Problem>) {
    super(problem.detail ?? problem.title ?? `convo answered ${status}`);
    this.name = "ConvoError";
    this.status = status;
    this.code = problem.code ?? "unknown";
    this.detail = problem.detail ?? undefined;
    this.errors = problem.errors ?? [];
    this.problem = problem;
  }

  /** The error of a non-2xx answer: its problem+json, or tRPC's envelope around one. */
  static async from(response: Response): Promise<ConvoError> {
    const text = await response.text();
    return ConvoError.fromJson(response.status, parse(text) ?? { title: text.slice(0, 200) });
  }

  static fromJson(status: number, body: unknown): ConvoError {
    const problem = (trpcProblem(body) ?? body) as Partial<Problem>;
    return new ConvoError(status, typeof problem === "object" && problem !== null ? problem : {});
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** tRPC's `{"error": {"data": {"problem": ...}}}` carries the REST API's problem inside. */
function trpcProblem(body: unknown): unknown {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const error = (body as { error?: { data?: { problem?: unknown } } }).error;
  return error?.data?.problem;
}

/**
 * The server could not be reached, or the connection broke before an answer (after the
 * client's retries). `status` is 0; the network's own error is `cause`.
 */
export class ConvoConnectionError extends ConvoError {
  constructor(detail: string, options: { cause?: unknown; code?: string } = {}) {
    // Not a code the server answers: one of the client's own (`connection_failed`, `timeout`).
    super(0, { code: (options.code ?? "connection_failed") as Problem["code"], detail });
    this.name = "ConvoConnectionError";
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
