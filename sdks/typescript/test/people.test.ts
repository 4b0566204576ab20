// People sign in through the SDK: an admin invites, the person accepts and is signed in,
// writes carry the CSRF token, two factors, sign-out, the audit log.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Convo } from "../src/index.js";
import { startServer, type Server } from "./server.js";

let server: Server;
let admin: Convo;

before(async () => {
  server = await startServer();
  admin = new Convo({ apiKey: server.apiKey, baseUrl: server.baseUrl });
});
after(() => server.stop());

const PASSWORD = "tulip-orbit-cascade-91";

test("an invited person signs in, works, and signs out", async () => {
  const invitation = await admin.invitations.create({ email: "linh@example.com", name: "Linh" });
  assert.ok(invitation.token?.startsWith("convo_inv_"));
  const person = new Convo({ baseUrl: server.baseUrl });
  assert.equal((await person.invitations.get(invitation.token ?? "")).email, "linh@example.com");
  const session = await person.invitations.accept(invitation.token ?? "", { name: "Linh", password: PASSWORD });
  assert.equal(session.user.email, "linh@example.com");
  assert.equal((await person.me.get()).authenticated_by, "session");
  // Writes carry the session's CSRF token.
  const created = await person.conversations.create({ name: "from the SDK" });
  assert.equal(created.name, "from the SDK");
  await person.sessions.signOut();
  await assert.rejects(person.me.get(), { status: 401 });

  const again = new Convo({ baseUrl: server.baseUrl });
  await assert.rejects(again.sessions.create({ email: "linh@example.com", password: "wrong-password-1" }), {
    status: 401,
    code: "invalid_credentials",
  });
  const signedIn = await again.sessions.create({ email: "LINH@example.com", password: PASSWORD });
  assert.ok(signedIn.csrf_token);
  assert.equal((await again.sessions.current()).id, signedIn.id);
  assert.equal((await again.sessions.list()).data.length, 1);
  const setup = await again.me.startTotp();
  assert.ok(setup.otpauth_url.startsWith("otpauth://totp/"));
  await assert.rejects(again.me.confirmTotp("000000"), (error: { status?: number; code?: string }) =>
    // A wrong code; in one case in a million the code really is 000000.
    error.status === 422 && error.code === "invalid_code",
  );
  await again.me.disableTotp(PASSWORD);
  assert.equal((await again.me.update({ locale: "vi" })).locale, "vi");

  await again.passwordResets.request("nobody@example.com");
  await assert.rejects(again.passwordResets.get("convo_pwr_unknown"), { status: 404 });
  const log = await admin.auditLog.list({ action: "invitation.accepted" });
  assert.equal(log.data.length, 1);
  assert.equal((await admin.invitations.list()).data.length, 0);
  const other = await admin.invitations.create({ email: "tam@example.com" });
  await admin.invitations.delete(other.id);
  assert.match(again.sessions.oidcLoginUrl(), /\/auth\/oidc\/login$/);
  assert.match(again.sessions.oidcCallbackUrl(), /\/auth\/oidc\/callback$/);
  const sessionId = (await again.sessions.current()).id;
  await again.sessions.delete(sessionId);
  await assert.rejects(again.me.get(), { status: 401 });
});
