// The rest of the surface against a real server: every resource, errors, retries, idempotency,
// paging, the live stream and webhooks.
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { after, before, test } from "node:test";
import { Convo, ConvoConnectionError, ConvoError, ConvoTimeoutError, verifyWebhook, type ConvoEvent } from "../src/index.js";
import { startServer, type Server } from "./server.js";

let server: Server;
let client: Convo;
let channelId = "";
let contactId = "";

before(async () => {
  server = await startServer();
  client = new Convo({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  channelId = (await client.channels.create({ type: "sms", identifier: "+15550100" })).id;
  contactId = (await client.contacts.create({ name: "Surface Customer", phone: "+15550199" })).id;
});
after(() => server.stop());

/** A fetch that records each request's headers and can fail chosen attempts. */
function recordingFetch(fail: (attempt: number) => Response | Error | undefined) {
  const seen: Headers[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    seen.push(new Headers(init?.headers));
    const failure = fail(seen.length);
    if (failure instanceof Error) {
      await fetch(input, init); // the request reaches the server; only its answer is lost
      throw failure;
    }
    return failure ?? fetch(input, init);
  };
  return { seen, fetch: wrapped };
}

test("errors carry the problem: status, code, detail, errors", async () => {
  const missing = await client.conversations.get("00000000-0000-0000-0000-000000000000").catch((e: unknown) => e);
  assert.ok(missing instanceof ConvoError);
  assert.deepEqual([missing.status, missing.code], [404, "not_found"]);
  const invalid = await client.contacts.create({ name: "x", email: "not an email" }).catch((e: unknown) => e);
  assert.ok(invalid instanceof ConvoError);
  assert.equal(invalid.status, 422);
  assert.ok(invalid.errors.some((error) => error.field === "email"), JSON.stringify(invalid.problem));
  const stranger = new Convo({ apiKey: "convo_sk_nobody_0000000000000000", baseUrl: server.baseUrl });
  await assert.rejects(stranger.conversations.list(), { status: 401, code: "unauthorized" });
  const key = await client.apiKeys.create({ name: "reader", scopes: ["conversations:read"] });
  const reader = new Convo({ apiKey: key.secret ?? "", baseUrl: server.baseUrl });
  await assert.rejects(reader.contacts.create({ name: "no" }), { status: 403, code: "missing_scope" });
  await assert.rejects(client.connect.call("trpcGetConversation", { id: "00000000-0000-0000-0000-000000000000" }), {
    status: 404,
    code: "not_found",
  });
});

test("a creating POST carries one Idempotency-Key across retries, so a lost answer creates once", async () => {
  const { seen, fetch } = recordingFetch((attempt) => (attempt === 1 ? new TypeError("socket hang up") : undefined));
  const flaky = new Convo({ apiKey: server.apiKey, baseUrl: server.baseUrl, fetch });
  const created = await flaky.conversations.create({ channel_id: channelId, contact_id: contactId, name: "once" });
  assert.equal(seen.length, 2);
  const keys = seen.map((headers) => headers.get("idempotency-key"));
  assert.match(keys[0] ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(keys[0], keys[1]);
  assert.match(seen[0]?.get("user-agent") ?? "", /^convo-typescript\/\d+\.\d+\.\d+$/);
  const named = await client.conversations.list({ q: "once" });
  assert.deepEqual(named.data.map((c) => c.id), [created.id]);
});

test("a message sent again with the key of a send whose answer was lost is stored once", async () => {
  const conversation = await client.conversations.create({ name: "sent once" });
  const key = "inbox-send-0001";
  const first = await client.messages.create(conversation.id, { content: "just once" }, { idempotencyKey: key });
  const again = await client.messages.create(conversation.id, { content: "just once" }, { idempotencyKey: key });
  assert.equal(again.id, first.id);
  const stored = await client.messages.list(conversation.id);
  assert.deepEqual(stored.data.map((m) => m.content), ["just once"]);
});

test("the stream says when it is open and reopens a connection that went quiet", async () => {
  const states: string[] = [];
  const controller = new AbortController();
  // The server's heartbeat comes every 15 s: a 300 ms idle limit makes every connection "dead".
  const stream = client.events.stream({ signal: controller.signal, idleTimeoutMs: 300, onState: (s) => states.push(s) });
  const reading = (async () => {
    for await (const _ of stream) void _;
  })();
  const started = Date.now();
  while (states.filter((s) => s === "open").length < 2 && Date.now() - started < 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  controller.abort();
  await reading;
  assert.deepEqual(states.slice(0, 3), ["open", "reconnecting", "open"]);
});

test("429 and 503 are retried after Retry-After; other errors are not", async () => {
  const busy = recordingFetch((attempt) =>
    attempt === 1 ? new Response("{}", { status: 429, headers: { "retry-after": "0" } }) : undefined,
  );
  const patient = new Convo({ apiKey: server.apiKey, baseUrl: server.baseUrl, fetch: busy.fetch });
  assert.equal((await patient.contacts.get(contactId)).id, contactId);
  assert.equal(busy.seen.length, 2);
  const down = recordingFetch(() => new Response("{}", { status: 503, headers: { "retry-after": "0" } }));
  const limited = new Convo({ apiKey: server.apiKey, baseUrl: server.baseUrl, fetch: down.fetch, maxRetries: 2 });
  await assert.rejects(limited.contacts.get(contactId), { status: 503 });
  assert.equal(down.seen.length, 3);
});

test("a request past its timeout fails with ConvoTimeoutError", async () => {
  const never: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
  const slow = new Convo({ apiKey: server.apiKey, baseUrl: server.baseUrl, fetch: never, timeoutMs: 20, maxRetries: 0 });
  await assert.rejects(slow.contacts.get(contactId), ConvoTimeoutError);
});

test("iterate follows the cursor over every page", async () => {
  const created = [];
  for (let i = 0; i < 5; i++) created.push((await client.contacts.create({ name: `paged ${i}`, external_id: `paged-${i}` })).id);
  const seen = [];
  for await (const contact of client.contacts.iterate({ limit: 2 })) seen.push(contact.id);
  for (const id of created) assert.ok(seen.includes(id));
  assert.equal(new Set(seen).size, seen.length);
});

test("directory resources: create, get, update, list, delete", async () => {
  const unit = await client.businessUnits.create({ name: "Support EU" });
  assert.equal((await client.businessUnits.update(unit.id, { name: "Support Europe" })).name, "Support Europe");
  assert.equal((await client.businessUnits.get(unit.id)).name, "Support Europe");
  assert.ok((await client.businessUnits.list()).data.some((u) => u.id === unit.id));
  const channel = await client.channels.create({ type: "email", identifier: "help@example.com", business_unit_id: unit.id });
  assert.equal((await client.channels.update(channel.id, { name: "Help desk" })).name, "Help desk");
  assert.equal((await client.channels.get(channel.id)).business_unit_id, unit.id);
  assert.ok((await client.channels.list({ identifier: "help@example.com" })).data.length === 1);
  await client.channels.delete(channel.id);
  await client.businessUnits.delete(unit.id);
  const user = await client.users.create({ name: "Temp", email: "temp@example.com" });
  assert.equal((await client.users.update(user.id, { name: "Temporary" })).name, "Temporary");
  assert.equal((await client.users.get(user.id)).email, "temp@example.com");
  assert.ok((await client.users.list()).data.some((u) => u.id === user.id));
  await client.users.delete(user.id);
  const contact = await client.contacts.create({ name: "Gone soon" });
  assert.equal((await client.contacts.update(contact.id, { name: "Going" })).name, "Going");
  await client.contacts.delete(contact.id);
  await assert.rejects(client.contacts.get(contact.id), { status: 404 });
  const key = await client.apiKeys.create({ name: "temp", scopes: ["conversations:read"] });
  assert.equal((await client.apiKeys.update(key.id, { name: "renamed" })).name, "renamed");
  assert.equal((await client.apiKeys.get(key.id)).name, "renamed");
  assert.ok((await client.apiKeys.list()).data.some((k) => k.id === key.id));
  await client.apiKeys.delete(key.id);
  const org = await client.organizations.create({ name: "Second Org" });
  assert.ok((await client.organizations.list()).data.some((o) => o.id === org.organization.id));
  assert.equal((await client.health()).status, "ok");
  assert.equal((await client.readiness()).status, "ready");
});

test("conversations and messages: update, sub-conversations, events, delete", async () => {
  const parent = await client.conversations.getOrCreate({ customer_id: contactId, channel_ids: [channelId] });
  const child = await client.conversations.createChild(parent.id, { name: "Order #7" });
  assert.deepEqual((await client.conversations.listChildren(parent.id)).data.map((c) => c.id), [child.id]);
  assert.deepEqual((await client.conversations.update(child.id, { metadata: { a: 1 } })).metadata, { a: 1 });
  const message = await client.messages.create(parent.id, { content: "hello", message_type: "incoming" });
  assert.equal((await client.messages.get(message.id)).content, "hello");
  assert.equal((await client.messages.update(message.id, { content: "hello!" })).content, "hello!");
  const listed = [];
  for await (const m of client.messages.iterate(parent.id, { limit: 1 })) listed.push(m.id);
  assert.deepEqual(listed, [message.id]);
  assert.deepEqual((await client.messages.list(parent.id)).data.map((m) => m.id), [message.id]);
  await client.messages.delete(message.id);
  const log = await client.events.listForConversation(parent.id);
  assert.ok(log.data.some((e) => e.type === "message.deleted"));
  await client.conversations.delete(child.id);
  await assert.rejects(client.conversations.get(child.id), { status: 404 });
});

test("the inbox: a handoff to the team accepted by a human, labels and priority", async () => {
  const bot = await client.users.create({ name: "Surface Bot", kind: "ai_agent" });
  const key = await client.apiKeys.create({
    name: "bot",
    scopes: ["conversations:read", "conversations:write", "messages:write"],
    user_id: bot.id,
  });
  const asBot = new Convo({ apiKey: key.secret ?? "", baseUrl: server.baseUrl });
  const conversation = await client.conversations.create({ member_ids: [bot.id], priority: "high" });
  const pending = await asBot.conversations.handoff(conversation.id, { to: { type: "human" }, reason: "refund" });
  assert.equal(pending.handoff?.reason, "refund");
  assert.equal((await client.conversations.getViewsCount({ handoff_pending: true })).all, 1);
  const taken = await client.conversations.acceptHandoff(conversation.id);
  assert.equal(taken.control.type, "human");
  const refused = await asBot.messages.create(conversation.id, { content: "me too" }).catch((e: unknown) => e);
  assert.ok(refused instanceof ConvoError);
  assert.deepEqual([refused.status, refused.code], [409, "not_in_control"]);
  assert.equal((await asBot.messages.create(conversation.id, { content: "forced", force: true })).content, "forced");

  const label = await client.labels.create({ name: "Needs reply/soon", color: "#00aa00" });
  assert.deepEqual((await client.conversations.addLabels(conversation.id, ["needs reply/soon"])).labels, [label.name]);
  const labeled = await client.conversations.list({ labels: "NEEDS REPLY/SOON", order: "priority" });
  assert.deepEqual(labeled.data.map((c) => c.id), [conversation.id]);
  assert.deepEqual((await client.conversations.removeLabel(conversation.id, label.name)).labels, []);
  await client.labels.delete(label.id);
});

test("reply times, read markers, receipts, transfers and merged contacts", async () => {
  const unit = await client.businessUnits.create({ name: "Surface transfers" });
  const conversation = await client.conversations.create({});
  const asked = await client.messages.create(conversation.id, { content: "hello?", message_type: "incoming" });
  const waiting = await client.conversations.list({ order: "waiting_since" });
  assert.ok(waiting.data.some((c) => c.id === conversation.id && c.waiting_since === asked.created_at));
  assert.equal((await client.conversations.get(conversation.id)).unread_count, 1);
  assert.equal((await client.conversations.markRead(conversation.id)).unread_count, 0);
  const seen = await client.conversations.markRead(conversation.id, { contact: true });
  assert.equal(seen.contact_read?.message_id, asked.id);

  const reply = await client.messages.create(conversation.id, { content: "on it", status: "pending" });
  await client.messages.update(reply.id, { status: "delivered" });
  const late = await client.messages.update(reply.id, { status: "sent" });
  assert.equal(late.status, "delivered");
  await client.messages.update(reply.id, { status: "failed", error: { code: "30007", message: "filtered" } });
  const failed = await client.messages.list(conversation.id, { status: "failed", message_type: "outgoing" });
  assert.deepEqual(failed.data.map((m) => m.id), [reply.id]);

  const moved = await client.conversations.update(conversation.id, { business_unit_id: unit.id });
  assert.equal(moved.business_unit_id, unit.id);

  const sms = await client.contacts.create({ phone: "+84 90 222 3333" });
  const email = await client.contacts.create({ name: "Phạm Thu", email: "thu@example.com", external_id: "email:thu" });
  assert.deepEqual((await client.contacts.list({ q: "pham thu" })).data.map((c) => c.id), [email.id]);
  const merged = await client.contacts.merge(sms.id, email.id);
  assert.equal(merged.name, "Phạm Thu");
  assert.deepEqual((await client.contacts.list({ external_id: "email:thu" })).data.map((c) => c.id), [sms.id]);
  await assert.rejects(client.contacts.get(email.id), { status: 404 });
});

test("Connect360 batches: each call answers on its own", async () => {
  const conversation = await client.conversations.getOrCreateConversation({ customerId: contactId });
  const outcomes = await client.connect.batchQuery([
    { procedure: "v1.connect.getConversation", input: { id: conversation.id } },
    { procedure: "v1.connect.getConversation", input: { id: "00000000-0000-0000-0000-000000000000" } },
  ]);
  assert.equal(outcomes[0]?.ok, true);
  assert.ok(outcomes[1] && !outcomes[1].ok && outcomes[1].error.status === 404);
  const mutations = await client.connect.batchMutation([
    { procedure: "v1.connect.updateConversation", input: { id: conversation.id, name: "batched" } },
  ]);
  assert.equal(mutations[0]?.ok, true);
  assert.equal((await client.conversations.get(conversation.id)).name, "batched");
});

test("the admin API v2 and VoIPbin's resource", async () => {
  const admin = await client.admin.conversations.create({ topic: "AI run" });
  assert.equal(admin.status, "running");
  assert.equal((await client.admin.conversations.update(admin.id, { topic: "AI run 2" })).topic, "AI run 2");
  assert.equal((await client.admin.conversations.updateStatus(admin.id, { status: "completed" })).status, "completed");
  assert.equal((await client.admin.conversations.get(admin.id)).topic, "AI run 2");
  assert.ok((await client.admin.conversations.list({ page_size: 50 })).data.some((c) => c.id === admin.id));
  assert.deepEqual((await client.admin.conversations.listMessages(admin.id)).data, []);
  await client.admin.conversations.delete(admin.id);

  const voip = await client.voipbin.conversations.create({ name: "call", account_id: channelId });
  assert.equal((await client.voipbin.conversations.update(voip.id, { name: "call 2" })).name, "call 2");
  assert.equal((await client.voipbin.conversations.get(voip.id)).name, "call 2");
  const sent = await client.voipbin.conversations.createMessage(voip.id, { text: "hi", medias: [] });
  assert.equal(sent.text, "hi");
  assert.equal((await client.voipbin.conversations.listMessages(voip.id)).result.length, 1);
  assert.ok((await client.voipbin.conversations.list({ page_size: 100 })).result.some((c) => c.id === voip.id));
  assert.notEqual((await client.voipbin.conversations.delete(voip.id)).tm_delete, "9999-01-01 00:00:00.000000");
});

test("the live stream: events in order, resumed after a drop without loss or repeat", async () => {
  const conversation = await client.conversations.create({ channel_id: channelId, contact_id: contactId });
  let opened = 0;
  // The first connection is cut after its first event; the SDK must reopen with Last-Event-ID.
  const cutting: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    opened++;
    if (opened > 1 || !response.body) return response;
    let events = 0;
    const cut = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (new TextDecoder().decode(chunk).includes("data:") && ++events === 1) controller.error(new Error("dropped"));
      },
    });
    return new Response(response.body.pipeThrough(cut), { status: response.status, headers: response.headers });
  };
  const streaming = new Convo({ apiKey: server.apiKey, baseUrl: server.baseUrl, fetch: cutting });
  const controller = new AbortController();
  const received: ConvoEvent[] = [];
  const done = (async () => {
    for await (const event of streaming.events.stream({ conversation_id: conversation.id, signal: controller.signal })) {
      received.push(event);
      if (received.length === 3) controller.abort();
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const text of ["one", "two", "three"]) await client.messages.create(conversation.id, { content: text, message_type: "outgoing" });
  await done;
  assert.ok(opened >= 2, `the stream was reopened (${opened})`);
  assert.deepEqual(received.map((e) => e.type), ["message.created", "message.created", "message.created"]);
  const ids = received.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.equal(new Set(ids).size, 3);
});

test("webhooks: deliveries verify with the endpoint's secret; replay and rotation", async () => {
  const deliveries: { body: string; headers: IncomingHttpHeaders }[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      deliveries.push({ body, headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    const hook = await client.webhooks.create({ url: `http://127.0.0.1:${port}/hook`, event_types: ["conversation.created"] });
    assert.equal((await client.webhooks.update(hook.id, { active: true })).active, true);
    assert.equal((await client.webhooks.get(hook.id)).url, hook.url);
    assert.ok((await client.webhooks.list()).data.some((w) => w.id === hook.id));
    await client.conversations.create({ channel_id: channelId, contact_id: contactId, name: "Webhook conversation" });
    for (let i = 0; i < 100 && deliveries.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const first = deliveries[0];
    assert.ok(first, "a delivery arrived");
    const event = verifyWebhook(first.body, first.headers as Record<string, string>, hook.secret ?? "");
    assert.equal(event.type, "conversation.created");
    assert.throws(() => verifyWebhook(first.body.replace("Webhook conversation", "Forged"), first.headers as Record<string, string>, hook.secret ?? ""));
    const attempts = await client.webhooks.listDeliveries(hook.id);
    const delivery = attempts.data[0];
    assert.ok(delivery);
    await client.webhooks.replayDelivery(hook.id, delivery.id);
    const rotated = await client.webhooks.rotateSecret(hook.id);
    assert.notEqual(rotated.secret, hook.secret ?? "");
    await client.webhooks.delete(hook.id);
  } finally {
    receiver.close();
  }
});

test("attachments: bytes, a Blob, a stream and a file from disk; sent with a message; read back", async () => {
  const { mkdtemp, writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const text = new TextEncoder().encode("Hóa đơn 42\n".repeat(50));
  const fromBytes = await client.attachments.upload(text, { filename: "invoice.txt" });
  assert.equal(fromBytes.content_type, "text/plain");
  assert.equal(fromBytes.size, text.byteLength);
  const fromBlob = await client.attachments.upload(new Blob([text], { type: "text/plain" }), { filename: "b.txt" });
  assert.equal(fromBlob.sha256, fromBytes.sha256);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(text.subarray(0, 100));
      controller.enqueue(text.subarray(100));
      controller.close();
    },
  });
  const fromStream = await client.attachments.upload(stream, { filename: "s.txt" });
  assert.equal(fromStream.size, text.byteLength);
  const dir = await mkdtemp(join(tmpdir(), "convo-ts-"));
  const path = join(dir, "report.pdf");
  await writeFile(path, "%PDF-1.4\n%%EOF\n");
  const fromPath = await client.attachments.uploadPath(path);
  assert.deepEqual([fromPath.filename, fromPath.content_type], ["report.pdf", "application/pdf"]);

  const conversation = await client.conversations.create({ contact_id: contactId });
  const message = await client.messages.create(conversation.id, { content: "files", attachments: [{ id: fromBytes.id }, { id: fromPath.id }] });
  assert.deepEqual(message.attachments.map((a) => a.name), ["invoice.txt", "report.pdf"]);
  const link = message.attachments[0]!.url;
  assert.deepEqual(new Uint8Array(await (await fetch(link)).arrayBuffer()), text);
  assert.deepEqual(await client.attachments.content(fromBytes.id), text);
  assert.equal((await client.attachments.get(fromBytes.id)).unused, false);
});

test("an unreachable server is a ConvoConnectionError, after the retries", async () => {
  // Nothing listens on port 9 of this machine: refused at once, retried, then reported.
  const unreachable = new Convo({ apiKey: "convo_sk_nobody_00000000000", baseUrl: "http://127.0.0.1:9", maxRetries: 1 });
  const error = await unreachable.contacts.list().catch((e: unknown) => e);
  assert.ok(error instanceof ConvoConnectionError, String(error));
  assert.ok(error instanceof ConvoError);
  assert.equal(error.status, 0);
  assert.equal(error.code, "connection_failed");
  assert.ok((error as Error & { cause?: unknown }).cause instanceof Error);
});
