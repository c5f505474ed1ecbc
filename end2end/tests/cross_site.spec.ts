import { test, expect } from '@playwright/test';
import { ACCOUNTS, PASSWORD, hydrated, login } from './helpers';

// A page on another site, served by the browser itself for this test.
const EVIL = 'http://evil.test';

async function evilPage(html: string, context: import('@playwright/test').BrowserContext) {
  await context.route(`${EVIL}/**`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  const page = await context.newPage();
  await page.goto(`${EVIL}/`);
  return page;
}

test('a page on another site cannot sign a visitor in with its own account', async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const page = await evilPage(
    `<form id="f" method="post" action="${baseURL}/forms/login">
       <input name="phone" value="${ACCOUNTS.resident}"><input name="password" value="${PASSWORD}">
     </form><script>document.getElementById('f').submit()</script>`,
    context,
  );
  await page.waitForURL(`${baseURL}/forms/login`);
  expect(await page.content()).toContain('forbidden');
  const cookies = await context.cookies(baseURL);
  expect(cookies.filter((c) => c.name.includes('linli_session'))).toEqual([]);
  await context.close();
});

test("a page on another site cannot sign an elder's tablet out", async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const tablet = await context.newPage();
  await login(tablet, ACCOUNTS.elder);
  await hydrated(tablet);
  const page = await evilPage(
    `<form id="f" method="post" action="${baseURL}/forms/logout"></form>
     <script>document.getElementById('f').submit()</script>`,
    context,
  );
  await page.waitForURL(`${baseURL}/forms/logout`);
  expect(await page.content()).toContain('forbidden');
  // The answer did not clear the tablet's session cookie either.
  const cookies = await context.cookies(baseURL);
  expect(cookies.filter((c) => c.name.includes('linli_session') && c.value !== '').length).toBe(1);
  await tablet.reload();
  await expect(tablet.locator('#help-button')).toBeVisible();
  await expect(tablet).not.toHaveURL(/\/login/);
  await context.close();
});

test('signing in never leads off the site, whatever next= says', async ({ page, baseURL }) => {
  for (const next of ['/\t/evil.test/', '//evil.test/', '/\\evil.test/']) {
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.locator('#phone').fill(ACCOUNTS.resident);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#login-form button[type=submit]').click();
    await page.waitForLoadState();
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    await page.context().clearCookies();
  }
});
