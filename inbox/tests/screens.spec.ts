// The main screens as people see them: light and dark, Arabic (mirrored), and 360 px wide.
// Each is checked by axe-core and saved as a picture (docs/inbox/ when INBOX_SCREENSHOTS is
// set to that folder, else the test output).
import { join } from "node:path";
import { customerWrites, expect, expectAccessible, makePerson, signIn, test } from "./fixtures";

const folder = process.env.INBOX_SCREENSHOTS ?? join(import.meta.dirname, "../../target/inbox-screens");

test("the main screens: light, dark, Arabic and 360 px", async ({ page, browser, admin, server }) => {
  const agent = await makePerson(admin, server, "Linh Nguyen");
  await admin.labels.create({ name: "billing", color: "#1d4ed8" }).catch(() => undefined);
  const first = await customerWrites(admin, {
    customer: "Minh Pham",
    content: "Tôi chưa nhận được hoàn tiền cho đơn hàng #4411",
    assignTo: agent.id,
  });
  await admin.messages.create(first.conversationId, { content: "Chào anh Minh, em kiểm tra ngay ạ.", message_type: "outgoing" });
  await admin.messages.create(first.conversationId, {
    content: "Refund was approved on Friday; checking the payout.",
    message_type: "note",
  });
  await admin.conversations.addLabels(first.conversationId, ["billing"]);
  await admin.conversations.update(first.conversationId, { priority: "high" });
  await customerWrites(admin, { customer: "Sara Haddad", content: "مرحبا، أين طلبي؟", assignTo: agent.id });
  await customerWrites(admin, { customer: "Wei Zhang", content: "我的订单什么时候发货？", assignTo: agent.id });

  await signIn(page, server, agent);
  await page.getByRole("link", { name: /Minh Pham/ }).click();
  await expect(page.getByRole("log", { name: "Messages" }).getByText("Chào anh Minh")).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: join(folder, "inbox-light.png") });

  const dark = await browser.newContext({ colorScheme: "dark", viewport: { width: 1280, height: 800 } });
  const darkPage = await dark.newPage();
  await signIn(darkPage, server, agent);
  await darkPage.getByRole("link", { name: /Minh Pham/ }).click();
  await expect(darkPage.getByRole("log", { name: "Messages" }).getByText("Chào anh Minh")).toBeVisible();
  await expectAccessible(darkPage);
  await darkPage.screenshot({ path: join(folder, "inbox-dark.png") });

  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const phonePage = await phone.newPage();
  await signIn(phonePage, server, agent);
  await expect(phonePage.getByRole("link", { name: /Minh Pham/ })).toBeVisible();
  await phonePage.screenshot({ path: join(folder, "inbox-360-list.png") });
  await phonePage.getByRole("link", { name: /Minh Pham/ }).click();
  await expect(phonePage.getByRole("combobox", { name: "Reply to the customer" })).toBeVisible();
  // The less used actions fold behind "More".
  await expect(phonePage.getByRole("button", { name: "Labels" })).toBeHidden();
  await phonePage.getByRole("button", { name: "More" }).click();
  await expect(phonePage.getByRole("button", { name: "Labels" })).toBeVisible();
  await phonePage.getByRole("button", { name: "More" }).click();
  const width = await phonePage.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  await expectAccessible(phonePage);
  await phonePage.screenshot({ path: join(folder, "inbox-360-conversation.png") });
  // Arabic: chosen in the settings, kept for the person; the layout mirrors.
  await page.getByRole("link", { name: /Settings/ }).click();
  await page.getByLabel("Language").selectOption("ar");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await page.getByRole("link", { name: "محادثاتي" }).click();
  await page.getByRole("link", { name: /Sara Haddad/ }).click();
  await expect(page.getByRole("log", { name: "الرسائل" }).getByText("مرحبا، أين طلبي؟")).toBeVisible();
  const list = await page.getByRole("region", { name: "محادثاتي" }).boundingBox();
  const conversation = await page.locator(".conversation").boundingBox();
  expect(list && conversation && list.x > conversation.x).toBe(true);
  await expectAccessible(page);
  await page.screenshot({ path: join(folder, "inbox-arabic.png") });

  await dark.close();
  await phone.close();
});
