// A long conversation stays light: the history pages backwards as one scrolls up, and the DOM
// holds a bounded window of messages however many there are. Files also come by drag and
// drop and by paste.
import { customerWrites, expect, makePerson, signIn, test } from "./fixtures";

const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

test("600 messages: paged backwards as one scrolls up, at most a window of them in the DOM", async ({ page, admin, server }) => {
  const agent = await makePerson(admin, server, "Quynh Vo");
  const { conversationId } = await customerWrites(admin, { customer: "Long Talker", content: "message 1", assignTo: agent.id });
  for (let batch = 0; batch < 599; batch += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, 599 - batch) }, (_, i) =>
        admin.messages.create(conversationId, { content: `message ${batch + i + 2}`, message_type: "incoming" }),
      ),
    );
  }
  await signIn(page, server, agent);
  await page.goto(`${server.url}/inbox/c/${conversationId}`);
  const history = page.getByRole("log", { name: "Messages" });
  await expect(history.locator(".message").last()).toBeVisible();
  const rendered = () => history.locator(".message").count();
  expect(await rendered()).toBeLessThanOrEqual(120);

  // Scroll to the top until the conversation's start shows; the window never grows past 120.
  let most = 0;
  for (let i = 0; i < 100 && !(await history.getByText("The conversation starts here.").isVisible()); i++) {
    await history.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.waitForTimeout(60);
    most = Math.max(most, await rendered());
  }
  await expect(history.getByText("message 1", { exact: true })).toBeVisible();
  expect(most).toBeLessThanOrEqual(120);

  // A message that arrives while the person reads old ones does not pull them down.
  const before = await history.evaluate((el) => el.scrollTop);
  await admin.messages.create(conversationId, { content: "a new one", message_type: "incoming" });
  await page.waitForTimeout(500);
  expect(Math.abs((await history.evaluate((el) => el.scrollTop)) - before)).toBeLessThan(5);

  // And back down to the newest.
  for (let i = 0; i < 100 && !(await history.getByText("a new one").isVisible()); i++) {
    await history.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.waitForTimeout(60);
  }
  await expect(history.getByText("a new one")).toBeVisible();
  expect(await rendered()).toBeLessThanOrEqual(120);
});

test("files by drag and drop and by paste", async ({ page, admin, server }) => {
  const agent = await makePerson(admin, server, "Son Ha");
  const { conversationId } = await customerWrites(admin, { customer: "Dropper", content: "see attached?", assignTo: agent.id });
  await signIn(page, server, agent);
  await page.goto(`${server.url}/inbox/c/${conversationId}`);
  const composer = page.getByRole("form", { name: "Write a message" });
  const bytes = [...PIXEL];
  await composer.evaluate((form, data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], "dropped.png", { type: "image/png" }));
    form.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, bytes);
  await page.getByRole("combobox", { name: "Reply to the customer" }).evaluate((area, data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], "pasted.png", { type: "image/png" }));
    area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, bytes);
  const files = page.getByRole("list", { name: "Files to send" });
  await expect(files.getByText(/dropped\.png/)).toBeVisible();
  await expect(files.getByText(/pasted\.png/)).toBeVisible();
  await expect(files.getByText("uploading…")).toHaveCount(0);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const history = page.getByRole("log", { name: "Messages" });
  await expect(history.getByRole("img", { name: "dropped.png" })).toBeVisible();
  await expect(history.getByRole("img", { name: "pasted.png" })).toBeVisible();
  const stored = await admin.messages.list(conversationId, { limit: 10 });
  expect(stored.data.at(-1)?.attachments.map((a) => a.name)).toEqual(["dropped.png", "pasted.png"]);
});
