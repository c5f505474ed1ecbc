import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { ACCOUNTS, hydrated, login } from './helpers';

const PHOTO = fs.readFileSync(path.join(__dirname, '..', '..', 'public', 'icons', 'icon-512.png'));

test('a resident reports a leak with a photo; the butler sees it live and acknowledges; the resident sees it without reload', async ({ browser }) => {
  const butlerContext = await browser.newContext();
  const butler = await butlerContext.newPage();
  await login(butler, ACCOUNTS.butler);
  await butler.goto('/board');
  await hydrated(butler);
  const description = `卫生间漏水 ${Date.now()}`;
  await expect(butler.locator('.job-card', { hasText: description })).toHaveCount(0);

  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  await login(resident, ACCOUNTS.resident);
  await resident.goto('/repairs/new');
  await hydrated(resident);
  await resident.locator('label.cat', { has: resident.locator('input[value=leak]') }).click();
  await resident.locator('#description').fill(description);
  await resident.locator('#photos').setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: PHOTO });
  await resident.locator('#report-form button[type=submit]').click();
  await expect(resident).toHaveURL(/\/repairs\/[a-z0-9]{20}$/);
  await hydrated(resident);
  await expect(resident.locator('#job-status')).toHaveAttribute('data-status', 'submitted');
  await expect(resident.locator('.photos img').first()).toBeVisible();

  // The butler's board shows it without anyone reloading it.
  const card = butler.locator('.job-card', { hasText: description });
  await expect(card).toHaveCount(1);

  await resident.evaluate(() => ((window as any).__notReloaded = true));
  await card.locator('a').click();
  await expect(butler.locator('#job-status')).toHaveAttribute('data-status', 'submitted');
  await butler.locator('button[data-action=acknowledge]').click();
  await expect(butler.locator('#job-status')).toHaveAttribute('data-status', 'acknowledged');

  await expect(resident.locator('#job-status')).toHaveAttribute('data-status', 'acknowledged');
  expect(await resident.evaluate(() => (window as any).__notReloaded)).toBe(true);

  await residentContext.close();
  await butlerContext.close();
});

test('the report form works with JavaScript off, photo included', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ACCOUNTS.residentB2);
  await page.goto('/repairs/new');
  await page.locator('input[name=category][value=light]').check();
  await page.locator('#description').fill('楼道灯不亮');
  await page.locator('#photos').setInputFiles({ name: 'light.png', mimeType: 'image/png', buffer: PHOTO });
  await page.locator('#report-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/repairs\/[a-z0-9]{20}$/);
  await expect(page.locator('#job-status')).toHaveAttribute('data-status', 'submitted');
  await expect(page.locator('.photos img')).toHaveCount(1);
  await context.close();
});

test('the reporter can urge (催一下) once; then the page counts down to the next urge, also without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ACCOUNTS.resident);
  await page.goto('/repairs/new');
  await page.locator('input[name=category][value=drain]').check();
  await page.locator('#description').fill(`下水道堵了 ${Date.now()}`);
  await page.locator('#report-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/repairs\/[a-z0-9]{20}$/);
  const jobUrl = page.url();
  await expect(page.locator('#urge-wait')).toHaveCount(0);
  await page.locator('button[data-action=urge]').click();
  await expect(page).toHaveURL(jobUrl);
  await expect(page.locator('button[data-action=urge]')).toHaveCount(0);
  await expect(page.locator('#urge-wait')).toBeVisible();
  await expect(page.locator('.timeline')).toContainText('催办');
  await context.close();
});
