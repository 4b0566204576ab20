// Signing in, and the pages a link opens: a password reset (or the first admin's password)
// and an invitation. Tokens travel in the URL's fragment, so they reach no server log.
import { useEffect, useRef, useState } from "preact/hooks";
import { convo, problemCode, problemText } from "./api";
import { t } from "./i18n";
import { afterSignIn, navigate, place } from "./router";
import { me } from "./state";

/** After signing in: who am I, then where they were going (only a place in the inbox). */
async function signedIn(): Promise<void> {
  const next = afterSignIn();
  me.value = await convo.me.get();
  navigate(next, { replace: true });
}

/** A new password's field, with what makes a good one (the server judges it). */
export function NewPassword({ value, onInput }: { value: string; onInput: (value: string) => void }) {
  return (
    <>
      <label>
        {t("field.new_password")}
        <input
          type="password"
          autocomplete="new-password"
          required
          minLength={10}
          value={value}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      </label>
      <p class="hint">{t("password.hint")}</p>
    </>
  );
}

function ErrorLine({ text }: { text: string }) {
  return text ? (
    <p class="form-error" role="alert">
      {text}
    </p>
  ) : null;
}

/** A refused new password in words: too weak and why, or what else went wrong. */
function passwordWords(error: unknown): string {
  return problemCode(error) === "weak_password" ? `${t("password.weak")} ${problemText(error)}` : words(error);
}

function words(error: unknown): string {
  const code = problemCode(error);
  if (code === "network") return t("error.network");
  if (code === "invalid_credentials") return t("signin.invalid");
  if (code === "rate_limited") return t("signin.slowed");
  return problemText(error);
}

export function SignIn() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [needsCode, setNeedsCode] = useState(false);
  const [useRecovery, setUseRecovery] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(false);
  const [sso, setSso] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // Single sign-on is offered when the server has a provider (its login route redirects).
    fetch(convo.sessions.oidcLoginUrl(), { method: "HEAD", redirect: "manual" })
      .then((r) => setSso(r.type === "opaqueredirect" || (r.status >= 300 && r.status < 400)))
      .catch(() => setSso(false));
  }, []);
  useEffect(() => {
    if (needsCode) codeInput.current?.focus();
  }, [needsCode, useRecovery]);

  if (forgot) return <ForgotPassword onBack={() => setForgot(false)} initialEmail={email} />;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await convo.sessions.create({
        email,
        password,
        totp: needsCode && !useRecovery ? code : undefined,
        recovery_code: needsCode && useRecovery ? code : undefined,
      });
      await signedIn();
    } catch (err) {
      if (problemCode(err) === "totp_required") {
        if (needsCode) setError(t("signin.code_wrong"));
        setNeedsCode(true);
      } else setError(words(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="auth">
      <form class="auth-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">{t("signin.title")}</h1>
        <label>
          {t("field.email")}
          <input type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t("field.password")}
          <input
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {needsCode && (
          <label>
            {useRecovery ? t("signin.recovery_code") : t("signin.code")}
            <input
              ref={codeInput}
              inputMode={useRecovery ? "text" : "numeric"}
              autocomplete="one-time-code"
              required
              value={code}
              onInput={(e) => setCode(e.currentTarget.value.trim())}
            />
          </label>
        )}
        <ErrorLine text={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t("signin.submit")}
        </button>
        {needsCode && (
          <button type="button" class="link" onClick={() => setUseRecovery(!useRecovery)}>
            {useRecovery ? t("signin.use_code") : t("signin.use_recovery")}
          </button>
        )}
        <button type="button" class="link" onClick={() => setForgot(true)}>
          {t("signin.forgot")}
        </button>
        {sso && (
          <a class="button" href={convo.sessions.oidcLoginUrl()}>
            {t("signin.sso")}
          </a>
        )}
      </form>
    </main>
  );
}

function ForgotPassword({ onBack, initialEmail }: { onBack: () => void; initialEmail: string }) {
  const [email, setEmail] = useState(initialEmail);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await convo.passwordResets.request(email);
      setSent(true);
    } catch (err) {
      setError(words(err));
    }
  };
  return (
    <main class="auth">
      <form class="auth-card" onSubmit={submit} aria-labelledby="forgot-title">
        <h1 id="forgot-title">{t("forgot.title")}</h1>
        {sent ? (
          <p role="status">{t("forgot.sent")}</p>
        ) : (
          <>
            <label>
              {t("field.email")}
              <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            </label>
            <ErrorLine text={error} />
            <button type="submit" class="primary">
              {t("forgot.submit")}
            </button>
          </>
        )}
        <button type="button" class="link" onClick={onBack}>
          {t("forgot.back")}
        </button>
      </form>
    </main>
  );
}

function tokenOf(): string {
  return new URLSearchParams(place.value.hash).get("token") ?? "";
}

/** A password-reset link, or the first admin's link (who then also chooses their email). */
export function SetPassword() {
  const token = tokenOf();
  const [info, setInfo] = useState<{ name: string; email?: string | null } | null | undefined>(undefined);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [done, setDone] = useState(false);
  useEffect(() => {
    convo.passwordResets
      .get(token)
      .then((i) => setInfo(i))
      .catch(() => setInfo(null));
  }, [token]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      await convo.passwordResets.complete(token, { password, email: info?.email ? undefined : email });
      setDone(true);
    } catch (err) {
      setError(passwordWords(err));
    }
  };
  return (
    <main class="auth">
      <form class="auth-card" onSubmit={submit} aria-labelledby="password-title">
        <h1 id="password-title">{t("password.title")}</h1>
        {info === undefined && <p>{t("loading")}</p>}
        {info === null && <p role="alert">{t("link.expired")}</p>}
        {info && !done && (
          <>
            <p>{t("password.for", { name: info.name })}</p>
            {info.email ? (
              <p class="muted">{info.email}</p>
            ) : (
              <label>
                {t("field.email")}
                <input
                  type="email"
                  autocomplete="username"
                  required
                  value={email}
                  onInput={(e) => setEmail(e.currentTarget.value)}
                />
              </label>
            )}
            <NewPassword value={password} onInput={setPassword} />
            <ErrorLine text={error} />
            <button type="submit" class="primary">
              {t("password.submit")}
            </button>
          </>
        )}
        {done && (
          <>
            <p role="status">{t("password.done")}</p>
            <a class="button primary" href="/inbox/signin" onClick={(e) => (e.preventDefault(), navigate("/signin"))}>
              {t("signin.submit")}
            </a>
          </>
        )}
      </form>
    </main>
  );
}

export function AcceptInvitation() {
  const token = tokenOf();
  const [info, setInfo] = useState<{ email: string; name?: string | null; organization: { name: string } } | null | undefined>(
    undefined,
  );
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    convo.invitations
      .get(token)
      .then((i) => {
        setInfo(i);
        setName(i.name ?? "");
      })
      .catch(() => setInfo(null));
  }, [token]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      await convo.invitations.accept(token, { name, password });
      await signedIn();
    } catch (err) {
      setError(passwordWords(err));
    }
  };
  return (
    <main class="auth">
      <form class="auth-card" onSubmit={submit} aria-labelledby="invitation-title">
        <h1 id="invitation-title">{t("invitation.title")}</h1>
        {info === undefined && <p>{t("loading")}</p>}
        {info === null && <p role="alert">{t("link.expired")}</p>}
        {info && (
          <>
            <p>{t("invitation.to", { organization: info.organization.name })}</p>
            <p class="muted">{info.email}</p>
            <label>
              {t("field.name")}
              <input required autocomplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </label>
            <NewPassword value={password} onInput={setPassword} />
            <ErrorLine text={error} />
            <button type="submit" class="primary">
              {t("invitation.submit")}
            </button>
          </>
        )}
      </form>
    </main>
  );
}

/** When the organization requires two factors and this person has none yet. */
export function TotpSetup({ onDone, autoStart = false }: { onDone: () => void; autoStart?: boolean }) {
  const [setup, setSetup] = useState<{ secret: string; otpauth_url: string } | undefined>();
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[] | undefined>();
  const [error, setError] = useState("");
  const start = async () => setSetup(await convo.me.startTotp());
  useEffect(() => {
    if (autoStart) void start();
  }, []);
  const confirm = async (e: Event) => {
    e.preventDefault();
    try {
      const result = await convo.me.confirmTotp(code);
      setCodes(result.recovery_codes);
    } catch (err) {
      setError(words(err));
    }
  };
  return (
    <section class="totp" aria-labelledby="totp-title">
      <h2 id="totp-title">{t("totp.title")}</h2>
      {!setup && (
        <button type="button" class="primary" onClick={() => void start()}>
          {t("totp.start")}
        </button>
      )}
      {setup && !codes && (
        <form onSubmit={confirm}>
          <p>{t("totp.scan")}</p>
          <p>
            <code class="secret" aria-label={t("totp.secret")}>
              {setup.secret}
            </code>
          </p>
          <p>
            <a href={setup.otpauth_url}>{t("totp.open_app")}</a>
          </p>
          <label>
            {t("signin.code")}
            <input
              inputMode="numeric"
              autocomplete="one-time-code"
              required
              value={code}
              onInput={(e) => setCode(e.currentTarget.value.trim())}
            />
          </label>
          <ErrorLine text={error} />
          <button type="submit" class="primary">
            {t("totp.confirm")}
          </button>
        </form>
      )}
      {codes && (
        <div>
          <p>{t("totp.recovery")}</p>
          <ul class="recovery-codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button type="button" class="primary" onClick={onDone}>
            {t("totp.done")}
          </button>
        </div>
      )}
    </section>
  );
}
