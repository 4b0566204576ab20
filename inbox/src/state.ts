// What every screen shares: the person, the organization's directory, the counts of the
// views, notifications, who is typing where, and whether the live stream is in sync.
import { computed, signal } from "@preact/signals";
import {
  convo,
  type ActivityReport,
  type BusinessUnit,
  type Channel,
  type Label,
  type Me,
  type Notification,
  type SavedView,
  type User,
  type SimpleUser,
  type ViewsCount,
} from "./api";

/** The signed-in person; `null` when no one is, `undefined` while it is being asked. */
export const me = signal<Me | null | undefined>(undefined);
export const users = signal<Map<string, User>>(new Map());
export const labels = signal<Label[]>([]);
export const units = signal<BusinessUnit[]>([]);
export const channels = signal<Channel[]>([]);
export const savedViews = signal<SavedView[]>([]);
/** The built-in views' counts, and each saved view's, by the view's key. */
export const counts = signal<Record<string, number>>({});
export const notifications = signal<Notification[]>([]);
export const unreadNotifications = signal(0);

/** `live`: the stream is open and nothing was missed. Anything else says why not. */
export type Sync = "connecting" | "live" | "reconnecting" | "offline";
export const sync = signal<Sync>("connecting");

/** A short message for everyone (errors, "sent", ...), announced by a live region. */
export const toast = signal<{ text: string; error: boolean; at: number } | undefined>(undefined);
export function say(text: string, error = false): void {
  toast.value = { text, error, at: Date.now() };
}

export const myId = computed(() => me.value?.user.id);
export const isAdmin = computed(() => me.value?.user.role === "admin");

/** Typing and viewing per conversation, from the stream's signals; each ends at its time. */
export const activity = signal<Map<string, ActivityReport[]>>(new Map());

export function heardActivity(report: ActivityReport): void {
  const now = Date.now();
  const next = new Map(activity.value);
  // Typing and viewing are kept apart (one types in what they view); idle ends both.
  const list = (next.get(report.conversation_id) ?? []).filter(
    (r) =>
      Date.parse(r.expires_at) > now &&
      !(r.user.id === report.user.id && (report.activity === "idle" || r.activity === report.activity)),
  );
  if (report.activity !== "idle") list.push(report);
  next.set(report.conversation_id, list);
  activity.value = next;
}

/** Who types in and who views a conversation now, other than me. */
export function activityOf(conversationId: string): { typing: SimpleUser[]; viewing: SimpleUser[] } {
  const now = Date.now();
  const live = (activity.value.get(conversationId) ?? []).filter(
    (r) => Date.parse(r.expires_at) > now && r.user.id !== myId.value,
  );
  return {
    typing: live.filter((r) => r.activity === "typing").map((r) => r.user),
    viewing: live.filter((r) => r.activity === "viewing").map((r) => r.user),
  };
}

// Expired typing marks disappear without a new signal.
setInterval(() => {
  if (activity.value.size) activity.value = new Map(activity.value);
}, 2_000);

export function userName(id: string | null | undefined): string {
  if (!id) return "";
  return users.value.get(id)?.name ?? id.slice(0, 8);
}

export async function loadDirectory(): Promise<void> {
  const [people, labelList, unitList, channelList, views] = await Promise.all([
    collect((cursor) => convo.users.list({ limit: 100, cursor })),
    collect((cursor) => convo.labels.list({ limit: 100, cursor })),
    collect((cursor) => convo.businessUnits.list({ limit: 100, cursor })),
    collect((cursor) => convo.channels.list({ limit: 100, cursor })).catch(() => [] as Channel[]),
    collect((cursor) => convo.views.list({ limit: 100, cursor })),
  ]);
  users.value = new Map(people.map((u) => [u.id, u]));
  labels.value = labelList;
  units.value = unitList;
  channels.value = channelList;
  savedViews.value = views;
}

export async function reloadUsers(): Promise<void> {
  const people = await collect((cursor) => convo.users.list({ limit: 100, cursor })).catch(() => undefined);
  if (people) users.value = new Map(people.map((u) => [u.id, u]));
}

export async function loadNotifications(): Promise<void> {
  const page = await convo.notifications.list({ limit: 50 });
  notifications.value = page.data;
  const current = await convo.me.get();
  unreadNotifications.value = current.notifications_unread;
}

/** Every page of a cursor-paged list (the directory is small: a few pages at most). */
async function collect<T>(
  page: (cursor: string | undefined) => Promise<{ data: T[]; next_cursor?: string | null }>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const result = await page(cursor);
    all.push(...result.data);
    if (!result.next_cursor) break;
    cursor = result.next_cursor;
  }
  return all;
}

let countsTimer: ReturnType<typeof setTimeout> | undefined;
/** Counts of every view again, soon (changes come in bursts: one request for a burst). */
export function refreshCounts(delay = 300): void {
  clearTimeout(countsTimer);
  countsTimer = setTimeout(() => {
    const ids = savedViews.value.map((v) => v.id).join(",");
    const views = convo.conversations;
    Promise.all([
      views.getViewsCount({ statuses: ["open", "pending"], view_ids: ids || undefined }),
      views.getViewsCount({}),
      views.getViewsCount({ handoff_pending: true }),
    ])
      .then(([open, every, handoff]: [ViewsCount, ViewsCount, ViewsCount]) => {
        const next: Record<string, number> = {
          mine: open.mine,
          unassigned: open.unassigned,
          open: open.all,
          handoff: handoff.all,
          snoozed: every.by_status["snoozed"] ?? 0,
          resolved: every.by_status["resolved"] ?? 0,
        };
        for (const [id, n] of Object.entries(open.views ?? {})) next[id] = n;
        counts.value = next;
      })
      .catch(() => undefined);
  }, delay);
}
