// One conversation: its header and actions, its history (paged backwards as one scrolls up,
// with a bounded window of messages in the DOM however long it is), activity lines from the
// events, the composer and the contact panel. Live events land here within one frame.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { convo, type Conversation as ConversationData, type ConvoEvent, type Message } from "./api";
import { registerCommands } from "./commands";
import { Icon } from "./icons";
import { Modal } from "./modal";
import { Composer, type ComposerHandle } from "./composer";
import { formatDay, formatTime, locale, t } from "./i18n";
import { listState, patchListRow, snoozeUntil } from "./list";
import { onEvent, resyncListeners } from "./live";
import { ContactPanel } from "./panel";
import { navigate, withQuery } from "./router";
import { activityOf, labels, myId, refreshCounts, say, units, userName, users } from "./state";

/** At most this many messages are in the DOM; older and newer ones wait in memory. */
const WINDOW = 120;
const STEP = 40;
const PAGE = 50;

type Line = { kind: "message"; at: string; message: Message } | { kind: "event"; at: string; event: ConvoEvent };

export function Conversation({ id }: { id: string }) {
  const [conversation, setConversation] = useState<ConversationData | null | undefined>(undefined);
  const [messages, setMessages] = useState<Message[]>([]);
  const [events, setEvents] = useState<ConvoEvent[]>([]);
  const [older, setOlder] = useState<string | null>(null);
  const [range, setRange] = useState({ start: 0, end: 0 });
  const [panel, setPanel] = useState(false);
  // On a narrow screen the less used actions fold behind "More".
  const [more, setMore] = useState(false);
  const [dialog, setDialog] = useState<"labels" | "snooze" | undefined>();
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const composer = useRef<ComposerHandle>(null);
  const assign = useRef<HTMLSelectElement>(null);
  const announcer = useRef<HTMLDivElement>(null);

  const load = async () => {
    try {
      const [c, page, log] = await Promise.all([
        convo.conversations.get(id),
        convo.messages.list(id, { order: "recent", limit: PAGE }),
        convo.events.listForConversation(id, { limit: 100 }),
      ]);
      const list = [...page.data].reverse();
      setConversation(c);
      setMessages(list);
      setOlder(page.next_cursor ?? null);
      setEvents(log.data.filter(shownEvent));
      setRange({ start: Math.max(0, list.length - WINDOW), end: list.length });
      atBottom.current = true;
    } catch {
      setConversation(null);
    }
  };

  useEffect(() => {
    void load();
    resyncListeners.add(load);
    return () => void resyncListeners.delete(load);
  }, [id]);

  // Viewing: said now and every 20 s while open; idle when leaving.
  useEffect(() => {
    const view = () => void convo.conversations.reportActivity(id, "viewing").catch(() => undefined);
    view();
    const timer = setInterval(view, 20_000);
    return () => {
      clearInterval(timer);
      void convo.conversations.reportActivity(id, "idle").catch(() => undefined);
    };
  }, [id]);

  // Live events of this conversation.
  useEffect(
    () =>
      onEvent((event) => {
        if (event.conversation_id !== id) return;
        if (event.type === "message.created" || event.type === "message.updated" || event.type === "message.status_changed") {
          const message = event.data as Message;
          setMessages((old) => {
            const at = old.findIndex((m) => m.id === message.id);
            if (at >= 0) return old.map((m) => (m.id === message.id ? message : m));
            if (event.type !== "message.created") return old;
            if (message.message_type === "incoming" && announcer.current) {
              announcer.current.textContent = t("conversation.new_message", { text: message.content.slice(0, 140) });
            }
            return [...old, message];
          });
          if (event.type === "message.created") {
            setRange((r) => (r.end >= messages.length ? { start: Math.max(r.start, r.end + 1 - WINDOW), end: r.end + 1 } : r));
          }
        } else if (event.type === "message.deleted") {
          const gone = event.data as Message;
          setMessages((old) => old.filter((m) => m.id !== gone.id));
        } else if (event.type === "conversation.deleted") {
          setConversation(null);
        } else if (event.type.startsWith("conversation.")) {
          setConversation((old) => (old ? { ...old, ...(event.data as ConversationData), unread_count: old.unread_count } : old));
        }
        if (shownEvent(event)) setEvents((old) => (old.some((e) => e.id === event.id) ? old : [...old, event]));
      }),
    [id, messages.length],
  );

  // When the window moves, the message the person was reading stays where it was on screen
  // (the browser's own scroll anchoring does not act at the very top); otherwise, a person at
  // the bottom stays at the bottom as messages arrive.
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const keepPlace = () => {
    const el = scroller.current;
    if (!el) return;
    for (const item of el.querySelectorAll<HTMLElement>("[data-id]")) {
      if (item.offsetTop + item.offsetHeight > el.scrollTop) {
        anchor.current = { id: item.dataset["id"]!, offset: item.offsetTop - el.scrollTop };
        return;
      }
    }
  };
  useLayoutEffect(() => {
    const el = scroller.current;
    const kept = anchor.current;
    anchor.current = null;
    if (!el) return;
    const item = kept && el.querySelector<HTMLElement>(`[data-id="${CSS.escape(kept.id)}"]`);
    if (kept && item) el.scrollTop = item.offsetTop - kept.offset;
    else if (atBottom.current) el.scrollTop = el.scrollHeight;
  }, [range.start, range.end, messages.length, conversation?.id]);

  // Read up to the newest message shown while the person is at the bottom.
  const newest = messages.at(-1);
  useEffect(() => {
    if (!newest || !atBottom.current || document.hidden) return;
    if (conversation && (conversation.unread_count ?? 0) === 0 && newest.message_type !== "incoming") return;
    void convo.conversations
      .markRead(id, { message_id: newest.id })
      .then(() => {
        patchListRow(id, { unread_count: 0 });
        refreshCounts();
      })
      .catch(() => undefined);
  }, [newest?.id]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 300) void moveUp();
    else if (el.scrollHeight - el.scrollTop - el.clientHeight < 300 && range.end < messages.length) {
      keepPlace();
      setRange((r) => {
        const end = Math.min(messages.length, r.end + STEP);
        return { start: Math.max(r.start, end - WINDOW), end };
      });
    }
  };

  const loadingOlder = useRef(false);
  const moveUp = async () => {
    if (range.start > 0) {
      keepPlace();
      setRange((r) => {
        const start = Math.max(0, r.start - STEP);
        return { start, end: Math.min(r.end, start + WINDOW) };
      });
      return;
    }
    if (!older || loadingOlder.current) return;
    loadingOlder.current = true;
    try {
      const page = await convo.messages.list(id, { order: "recent", limit: PAGE, cursor: older });
      const earlier = [...page.data].reverse();
      keepPlace();
      setMessages((old) => [...earlier, ...old]);
      // The window keeps its place: its indices move by what came before it.
      setRange((r) => {
        const start = Math.max(0, r.start + earlier.length - STEP);
        return { start, end: Math.min(r.end + earlier.length, start + WINDOW) };
      });
      setOlder(page.next_cursor ?? null);
    } finally {
      loadingOlder.current = false;
    }
  };

  const act = async (action: () => Promise<ConversationData | unknown>, done?: string) => {
    try {
      const result = await action();
      if (
        result &&
        typeof result === "object" &&
        "object_name" in result &&
        (result as ConversationData).object_name === "conversation"
      ) {
        setConversation((old) => ({ ...(result as ConversationData), unread_count: old?.unread_count }));
      }
      if (done) say(done);
    } catch (error) {
      say((error as Error).message, true);
    }
  };

  const resolveAndNext = async () => {
    await act(() => convo.conversations.updateStatus({ conversation_id: id, status: "resolved" }), t("done.resolved"));
    const ids = listState.ids;
    const next = ids[ids.indexOf(id) + 1] ?? ids.find((other) => other !== id);
    navigate(next ? `/c/${next}${withQuery({})}` : `/${withQuery({})}`);
  };

  useEffect(
    () =>
      registerCommands("conversation", [
        { id: "reply", label: t("cmd.reply"), key: "r", run: () => composer.current?.focus("outgoing") },
        { id: "note", label: t("cmd.note"), key: "n", run: () => composer.current?.focus("note") },
        { id: "resolve", label: t("cmd.resolve"), key: "e", run: () => void resolveAndNext() },
        { id: "assign", label: t("cmd.assign"), key: "a", run: () => assign.current?.focus() },
        { id: "labels", label: t("cmd.labels"), key: "l", run: () => setDialog("labels") },
        { id: "snooze", label: t("cmd.snooze"), key: "s", run: () => setDialog("snooze") },
        { id: "close", label: t("cmd.close"), key: "Escape", run: () => navigate(`/${withQuery({})}`) },
        { id: "details", label: t("cmd.details"), key: "i", run: () => setPanel((p) => !p) },
      ]),
    [id, locale.value],
  );

  if (conversation === undefined)
    return (
      <section class="conversation" aria-busy="true">
        <p class="loading">{t("loading")}</p>
      </section>
    );
  if (conversation === null)
    return (
      <section class="conversation">
        <p role="alert">{t("conversation.gone")}</p>
      </section>
    );

  const lines = mergeLines(
    messages.slice(range.start, range.end),
    events,
    range.start === 0 && !older,
    range.end >= messages.length,
  );
  const { typing, viewing } = activityOf(id);
  const mine = conversation.users.some((u) => u.id === myId.value);
  const title = conversation.name || conversation.topic || conversation.public_id;
  const humans = [...users.value.values()].filter((u) => u.active && u.kind === "human");

  return (
    <section class={`conversation ${panel ? "with-panel" : ""}`} aria-labelledby="conversation-title">
      <header class="conversation-head">
        <button type="button" class="icon back" aria-label={t("conversation.back")} onClick={() => navigate(`/${withQuery({})}`)}>
          <Icon name="back" class="flip" />
        </button>
        <div class="conversation-title">
          <h2 id="conversation-title" dir="auto">
            {title}
          </h2>
          <span class={`status status-${conversation.status}`}>{t(`status.${conversation.status}`)}</span>
          {conversation.control.type !== "none" && (
            <span class="control">
              {t("filters.control")}: {t(`control.${conversation.control.type}`)}
            </span>
          )}
          {viewing.length > 0 && (
            <span class="viewing">{t("activity.viewing", { names: viewing.map((u) => u.name).join(", ") })}</span>
          )}
        </div>
        <div class="actions" role="toolbar" aria-label={t("conversation.actions")}>
          {conversation.handoff && (
            <button
              type="button"
              class="primary"
              onClick={() => void act(() => convo.conversations.acceptHandoff(id), t("done.accepted"))}
            >
              {t("action.accept_handoff")}
            </button>
          )}
          {conversation.control.type === "human" && conversation.users.some((u) => u.kind === "ai_agent") && (
            <button
              type="button"
              onClick={() => void act(() => convo.conversations.handoff(id, { to: { type: "ai_agent" } }), t("done.handed_back"))}
            >
              {t("action.hand_back")}
            </button>
          )}
          {conversation.status === "resolved" || conversation.status === "closed" ? (
            <button
              type="button"
              onClick={() =>
                void act(() => convo.conversations.updateStatus({ conversation_id: id, status: "open" }), t("done.reopened"))
              }
            >
              {t("action.reopen")}
            </button>
          ) : (
            <button type="button" class="primary" onClick={() => void resolveAndNext()}>
              {t("action.resolve_next")}
            </button>
          )}
          <select
            ref={assign}
            aria-label={t("action.assign")}
            value=""
            onChange={(e) => {
              const user = e.currentTarget.value;
              if (user)
                void act(() => convo.conversations.assignTeamMember({ conversation_id: id, user_id: user }), t("done.assigned"));
            }}
          >
            <option value="">{t("action.assign")}</option>
            {humans.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} · {t(`presence.${u.presence}`)}
              </option>
            ))}
          </select>
          <button type="button" class="more-toggle" aria-expanded={more} onClick={() => setMore(!more)}>
            {t("action.more")}
          </button>
          <div class={`secondary ${more ? "shown" : ""}`}>
            <button
              type="button"
              onClick={() =>
                void act(() =>
                  mine ? convo.conversations.leave({ conversation_id: id }) : convo.conversations.join({ conversation_id: id }),
                )
              }
            >
              {mine ? t("action.leave") : t("action.join")}
            </button>
            <select
              aria-label={t("action.priority")}
              value={conversation.priority}
              onChange={(e) => void act(() => convo.conversations.update(id, { priority: e.currentTarget.value as "high" }))}
            >
              {["none", "low", "medium", "high", "urgent"].map((p) => (
                <option key={p} value={p}>
                  {t("action.priority")}: {t(`priority.${p}`)}
                </option>
              ))}
            </select>
            <button type="button" onClick={() => setDialog("labels")}>
              {t("action.labels")}
            </button>
            <button type="button" onClick={() => setDialog("snooze")}>
              {t("action.snooze")}
            </button>
            {units.value.length > 1 && (
              <select
                aria-label={t("action.transfer")}
                value=""
                onChange={(e) => {
                  const unit = e.currentTarget.value;
                  if (unit) void act(() => convo.conversations.update(id, { business_unit_id: unit }), t("done.transferred"));
                }}
              >
                <option value="">{t("action.transfer")}</option>
                {units.value
                  .filter((u) => u.id !== conversation.business_unit_id)
                  .map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
              </select>
            )}
            <button type="button" onClick={() => void startCall(id)}>
              {t("action.video")}
            </button>
            <button type="button" aria-pressed={panel} onClick={() => setPanel(!panel)}>
              {t("action.details")}
            </button>
          </div>
        </div>
        {conversation.labels.length > 0 && (
          <ul class="labels" aria-label={t("action.labels")}>
            {conversation.labels.map((l) => (
              <li key={l} class="tag">
                {l}
              </li>
            ))}
          </ul>
        )}
      </header>
      <div class="history" ref={scroller} onScroll={onScroll} tabIndex={0} role="log" aria-label={t("conversation.history")}>
        {range.start === 0 && !older && <p class="history-start">{t("conversation.start")}</p>}
        {(range.start > 0 || older) && <p class="history-more">{t("conversation.older")}</p>}
        {lines.map((line, i) => {
          const previous = lines[i - 1];
          const day = formatDay(line.at);
          const newDay = !previous || formatDay(previous.at) !== day;
          return (
            <>
              {newDay && (
                <p class="day" key={`day-${line.at}`}>
                  {day}
                </p>
              )}
              {line.kind === "message" ? (
                <MessageView key={line.message.id} message={line.message} />
              ) : (
                <p class="activity-line" key={`e-${line.event.id}`}>
                  {eventText(line.event)} · <time dateTime={line.at}>{formatTime(line.at)}</time>
                </p>
              )}
            </>
          );
        })}
      </div>
      <div class="visually-hidden" aria-live="polite" ref={announcer} />
      {typing.length > 0 && (
        <p class="typing-line" aria-live="polite">
          {t("activity.typing", { names: typing.map((u) => u.name).join(", ") })}
        </p>
      )}
      <Composer
        control={composer}
        conversation={conversation}
        newestSeen={() => messages.at(-1)?.id}
        onSent={(message) => {
          atBottom.current = true;
          setMessages((old) => (old.some((m) => m.id === message.id) ? old : [...old, message]));
          setRange((r) => ({ start: Math.max(r.start, messages.length + 1 - WINDOW), end: messages.length + 1 }));
        }}
        onReview={async () => {
          atBottom.current = true;
          await load();
        }}
      />
      {panel && <ContactPanel conversation={conversation} onClose={() => setPanel(false)} />}
      {dialog === "labels" && (
        <LabelsDialog
          current={conversation.labels}
          onClose={() => setDialog(undefined)}
          onToggle={(name, on) =>
            void act(() => (on ? convo.conversations.addLabels(id, [name]) : convo.conversations.removeLabel(id, name)))
          }
        />
      )}
      {dialog === "snooze" && (
        <SnoozeDialog
          onClose={() => setDialog(undefined)}
          onPick={(until) => {
            setDialog(undefined);
            void act(
              () => convo.conversations.updateStatus({ conversation_id: id, status: "snoozed", snoozed_until: until }),
              t("done.snoozed"),
            );
          }}
        />
      )}
    </section>
  );
}

async function startCall(id: string): Promise<void> {
  try {
    const started = await convo.conversations.initVideoCall({ conversation_id: id });
    const url = (started.video_call as { join_url?: string }).join_url;
    if (url) window.open(url, "_blank", "noopener");
    say(t("done.video"));
  } catch (error) {
    say((error as Error).message, true);
  }
}

/** The events shown as lines in the history (messages are shown as themselves). */
function shownEvent(event: ConvoEvent): boolean {
  return [
    "conversation.status_changed",
    "conversation.member_added",
    "conversation.member_removed",
    "conversation.labels_changed",
    "conversation.handoff_requested",
    "conversation.control_changed",
    "conversation.transferred",
    "video_call.started",
  ].includes(event.type);
}

function eventText(event: ConvoEvent): string {
  const actor = event.actor as { id?: string | null; type: string };
  const who = actor.id ? userName(actor.id) : t(`actor.${actor.type}`);
  const data = event.data as ConversationData;
  const changes = (event.changes ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "conversation.status_changed":
      return t("event.status", { who, status: t(`status.${data.status}`) });
    case "conversation.member_added":
    case "conversation.member_removed": {
      const member = (changes["user_id"] as string | undefined) ?? "";
      return t(event.type === "conversation.member_added" ? "event.member_added" : "event.member_removed", {
        who,
        member: member ? userName(member) : "",
      });
    }
    case "conversation.labels_changed":
      return t("event.labels", { who, labels: data.labels.join(", ") || "—" });
    case "conversation.handoff_requested":
      return t("event.handoff", { who });
    case "conversation.control_changed":
      return t("event.control", { who, control: t(`control.${data.control.type}`) });
    case "conversation.transferred":
      return t("event.transferred", { who, unit: units.value.find((u) => u.id === data.business_unit_id)?.name ?? "" });
    default:
      return t("event.video", { who });
  }
}

/** Messages of the window and the events of the same span of time, in time order. */
function mergeLines(window: Message[], events: ConvoEvent[], fromStart: boolean, toEnd: boolean): Line[] {
  const first = window[0]?.created_at;
  const last = window.at(-1)?.created_at;
  const lines: Line[] = window.map((message) => ({ kind: "message", at: message.created_at, message }));
  for (const event of events) {
    if (!fromStart && first && event.created_at < first) continue;
    if (!toEnd && last && event.created_at > last) continue;
    lines.push({ kind: "event", at: event.created_at, event });
  }
  return lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

const TICKS: Record<string, string> = { pending: "○", sent: "✓", delivered: "✓✓", read: "✓✓", failed: "!" };

function MessageView({ message }: { message: Message }) {
  const kind = message.message_type;
  const sender =
    message.sender.type === "contact"
      ? t("message.customer")
      : message.sender.id
        ? userName(message.sender.id)
        : t("actor.system");
  if (kind === "activity") {
    return <p class="activity-line">{message.content}</p>;
  }
  return (
    <article class={`message message-${kind}`} data-id={message.id} aria-label={t(`message.kind.${kind}`, { sender })}>
      <header>
        <span class="sender">{sender}</span>
        {kind === "note" && <span class="note-badge">{t("message.note")}</span>}
        <time dateTime={message.created_at}>{formatTime(message.created_at)}</time>
        {kind === "outgoing" && (
          <span
            class={`ticks ticks-${message.status}`}
            aria-label={t(`message.status.${message.status}`)}
            title={t(`message.status.${message.status}`)}
          >
            {TICKS[message.status] ?? ""}
          </span>
        )}
      </header>
      {message.content && (
        <p class="content" dir="auto">
          {renderMentions(message.content)}
        </p>
      )}
      {message.attachments.length > 0 && (
        <ul class="attachments">
          {message.attachments.map((a, i) => (
            <li key={a.id ?? i}>
              {a.mime_type?.startsWith("image/") ? (
                <a href={a.url} target="_blank" rel="noopener">
                  <img src={a.thumbnail_url ?? a.url} alt={a.name ?? t("message.image")} loading="lazy" />
                </a>
              ) : (
                <a href={a.url} target="_blank" rel="noopener" download={a.name ?? undefined}>
                  <Icon name="clip" /> {a.name ?? t("message.file")} {a.size ? `(${formatSize(a.size)})` : ""}
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
      {message.status === "failed" && message.error && (
        <p class="form-error">{String((message.error as { message?: string }).message ?? "")}</p>
      )}
    </article>
  );
}

/** `@[Name](user:<id>)` shown as a mention of Name; everything else as text. */
function renderMentions(content: string) {
  const parts = content.split(/(@\[[^\]]+\]\(user:[^)]+\))/g);
  return parts.map((part, i) => {
    const match = /^@\[([^\]]+)\]\(user:([^)]+)\)$/.exec(part);
    return match ? (
      <span class={`mention ${match[2] === myId.value ? "me" : ""}`} key={i}>
        @{match[1]}
      </span>
    ) : (
      part
    );
  });
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function LabelsDialog({
  current,
  onClose,
  onToggle,
}: {
  current: string[];
  onClose: () => void;
  onToggle: (name: string, on: boolean) => void;
}) {
  return (
    <Modal title={t("action.labels")} onClose={onClose}>
      {labels.value.length === 0 && <p class="muted">{t("labels.none")}</p>}
      <ul class="checks">
        {labels.value.map((l) => (
          <li key={l.id}>
            <label class="check">
              <input
                type="checkbox"
                checked={current.includes(l.name)}
                onChange={(e) => onToggle(l.name, e.currentTarget.checked)}
              />
              <span class="swatch" style={{ background: l.color }} aria-hidden="true" />
              {l.name}
            </label>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function SnoozeDialog({ onClose, onPick }: { onClose: () => void; onPick: (until: string) => void }) {
  const [at, setAt] = useState("");
  return (
    <Modal title={t("action.snooze")} onClose={onClose}>
      <div class="snooze-presets">
        <button type="button" onClick={() => onPick(snoozeUntil("hour"))}>
          {t("snooze.hour")}
        </button>
        <button type="button" onClick={() => onPick(snoozeUntil("tomorrow"))}>
          {t("snooze.tomorrow")}
        </button>
        <button type="button" onClick={() => onPick(snoozeUntil("week"))}>
          {t("snooze.week")}
        </button>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (at) onPick(new Date(at).toISOString());
        }}
      >
        <label>
          {t("snooze.until")}
          <input type="datetime-local" required value={at} onInput={(e) => setAt(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {t("action.snooze")}
        </button>
      </form>
    </Modal>
  );
}
