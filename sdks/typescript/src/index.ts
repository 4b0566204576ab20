// The TypeScript SDK of convo: `new Convo({ apiKey, baseUrl })`, one property per resource.
import { Http, type ConvoOptions, type ResultOf } from "./http.js";
import { AdminConversations } from "./resources/admin.js";
import { Attachments } from "./resources/attachments.js";
import { Connect } from "./resources/connect.js";
import { Conversations } from "./resources/conversations.js";
import { ApiKeys, BusinessUnits, Channels, Contacts, Labels, Organizations, Users } from "./resources/directory.js";
import { Events } from "./resources/events.js";
import { Messages } from "./resources/messages.js";
import { AuditLog, Invitations, Me, PasswordResets, Sessions } from "./resources/people.js";
import { CannedResponses, Notifications, Views } from "./resources/together.js";
import { VoipbinConversations } from "./resources/voipbin.js";
import { Webhooks } from "./resources/webhooks.js";

export class Convo {
  readonly conversations: Conversations;
  readonly messages: Messages;
  /** Stored files: upload, the object, the bytes. */
  readonly attachments: Attachments;
  readonly contacts: Contacts;
  readonly channels: Channels;
  readonly labels: Labels;
  /** Replies kept for reuse, filled in for a conversation. */
  readonly cannedResponses: CannedResponses;
  /** Saved views of the conversation list. */
  readonly views: Views;
  /** The acting user's notifications. */
  readonly notifications: Notifications;
  readonly users: Users;
  readonly businessUnits: BusinessUnits;
  readonly apiKeys: ApiKeys;
  readonly organizations: Organizations;
  readonly events: Events;
  readonly webhooks: Webhooks;
  /** Signing in and out as a person, and their sessions. */
  readonly sessions: Sessions;
  /** The acting user's own profile, password and two factors. */
  readonly me: Me;
  readonly invitations: Invitations;
  readonly passwordResets: PasswordResets;
  readonly auditLog: AuditLog;
  /** Connect360's procedures over tRPC, and batches of them. */
  readonly connect: Connect;
  /** The admin API v2 conversation routes. */
  readonly admin: { conversations: AdminConversations };
  /** VoIPbin's conversation resource. */
  readonly voipbin: { conversations: VoipbinConversations };
  readonly #http: Http;

  constructor(options: ConvoOptions) {
    const http = new Http(options);
    this.#http = http;
    this.conversations = new Conversations(http);
    this.messages = new Messages(http);
    this.attachments = new Attachments(http);
    this.contacts = new Contacts(http);
    this.channels = new Channels(http);
    this.labels = new Labels(http);
    this.cannedResponses = new CannedResponses(http);
    this.views = new Views(http);
    this.notifications = new Notifications(http);
    this.users = new Users(http);
    this.businessUnits = new BusinessUnits(http);
    this.apiKeys = new ApiKeys(http);
    this.organizations = new Organizations(http);
    this.events = new Events(http);
    this.webhooks = new Webhooks(http);
    this.sessions = new Sessions(http);
    this.me = new Me(http);
    this.invitations = new Invitations(http);
    this.passwordResets = new PasswordResets(http);
    this.auditLog = new AuditLog(http);
    this.connect = new Connect(http);
    this.admin = { conversations: new AdminConversations(http) };
    this.voipbin = { conversations: new VoipbinConversations(http) };
  }

  /** Whether the process is up. */
  health(): Promise<ResultOf<"getHealth">> {
    return this.#http.call("getHealth");
  }

  /** Whether the server can serve (its database answers). */
  readiness(): Promise<ResultOf<"getReadiness">> {
    return this.#http.call("getReadiness");
  }
}

export default Convo;
export { ConvoConnectionError, ConvoError, type FieldError, type Problem } from "./errors.js";
export { ConvoTimeoutError, type BodyOf, type ConvoOptions, type QueryOf, type ResultOf } from "./http.js";
export type { OperationId } from "./generated/operations.js";
export type { components, operations, paths } from "./generated/schema.js";
export type { Page } from "./pages.js";
export type { UploadOptions, UploadSource } from "./resources/attachments.js";
export type { BatchCall, BatchOutcome, ConnectInput, ConnectOutput } from "./resources/connect.js";
export type { ConversationRef, InvitableUser } from "./resources/conversations.js";
export type { ConvoEvent, ConvoSignal, StreamOptions } from "./resources/events.js";
export { verifyWebhook, type WebhookHeaders } from "./webhooks.js";
export { VERSION } from "./version.js";
