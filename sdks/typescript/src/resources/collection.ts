import type { BodyOf, Http, QueryOf, ResultOf } from "../http.js";
import type { OperationId } from "../generated/operations.js";
import { iteratePages, type Page } from "../pages.js";

type Item<L extends OperationId> = ResultOf<L> extends Page<infer T> ? T : never;

/** The operations of a collection resource, by operationId. */
export interface CollectionOps<L, C, G, U, D> {
  list: L;
  create: C;
  get: G;
  update: U;
  remove: D;
}

/** list, iterate, create, get, update and delete of one collection (`/v1/contacts`, ...). */
export class Collection<
  L extends OperationId,
  C extends OperationId,
  G extends OperationId,
  U extends OperationId,
  D extends OperationId,
> {
  constructor(
    protected readonly http: Http,
    private readonly ops: CollectionOps<L, C, G, U, D>,
  ) {}

  /** One page; `limit` and `cursor` (or `skip`) page through it. */
  list(params?: QueryOf<L>): Promise<ResultOf<L>> {
    return this.http.call(this.ops.list, { query: params });
  }

  /** Every item, fetching pages as the loop goes. */
  iterate(params?: Omit<QueryOf<L>, "cursor" | "skip">): AsyncGenerator<Item<L>, void, undefined> {
    return iteratePages((cursor) =>
      this.http.call(this.ops.list, { query: { ...params, cursor } }) as Promise<Page<Item<L>>>,
    );
  }

  create(body: BodyOf<C>): Promise<ResultOf<C>> {
    return this.http.call(this.ops.create, { body });
  }

  get(id: string): Promise<ResultOf<G>> {
    return this.http.call(this.ops.get, { path: { id } });
  }

  update(id: string, body: BodyOf<U>): Promise<ResultOf<U>> {
    return this.http.call(this.ops.update, { path: { id }, body });
  }

  delete(id: string): Promise<ResultOf<D>> {
    return this.http.call(this.ops.remove, { path: { id } });
  }
}
