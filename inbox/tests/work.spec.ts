// A day's work in the inbox: replies, notes with mentions, canned responses, files, the
// stale-reply guard between two agents, handoffs, labels, priority, snooze, resolve-and-next,
// search in Vietnamese without accents, bulk actions and the keyboard.
import { customerWrites, expect, expectAccessible, makePerson, newPage, signIn, test } from "./fixtures";

const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

test("reply, a note that mentions a colleague, a canned response and an image", async ({ page, browser, admin, server }) => {
  const an = await makePerson(admin, server, "An Vu");
  const bao = await makePerson(admin, server, "Bao Ho");
  await admin.cannedResponses.create({
    short_code: `refund${Date.now() % 100000}`,
    title: "Refund timing",
    content: "Hi {{contact.name}}, refunds arrive within 5 days.",
  });
  await customerWrites(admin, { customer: "Chi Dang", content: "Where is my refund?", assignTo: an.id });
  const baoPage = await newPage(browser);
  await signIn(baoPage, server, bao);

  await signIn(page, server, an);
  await page.getByRole("link", { name: /Chi Dang/ }).click();
  const history = page.getByRole("log", { name: "Messages" });
  const reply = page.getByRole("combobox", { name: "Reply to the customer" });

  // A canned response on "/", filled in for this customer.
  await reply.fill("/refund");
  await expect(page.getByRole("listbox", { name: "Canned responses" })).toBeVisible();
  await reply.press("Enter");
  await expect(reply).toHaveValue("Hi Chi Dang, refunds arrive within 5 days.");
  await reply.press("Enter");
  await expect(history.getByText("Hi Chi Dang, refunds arrive within 5 days.")).toBeVisible();
  await expect(reply).toHaveValue("");

  // A note with a mention: Bao's tab hears of it.
  await page.getByRole("radio", { name: "Note" }).check();
  const note = page.getByRole("combobox", { name: "Internal note" });
  await note.fill("Checking with @Ba");
  await expect(page.getByRole("option", { name: "@Bao Ho" })).toBeVisible();
  await note.press("Enter");
  await note.press("End");
  await note.pressSequentially("can you look?");
  await note.press("Enter");
  await expect(history.getByText("can you look?")).toBeVisible();
  await expect(history.locator(".message-note .mention")).toHaveText("@Bao Ho");
  await expect(baoPage.getByRole("button", { name: "Notifications, 1 unread" })).toBeVisible();
  await expect(baoPage).toHaveTitle(/^\(1\) /);
  await baoPage.getByRole("button", { name: "Notifications, 1 unread" }).click();
  await baoPage.getByRole("button", { name: /An Vu mentioned you/ }).click();
  await expect(baoPage.getByRole("log", { name: "Messages" }).getByText("can you look?")).toBeVisible();

  // A file by the picker: uploaded, sent, and the image shown from its signed link.
  await page.getByRole("radio", { name: "Reply" }).check();
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Attach" }).click();
  await (await chooser).setFiles({ name: "receipt.png", mimeType: "image/png", buffer: PIXEL });
  await expect(page.getByRole("list", { name: "Files to send" }).getByText(/receipt\.png/)).toBeVisible();
  await expect(page.getByRole("list", { name: "Files to send" }).getByText("uploading…")).toHaveCount(0);
  await page.getByRole("combobox", { name: "Reply to the customer" }).fill("Here is your receipt");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const image = history.getByRole("img", { name: "receipt.png" });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await expectAccessible(page);
  await baoPage.context().close();
});

test("two agents answer at once: the second is told new messages arrived, and chooses", async ({
  page,
  browser,
  admin,
  server,
}) => {
  const first = await makePerson(admin, server, "Dung Phan");
  const second = await makePerson(admin, server, "Giang Lam");
  const { conversationId } = await customerWrites(admin, { customer: "Hoa Mai", content: "Is my order shipped?" });
  const other = await newPage(browser);
  // The second agent's live updates are held back, as on a slow connection.
  await other.route("**/v1/events/stream*", () => undefined);
  await signIn(other, server, second);
  await other.goto(`${server.url}/inbox/c/${conversationId}?box=open`);
  const otherReply = other.getByRole("combobox", { name: "Reply to the customer" });
  await expect(other.getByRole("log", { name: "Messages" }).getByText("Is my order shipped?")).toBeVisible();

  await signIn(page, server, first);
  await page.goto(`${server.url}/inbox/c/${conversationId}?box=open`);
  await page.getByRole("combobox", { name: "Reply to the customer" }).fill("Yes, it left today.");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByRole("log", { name: "Messages" }).getByText("Yes, it left today.")).toBeVisible();

  await otherReply.fill("Let me check for you.");
  await other.getByRole("button", { name: "Send", exact: true }).click();
  await expect(other.getByRole("alert")).toContainText("New messages arrived (1)");
  await other.getByRole("button", { name: "Review them" }).click();
  await expect(other.getByRole("log", { name: "Messages" }).getByText("Yes, it left today.")).toBeVisible();
  await expect(otherReply).toHaveValue("Let me check for you.");
  await other.getByRole("button", { name: "Send", exact: true }).click();
  await expect(other.getByRole("log", { name: "Messages" }).getByText("Let me check for you.")).toBeVisible();
  const messages = await admin.messages.list(conversationId, { limit: 10 });
  expect(messages.data.map((m) => m.content)).toEqual(["Is my order shipped?", "Yes, it left today.", "Let me check for you."]);
  await other.context().close();
});

test("a handoff is taken; labels, priority and snooze; resolve goes to the next", async ({ page, admin, server }) => {
  const agent = await makePerson(admin, server, "Khanh Ly");
  const bot = await admin.users.create({ name: "Helper Bot", kind: "ai_agent" });
  const label = `vip${Date.now() % 100000}`;
  await admin.labels.create({ name: label, color: "#b42318" });
  const handed = await admin.conversations.create({ name: "Wants a person", member_ids: [bot.id] });
  await admin.messages.create(handed.id, { content: "I want to talk to a human", message_type: "incoming" });
  await admin.conversations.handoff(handed.id, { to: { type: "human" }, reason: "asked for a person" });

  await signIn(page, server, agent);
  await page.getByRole("link", { name: /Handoff waiting/ }).click();
  await page.getByRole("link", { name: /Wants a person/ }).click();
  await page.getByRole("button", { name: "Take it" }).click();
  await expect(page.getByText("Answered by: A person")).toBeVisible();
  await expect(page.getByRole("button", { name: "Take it" })).toHaveCount(0);

  // Labels by the keyboard (l), priority, snooze (s).
  await page.getByRole("log", { name: "Messages" }).focus();
  await page.keyboard.press("l");
  const dialog = page.getByRole("dialog", { name: "Labels" });
  await dialog.getByRole("checkbox", { name: label }).check();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("list", { name: "Labels" }).getByText(label)).toBeVisible();
  await page.getByRole("combobox", { name: "Priority" }).selectOption("urgent");
  await expect(page.getByRole("combobox", { name: "Priority" })).toHaveValue("urgent");
  await page.getByRole("log", { name: "Messages" }).focus();
  await page.keyboard.press("s");
  await page.getByRole("dialog", { name: "Snooze" }).getByRole("button", { name: "Until tomorrow" }).click();
  await expect(page.locator(".conversation-title .status")).toHaveText("Snoozed");
  const stored = await admin.conversations.get(handed.id);
  expect(stored.labels).toContain(label);
  expect(stored.priority).toBe("urgent");
  expect(stored.status).toBe("snoozed");

  // Resolve and go to the next of the list.
  const a = await customerWrites(admin, { customer: "Resolve First", content: "one", assignTo: agent.id });
  const b = await customerWrites(admin, { customer: "Resolve Second", content: "two", assignTo: agent.id });
  await page.getByRole("link", { name: /^Mine/ }).click();
  await page.getByRole("link", { name: /Resolve Second/ }).click();
  await page.getByRole("button", { name: "Resolve, next" }).click();
  await expect(page).toHaveURL(new RegExp(`/inbox/c/${a.conversationId}`));
  await expect(page.getByRole("link", { name: /Resolve Second/ })).toHaveCount(0);
  expect((await admin.conversations.get(b.conversationId)).status).toBe("resolved");
});

test("search in Vietnamese without accents finds and highlights; bulk resolve; the keyboard", async ({ page, admin, server }) => {
  const agent = await makePerson(admin, server, "Lan Chau");
  await customerWrites(admin, { customer: "Nam Tran", content: "Tôi muốn đổi địa chỉ giao hàng", assignTo: agent.id });
  const one = await customerWrites(admin, { customer: "Bulk One", content: "x", assignTo: agent.id });
  const two = await customerWrites(admin, { customer: "Bulk Two", content: "y", assignTo: agent.id });
  await signIn(page, server, agent);

  await page.keyboard.press("/");
  await expect(page.getByRole("searchbox", { name: "Search conversations" })).toBeFocused();
  await page.keyboard.type("doi dia chi");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Results for “doi dia chi”" })).toBeVisible();
  const hit = page.getByRole("link", { name: /Nam Tran/ });
  await expect(hit.locator("mark").first()).toBeVisible();
  await expect(hit.locator("mark").first()).toHaveText(/đổi|địa|chỉ/);
  await expectAccessible(page);

  await page.getByRole("link", { name: /^Mine/ }).click();
  await page.getByRole("checkbox", { name: "Select Bulk One" }).check();
  await page.getByRole("checkbox", { name: "Select Bulk Two" }).check();
  await page.getByRole("toolbar", { name: "Actions on 2 selected" }).getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByRole("link", { name: /Bulk One/ })).toHaveCount(0);
  expect((await admin.conversations.get(one.conversationId)).status).toBe("resolved");
  expect((await admin.conversations.get(two.conversationId)).status).toBe("resolved");

  // j moves to the first conversation, Enter opens it; ? lists the keys; Ctrl+K runs by name.
  await page.locator("body").click();
  await page.keyboard.press("j");
  await expect(page.getByRole("link", { name: /Nam Tran/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("log", { name: "Messages" })).toBeVisible();
  await page.getByRole("log", { name: "Messages" }).focus();
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+k");
  await page.getByRole("combobox", { name: "Type a command" }).fill("resolved");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Resolved", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: /Bulk Two/ })).toBeVisible();
});

test("a colleague typing and viewing; the customer panel merges and makes sub-conversations; a saved view; a transfer", async ({
  page,
  browser,
  admin,
  server,
}) => {
  const me = await makePerson(admin, server, "Nhung Ta");
  const colleague = await makePerson(admin, server, "Phuc Mac");
  const sales = await admin.businessUnits.create({ name: `Sales ${Date.now() % 100000}` });
  const { conversationId, contactId } = await customerWrites(admin, {
    customer: "Thao Kim",
    content: "Can I change plans?",
    assignTo: me.id,
  });
  const duplicate = await admin.contacts.create({ name: "Thao K.", email: `thao.${Date.now()}@customer.example` });
  await signIn(page, server, me);
  await page.goto(`${server.url}/inbox/c/${conversationId}`);

  // The colleague opens it and types: both show here.
  const other = await newPage(browser);
  await signIn(other, server, colleague);
  await other.goto(`${server.url}/inbox/c/${conversationId}?box=open`);
  await other.getByRole("combobox", { name: "Reply to the customer" }).pressSequentially("Sure, which plan");
  await expect(page.getByText("Phuc Mac typing…").first()).toBeVisible();
  await expect(page.getByText("Also here: Phuc Mac")).toBeVisible();
  await other.context().close();

  // The customer panel: details, merge a duplicate record by email, a sub-conversation.
  await page.getByRole("button", { name: "Details" }).click();
  const panel = page.getByRole("complementary", { name: "Customer" });
  await expect(panel.getByText("Thao Kim")).toBeVisible();
  await panel.getByLabel("Merge another record of this customer").fill(duplicate.email ?? "");
  await panel.getByRole("button", { name: "Merge" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Merged." })).toBeVisible();
  await expect(admin.contacts.get(duplicate.id)).rejects.toMatchObject({ status: 404 });
  await panel.getByLabel("New sub-conversation").fill("Plan change #1");
  await panel.getByRole("button", { name: "Create" }).click();
  await expect(panel.getByRole("link", { name: /Plan change #1/ })).toBeVisible();
  expect((await admin.conversations.listChildren(conversationId)).data.map((c) => c.name)).toEqual(["Plan change #1"]);
  expect((await admin.contacts.get(contactId)).id).toBe(contactId);
  await expectAccessible(page);

  // A saved view of the open list, filtered to urgent: named, listed, counted.
  await admin.conversations.update(conversationId, { priority: "urgent" });
  await page.goto(`${server.url}/inbox/?box=open&priority=urgent`);
  await page.getByRole("button", { name: "Save as view" }).click();
  await page.getByRole("dialog", { name: "Save as view" }).getByLabel("Name of the view").fill("Urgent ones");
  await page.getByRole("dialog", { name: "Save as view" }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "Urgent ones", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: /Urgent ones/ })).toContainText("1");
  await expect(page.getByRole("region", { name: "Urgent ones" }).getByRole("link", { name: /Thao Kim/ })).toBeVisible();

  // Transfer to another business unit.
  await page
    .getByRole("region", { name: "Urgent ones" })
    .getByRole("link", { name: /Thao Kim/ })
    .click();
  await page.getByRole("combobox", { name: "Transfer to…" }).selectOption({ label: sales.name });
  await expect(page.getByRole("status").filter({ hasText: "Transferred." })).toBeVisible();
  expect((await admin.conversations.get(conversationId)).business_unit_id).toBe(sales.id);
});

test("a send whose answer is lost is tried again with its key, and stored once", async ({ page, admin, server }) => {
  const agent = await makePerson(admin, server, "Vy Dinh");
  const { conversationId } = await customerWrites(admin, { customer: "Weak Signal", content: "hello?", assignTo: agent.id });
  await signIn(page, server, agent);
  await page.goto(`${server.url}/inbox/c/${conversationId}`);
  // The send reaches the server, but its answer is lost on the way back, for the first try and
  // the client's own retries (three attempts); the person's "Try again" gets through.
  const keys: string[] = [];
  await page.route(`**/v1/conversations/${conversationId}/messages`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    keys.push((await route.request().headerValue("idempotency-key")) ?? "");
    if (keys.length > 3) return route.continue();
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.getByRole("combobox", { name: "Reply to the customer" }).fill("We are on it");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("Sending again will not send it twice");
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("log", { name: "Messages" }).getByText("We are on it")).toHaveCount(1);
  const stored = await admin.messages.list(conversationId, { limit: 10 });
  expect(stored.data.map((m) => m.content)).toEqual(["hello?", "We are on it"]);
  expect(keys.length).toBe(4);
  expect(new Set(keys).size).toBe(1);
});
