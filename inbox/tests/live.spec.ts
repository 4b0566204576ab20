// Live and never missing anything: a customer's message appears without reload, and a tab
// that went offline shows every message sent meanwhile once, in order.
import { customerWrites, expect, expectAccessible, makePerson, signIn, test } from "./fixtures";

test("a customer message posted through the API appears in an open inbox without reload", async ({ page, admin, server }) => {
  const agent = await makePerson(admin, server, "Mai Tran");
  const { conversationId } = await customerWrites(admin, {
    customer: "Quang Le",
    content: "Xin chào, tôi cần giúp đỡ",
    assignTo: agent.id,
  });
  await signIn(page, server, agent);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  const row = page.getByRole("link", { name: /Quang Le/ });
  await expect(row).toBeVisible();
  await row.click();
  const history = page.getByRole("log", { name: "Messages" });
  await expect(history.getByText("Xin chào, tôi cần giúp đỡ")).toBeVisible();
  await expectAccessible(page);

  await admin.messages.create(conversationId, { content: "Are you there?", message_type: "incoming" });
  await expect(history.getByText("Are you there?")).toBeVisible();
});

test("a tab offline for 10 s shows every message sent meanwhile, once, in order", async ({ page, admin, server }) => {
  const agent = await makePerson(admin, server, "Offline Olga");
  const { conversationId } = await customerWrites(admin, { customer: "Patient Pat", content: "first", assignTo: agent.id });
  await signIn(page, server, agent);
  await page.getByRole("link", { name: /Patient Pat/ }).click();
  const history = page.getByRole("log", { name: "Messages" });
  await expect(history.getByText("first")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();

  await page.context().setOffline(true);
  await expect(page.getByRole("status").filter({ hasText: "Offline" })).toBeVisible();
  for (let i = 1; i <= 5; i++) {
    await admin.messages.create(conversationId, { content: `while away ${i}`, message_type: "incoming" });
  }
  await page.waitForTimeout(10_000);
  await page.context().setOffline(false);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible({ timeout: 20_000 });
  await expect(history.getByText("while away 5")).toBeVisible();
  const texts = await history.locator(".message .content").allTextContents();
  expect(texts).toEqual(["first", "while away 1", "while away 2", "while away 3", "while away 4", "while away 5"]);
});
