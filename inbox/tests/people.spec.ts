// People sign in: an invitation accepted in the browser, two factors set up and then asked
// for, the sessions list, signing out; every page checked by axe-core.
import { Secret, TOTP } from "otpauth";
import { customerWrites, expect, expectAccessible, makePerson, PASSWORD, test } from "./fixtures";

test("an invited person joins, turns on two factors, and signs in with them", async ({ page, admin, server }) => {
  const email = `invited.${Date.now()}@example.com`;
  const invitation = await admin.invitations.create({ email, role: "agent" });
  await page.goto(invitation.url ?? "");
  await expect(page.getByRole("heading", { name: "Join your team on convo" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Name").fill("Huong Do");
  await page.getByLabel("New password").fill(PASSWORD);
  await page.getByRole("button", { name: "Join and sign in" }).click();
  await expect(page.getByRole("search")).toBeVisible();

  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = (await page.getByLabel("Your authenticator key").textContent()) ?? "";
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" });
  await page.getByLabel("Code from your authenticator app").fill(totp.generate());
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Keep these recovery codes somewhere safe")).toBeVisible();
  await page.getByRole("button", { name: "I have kept them" }).click();
  await expect(page.getByText("On: signing in asks for a code")).toBeVisible();
  // The sessions list shows this browser.
  await expect(page.getByText("this browser")).toBeVisible();

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sign in to convo" })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not-the-password-at-all");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match.");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const code = page.getByLabel("Code from your authenticator app");
  await expect(code).toBeFocused();
  // A code is accepted once (the one that turned them on is spent): the next step's code,
  // within the one step of drift the server allows.
  await code.fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("search")).toBeVisible();
});

test("a forgotten password: the page never says whether the email has an account", async ({ page, server }) => {
  await page.goto(`${server.url}/inbox/`);
  await page.getByRole("button", { name: "Forgot your password?" }).click();
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByRole("status")).toContainText("If that email belongs to an account");
  await expectAccessible(page);
});

test("a link into the inbox survives signing in", async ({ page, admin, server }) => {
  const agent = await makePerson(admin, server, "Tuan Bui");
  const { conversationId } = await customerWrites(admin, {
    customer: "Linked Customer",
    content: "hello from a link",
    assignTo: agent.id,
  });
  await page.goto(`${server.url}/inbox/c/${conversationId}?box=open`);
  await expect(page.getByRole("heading", { name: "Sign in to convo" })).toBeVisible();
  await page.getByLabel("Email").fill(agent.email);
  await page.getByLabel("Password").fill(agent.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("log", { name: "Messages" }).getByText("hello from a link")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/inbox/c/${conversationId}\\?box=open$`));
});

test("the first admin opens the link the first start printed, chooses a password, and signs in", async ({ page, server }) => {
  expect(server.firstAdminLink).toMatch(/\/inbox\/password#token=convo_pwr_/);
  await page.goto(server.firstAdminLink);
  await expect(page.getByRole("heading", { name: "Choose a password" })).toBeVisible();
  await expectAccessible(page);
  const email = `first.admin.${Date.now()}@example.com`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("New password").fill("aaaaaaaaaaaa");
  await page.getByRole("button", { name: "Save the password" }).click();
  await expect(page.getByRole("alert")).toContainText("That password is too easy to guess.");
  await page.getByLabel("New password").fill(PASSWORD);
  await page.getByRole("button", { name: "Save the password" }).click();
  await expect(page.getByRole("status")).toHaveText("Your password is saved. Sign in with it now.");
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("link", { name: /Settings · team/ })).toBeVisible();
  // The link was for once.
  await page.goto(server.firstAdminLink);
  await expect(page.getByRole("alert")).toHaveText("This link has expired or was already used. Ask for a new one.");
});
