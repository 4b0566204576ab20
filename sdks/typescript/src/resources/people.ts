import type { BodyOf, Http, QueryOf, ResultOf } from "../http.js";
import { OPERATIONS } from "../generated/operations.js";

/** Signing in and out, and the acting user's sessions (their devices). */
export class Sessions {
  constructor(private readonly http: Http) {}

  /**
   * Signs a person in: from now on this client acts as them (the session cookie, and the CSRF
   * token on writes). A wrong email or password is `invalid_credentials`; with two factors on,
   * `totp_required` until `totp` (or a `recovery_code`) is sent.
   */
  async create(body: BodyOf<"createSession">): Promise<ResultOf<"createSession">> {
    const response = await this.http.send("createSession", { body });
    const session = (await response.json()) as ResultOf<"createSession">;
    this.http.useSession(session.csrf_token ?? "", sessionCookie(response));
    return session;
  }

  /**
   * The session of this client, with its CSRF token, which later writes then carry (so a page
   * loaded with a session cookie already set can write).
   */
  async current(): Promise<ResultOf<"getCurrentSession">> {
    const session = await this.http.call("getCurrentSession");
    if (session.csrf_token) this.http.useCsrfToken(session.csrf_token);
    return session;
  }

  /** Signs out: the session ends on the server. */
  async signOut(): Promise<void> {
    await this.http.call("deleteCurrentSession");
    this.http.endSession();
  }

  list(params?: QueryOf<"listSessions">): Promise<ResultOf<"listSessions">> {
    return this.http.call("listSessions", { query: params });
  }

  /** Ends one of the acting user's sessions. */
  delete(id: string): Promise<ResultOf<"deleteSession">> {
    return this.http.call("deleteSession", { path: { id } });
  }

  /** Where a browser goes to sign in with the configured OpenID provider. */
  oidcLoginUrl(): string {
    return this.http.url(OPERATIONS["startOidcSignIn"].path);
  }

  /** Where the provider sends the browser back (register it at the provider). */
  oidcCallbackUrl(): string {
    return this.http.url(OPERATIONS["finishOidcSignIn"].path);
  }
}

/** `convo_session=...` of a sign-in answer, where the runtime shows it (not in browsers). */
function sessionCookie(response: Response): string | undefined {
  const headers = response.headers as Headers & { getSetCookie?: () => string[] };
  const all = headers.getSetCookie?.() ?? [response.headers.get("set-cookie") ?? ""];
  const cookie = all.find((value) => value.startsWith("convo_session="));
  return cookie?.split(";")[0];
}

/** The acting user's own profile, password and two factors. */
export class Me {
  constructor(private readonly http: Http) {}

  get(): Promise<ResultOf<"getMe">> {
    return this.http.call("getMe");
  }

  /** Name, avatar, locale; a new `password` needs `current_password`. */
  update(body: BodyOf<"updateMe">): Promise<ResultOf<"updateMe">> {
    return this.http.call("updateMe", { body });
  }

  /** A new TOTP secret; two factors are on after `confirmTotp`. */
  startTotp(): Promise<ResultOf<"startTotp">> {
    return this.http.call("startTotp");
  }

  /** Turns two factors on with a code from the app; answers ten recovery codes, once. */
  confirmTotp(code: string): Promise<ResultOf<"confirmTotp">> {
    return this.http.call("confirmTotp", { body: { code } });
  }

  disableTotp(password: string): Promise<ResultOf<"disableTotp">> {
    return this.http.call("disableTotp", { body: { password } });
  }

  /** `away`, `busy` or `offline` hold while connected; `online` lets open streams decide. */
  setPresence(status: BodyOf<"setPresence">["status"]): Promise<ResultOf<"setPresence">> {
    return this.http.call("setPresence", { body: { status } });
  }
}

/** Password-reset links: no key needed. */
export class PasswordResets {
  constructor(private readonly http: Http) {}

  /** Asks for a link mailed to `email` (always accepted: the answer tells nothing). */
  request(email: string): Promise<ResultOf<"requestPasswordReset">> {
    return this.http.call("requestPasswordReset", { body: { email } });
  }

  get(token: string): Promise<ResultOf<"getPasswordReset">> {
    return this.http.call("getPasswordReset", { path: { token } });
  }

  /** Sets the password with a link's token; every session of the person ends. */
  complete(token: string, body: BodyOf<"completePasswordReset">): Promise<ResultOf<"completePasswordReset">> {
    return this.http.call("completePasswordReset", { path: { token }, body });
  }
}

/** Invitations of people to the organization. */
export class Invitations {
  constructor(private readonly http: Http) {}

  /** Invites a person (admins); the answer holds the link's `url` and `token`, once. */
  create(body: BodyOf<"createInvitation">): Promise<ResultOf<"createInvitation">> {
    return this.http.call("createInvitation", { body });
  }

  list(params?: QueryOf<"listInvitations">): Promise<ResultOf<"listInvitations">> {
    return this.http.call("listInvitations", { query: params });
  }

  /** Revokes an invitation. */
  delete(id: string): Promise<ResultOf<"deleteInvitation">> {
    return this.http.call("deleteInvitation", { path: { id } });
  }

  /** What a link's token invites to (no key needed). */
  get(token: string): Promise<ResultOf<"getInvitation">> {
    return this.http.call("getInvitation", { path: { id: token } });
  }

  /** Accepts with a name and a password: this client then acts as the new person. */
  async accept(token: string, body: BodyOf<"acceptInvitation">): Promise<ResultOf<"acceptInvitation">> {
    const response = await this.http.send("acceptInvitation", { path: { token }, body });
    const session = (await response.json()) as ResultOf<"acceptInvitation">;
    this.http.useSession(session.csrf_token ?? "", sessionCookie(response));
    return session;
  }
}

/** The organization's audit log (admins), newest first. */
export class AuditLog {
  constructor(private readonly http: Http) {}

  list(params?: QueryOf<"listAuditLog">): Promise<ResultOf<"listAuditLog">> {
    return this.http.call("listAuditLog", { query: params });
  }
}
