// The person's own settings (profile, language, password, two factors, sessions, what they
// are notified of) and, for admins, inviting people.
import { useEffect, useState } from "preact/hooks";
import { convo, problemText, type Session } from "./api";
import { NewPassword, TotpSetup } from "./auth";
import { LANGUAGES, applyLocale, formatTime, locale, t } from "./i18n";
import { navigate } from "./router";
import { isAdmin, me, say, units } from "./state";

export function Settings() {
  return (
    <section class="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{t("settings.title")}</h1>
      <Profile />
      <Password />
      <TwoFactors />
      <NotificationSettings />
      <Sessions />
      {isAdmin.value && <Invite />}
    </section>
  );
}

function Profile() {
  const person = me.value!;
  const [name, setName] = useState(person.user.name);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      me.value = { ...person, user: (await convo.me.update({ name })).user };
      say(t("done.saved"));
    } catch (error) {
      say(problemText(error), true);
    }
  };
  const setLanguage = async (tag: string) => {
    applyLocale(tag);
    try {
      const updated = await convo.me.update({ locale: tag });
      me.value = updated;
    } catch (error) {
      say(problemText(error), true);
    }
  };
  return (
    <section class="card" aria-labelledby="profile-title">
      <h2 id="profile-title">{t("settings.profile")}</h2>
      <form onSubmit={save} class="inline-form">
        <label>
          {t("field.name")}
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit">{t("save")}</button>
      </form>
      <label>
        {t("settings.language")}
        <select value={locale.value} onChange={(e) => void setLanguage(e.currentTarget.value)}>
          {LANGUAGES.map((l) => (
            <option key={l.tag} value={l.tag}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <p class="muted">{person.user.email}</p>
      <button
        type="button"
        onClick={async () => {
          await convo.sessions.signOut().catch(() => undefined);
          me.value = null;
          navigate("/signin");
        }}
      >
        {t("settings.sign_out")}
      </button>
    </section>
  );
}

function Password() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await convo.me.update({ password: next, current_password: current });
      setCurrent("");
      setNext("");
      say(t("done.password"));
    } catch (error) {
      say(problemText(error), true);
    }
  };
  if (!me.value?.has_password) return null;
  return (
    <section class="card" aria-labelledby="password-change-title">
      <h2 id="password-change-title">{t("settings.password")}</h2>
      <form onSubmit={submit}>
        <label>
          {t("field.current_password")}
          <input
            type="password"
            autocomplete="current-password"
            required
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </label>
        <NewPassword value={next} onInput={setNext} />
        <button type="submit">{t("settings.change_password")}</button>
      </form>
    </section>
  );
}

function TwoFactors() {
  const [setting, setSetting] = useState(false);
  const [password, setPassword] = useState("");
  const on = me.value?.totp_enabled;
  const refresh = async () => (me.value = await convo.me.get());
  const disable = async (e: Event) => {
    e.preventDefault();
    try {
      await convo.me.disableTotp(password);
      setPassword("");
      await refresh();
    } catch (error) {
      say(problemText(error), true);
    }
  };
  return (
    <section class="card" aria-labelledby="totp-settings-title">
      <h2 id="totp-settings-title">{t("settings.totp")}</h2>
      <p>{on ? t("settings.totp_on") : t("settings.totp_off")}</p>
      {!on && !setting && (
        <button type="button" onClick={() => setSetting(true)}>
          {t("totp.start")}
        </button>
      )}
      {!on && setting && <TotpSetup autoStart onDone={() => void refresh().then(() => setSetting(false))} />}
      {on && (
        <form onSubmit={disable} class="inline-form">
          <label>
            {t("field.password")}
            <input type="password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </label>
          <button type="submit">{t("settings.totp_disable")}</button>
        </form>
      )}
    </section>
  );
}

function NotificationSettings() {
  const [settings, setSettings] = useState<Record<string, boolean> | undefined>();
  useEffect(() => {
    convo.notifications
      .settings()
      .then((s) => setSettings(s as unknown as Record<string, boolean>))
      .catch(() => undefined);
  }, []);
  const types = ["mention", "assigned", "handoff_requested", "message_in_assigned"] as const;
  const set = async (type: (typeof types)[number], on: boolean) => {
    const next = await convo.notifications.updateSettings({ [type]: on });
    setSettings(next as unknown as Record<string, boolean>);
  };
  return (
    <section class="card" aria-labelledby="notify-title">
      <h2 id="notify-title">{t("settings.notifications")}</h2>
      {settings &&
        types.map((type) => (
          <label class="check" key={type}>
            <input type="checkbox" checked={settings[type]} onChange={(e) => void set(type, e.currentTarget.checked)} />
            {t(`notification.setting.${type}`)}
          </label>
        ))}
      {typeof window.Notification !== "undefined" && window.Notification.permission !== "granted" && (
        <button type="button" onClick={() => void window.Notification.requestPermission()}>
          {t("notifications.allow")}
        </button>
      )}
    </section>
  );
}

function Sessions() {
  const [sessions, setSessions] = useState<Session[]>([]);
  const load = () =>
    convo.sessions
      .list({ limit: 50 })
      .then((page) => setSessions(page.data))
      .catch(() => undefined);
  useEffect(() => void load(), []);
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t("settings.sessions")}</h2>
      <ul class="sessions">
        {sessions.map((s) => (
          <li key={s.id}>
            <span>
              {s.user_agent ?? "—"} · {s.ip ?? ""} · {t("settings.last_seen", { when: formatTime(s.last_seen_at) })}
              {s.current && <strong> · {t("settings.this_device")}</strong>}
            </span>
            {!s.current && (
              <button type="button" onClick={() => void convo.sessions.delete(s.id).then(load)}>
                {t("settings.end_session")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Invite() {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"agent" | "admin">("agent");
  const [unit, setUnit] = useState("");
  const [link, setLink] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const invitation = await convo.invitations.create({ email, role, business_unit_ids: unit ? [unit] : undefined });
      setLink(invitation.mailed ? undefined : (invitation.url ?? undefined));
      say(invitation.mailed ? t("invite.mailed", { email }) : t("invite.made", { email }));
      setEmail("");
    } catch (error) {
      say(problemText(error), true);
    }
  };
  return (
    <section class="card" aria-labelledby="invite-title">
      <h2 id="invite-title">{t("invite.title")}</h2>
      <form onSubmit={submit}>
        <label>
          {t("field.email")}
          <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t("invite.role")}
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as "agent")}>
            <option value="agent">{t("role.agent")}</option>
            <option value="admin">{t("role.admin")}</option>
          </select>
        </label>
        {units.value.length > 1 && (
          <label>
            {t("invite.unit")}
            <select value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
              <option value="">{t("invite.all_units")}</option>
              {units.value.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" class="primary">
          {t("invite.submit")}
        </button>
      </form>
      {link && (
        <p>
          {t("invite.link")}{" "}
          <input readOnly aria-label={t("invite.link")} value={link} onFocus={(e) => e.currentTarget.select()} />
        </p>
      )}
    </section>
  );
}
