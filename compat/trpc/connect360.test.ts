// Connect360's documented snippets, through the real @trpc/client (made without the router's
// type, as an integration holding only the documentation would), against `convo serve`.
// Usage: CONVO_URL=http://127.0.0.1:8080 CONVO_KEY=<admin key> node --test build/
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from "@trpc/client";

const base = process.env.CONVO_URL ?? "http://127.0.0.1:8080";
const adminKey = process.env.CONVO_KEY ?? "";

// Connect360's client type is its router's; an integration without it has `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Untyped = any;

function client(key: string, batch = false): Untyped {
  const options = { url: `${base}/trpc`, headers: { Authorization: `Bearer ${key}` } };
  return createTRPCClient<Untyped>({ links: [batch ? httpBatchLink(options) : httpLink(options)] });
}

async function rest(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const answer = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${adminKey}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${await answer.clone().text()}`);
  return (await answer.json()) as Record<string, unknown>;
}

/// The tRPC error a call failed with: its code name and HTTP status.
async function failure(call: Promise<unknown>): Promise<{ code: string; httpStatus: number }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof TRPCClientError, `not a TRPCClientError: ${String(error)}`);
    const data = (error as TRPCClientError<Untyped>).data as { code: string; httpStatus: number };
    return { code: data.code, httpStatus: data.httpStatus };
  }
  assert.fail("the call succeeded");
}

describe("Connect360 through @trpc/client", () => {
  let plato: Untyped;
  let batched: Untyped;

  before(async () => {
    const tag = Date.now().toString(36);
    await rest("POST", "/v1/channels", { type: "web", identifier: "example.com", name: "Website" }).catch(
      () => undefined, // kept from an earlier run
    );
    // An integration's key: it owns the lifecycle of what it creates, and deletes with
    // Connect360's name of the scope.
    const key = await rest("POST", "/v1/api-keys", {
      name: `connect360 ${tag}`,
      scopes: ["conversations:read", "conversations:write", "connect360:conversation:delete"],
    });
    plato = client(String(key.secret));
    batched = client(String(key.secret), true);
  });

  it("runs the documented snippets", async () => {
    // "Get or create a conversation", as documented (the page's e-mail address is shown
    // through an address-protection filter; a plain one stands in for it).
    const conversation = await plato.v1.connect.getOrCreateConversation.mutate({
      type: "DIRECT",
      customer: {
        externalId: "website_user_123",
        name: "Jane Customer",
        email: "jane@example.com",
      },
      channelIdentifier: "example.com",
      metadata: {
        source: "website-chat",
      },
    });
    assert.equal(conversation.type, "DIRECT");
    assert.equal(conversation.metadata.source, "website-chat");
    assert.equal(conversation.participants.length, 1, "the key's workspace member takes part");
    assert.equal(conversation.parentId, null);

    // Reuse: the same customer's top-level conversation comes back.
    const again = await plato.v1.connect.getOrCreateConversation.mutate({
      customer: { externalId: "website_user_123" },
    });
    assert.equal(again.id, conversation.id);

    // "Create a sub-conversation".
    const thread = await plato.v1.connect.createSubConversation.mutate({
      parentId: conversation.id,
      name: "Order #1042",
      type: "GROUP",
      customer: {
        externalId: "website_user_123",
      },
      channelIdentifier: "example.com",
    });
    assert.equal(thread.parentId, conversation.id);
    assert.equal(thread.type, "GROUP");
    assert.deepEqual(thread.channelIds, conversation.channelIds);

    // "Update a conversation": metadata is merged.
    const updated = await plato.v1.connect.updateConversation.mutate({
      id: conversation.id,
      name: "VIP customer support",
      metadata: {
        priority: "high",
      },
    });
    assert.equal(updated.name, "VIP customer support");
    assert.deepEqual(updated.metadata, { source: "website-chat", priority: "high" });

    // "List sub-conversations", then the next page with `cursor: page.nextCursor`.
    for (const name of ["Order #1043", "Order #1044"]) {
      await plato.v1.connect.createSubConversation.mutate({ parentId: conversation.id, name });
    }
    const page = await plato.v1.connect.listSubConversations.query({
      parentId: conversation.id,
      limit: 2,
    });
    assert.equal(page.items.length, 2);
    const first = page.items[0];
    assert.equal(first.name, "Order #1042");
    assert.equal(first.parentId, conversation.id);
    assert.deepEqual(first.messages, []);
    assert.ok(Array.isArray(first.participants));
    assert.deepEqual(first._count, { children: 0, messages: 0 });
    assert.equal(page.nextCursor, 2);
    const nextPage = await plato.v1.connect.listSubConversations.query({
      parentId: conversation.id,
      cursor: page.nextCursor,
      limit: 2,
    });
    assert.deepEqual(
      nextPage.items.map((c: { name: string }) => c.name),
      ["Order #1044"],
    );
    assert.equal(nextPage.nextCursor, null);
    const parent = await plato.v1.connect.getConversation.query({ id: conversation.id });
    assert.equal(parent._count.children, 3);

    // "Delete a conversation": the key needs connect360:conversation:delete.
    await plato.v1.connect.deleteConversation.mutate({
      id: thread.id,
    });
    assert.deepEqual(await failure(plato.v1.connect.getConversation.query({ id: thread.id })), {
      code: "NOT_FOUND",
      httpStatus: 404,
    });
  });

  it("batches calls over httpBatchLink, each with its own outcome", async () => {
    const made = await batched.v1.connect.getOrCreateConversation.mutate({
      customer: { externalId: `batch_${Date.now()}` },
    });
    const [found, missing, list] = await Promise.allSettled([
      batched.v1.connect.getConversation.query({ id: made.id }),
      batched.v1.connect.getConversation.query({ id: "01936b1e-0000-7000-8000-000000000000" }),
      batched.v1.connect.listSubConversations.query({ parentId: made.id }),
    ]);
    assert.equal(found.status, "fulfilled");
    assert.equal(found.status === "fulfilled" && found.value.id, made.id);
    assert.equal(missing.status, "rejected");
    assert.equal(
      missing.status === "rejected" && (missing.reason as TRPCClientError<Untyped>).data?.code,
      "NOT_FOUND",
    );
    assert.equal(list.status === "fulfilled" && list.value.items.length, 0);
    const [one, two] = await Promise.all([
      batched.v1.connect.createSubConversation.mutate({ parentId: made.id, name: "a" }),
      batched.v1.connect.createSubConversation.mutate({ parentId: made.id, name: "b" }),
    ]);
    assert.notEqual(one.id, two.id);
  });

  it("answers errors in tRPC's envelope", async () => {
    assert.deepEqual(await failure(client("convo_sk_not_a_key").v1.connect.getConversation.query({ id: "x" })), {
      code: "UNAUTHORIZED",
      httpStatus: 401,
    });
    assert.deepEqual(await failure(plato.v1.connect.getOrCreateConversation.mutate({})), {
      code: "UNPROCESSABLE_CONTENT",
      httpStatus: 422,
    });
    assert.deepEqual(await failure(plato.v1.connect.getConversation.query({ id: "not-an-id" })), {
      code: "UNPROCESSABLE_CONTENT",
      httpStatus: 422,
    });
    assert.deepEqual(await failure(plato.v1.connect.noSuchProcedure.query({})), {
      code: "NOT_FOUND",
      httpStatus: 404,
    });
    // A key without the delete scope.
    const reader = await rest("POST", "/v1/api-keys", { name: "reader", scopes: ["conversations:read"] });
    const made = await plato.v1.connect.getOrCreateConversation.mutate({ customer: { externalId: "scoped" } });
    assert.deepEqual(
      await failure(client(String(reader.secret)).v1.connect.deleteConversation.mutate({ id: made.id })),
      { code: "FORBIDDEN", httpStatus: 403 },
    );
  });
});
