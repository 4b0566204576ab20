// Working together through the SDK: drafts, canned responses, saved views, bulk changes,
// mentions and notifications, presence, and typing seen live on the stream.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Convo, type ConvoSignal } from "../src/index.js";
import { startServer, type Server } from "./server.js";

let server: Server;
let admin: Convo;

before(async () => {
  server = await startServer();
  admin = new Convo({ apiKey: server.apiKey, baseUrl: server.baseUrl });
});
after(() => server.stop());

/** A person with a key acting as them. */
async function person(name: string): Promise<{ id: string; client: Convo }> {
  const user = await admin.users.create({ name });
  const key = await admin.apiKeys.create({
    name,
    user_id: user.id,
    scopes: ["conversations:read", "conversations:write", "messages:read", "messages:write"],
  });
  return { id: user.id, client: new Convo({ apiKey: key.secret ?? "", baseUrl: server.baseUrl }) };
}

test("drafts, canned responses, saved views and bulk changes", async () => {
  const conversation = await admin.conversations.create({ name: "bulk-view-ts" });
  await admin.conversations.saveDraft(conversation.id, { content: "Dear cust" });
  assert.equal((await admin.conversations.getDraft(conversation.id)).content, "Dear cust");
  await admin.messages.create(conversation.id, { content: "Dear customer, done.", message_type: "outgoing" });
  await assert.rejects(admin.conversations.getDraft(conversation.id), { status: 404 });

  const canned = await admin.cannedResponses.create({
    short_code: "/bye",
    title: "Goodbye",
    content: "Bye {{contact.name}}, from {{agent.name}}",
  });
  assert.equal((await admin.cannedResponses.list({ q: "/by" })).data.length, 1);
  const rendered = await admin.cannedResponses.render(canned.id, conversation.id);
  assert.deepEqual(rendered.unresolved, ["contact.name"]);

  const view = await admin.views.create({ name: "Urgent", filters: { priority: "urgent", q: "bulk-view-ts" } });
  const results = await admin.conversations.bulkUpdate({ ids: [conversation.id], set: { priority: "urgent" } });
  assert.equal(results.results[0]?.status, 200);
  const listed = await admin.conversations.list({ view_id: view.id });
  assert.deepEqual(listed.data.map((c) => c.id), [conversation.id]);
  const counted = await admin.conversations.getViewsCount({ view_ids: view.id });
  assert.equal(counted.views?.[view.id], 1);
  await admin.views.delete(view.id);
});

test("a mention, presence and typing reach the other person live", async () => {
  const lan = await person("Lan");
  const minh = await person("Minh");
  const conversation = await admin.conversations.create({});
  const controller = new AbortController();
  const heard: ConvoSignal[] = [];
  const listening = (async () => {
    for await (const item of minh.client.events.stream({ signals: true, signal: controller.signal })) {
      if (item.object_name !== "signal") continue;
      const signal = item as ConvoSignal;
      heard.push(signal);
      if (heard.some((s) => s.type === "conversation.activity") && heard.some((s) => s.type === "notification.created")) {
        controller.abort();
      }
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await lan.client.conversations.reportActivity(conversation.id, "typing");
  await lan.client.messages.create(conversation.id, {
    message_type: "note",
    content: `@[Minh](user:${minh.id}) look`,
  });
  await listening;
  const typing = heard.find((s) => s.type === "conversation.activity");
  assert.equal((typing?.data as { user: { id: string } }).user.id, lan.id);
  assert.equal((await minh.client.me.get()).notifications_unread, 1);
  const page = await minh.client.notifications.list({ unread: true });
  assert.equal(page.data[0]?.type, "mention");
  assert.deepEqual(await minh.client.notifications.readAll(), { object_name: "notifications_read", read: 1, unread: 0 });
  assert.equal((await minh.client.notifications.updateSettings({ assigned: false })).assigned, false);
  assert.equal((await minh.client.notifications.settings()).assigned, false);
  assert.equal((await lan.client.me.setPresence("away")).presence, "offline", "not connected: offline");
});
