// The developer console in a real browser: Debian's chromium driven by
// playwright-core opens the page, finds the handlers and their routes, fills
// the try-it form built from a handler's input schema, and sees the answer;
// a failure shows in the recent errors and the counts follow the metrics.
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsApp } from "./test-app.js";

let s: ReturnType<typeof docsApp>;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  s = docsApp();
  await s.app.start();
  base = `http://127.0.0.1:${s.http.port}`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.app.stop();
});

describe("the docs page in chromium", () => {
  it("renders Swagger UI from the router's own assets, with an operation per route", async () => {
    const requested: string[] = [];
    page.on("request", (r) => void requested.push(r.url()));
    await page.goto(`${base}/docs`);
    await page.locator(".opblock-summary-path", { hasText: "/users/{id}" }).waitFor();
    expect(await page.locator(".opblock-summary-path").allTextContents()).toEqual(
      expect.arrayContaining(["/greet", "/users/{id}", "/sum", "/ping"]),
    );
    page.removeAllListeners("request");
    // Nothing came from elsewhere: every request went to the app.
    expect(requested.filter((u) => !u.startsWith(base))).toEqual([]);
  });
});

describe("the developer console in chromium", () => {
  it("lists the handlers with every route reaching each, on each router", async () => {
    await page.goto(`${base}/console`);
    const greet = page.locator('[data-handler="greet"]');
    await greet.waitFor();
    expect(await page.locator(".handler").evaluateAll((els) => els.map((e) => e.getAttribute("data-handler")))).toEqual([
      "greet",
      "ping",
      "sum",
      "user.get",
    ]);
    expect(await greet.locator(".route").allTextContents()).toEqual(["http POST /greet", "ws greet"]);
    expect(await greet.locator(".desc").textContent()).toBe("Says hello. Greets in English or Chinese.");
    expect(await page.locator('[data-handler="ping"] .route').allTextContents()).toEqual(["http GET /ping"]);
    expect(await page.locator("#breakers tr").allTextContents()).toEqual(["user.getclosed"]);
  });

  it("builds a form from the input schema, invokes the handler and shows the answer", async () => {
    await page.locator('[data-handler="greet"] button.try').click();
    const form = page.locator('form.try-form[data-handler="greet"]');
    await form.waitFor();
    // Prefilled from the handler's first example; the enum is a select.
    expect(await form.locator('input[name="name"]').inputValue()).toBe("wego");
    expect(await form.locator('select[name="lang"]').inputValue()).toBe('"zh"');
    await form.locator('input[name="name"]').fill("Ada");
    await form.locator('select[name="lang"]').selectOption('"en"');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => form.locator("pre.answer").textContent()).toContain('"greeting": "hello, Ada"');
    expect(await form.locator("pre.answer").textContent()).toMatch(/^200\n/);
    // The call went through the HTTP route and the metrics filter: the count shows it.
    await expect
      .poll(() => page.locator('[data-handler="greet"] .calls').textContent(), { timeout: 5000 })
      .toMatch(/^1 calls · 0 errors · mean [\d.]+ ms/);
  });

  it("shows a refusal and lists it among the recent errors", async () => {
    const form = page.locator('form.try-form[data-handler="greet"]');
    await form.locator('input[name="name"]').fill("boom");
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => form.locator("pre.answer").textContent()).toContain('"code": "failed_precondition"');
    await expect.poll(() => page.locator("#errors").textContent(), { timeout: 5000 }).toContain("no booms here");
    expect(await page.locator("#errors").textContent()).toContain("http POST /greet");
  });

  it("invokes a schema-less handler with a JSON input", async () => {
    await page.locator('[data-handler="ping"] button.try').click();
    const form = page.locator('form.try-form[data-handler="ping"]');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => form.locator("pre.answer").textContent()).toContain('"data": "pong"');
    if (process.env.WEGO_CONSOLE_SCREENSHOT) {
      await page.locator('[data-handler="greet"] button.try').click();
      await page.locator('form.try-form[data-handler="greet"] input[name="name"]').fill("Ada");
      await page.locator('form.try-form[data-handler="greet"] select[name="lang"]').selectOption('"en"');
      await page.locator('form.try-form[data-handler="greet"] button[type="submit"]').click();
      await page.locator('form.try-form[data-handler="greet"] pre.answer').filter({ hasText: "greeting" }).waitFor();
      await page.waitForTimeout(2200);
      await page.screenshot({ path: process.env.WEGO_CONSOLE_SCREENSHOT, fullPage: true });
    }
  });
});
