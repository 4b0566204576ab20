// One event stream per tab. The SDK reconnects with `Last-Event-ID` and reads any gap from
// the event log, so no event is lost or shown twice; this module says truthfully whether the
// tab is in sync, reconnects at once when the browser is back online, and hands events and
// signals to whoever listens.
import { convo, type ActivityReport, type ConvoEvent, type Notification, type User } from "./api";
import { heardActivity, me, notifications, refreshCounts, reloadUsers, sync, unreadNotifications, users } from "./state";

type Listener = (event: ConvoEvent) => void;
const listeners = new Set<Listener>();

/** Hears every event of the organization (as this person may see them); returns the unsubscribe. */
export function onEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Told when a notification arrives (the shell shows it, and the browser's, when allowed). */
export const notificationListeners = new Set<(n: Notification) => void>();

let lastEventId: number | undefined;
let running: AbortController | undefined;

/**
 * Told when the stream opened without a place to resume from (the first time): what the
 * screens read before may be older than the stream's start, so they read it again.
 */
export const resyncListeners = new Set<() => void>();

/** Starts following, from now. */
export function startLive(): void {
  if (running) return;
  follow();
}

export function stopLive(): void {
  running?.abort();
  running = undefined;
}

function follow(): void {
  const controller = new AbortController();
  running = controller;
  sync.value = navigator.onLine ? "connecting" : "offline";
  void (async () => {
    try {
      const stream = convo.events.stream({
        signals: true,
        signal: controller.signal,
        lastEventId,
        onState: (state) => {
          if (controller.signal.aborted) return;
          sync.value = state === "open" ? "live" : navigator.onLine ? "reconnecting" : "offline";
          if (state !== "open") return;
          // Counts and presence may have moved while the stream was down.
          refreshCounts();
          void reloadUsers();
          if (lastEventId === undefined) for (const listener of resyncListeners) listener();
        },
      });
      for await (const item of stream) {
        if (item.object_name === "signal") {
          heardSignal(item.type, item.data);
          continue;
        }
        const event = item as ConvoEvent;
        lastEventId = event.id;
        for (const listener of listeners) listener(event);
        refreshCounts();
      }
    } catch {
      // A refusal (the session ended): the page asks who is signed in again.
      if (!controller.signal.aborted) {
        sync.value = "reconnecting";
        me.value = await convo.me.get().catch(() => null);
      }
    }
  })();
}

function heardSignal(type: string, data: Record<string, unknown>): void {
  if (type === "conversation.activity") heardActivity(data as unknown as ActivityReport);
  else if (type === "user.presence_changed") {
    const user = data as unknown as User;
    const next = new Map(users.value);
    next.set(user.id, user);
    users.value = next;
  } else if (type === "notification.created") {
    const notification = data as unknown as Notification;
    notifications.value = [notification, ...notifications.value].slice(0, 100);
    unreadNotifications.value += 1;
    for (const listener of notificationListeners) listener(notification);
  }
}

// Back online: reconnect now rather than after the backoff; offline: say so at once.
addEventListener("online", () => {
  if (!running) return;
  stopLive();
  follow();
});
addEventListener("offline", () => {
  if (running) sync.value = "offline";
});
