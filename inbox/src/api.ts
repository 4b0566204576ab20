// The inbox speaks only the public API, through the project's own TypeScript SDK, as the
// signed-in person (the session cookie, and the CSRF token on writes).
import { Convo, ConvoConnectionError, ConvoError, type components } from "@convo/sdk";
import { t } from "./i18n";

export const convo = new Convo({ baseUrl: location.origin, maxRetries: 2 });

type Schemas = components["schemas"];
export type Conversation = Schemas["Conversation"];
export type SearchHit = Schemas["SearchHit"];
export type Message = Schemas["Message"];
export type User = Schemas["User"];
export type SimpleUser = Schemas["SimpleUser"];
export type Me = Schemas["Me"];
export type Contact = Schemas["Contact"];
export type Label = Schemas["Label"];
export type BusinessUnit = Schemas["BusinessUnit"];
export type Channel = Schemas["Channel"];
export type SavedView = Schemas["SavedView"];
export type Notification = Schemas["Notification"];
export type CannedResponse = Schemas["CannedResponse"];
export type Attachment = Schemas["StoredAttachment"];
export type Priority = Schemas["Priority"];
export type Status = Schemas["Status"];
export type ViewsCount = Schemas["ViewsCount"];
export type Session = Schemas["Session"];
export type ConvoEvent = Schemas["Event"];
export type ActivityReport = Schemas["ActivityReport"];

/** The problem's code of a failed call (`invalid_credentials`, ...), or `network`. */
export function problemCode(error: unknown): string {
  if (error instanceof ConvoConnectionError) return "network";
  if (error instanceof ConvoError) return error.code;
  return "network";
}

/** A failed call's words for a person: the server's detail, or that the network failed. */
export function problemText(error: unknown): string {
  if (error instanceof ConvoConnectionError) return t("error.network");
  if (error instanceof ConvoError) return error.detail ?? error.problem.title ?? error.message;
  if (error instanceof Error && error.name === "AbortError") return "";
  return t("error.network");
}

export { ConvoError };
