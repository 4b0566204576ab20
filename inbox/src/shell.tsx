// The frame around every signed-in screen: the views with their live counts, search, whether
// the tab is in sync, notifications, presence, and the keyboard.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { convo, type Notification } from "./api";
import { allCommands, helpOpen, paletteOpen, registerCommands, runKey } from "./commands";
import { Conversation } from "./conversation";
import { Icon } from "./icons";
import { formatTime, locale, t } from "./i18n";
import { ConversationList } from "./list";
import { notificationListeners } from "./live";
import { Palette, Help } from "./palette";
import { navigate, openConversationId, place, withQuery } from "./router";
import { Settings } from "./settings";
import { counts, isAdmin, me, myId, notifications, savedViews, sync, toast, unreadNotifications, userName, users } from "./state";

export const BUILT_IN_VIEWS = ["mine", "unassigned", "handoff", "open", "snoozed", "resolved"] as const;

export function Shell() {
  const [menuOpen, setMenuOpen] = useState(false);
  const search = useRef<HTMLInputElement>(null);
  const path = place.value.path;
  const openId = openConversationId(place.value);

  // Layout effects: the keys work from the first frame the inbox shows.
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
        event.preventDefault();
        paletteOpen.value = true;
        return;
      }
      runKey(event);
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  useLayoutEffect(
    () =>
      registerCommands("shell", [
        { id: "search", label: t("cmd.search"), key: "/", run: () => search.current?.focus() },
        { id: "help", label: t("cmd.help"), key: "?", run: () => (helpOpen.value = true) },
        { id: "palette", label: t("cmd.palette"), run: () => (paletteOpen.value = true) },
        { id: "settings", label: t("cmd.settings"), run: () => navigate("/settings") },
        ...BUILT_IN_VIEWS.map((view) => ({
          id: `view-${view}`,
          label: `${t("cmd.go_to")} ${t(`view.${view}`)}`,
          run: () => navigate(`/?box=${view}`),
        })),
      ]),
    [locale.value],
  );

  useEffect(() => {
    const show = (n: Notification) => {
      if (typeof window.Notification === "undefined" || window.Notification.permission !== "granted") return;
      if (!document.hidden) return;
      const shown = new window.Notification(t("app.title"), { body: notificationText(n), tag: n.id });
      shown.onclick = () => {
        window.focus();
        navigate(`/c/${n.conversation_id}`);
      };
    };
    notificationListeners.add(show);
    return () => notificationListeners.delete(show);
  }, []);

  const onSearch = (e: Event) => {
    e.preventDefault();
    const q = search.current?.value.trim() ?? "";
    navigate(`/${withQuery({ q: q || undefined, cursor: undefined })}`);
  };

  return (
    <div class={`shell ${openId ? "has-open" : ""} ${menuOpen ? "menu-open" : ""}`}>
      <a class="skip" href="#main">
        {t("skip.main")}
      </a>
      <header class="topbar">
        <button
          type="button"
          class="icon menu-button"
          aria-label={t("nav.menu")}
          aria-expanded={menuOpen}
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <Icon name="menu" />
        </button>
        <a class="brand" href="/inbox/" onClick={(e) => (e.preventDefault(), navigate("/"))}>
          convo
        </a>
        <form class="search" role="search" onSubmit={onSearch}>
          <input
            ref={search}
            type="search"
            aria-label={t("search.label")}
            placeholder={t("search.placeholder")}
            defaultValue={place.value.query.get("q") ?? ""}
            key={place.value.query.get("q") ?? ""}
          />
        </form>
        <SyncBadge />
        <NotificationsButton />
        <PresenceMenu />
      </header>
      <nav class="sidebar" aria-label={t("nav.views")}>
        <ViewLinks onPick={() => setMenuOpen(false)} />
      </nav>
      <main id="main" class="main" tabIndex={-1}>
        {path === "/settings" ? (
          <Settings />
        ) : (
          <>
            <ConversationList />
            {openId && <Conversation id={openId} key={openId} />}
          </>
        )}
      </main>
      <Toast />
      {paletteOpen.value && <Palette commands={allCommands()} onClose={() => (paletteOpen.value = false)} />}
      {helpOpen.value && <Help commands={allCommands()} onClose={() => (helpOpen.value = false)} />}
    </div>
  );
}

function ViewLinks({ onPick }: { onPick: () => void }) {
  const query = place.value.query;
  const current = query.get("view") ?? (query.get("view") ? undefined : (query.get("box") ?? "mine"));
  const link = (key: string, href: string, label: string) => (
    <li key={key}>
      <a
        href={`/inbox/${href}`}
        aria-current={current === key ? "page" : undefined}
        onClick={(e) => {
          e.preventDefault();
          onPick();
          navigate(`/${href}`);
        }}
      >
        <span>{label}</span>
        <span class="count" aria-label={t("view.count", { n: counts.value[key] ?? 0 })}>
          {counts.value[key] ?? ""}
        </span>
      </a>
    </li>
  );
  return (
    <>
      <h2 class="nav-title">{t("nav.inbox")}</h2>
      <ul>{BUILT_IN_VIEWS.map((view) => link(view, `?box=${view}`, t(`view.${view}`)))}</ul>
      {savedViews.value.length > 0 && (
        <>
          <h2 class="nav-title">{t("nav.saved")}</h2>
          <ul>{savedViews.value.map((view) => link(view.id, `?view=${encodeURIComponent(view.id)}`, view.name))}</ul>
        </>
      )}
      <ul class="nav-bottom">
        <li>
          <a
            href="/inbox/settings"
            aria-current={place.value.path === "/settings" ? "page" : undefined}
            onClick={(e) => {
              e.preventDefault();
              onPick();
              navigate("/settings");
            }}
          >
            {t("nav.settings")}
            {isAdmin.value ? ` · ${t("nav.team")}` : ""}
          </a>
        </li>
      </ul>
    </>
  );
}

function SyncBadge() {
  const state = sync.value;
  return (
    <span class={`sync sync-${state}`} role="status" aria-live="polite" title={t(`sync.${state}.long`)}>
      <span class="dot" aria-hidden="true" />
      {t(`sync.${state}`)}
    </span>
  );
}

export function notificationText(n: Notification): string {
  return t(`notification.${n.type}`, { actor: n.actor ? userName((n.actor as { id?: string }).id) : "" });
}

function NotificationsButton() {
  const [open, setOpen] = useState(false);
  const count = unreadNotifications.value;
  const pick = async (n: Notification) => {
    setOpen(false);
    navigate(`/c/${n.conversation_id}`);
    if (!n.read_at) {
      await convo.notifications.read([n.id]).catch(() => undefined);
      unreadNotifications.value = Math.max(0, unreadNotifications.value - 1);
      notifications.value = notifications.value.map((x) => (x.id === n.id ? { ...x, read_at: new Date().toISOString() } : x));
    }
  };
  const readAll = async () => {
    await convo.notifications.readAll().catch(() => undefined);
    unreadNotifications.value = 0;
    notifications.value = notifications.value.map((x) => ({ ...x, read_at: x.read_at ?? new Date().toISOString() }));
  };
  return (
    <div class="popover-anchor">
      <button
        type="button"
        class="icon"
        aria-label={t("notifications.button", { n: count })}
        aria-expanded={open}
        aria-haspopup="true"
        onClick={() => setOpen(!open)}
      >
        <Icon name="bell" />
        {count > 0 && <span class="badge">{count}</span>}
      </button>
      {open && (
        <div class="popover notifications" role="region" aria-label={t("notifications.title")}>
          <div class="popover-head">
            <h2>{t("notifications.title")}</h2>
            <button type="button" class="link" onClick={() => void readAll()}>
              {t("notifications.read_all")}
            </button>
            {typeof window.Notification !== "undefined" && window.Notification.permission === "default" && (
              <button type="button" class="link" onClick={() => void window.Notification.requestPermission()}>
                {t("notifications.allow")}
              </button>
            )}
          </div>
          {notifications.value.length === 0 && <p class="muted">{t("notifications.none")}</p>}
          <ul>
            {notifications.value.map((n) => (
              <li key={n.id}>
                <button type="button" class={n.read_at ? "" : "unread"} onClick={() => void pick(n)}>
                  <span>{notificationText(n)}</span>
                  <time dateTime={n.created_at}>{formatTime(n.created_at)}</time>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function PresenceMenu() {
  const self = users.value.get(myId.value ?? "");
  const presence = self?.presence ?? "online";
  const set = async (status: "online" | "away" | "busy" | "offline") => {
    await convo.me.setPresence(status).catch(() => undefined);
  };
  return (
    <label class="presence">
      <span class={`presence-dot presence-${presence}`} aria-hidden="true" />
      <span class="visually-hidden">{t("presence.label", { name: me.value?.user.name ?? "" })}</span>
      <select value={presence} onChange={(e) => void set(e.currentTarget.value as "online")}>
        {(["online", "away", "busy", "offline"] as const).map((p) => (
          <option key={p} value={p}>
            {t(`presence.${p}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Toast() {
  const current = toast.value;
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!current) return;
    setVisible(true);
    const timer = setTimeout(() => setVisible(false), 5_000);
    return () => clearTimeout(timer);
  }, [current?.at]);
  return (
    <div class={`toast ${visible && current ? "shown" : ""} ${current?.error ? "error" : ""}`} role="status" aria-live="polite">
      {visible ? current?.text : ""}
    </div>
  );
}
