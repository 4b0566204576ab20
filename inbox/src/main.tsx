// The web inbox: boots the session, then shows the screen the URL names.
import { render } from "preact";
import { useEffect } from "preact/hooks";
import { effect } from "@preact/signals";
import { convo } from "./api";
import { AcceptInvitation, SetPassword, SignIn, TotpSetup } from "./auth";
import { applyLocale, t } from "./i18n";
import { startLive, stopLive } from "./live";
import { afterSignIn, navigate, place } from "./router";
import { Shell } from "./shell";
import { loadDirectory, loadNotifications, me, refreshCounts, unreadNotifications } from "./state";
import "./styles.css";

async function boot(): Promise<void> {
  try {
    await convo.sessions.current();
    me.value = await convo.me.get();
  } catch {
    me.value = null;
  }
}

// Signed in: the directory, the counts and the stream; signed out: none of them.
effect(() => {
  const person = me.value;
  if (person) {
    applyLocale(person.locale ?? undefined);
    if (person.totp_setup_required) return;
    // The counts come a moment after the list: on a busy server the list is what a person
    // waits for.
    void loadDirectory().then(() => refreshCounts());
    void loadNotifications();
    startLive();
  } else if (person === null) {
    stopLive();
  }
});

// The tab's title counts the unread notifications.
effect(() => {
  const n = unreadNotifications.value;
  document.title = n > 0 ? `(${n}) ${t("app.title")}` : t("app.title");
});

function App() {
  const path = place.value.path;
  const person = me.value;
  useEffect(() => {
    if (person === null && !["/signin", "/password", "/invitation"].includes(path)) {
      // After signing in, the person lands where they were going.
      const next = `${path || "/"}${location.search}`;
      navigate(next === "/" ? "/signin" : `/signin?next=${encodeURIComponent(next)}`, { replace: true });
    }
    if (person && path === "/signin") navigate(afterSignIn(), { replace: true });
  }, [person, path]);

  if (path === "/password") return <SetPassword />;
  if (path === "/invitation") return <AcceptInvitation />;
  if (person === undefined) return <p class="loading">{t("loading")}</p>;
  if (person === null) return <SignIn />;
  if (person.totp_setup_required) {
    return (
      <main class="auth">
        <div class="auth-card">
          <TotpSetup onDone={() => void boot()} />
        </div>
      </main>
    );
  }
  return <Shell />;
}

applyLocale(localStorage.getItem("convo.locale") ?? undefined);
void boot();
render(<App />, document.getElementById("app")!);
