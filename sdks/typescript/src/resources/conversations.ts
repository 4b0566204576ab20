import type { BodyOf, Http, QueryOf, ResultOf } from "../http.js";
import { iteratePages, type Page } from "../pages.js";
import { Connect, type ConnectInput } from "./connect.js";

type Conversation = ResultOf<"getConversation">;
/** The conversation a team call is about, by its id. */
export interface ConversationRef {
  conversation_id: string;
}
/** A user as `getInvitableUsers` answers it, readable as `u._id` too. */
export type InvitableUser = ResultOf<"getInvitableUsers">["data"][number] & { _id: string };

/** Conversations: the inbox, the team working them, sub-conversations. */
export class Conversations {
  readonly #connect: Connect;

  constructor(private readonly http: Http) {
    this.#connect = new Connect(http);
  }

  /** One page; `type` is a status or a view (`open`, `mine`, ...), `q` a text filter. */
  list(params?: QueryOf<"listConversations">): Promise<ResultOf<"listConversations">> {
    return this.http.call("listConversations", { query: params });
  }

  /** Every conversation the filters select, fetching pages as the loop goes. */
  iterate(
    params?: Omit<QueryOf<"listConversations">, "cursor" | "skip" | "page_num">,
  ): AsyncGenerator<Conversation, void, undefined> {
    return iteratePages((cursor) => this.list({ ...params, cursor }) as Promise<Page<Conversation>>);
  }

  get(id: string): Promise<ResultOf<"getConversation">> {
    return this.http.call("getConversation", { path: { id } });
  }

  /** By the public conversation id (`public_id`). */
  getByConversationId(publicId: string): Promise<ResultOf<"getByConversationId">> {
    return this.http.call("getByConversationId", { path: { public_id: publicId } });
  }

  /** Full-text search; `businessUnitId` is `business_unit_id`. */
  search(
    params: QueryOf<"searchConversations"> & { businessUnitId?: string },
  ): Promise<ResultOf<"searchConversations">> {
    const { businessUnitId, ...query } = params;
    return this.http.call("searchConversations", {
      query: { ...query, business_unit_id: query.business_unit_id ?? businessUnitId },
    });
  }

  /** Counts per view (`mine`, `unassigned`, `assigned`, `all`) and per status. */
  getViewsCount(params?: QueryOf<"getViewsCount">): Promise<ResultOf<"getViewsCount">> {
    return this.http.call("getViewsCount", { query: params });
  }

  /** Every field is optional. */
  create(body: BodyOf<"createConversation"> = {}): Promise<ResultOf<"createConversation">> {
    return this.http.call("createConversation", { body });
  }

  /** The customer's open top-level conversation, or a new one (REST form; snake_case). */
  getOrCreate(body: BodyOf<"getOrCreateConversation">): Promise<ResultOf<"getOrCreateConversation">> {
    return this.http.call("getOrCreateConversation", { body });
  }

  /** Name, detail, metadata (merged), parent and the other fields `PATCH` takes. */
  update(id: string, body: BodyOf<"updateConversation">): Promise<ResultOf<"updateConversation">> {
    return this.http.call("updateConversation", { path: { id }, body });
  }

  updateName({ conversation_id, name }: ConversationRef & { name: string }): Promise<Conversation> {
    return this.update(conversation_id, { name });
  }

  updateStatus({
    conversation_id,
    ...body
  }: ConversationRef & BodyOf<"updateStatus">): Promise<ResultOf<"updateStatus">> {
    return this.http.call("updateStatus", { path: { id: conversation_id }, body });
  }

  /** Soft delete; `hard: true` removes it and its messages for good. */
  delete(id: string, params?: QueryOf<"deleteConversation">): Promise<ResultOf<"deleteConversation">> {
    return this.http.call("deleteConversation", { path: { id }, query: params });
  }

  /** The key's acting user joins the team of the conversation. */
  join({ conversation_id }: ConversationRef): Promise<ResultOf<"joinConversation">> {
    return this.http.call("joinConversation", { path: { id: conversation_id } });
  }

  leave({ conversation_id }: ConversationRef): Promise<ResultOf<"leaveConversation">> {
    return this.http.call("leaveConversation", { path: { id: conversation_id } });
  }

  assignTeamMember({
    conversation_id,
    ...body
  }: ConversationRef & BodyOf<"assignTeamMember">): Promise<ResultOf<"assignTeamMember">> {
    return this.http.call("assignTeamMember", { path: { id: conversation_id }, body });
  }

  removeTeamMember({
    conversation_id,
    user_id,
  }: ConversationRef & { user_id: string }): Promise<ResultOf<"removeTeamMember">> {
    return this.http.call("removeTeamMember", { path: { id: conversation_id, user_id } });
  }

  /** Every active user who may be added to the conversation, as an array (all pages). */
  async getInvitableUsers(
    conversationId: string,
    params?: Omit<QueryOf<"getInvitableUsers">, "cursor" | "skip">,
  ): Promise<InvitableUser[]> {
    const users: InvitableUser[] = [];
    const pages = iteratePages((cursor) =>
      this.http.call("getInvitableUsers", { path: { id: conversationId }, query: { ...params, cursor } }),
    );
    for await (const user of pages) users.push({ ...user, _id: user.id });
    return users;
  }

  /**
   * Hands the conversation over: `{ to: { type: "human" } }` to the team (pending until a
   * human accepts), with an `id` to that person or AI agent at once.
   */
  handoff(id: string, body: BodyOf<"handoffConversation">): Promise<ResultOf<"handoffConversation">> {
    return this.http.call("handoffConversation", { path: { id }, body });
  }

  /** The key's acting user (a human) takes the pending handoff and joins the team. */
  acceptHandoff(id: string): Promise<ResultOf<"acceptHandoff">> {
    return this.http.call("acceptHandoff", { path: { id } });
  }

  /**
   * Marks the conversation read up to `message_id` (default the latest) for the key's acting
   * user, or with `contact: true` for the contact. A read horizon only moves forward.
   */
  markRead(id: string, body: BodyOf<"markConversationRead"> = {}): Promise<ResultOf<"markConversationRead">> {
    return this.http.call("markConversationRead", { path: { id }, body });
  }

  /** Puts labels (by name; each must exist) on the conversation. */
  addLabels(id: string, labels: string[]): Promise<ResultOf<"addConversationLabels">> {
    return this.http.call("addConversationLabels", { path: { id }, body: { labels } });
  }

  /** Takes a label (by name, ignoring case) off the conversation. */
  removeLabel(id: string, name: string): Promise<ResultOf<"removeConversationLabel">> {
    return this.http.call("removeConversationLabel", { path: { id, name } });
  }

  /** One change for up to 100 conversations, with a result per id. */
  bulkUpdate(body: BodyOf<"bulkUpdateConversations">): Promise<ResultOf<"bulkUpdateConversations">> {
    return this.http.call("bulkUpdateConversations", { body });
  }

  /** The acting user's draft in the conversation (a 404 `ConvoError` when there is none). */
  getDraft(id: string): Promise<ResultOf<"getDraft">> {
    return this.http.call("getDraft", { path: { id } });
  }

  /** Saves the acting user's draft; sending a message of its type clears it. */
  saveDraft(id: string, body: BodyOf<"saveDraft">): Promise<ResultOf<"saveDraft">> {
    return this.http.call("saveDraft", { path: { id }, body });
  }

  deleteDraft(id: string): Promise<ResultOf<"deleteDraft">> {
    return this.http.call("deleteDraft", { path: { id } });
  }

  /** Tells every stream that sees the conversation: `typing`, `viewing`, or `idle`. */
  reportActivity(id: string, activity: BodyOf<"reportActivity">["activity"]): Promise<ResultOf<"reportActivity">> {
    return this.http.call("reportActivity", { path: { id }, body: { activity } });
  }

  /** Starts a video call: `{ video_call, conversation }`. */
  initVideoCall({ conversation_id }: ConversationRef): Promise<ResultOf<"initVideoCall">> {
    return this.http.call("initVideoCall", { path: { id: conversation_id } });
  }

  /** One page of a conversation's sub-conversations (REST form). */
  listChildren(id: string, params?: QueryOf<"listSubConversations">): Promise<ResultOf<"listSubConversations">> {
    return this.http.call("listSubConversations", { path: { id }, query: params });
  }

  /** A sub-conversation of `id` (REST form; inherits the parent's channels by default). */
  createChild(id: string, body: BodyOf<"createSubConversation">): Promise<ResultOf<"createSubConversation">> {
    return this.http.call("createSubConversation", { path: { id }, body });
  }

  // Connect360's procedures (over tRPC), with their camelCase inputs and answers.

  getOrCreateConversation(input: ConnectInput<"trpcGetOrCreateConversation">) {
    return this.#connect.call("trpcGetOrCreateConversation", input);
  }

  createSubConversation(input: ConnectInput<"trpcCreateSubConversation">) {
    return this.#connect.call("trpcCreateSubConversation", input);
  }

  listSubConversations(input: ConnectInput<"trpcListSubConversations">) {
    return this.#connect.call("trpcListSubConversations", input);
  }

  updateConversation(input: ConnectInput<"trpcUpdateConversation">) {
    return this.#connect.call("trpcUpdateConversation", input);
  }

  deleteConversation(input: ConnectInput<"trpcDeleteConversation">) {
    return this.#connect.call("trpcDeleteConversation", input);
  }

  getConversation(input: ConnectInput<"trpcGetConversation">) {
    return this.#connect.call("trpcGetConversation", input);
  }
}
