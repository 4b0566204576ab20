// Connect360's procedures, called over tRPC's HTTP protocol (queries as GET with `?input=`,
// mutations as POST with the input as body; answers `{"result": {"data": ...}}`).
import { ConvoError } from "../errors.js";
import { OPERATIONS } from "../generated/operations.js";
import type { components } from "../generated/schema.js";
import type { BodyOf, Http, ResultOf } from "../http.js";

type Schemas = components["schemas"];
/** The query procedures' inputs (the document gives them as JSON in `?input=`). */
interface QueryInputs {
  trpcGetConversation: Schemas["Connect360IdInput"];
  trpcListSubConversations: Schemas["Connect360ListInput"];
}
type Procedure =
  | keyof QueryInputs
  | "trpcGetOrCreateConversation"
  | "trpcCreateSubConversation"
  | "trpcUpdateConversation"
  | "trpcDeleteConversation";

export type ConnectInput<K extends Procedure> = K extends keyof QueryInputs ? QueryInputs[K] : BodyOf<K>;
export type ConnectOutput<K extends Procedure> = Extract<ResultOf<K>, { result: unknown }>["result"]["data"];

/** One call of a batch: a procedure's path (`v1.connect.getConversation`) and its input. */
export interface BatchCall {
  procedure: string;
  input?: unknown;
}
/** One outcome of a batch, in the order of the calls. */
export type BatchOutcome = { ok: true; data: unknown } | { ok: false; error: ConvoError };

export class Connect {
  constructor(private readonly http: Http) {}

  async call<K extends Procedure>(op: K, input: ConnectInput<K>): Promise<ConnectOutput<K>> {
    const answer = OPERATIONS[op].method === "GET"
      ? await this.http.call(op, { query: { input: JSON.stringify(input) } })
      : await this.http.call(op, { body: input });
    return (answer as { result: { data: ConnectOutput<K> } }).result.data;
  }

  /** Several queries in one request (`?batch=1`); each outcome succeeds or fails on its own. */
  async batchQuery(calls: BatchCall[]): Promise<BatchOutcome[]> {
    const outcomes = await this.http.call("trpcBatchQuery", {
      path: { procedures: procedures(calls) },
      query: { batch: "1", input: JSON.stringify(keyed(calls)) },
    });
    return outcomes.map(outcome);
  }

  /** Several mutations in one request (`?batch=1`); each outcome succeeds or fails on its own. */
  async batchMutation(calls: BatchCall[]): Promise<BatchOutcome[]> {
    const outcomes = await this.http.call("trpcBatchMutation", {
      path: { procedures: procedures(calls) },
      query: { batch: "1" },
      body: keyed(calls),
    });
    return outcomes.map(outcome);
  }
}

function procedures(calls: BatchCall[]): string {
  return calls.map((call) => call.procedure).join(",");
}

function keyed(calls: BatchCall[]): Record<string, unknown> {
  return Object.fromEntries(calls.map((call, index) => [String(index), call.input ?? null]));
}

function outcome(answer: Schemas["TrpcAnyOutcome"]): BatchOutcome {
  if ("result" in answer) return { ok: true, data: answer.result.data };
  return { ok: false, error: ConvoError.fromJson(answer.error.data.httpStatus, answer) };
}
