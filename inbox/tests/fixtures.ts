// What every browser test shares: a `convo serve` of its own (one per worker), an admin
// client of the API, and the people and customers a story needs.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test as base, expect, type Browser, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { Convo } from "../../sdks/typescript/src/index.js";

export interface Server {
  url: string;
  apiKey: string;
  /** The one-time link the first start printed for the first admin to choose a password. */
  firstAdminLink: string;
  stop(): Promise<void>;
}

const ADMIN_KEY = "convo_sk_inbox_browser_suite_0123456789";
export const PASSWORD = "lantern-harbor-violet-42";

export async function startServer(): Promise<Server> {
  const binary = process.env.CONVO_BIN;
  if (!binary) throw new Error("set CONVO_BIN to the convo binary");
  const dir = mkdtempSync(join(tmpdir(), "convo-inbox-"));
  const port = await freePort();
  const database = process.env.INBOX_DATABASE_URL || join(dir, "convo.db");
  const child: ChildProcess = spawn(
    binary,
    [
      "serve",
      "--listen",
      `127.0.0.1:${port}`,
      "--database",
      database,
      "--storage",
      join(dir, "files"),
      "--sign-in-limit",
      "0",
      "--anonymous-rate-limit",
      "0",
      "--rate-limit",
      "0",
    ],
    { env: { ...process.env, CONVO_ADMIN_KEY: ADMIN_KEY, RUST_LOG: "warn" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  // What the server prints goes on to the suite's output; the first start's link is kept.
  let printed = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    printed += chunk.toString();
    process.stderr.write(chunk);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      if (i > 600) throw new Error("convo serve did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    apiKey: ADMIN_KEY,
    get firstAdminLink() {
      return /(http:\/\/\S+\/inbox\/password#token=\S+)/.exec(printed)?.[1] ?? "";
    },
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export const test = base.extend<object, { server: Server; admin: Convo }>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.stop();
    },
    { scope: "worker" },
  ],
  admin: [async ({ server }, use) => use(new Convo({ apiKey: server.apiKey, baseUrl: server.url })), { scope: "worker" }],
});
export { expect };

let people = 0;

export interface Person {
  id: string;
  name: string;
  email: string;
  password: string;
}

/** A person of the organization with a password (invited, and the invitation accepted). */
export async function makePerson(admin: Convo, server: Server, name: string, role: "agent" | "admin" = "agent"): Promise<Person> {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, ".")}.${Date.now()}.${people++}@example.com`;
  const invitation = await admin.invitations.create({ email, name, role });
  const client = new Convo({ baseUrl: server.url });
  const session = await client.invitations.accept(invitation.token ?? "", { name, password: PASSWORD });
  return { id: session.user.id, name, email, password: PASSWORD };
}

/** Signs a person in through the sign-in page, as they would. */
export async function signIn(page: Page, server: Server, person: Person): Promise<void> {
  await page.goto(`${server.url}/inbox/`);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("search")).toBeVisible();
}

/** A browser context of its own (another person, another device). */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

/** A customer's conversation with their first message, as a channel integration makes it. */
export async function customerWrites(
  admin: Convo,
  options: { customer: string; content: string; assignTo?: string; name?: string },
): Promise<{ conversationId: string; contactId: string }> {
  const contact = await admin.contacts.create({ name: options.customer, email: `${Date.now()}.${people++}@customer.example` });
  const conversation = await admin.conversations.create({
    contact_id: contact.id,
    name: options.name ?? options.customer,
    member_ids: options.assignTo ? [options.assignTo] : undefined,
  });
  await admin.messages.create(conversation.id, { content: options.content, message_type: "incoming" });
  return { conversationId: conversation.id, contactId: contact.id };
}

/** axe-core finds no serious or critical violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`)).toEqual([]);
}
