import { test, expect, Page } from '@playwright/test';
import { ACCOUNTS, hydrated, login } from './helpers';

// One filing per request key: the report and complaint forms carry a hidden
// key made when the page is rendered, so a report sent twice (a retry after
// an answer lost on a weak network, a double tap) is one job.

async function countCards(page: Page, list: string, text: string) {
  await page.goto(list);
  return page.locator('.job-card', { hasText: text }).count();
}

test('a report whose answer was lost, sent again from the same page, is one job', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, ACCOUNTS.resident);
  await page.goto('/repairs/new');
  await hydrated(page);
  await expect(page.locator('#report-form input[type=hidden][name=client_key]')).toHaveCount(1);
  const description = `门锁坏了 ${Date.now()}`;
  await page.locator('label.cat', { has: page.locator('input[value=door_lock]') }).click();
  await page.locator('#description').fill(description);

  // The first attempt reaches the server, but its answer never comes back.
  let reached = 0;
  const report = (url: URL) => url.pathname.includes('report_repair');
  await page.route(
    report,
    async (route) => {
      await route.fetch();
      reached += 1;
      await route.abort('timedout');
    },
  );
  await page.locator('#report-form button[type=submit]').click();
  await expect(page.locator('#report-form .notice.error')).toBeVisible();
  expect(reached).toBe(1);
  await page.unroute(report);

  // The resident taps again: the stored job is shown, not a second one.
  await page.locator('#report-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/repairs\/[a-z0-9]{20}$/);
  await hydrated(page);
  await expect(page.locator('#job-status')).toHaveAttribute('data-status', 'submitted');
  expect(await countCards(page, '/repairs', description)).toBe(1);
  await context.close();
});

/** Makes every post to `path` arrive twice, as on a network that retried
 *  it: the first answer is lost, the browser gets the second. */
async function sentTwice(page: Page, path: string) {
  await page.route(
    (url) => url.pathname === path,
    async (route) => {
      await route.fetch({ maxRedirects: 0 });
      const again = await route.fetch({ maxRedirects: 0 });
      await route.fulfill({ response: again });
    },
  );
}

test('without JavaScript, a report and a complaint whose post arrives twice are filed once', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ACCOUNTS.residentB2);
  await sentTwice(page, '/forms/repairs');
  await sentTwice(page, '/forms/complaints');

  await page.goto('/repairs/new');
  const description = `窗户关不上 ${Date.now()}`;
  await page.locator('input[name=category][value=other]').check();
  await page.locator('#description').fill(description);
  await page.locator('#report-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/repairs\/[a-z0-9]{20}$/);
  await expect(page.locator('#job-status')).toHaveAttribute('data-status', 'submitted');
  expect(await countCards(page, '/repairs', description)).toBe(1);

  await page.goto('/complaints/new');
  const text = `楼下烧烤油烟大 ${Date.now()}`;
  await page.locator('input[name=category]').first().check();
  await page.locator('#complaint-text').fill(text);
  await page.locator('#complaint-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/complaints\/[a-z0-9]{20}$/);
  expect(await countCards(page, '/complaints', text)).toBe(1);
  await context.close();
});
