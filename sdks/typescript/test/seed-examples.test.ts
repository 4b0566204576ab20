// The documentation's examples, as written there, against a real server: the conversation
// methods (`client.conversations.*`) and Connect360's procedures.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Convo } from "../src/index.js";
import { startServer, type Server } from "./server.js";

let server: Server;
let client: Convo;
const ids = { channel_id: "", contact_id: "", bu_id: "", agent_user_id: "" };

before(async () => {
  server = await startServer();
  client = new Convo({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  const channel = await client.channels.create({ type: "web", identifier: "example.com" });
  const contact = await client.contacts.create({ external_id: "customer_000", name: "John Customer" });
  const agent = await client.users.create({ name: "Agent Smith", email: "smith@example.com" });
  ids.channel_id = channel.id;
  ids.contact_id = contact.id;
  ids.bu_id = channel.business_unit_id;
  ids.agent_user_id = agent.id;
});
after(() => server.stop());

test("the conversation methods, as the documentation calls them", async () => {
  const conversation = await client.conversations.create({
    channel_id: ids.channel_id,
    contact_id: ids.contact_id,
  });
  assert.match(conversation.id, /\S/);
  const conversation_id = conversation.id;
  await client.conversations.updateName({ conversation_id, name: "billing: VIP Support Thread" });
  await client.messages.create(conversation_id, { content: "I need a refund request for my billing", message_type: "incoming" });

  const page = await client.conversations.list({ type: "open", q: "billing", limit: 20, skip: 0 });
  for (const conv of page.data) {
    console.log(conv.id, conv.name, conv.status);
  }
  assert.deepEqual(page.data.map((conv) => [conv.id, conv.name, conv.status]), [
    [conversation_id, "billing: VIP Support Thread", "open"],
  ]);
  assert.equal(page.has_more, false);

  const results = await client.conversations.search({ businessUnitId: ids.bu_id, q: "refund request", limit: 10 });
  assert.deepEqual(results.data.map((hit) => hit.id), [conversation_id]);

  const joined = await client.conversations.join({ conversation_id });
  assert.equal(joined.users.length, 1);
  const users = await client.conversations.getInvitableUsers(conversation_id);
  for (const u of users) {
    console.log(u._id, u.name);
  }
  assert.deepEqual(users.map((u) => [u._id, u.name]), [[ids.agent_user_id, "Agent Smith"]]);
  const assigned = await client.conversations.assignTeamMember({ conversation_id, user_id: ids.agent_user_id });
  assert.ok(assigned.users.some((u) => u.id === ids.agent_user_id));
  const removed = await client.conversations.removeTeamMember({ conversation_id, user_id: ids.agent_user_id });
  assert.ok(!removed.users.some((u) => u.id === ids.agent_user_id));
  const left = await client.conversations.leave({ conversation_id });
  assert.deepEqual(left.users, []);

  const counts = await client.conversations.getViewsCount({ type: "open" });
  console.log(counts);
  assert.equal(counts.all, 1);

  const result = await client.conversations.initVideoCall({ conversation_id });
  console.log(result.conversation);
  assert.equal(result.conversation.id, conversation_id);
  assert.match(result.video_call.join_url, /^https?:\/\//);

  await client.conversations.updateStatus({ conversation_id, status: "resolved" });
  const byPublicId = await client.conversations.getByConversationId(conversation.public_id);
  console.log(byPublicId.id, byPublicId.status);
  assert.deepEqual([byPublicId.id, byPublicId.status], [conversation_id, "resolved"]);
  assert.equal((await client.conversations.get(conversation_id)).name, "billing: VIP Support Thread");
});

test("Connect360's procedures, with their camelCase inputs", async () => {
  const conversation = await client.conversations.getOrCreateConversation({
    type: "DIRECT",
    customer: { externalId: "website_user_123", name: "Jane Customer", email: "jane@example.com" },
    channelIdentifier: "example.com",
    metadata: { source: "website-chat" },
  });
  const customer = await client.contacts.get(conversation.customerId ?? "");
  assert.equal(customer.external_id, "website_user_123");
  const again = await client.conversations.getOrCreateConversation({ customerId: customer.id });
  assert.equal(again.id, conversation.id);

  const thread = await client.conversations.createSubConversation({
    parentId: conversation.id,
    name: "Order #1042",
    type: "GROUP",
    customer: { externalId: "website_user_123" },
    channelIdentifier: "example.com",
  });
  assert.equal(thread.parentId, conversation.id);

  const updated = await client.conversations.updateConversation({
    id: conversation.id,
    name: "VIP customer support",
    metadata: { priority: "high" },
  });
  assert.deepEqual(updated.metadata, { source: "website-chat", priority: "high" });

  const page = await client.conversations.listSubConversations({ parentId: conversation.id, limit: 30 });
  assert.deepEqual(page.items.map((item) => [item.id, item.name, item._count.messages]), [[thread.id, "Order #1042", 0]]);
  assert.equal(page.nextCursor, null);
  const nextPage = await client.conversations.listSubConversations({
    parentId: conversation.id,
    cursor: page.nextCursor,
    limit: 30,
  });
  assert.equal(nextPage.items.length, 1);

  assert.equal((await client.conversations.getConversation({ id: thread.id })).name, "Order #1042");
  await client.conversations.deleteConversation({ id: thread.id });
  await assert.rejects(client.conversations.get(thread.id), { name: "ConvoError", status: 404, code: "not_found" });
});
