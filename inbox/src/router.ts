// The inbox's place is its URL: the path names the screen, the query the list's filters, so a
// reload, a shared link and the back button all land where the person was.
import { signal } from "@preact/signals";

export const BASE = "/inbox";

export interface Place {
  /** The path under `/inbox`, without a trailing slash (`""` is the list). */
  path: string;
  query: URLSearchParams;
  /** The fragment, where one-time tokens travel (never sent to the server in requests). */
  hash: string;
}

function read(): Place {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : "";
  return {
    path: path.replace(/\/+$/, ""),
    query: new URLSearchParams(location.search),
    hash: location.hash.replace(/^#/, ""),
  };
}

export const place = signal<Place>(read());

addEventListener("popstate", () => (place.value = read()));

/** Goes to `to` (a path under `/inbox`, with its query), as a new history entry or in place. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${to.startsWith("/") ? to : `/${to}`}`;
  if (url === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  place.value = read();
}

/** The list's query string with some parameters changed (`undefined` or "" removes one). */
export function withQuery(changes: Record<string, string | undefined>): string {
  const query = new URLSearchParams(place.value.query);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === "") query.delete(name);
    else query.set(name, value);
  }
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** Where a person goes once signed in: the `next` place of the sign-in page, if it is a place in the inbox. */
export function afterSignIn(): string {
  const next = place.value.query.get("next") ?? "";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** The id of the open conversation, from `/c/<id>`. */
export function openConversationId(p: Place): string | undefined {
  const match = /^\/c\/([^/]+)$/.exec(p.path);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
