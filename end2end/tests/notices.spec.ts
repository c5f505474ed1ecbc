import { test, expect } from '@playwright/test';
import { ACCOUNTS, hydrated, login } from './helpers';

test('an urgent outage notice for building 1: the resident sees the banner live; the butler sees them move to read', async ({ browser }) => {
  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  await login(resident, ACCOUNTS.resident);
  await hydrated(resident);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, ACCOUNTS.admin);
  await admin.goto('/notices/new');
  const title = `1号楼明日停水 ${Date.now() % 100000}`;
  await admin.locator('#title').fill(title);
  await admin.locator('#body').fill('明天 9:00-12:00 停水，请提前储水。');
  await admin.locator('#category').selectOption('outage');
  await admin.getByLabel('1号楼').check();
  await admin.getByLabel('紧急').check();
  await admin.locator('#notice-form button[type=submit]').click();
  await expect(admin).toHaveURL(/\/notices\/[a-z0-9]{20}$/);
  const noticeUrl = new URL(admin.url()).pathname;

  // Live, without a reload: the banner on the resident's home.
  const banner = resident.locator('.urgent-banner', { hasText: title });
  await expect(banner).toBeVisible();

  const butlerContext = await browser.newContext();
  const butler = await butlerContext.newPage();
  await login(butler, ACCOUNTS.butler);
  await butler.goto(noticeUrl);
  await hydrated(butler);
  await expect(butler.locator('#unread [data-unit="1号楼 101"]')).toHaveCount(1);
  await expect(butler.locator('#unread li').first()).toHaveAttribute('data-unit', '1号楼 102');

  await banner.click();
  await expect(resident.getByRole('heading', { name: title })).toBeVisible();
  // Opening it changes nothing; the resident's own "read" does.
  await butler.waitForTimeout(500);
  await expect(butler.locator('#unread [data-unit="1号楼 101"]')).toHaveCount(1);
  await resident.locator('#mark-read').click();
  await expect(resident.locator('#read-done')).toBeVisible();

  await expect(butler.locator('#unread [data-unit="1号楼 101"]')).toHaveCount(0);
  await expect(butler.locator('#unread [data-unit="1号楼 102"]')).toHaveCount(1);
  await residentContext.close();
  await adminContext.close();
  await butlerContext.close();
});

test('RSVP works with JavaScript off', async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await login(admin, ACCOUNTS.admin);
  await admin.goto('/events/new');
  const title = `邻里茶话会 ${Date.now() % 100000}`;
  await admin.locator('#title').fill(title);
  await admin.locator('#place').fill('会所');
  // A month ahead: events are planned at most two years ahead.
  const day = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await admin.locator('#starts_at').fill(`${day}T15:00`);
  await admin.locator('#ends_at').fill(`${day}T17:00`);
  await admin.locator('#capacity').fill('20');
  await admin.locator('#event-form button[type=submit]').click();
  await expect(admin).toHaveURL(/\/events\/[a-z0-9]{20}$/);
  const eventUrl = new URL(admin.url()).pathname;

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ACCOUNTS.residentB2);
  await page.goto(eventUrl);
  await page.locator('#headcount').selectOption('2');
  await page.locator('#rsvp-form button[type=submit]').click();
  await expect(page.locator('#my-rsvp')).toHaveAttribute('data-status', 'going');
  await expect(page.locator('#seats')).toContainText('2 / 20');
  await context.close();
});
