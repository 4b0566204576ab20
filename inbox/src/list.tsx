// The conversation list: a built-in or saved view, its filters (kept in the URL), keyset
// paging as one scrolls, only the visible rows in the DOM, unread marks, who is typing, and
// search results with their highlights. Live events keep it current.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { convo, type Conversation, type SearchHit } from "./api";
import { registerCommands } from "./commands";
import { Icon } from "./icons";
import { Modal } from "./modal";
import { formatTime, locale, t } from "./i18n";
import { onEvent, resyncListeners } from "./live";
import { navigate, openConversationId, place, withQuery } from "./router";
import { activityOf, channels, labels, myId, refreshCounts, savedViews, say, units, userName } from "./state";
import { useVirtualizer } from "./virtual";

type Row = Conversation & { search?: SearchHit["search"] };
const PAGE = 50;
const ROW_HEIGHT = 76;

/** The list's query from the URL: the view's own filters, then the person's. */
export function listQuery(query: URLSearchParams): Record<string, unknown> {
  const box = query.get("view") ? undefined : (query.get("box") ?? "mine");
  const params: Record<string, unknown> = { order: query.get("order") ?? "recent", limit: PAGE };
  if (box === "mine" || box === "unassigned") Object.assign(params, { view: box, statuses: ["open", "pending"] });
  if (box === "open") params["statuses"] = ["open", "pending"];
  if (box === "handoff") params["handoff_pending"] = true;
  if (box === "snoozed" || box === "resolved") params["status"] = box;
  const view = query.get("view");
  if (view) params["view_id"] = view;
  const copy = (from: string, to = from) => {
    const value = query.get(from);
    if (value) params[to] = value;
  };
  copy("unit", "business_unit_id");
  copy("channel", "channel_id");
  copy("labels");
  copy("control", "control_type");
  const priority = query.get("priority");
  if (priority) params["priority"] = [priority];
  if (query.get("unread") === "1") params["unread"] = true;
  if (query.get("status")) {
    delete params["statuses"];
    params["status"] = query.get("status");
  }
  return params;
}

export const listState = { ids: [] as string[] };

let patchRow: ((id: string, patch: Partial<Row>) => void) | undefined;
/** Changes a row of the shown list in place (a conversation read in its own screen). */
export function patchListRow(id: string, patch: Partial<Conversation>): void {
  patchRow?.(id, patch);
}

export function ConversationList() {
  const query = place.value.query;
  const key = query.toString().replace(/(^|&)cursor=[^&]*/, "");
  const q = query.get("q") ?? "";
  const [rows, setRows] = useState<Row[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const scroller = useRef<HTMLDivElement>(null);
  const active = useRef(0);
  const openId = openConversationId(place.value);
  const generation = useRef(0);

  const fetchPage = (after?: string, limit = PAGE) => {
    const params: Record<string, unknown> = { ...listQuery(query), cursor: after, limit };
    if (q) {
      const { order: _order, view: _view, statuses: _s, status: _st, view_id: _v, ...filters } = params;
      return convo.conversations.search({ ...(filters as object), q } as Parameters<typeof convo.conversations.search>[0]);
    }
    return convo.conversations.list(params as Parameters<typeof convo.conversations.list>[0]);
  };

  const load = async (reset: boolean) => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      // A refresh reads again as many rows as are shown (at most 100), so a live change lands
      // in place without losing the scroll position.
      const limit = reset ? PAGE : Math.min(100, Math.max(PAGE, rows.length));
      const page = await fetchPage(undefined, limit);
      if (mine !== generation.current) return;
      setRows(page.data as Row[]);
      setCursor(page.next_cursor ?? null);
      setFailed(false);
    } catch {
      if (mine === generation.current) setFailed(true);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  };

  const more = async () => {
    if (loading || !cursor) return;
    const mine = generation.current;
    setLoading(true);
    try {
      const page = await fetchPage(cursor);
      if (mine !== generation.current) return;
      setRows((old) => {
        const seen = new Set(old.map((r) => r.id));
        return [...old, ...(page.data as Row[]).filter((r) => !seen.has(r.id))];
      });
      setCursor(page.next_cursor ?? null);
    } catch {
      setFailed(true);
    } finally {
      setLoading(false);
    }
  };

  // Asked before the first paint: the list is what a person waits for after signing in.
  useLayoutEffect(() => {
    setRows([]);
    setSelected(new Set());
    void load(true);
  }, [key]);

  // Live: a changed conversation is patched at once; the page is read again soon after, so
  // new conversations appear and those that left the view go.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(false), 400);
    };
    const off = onEvent((event) => {
      if (!event.conversation_id) return;
      if (event.type.startsWith("conversation.") && event.type !== "conversation.deleted") {
        const changed = event.data as Conversation;
        setRows((old) => old.map((r) => (r.id === changed.id ? { ...r, ...changed, unread_count: r.unread_count } : r)));
      }
      soon();
    });
    resyncListeners.add(soon);
    return () => {
      off();
      resyncListeners.delete(soon);
      clearTimeout(timer);
    };
  }, [key, rows.length]);

  listState.ids = rows.map((r) => r.id);
  patchRow = (id, patch) => setRows((old) => old.map((r) => (r.id === id ? { ...r, ...patch } : r)));

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1);
  useEffect(() => {
    if (last && last.index >= rows.length - 10 && cursor) void more();
  }, [last?.index, rows.length, cursor]);

  const focusRow = (index: number) => {
    const bounded = Math.max(0, Math.min(rows.length - 1, index));
    active.current = bounded;
    virtualizer.scrollToIndex(bounded, { align: "auto" });
    requestAnimationFrame(() => {
      scroller.current?.querySelector<HTMLElement>(`[data-index="${bounded}"] a`)?.focus();
    });
  };

  useEffect(() => {
    const index = rows.findIndex((r) => r.id === openId);
    return registerCommands("list", [
      {
        id: "next",
        label: t("cmd.next"),
        key: "j",
        run: () => focusRow((index >= 0 && active.current < 0 ? index : active.current) + 1),
      },
      { id: "previous", label: t("cmd.previous"), key: "k", run: () => focusRow(active.current - 1) },
      {
        id: "open",
        label: t("cmd.open"),
        key: "o",
        run: () => {
          const row = rows[active.current];
          if (row) navigate(`/c/${row.id}${withQuery({})}`);
        },
      },
      { id: "save-view", label: t("list.save_view"), run: () => setNaming(true) },
    ]);
  }, [rows, openId, locale.value]);

  const [naming, setNaming] = useState(false);
  const saveView = async (name: string) => {
    setNaming(false);
    const filters: Record<string, unknown> = { ...listQuery(query) };
    delete filters["limit"];
    delete filters["order"];
    try {
      const view = await convo.views.create({ name, filters });
      savedViews.value = [...savedViews.value, view];
      refreshCounts(0);
      navigate(`/?view=${view.id}`);
    } catch (error) {
      say(String((error as Error).message), true);
    }
  };

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  return (
    <section class="list" aria-labelledby="list-title">
      <div class="list-head">
        <h1 id="list-title">{q ? t("list.results", { q }) : viewTitle(query)}</h1>
        <Filters onSave={() => setNaming(true)} />
        {naming && <NameView onClose={() => setNaming(false)} onSave={(name) => void saveView(name)} />}
        {selected.size > 0 && <BulkBar ids={[...selected]} onDone={() => (setSelected(new Set()), void load(false))} />}
      </div>
      <div class="list-scroll" ref={scroller} tabIndex={-1}>
        {failed && (
          <p role="alert" class="form-error">
            {t("list.failed")}{" "}
            <button type="button" class="link" onClick={() => void load(true)}>
              {t("retry")}
            </button>
          </p>
        )}
        {!loading && !failed && rows.length === 0 && <p class="empty">{q ? t("list.no_results") : t("list.empty")}</p>}
        <ul class="rows" aria-label={t("list.label")} style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <li
                key={row.id}
                data-index={item.index}
                aria-setsize={cursor ? -1 : rows.length}
                aria-posinset={item.index + 1}
                class={`row ${row.id === openId ? "open" : ""} ${(row.unread_count ?? 0) > 0 ? "unread" : ""}`}
                style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
              >
                <RowView
                  row={row}
                  selected={selected.has(row.id)}
                  onToggle={() => toggle(row.id)}
                  onFocus={() => (active.current = item.index)}
                />
              </li>
            );
          })}
        </ul>
        {loading && <p class="loading-more">{t("loading")}</p>}
      </div>
    </section>
  );
}

function NameView({ onClose, onSave }: { onClose: () => void; onSave: (name: string) => void }) {
  const [name, setName] = useState("");
  return (
    <Modal title={t("list.save_view")} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) onSave(name.trim());
        }}
      >
        <label>
          {t("list.save_view_name")}
          <input required autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {t("save")}
        </button>
      </form>
    </Modal>
  );
}

function viewTitle(query: URLSearchParams): string {
  const view = query.get("view");
  if (view) return savedViews.value.find((v) => v.id === view)?.name ?? t("nav.saved");
  return t(`view.${query.get("box") ?? "mine"}`);
}

function RowView({
  row,
  selected,
  onToggle,
  onFocus,
}: {
  row: Row;
  selected: boolean;
  onToggle: () => void;
  onFocus: () => void;
}) {
  const { typing, viewing } = activityOf(row.id);
  const unread = row.unread_count ?? 0;
  const title = row.name || row.topic || row.public_id;
  const highlight = row.search?.highlights[0];
  return (
    <>
      <input
        type="checkbox"
        class="select"
        checked={selected}
        onChange={onToggle}
        aria-label={t("list.select", { name: title })}
      />
      <a
        href={`/inbox/c/${row.id}${withQuery({})}`}
        onClick={(e) => (e.preventDefault(), navigate(`/c/${row.id}${withQuery({})}`))}
        onFocus={onFocus}
      >
        <span class="row-top">
          <span class="row-title" dir="auto">
            {unread > 0 && <span class="unread-dot" aria-label={t("list.unread", { n: unread })} />}
            {title}
          </span>
          {row.priority !== "none" && <span class={`priority priority-${row.priority}`}>{t(`priority.${row.priority}`)}</span>}
          {row.handoff && <span class="tag handoff">{t("list.handoff")}</span>}
          <time dateTime={row.updated_at}>{formatTime(row.last_message?.created_at ?? row.updated_at)}</time>
        </span>
        <span class="row-preview" dir="auto">
          {typing.length > 0 ? (
            <em class="typing">{t("activity.typing", { names: typing.map((u) => u.name).join(", ") })}</em>
          ) : highlight ? (
            <Highlighted snippet={highlight.snippet} />
          ) : (
            withoutMentionMarkup(row.last_message?.preview ?? "")
          )}
        </span>
        <span class="row-meta">
          {row.labels.map((l) => (
            <span key={l} class="tag">
              {l}
            </span>
          ))}
          {row.users.length > 0 && <span class="assignees">{row.users.map((u) => u.name).join(", ")}</span>}
          {viewing.length > 0 && (
            <span class="viewing">
              <Icon name="eye" /> {viewing.map((u) => u.name).join(", ")}
            </span>
          )}
        </span>
      </a>
    </>
  );
}

/** `@[Name](user:<id>)` as people read it: `@Name`. */
function withoutMentionMarkup(text: string): string {
  return text.replace(/@\[([^\]]+)\]\(user:[^)]*\)?/g, "@$1");
}

/** A search snippet: the matched words in `<mark>`, everything else as text (never as HTML). */
export function Highlighted({ snippet }: { snippet: string }) {
  const parts = snippet.split(/<\/?mark>/);
  return <bdi class="snippet">{parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part))}</bdi>;
}

function Filters({ onSave }: { onSave: () => void }) {
  const query = place.value.query;
  const set = (name: string) => (e: Event) => {
    const value = (e.currentTarget as HTMLSelectElement | HTMLInputElement).value;
    navigate(`/${withQuery({ [name]: value || undefined })}`, { replace: true });
  };
  const labelNames = useMemo(() => labels.value.map((l) => l.name), [labels.value]);
  const active = ["status", "unit", "channel", "labels", "priority", "control", "unread"].filter((name) =>
    query.get(name),
  ).length;
  return (
    <details class="filters-box" open={active > 0 || undefined}>
      <summary>
        <Icon name="filter" /> {t("filters.label")}
        {active > 0 && ` (${active})`}
      </summary>
      <div class="filters" role="group" aria-label={t("filters.label")}>
        <select aria-label={t("filters.status")} value={query.get("status") ?? ""} onChange={set("status")}>
          <option value="">{t("filters.any_status")}</option>
          {["open", "pending", "snoozed", "resolved", "closed"].map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
        {units.value.length > 1 && (
          <select aria-label={t("filters.unit")} value={query.get("unit") ?? ""} onChange={set("unit")}>
            <option value="">{t("filters.any_unit")}</option>
            {units.value.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        )}
        {channels.value.length > 0 && (
          <select aria-label={t("filters.channel")} value={query.get("channel") ?? ""} onChange={set("channel")}>
            <option value="">{t("filters.any_channel")}</option>
            {channels.value.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name || c.identifier}
              </option>
            ))}
          </select>
        )}
        {labelNames.length > 0 && (
          <select aria-label={t("filters.label_filter")} value={query.get("labels") ?? ""} onChange={set("labels")}>
            <option value="">{t("filters.any_label")}</option>
            {labelNames.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        )}
        <select aria-label={t("filters.priority")} value={query.get("priority") ?? ""} onChange={set("priority")}>
          <option value="">{t("filters.any_priority")}</option>
          {["urgent", "high", "medium", "low", "none"].map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}`)}
            </option>
          ))}
        </select>
        <select aria-label={t("filters.control")} value={query.get("control") ?? ""} onChange={set("control")}>
          <option value="">{t("filters.any_control")}</option>
          {["human", "ai_agent", "none"].map((c) => (
            <option key={c} value={c}>
              {t(`control.${c}`)}
            </option>
          ))}
        </select>
        <select aria-label={t("filters.order")} value={query.get("order") ?? "recent"} onChange={set("order")}>
          {["recent", "waiting_since", "priority", "oldest"].map((o) => (
            <option key={o} value={o}>
              {t(`order.${o}`)}
            </option>
          ))}
        </select>
        <label class="check">
          <input
            type="checkbox"
            checked={query.get("unread") === "1"}
            onChange={(e) => navigate(`/${withQuery({ unread: e.currentTarget.checked ? "1" : undefined })}`, { replace: true })}
          />
          {t("filters.unread")}
        </label>
        <button type="button" class="link" onClick={onSave}>
          {t("list.save_view")}
        </button>
      </div>
    </details>
  );
}

function BulkBar({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const apply = async (set: Record<string, unknown>) => {
    try {
      const result = await convo.conversations.bulkUpdate({ ids, set });
      const failed = result.results.filter((r) => r.status !== 200).length;
      say(failed ? t("bulk.partly", { n: ids.length - failed, failed }) : t("bulk.done", { n: ids.length }), failed > 0);
      onDone();
    } catch (error) {
      say((error as Error).message, true);
    }
  };
  return (
    <div class="bulk" role="toolbar" aria-label={t("bulk.label", { n: ids.length })}>
      <span>{t("bulk.selected", { n: ids.length })}</span>
      <button type="button" onClick={() => void apply({ status: "resolved" })}>
        {t("action.resolve")}
      </button>
      <button type="button" onClick={() => void apply({ assignee_id: myId.value })}>
        {t("action.assign_me")}
      </button>
      <select
        aria-label={t("action.priority")}
        onChange={(e) => e.currentTarget.value && void apply({ priority: e.currentTarget.value })}
      >
        <option value="">{t("action.priority")}</option>
        {["urgent", "high", "medium", "low", "none"].map((p) => (
          <option key={p} value={p}>
            {t(`priority.${p}`)}
          </option>
        ))}
      </select>
      {labels.value.length > 0 && (
        <select
          aria-label={t("action.add_label")}
          onChange={(e) => e.currentTarget.value && void apply({ labels_add: [e.currentTarget.value] })}
        >
          <option value="">{t("action.add_label")}</option>
          {labels.value.map((l) => (
            <option key={l.id} value={l.name}>
              {l.name}
            </option>
          ))}
        </select>
      )}
      <button type="button" onClick={() => void apply({ snoozed_until: snoozeUntil("tomorrow") })}>
        {t("snooze.tomorrow")}
      </button>
    </div>
  );
}

/** When a snooze preset ends: in an hour, tomorrow 9:00, next Monday 9:00. */
export function snoozeUntil(preset: "hour" | "tomorrow" | "week"): string {
  const at = new Date();
  if (preset === "hour") return new Date(at.getTime() + 3_600_000).toISOString();
  at.setHours(9, 0, 0, 0);
  if (preset === "tomorrow") at.setDate(at.getDate() + 1);
  else at.setDate(at.getDate() + ((8 - at.getDay()) % 7 || 7));
  return at.toISOString();
}

export { userName };
