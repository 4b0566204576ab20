// What a person waits for in the inbox, measured on a large organization:
// - the JavaScript and CSS sent for the first screen (compressed, as sent);
// - signing in to a rendered list (a page of 50 read, the rows that fit the window drawn);
// - a message posted through the API to its appearance in another browser's open conversation;
// - opening a 10,000-message conversation, and scrolling up through it (long tasks).
import { writeFileSync } from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { Convo } from "../../sdks/typescript/src/index.js";

const url = process.env.CONVO_URL ?? "";
const apiKey = process.env.CONVO_API_KEY ?? "";
const out = process.env.BENCH_OUT ?? "../target/bench-inbox/inbox.json";
const PASSWORD = "lantern-harbor-violet-42";

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function signIn(page: Page, email: string, path = "/inbox/?box=open"): Promise<number> {
  await page.goto(`${url}${path}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  const started = Date.now();
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll(".rows li").length >= 10, undefined, {
    polling: "raf",
    timeout: 60_000,
  });
  return Date.now() - started;
}

async function fresh(browser: Browser): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
}

test("the inbox on a large organization", async ({ browser }) => {
  expect(url && apiKey, "set CONVO_URL and CONVO_API_KEY").toBeTruthy();
  const admin = new Convo({ apiKey, baseUrl: url });
  const email = `bench.${Date.now()}@example.com`;
  const invitation = await admin.invitations.create({ email, name: "Bench Person", role: "admin" });
  await new Convo({ baseUrl: url }).invitations.accept(invitation.token ?? "", { name: "Bench Person", password: PASSWORD });
  const report: Record<string, unknown> = { conversations: (await admin.conversations.getViewsCount({})).all };

  // 1. The first screen's JavaScript and CSS, compressed as the server sends them.
  const first = await fresh(browser);
  const sent: { url: string; type: string; bytes: number }[] = [];
  first.on("requestfinished", async (request) => {
    const type = request.resourceType();
    if (type !== "script" && type !== "stylesheet") return;
    const sizes = await request.sizes();
    sent.push({ url: request.url(), type, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
  });
  await signIn(first, email);
  // The stream stays open, so the network never idles: what loads for the first screen has by now.
  await first.waitForTimeout(1_000);
  report["first_screen_bytes"] = sent.reduce((sum, s) => sum + s.bytes, 0);
  report["first_screen_files"] = sent.map((s) => `${s.url.replace(url, "")} ${s.bytes} B`);
  await first.context().close();

  // 2. Sign-in to a rendered list of 20, each time in a new browser context (assets cached
  // only as a returning person's browser would have them: the first run is cold).
  const signIns: number[] = [];
  let requests: string[] = [];
  for (let i = 0; i < 15; i++) {
    const page = await fresh(browser);
    signIns.push(await signIn(page, email));
    // Where the time went, the last time: each API call's start and length after the click.
    requests = await page.evaluate(() => {
      const entries = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const click = entries.find((e) => e.name.includes("/v1/sessions"))?.startTime ?? 0;
      return entries
        .filter((e) => e.name.includes("/v1/") && e.startTime >= click)
        .map((e) => `+${Math.round(e.startTime - click)} ms ${Math.round(e.duration)} ms ${e.name.replace(location.origin, "")}`);
    });
    await page.context().close();
  }
  report["sign_in_to_list_ms"] = {
    p50: percentile(signIns, 50),
    max: Math.max(...signIns),
    runs: signIns,
    last_run_requests: requests,
  };

  // 3. A message posted through the API, to its appearance in an open conversation.
  const contact = await admin.contacts.create({ name: "Latency Customer" });
  const conversation = await admin.conversations.create({ contact_id: contact.id, name: "Latency" });
  await admin.messages.create(conversation.id, { content: "start", message_type: "incoming" });
  const watcher = await fresh(browser);
  await signIn(watcher, email);
  await watcher.goto(`${url}/inbox/c/${conversation.id}`);
  await watcher.getByRole("log", { name: "Messages" }).getByText("start", { exact: true }).waitFor();
  await watcher.getByRole("status").filter({ hasText: "Live" }).waitFor();
  await watcher.evaluate(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { seen: Record<string, number> }).seen = seen;
    new MutationObserver(() => {
      for (const node of document.querySelectorAll(".message .content")) {
        const text = node.textContent ?? "";
        if (text.startsWith("latency ") && !(text in seen)) seen[text] = Date.now();
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  const posted: Record<string, number> = {};
  for (let i = 0; i < 200; i++) {
    const text = `latency ${i}`;
    posted[text] = Date.now();
    await admin.messages.create(conversation.id, { content: text, message_type: "incoming" });
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await watcher.waitForFunction(() => Object.keys((window as unknown as { seen: object }).seen).length >= 200, undefined, {
    timeout: 60_000,
  });
  const seen = await watcher.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen);
  const latencies = Object.entries(posted).map(([text, at]) => (seen[text] ?? NaN) - at);
  report["message_to_screen_ms"] = {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
  };
  await watcher.context().close();

  // 4. A 10,000-message conversation: opened from the list, then scrolled up through.
  const longName = `Ten thousand ${Date.now()}`;
  const long = await admin.conversations.create({ contact_id: contact.id, name: longName });
  for (let sent = 0; sent < 10_000; sent += 100) {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        admin.messages.create(long.id, {
          content: `line ${sent + i + 1} of a long conversation`,
          message_type: i % 3 ? "incoming" : "outgoing",
        }),
      ),
    );
  }
  const reader = await fresh(browser);
  await signIn(reader, email);
  const opens: number[] = [];
  for (let i = 0; i < 5; i++) {
    await reader.goto(`${url}/inbox/?box=open`);
    await reader.waitForFunction(() => document.querySelectorAll(".rows li").length >= 10);
    const row = reader.getByRole("link", { name: new RegExp(longName) });
    const started = Date.now();
    await row.click();
    await reader.waitForFunction(() => document.querySelectorAll(".message").length > 20, undefined, { polling: "raf" });
    opens.push(Date.now() - started);
  }
  report["open_10k_conversation_ms"] = { p50: percentile(opens, 50), max: Math.max(...opens), runs: opens };
  const scrolling = await reader.evaluate(async () => {
    const tasks: number[] = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration))).observe({ type: "longtask" });
    const history = document.querySelector(".history") as HTMLElement;
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const started = performance.now();
    let frames = 0;
    while (frames < 1500 && !document.querySelector(".history-start")) {
      history.scrollTop = Math.max(0, history.scrollTop - 400);
      await frame();
      frames++;
    }
    const messages = document.querySelectorAll(".message").length;
    return {
      frames,
      seconds: (performance.now() - started) / 1000,
      longTasks: tasks.length,
      longest: Math.max(0, ...tasks),
      domMessages: messages,
    };
  });
  report["scroll_up_10k"] = scrolling;
  await reader.context().close();

  writeFileSync(out, JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report, null, 2));
});
