import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { ACCOUNTS, hydrated, login } from './helpers';

const PHOTO = fs.readFileSync(path.join(__dirname, '..', '..', 'public', 'icons', 'icon-512.png'));

test('a resident files a complaint from home; the butler sees it live, takes the LEARN steps; the resident confirms and rates', async ({ browser }) => {
  const butlerContext = await browser.newContext();
  const butler = await butlerContext.newPage();
  await login(butler, ACCOUNTS.butler);
  await butler.goto('/complaints');
  await hydrated(butler);
  const text = `楼上深夜噪音 ${Date.now()}`;
  await expect(butler.locator('.job-card', { hasText: text })).toHaveCount(0);

  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  await login(resident, ACCOUNTS.resident);
  await hydrated(resident);
  await resident.locator('a.card[href="/complaints"]').click();
  await expect(resident).toHaveURL(/\/complaints$/);
  await resident.locator('#new-complaint').click();
  await expect(resident).toHaveURL(/\/complaints\/new$/);
  await hydrated(resident);
  await resident.locator('label.cat', { has: resident.locator('input[value=noise]') }).click();
  await resident.locator('#complaint-text').fill(text);
  await resident.locator('#concerns-place').fill('1号楼楼上');
  await resident.locator('#complaint-photos').setInputFiles({ name: 'noise.png', mimeType: 'image/png', buffer: PHOTO });
  await resident.locator('#complaint-form button[type=submit]').click();
  await expect(resident).toHaveURL(/\/complaints\/[a-z0-9]{20}$/);
  await hydrated(resident);
  await expect(resident.locator('#complaint-status')).toHaveAttribute('data-status', 'submitted');
  await expect(resident.locator('.photos img').first()).toBeVisible();

  // The butler's list shows it without a reload, with the building and not who filed it.
  const card = butler.locator('.job-card', { hasText: text });
  await expect(card).toHaveCount(1);
  await expect(card).not.toContainText('张伟');
  await card.locator('a').click();
  await expect(butler.locator('#complaint-status')).toHaveAttribute('data-status', 'submitted');
  await expect(butler.locator('#complainant')).toContainText('张伟');

  await resident.evaluate(() => ((window as any).__notReloaded = true));
  const step = async (action: string, note: string, status: string) => {
    const form = butler.locator(`form[data-step=${action}]`);
    await form.locator('textarea').fill(note);
    await form.locator('button').click();
    await expect(butler.locator('#complaint-status')).toHaveAttribute('data-status', status);
  };
  await step('listen', '已了解情况，向您致歉', 'acknowledged');
  await step('act', '今晚上门沟通', 'in_progress');
  await step('respond', '已沟通，对方会注意', 'in_progress');
  await expect(butler.locator('.timeline li[data-step=respond]')).toHaveCount(1);
  await step('notify', '连续三晚无噪音，办结', 'resolved');

  // The resident's page follows live, then they confirm and rate.
  await expect(resident.locator('#complaint-status')).toHaveAttribute('data-status', 'resolved');
  expect(await resident.evaluate(() => (window as any).__notReloaded)).toBe(true);
  await expect(resident.locator('.timeline')).toContainText('已沟通，对方会注意');
  await resident.locator('form[data-step=confirm] button').click();
  await expect(resident.locator('#complaint-status')).toHaveAttribute('data-status', 'confirmed');
  await resident.locator('label[for=cstar5]').click();
  await resident.locator('.rating-form button[type=submit]').click();
  await expect(resident.locator('#complaint-status')).toHaveAttribute('data-status', 'rated');

  await residentContext.close();
  await butlerContext.close();
});

test('filing a complaint works with JavaScript off, photo included; the manager sees the counts', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ACCOUNTS.residentB2);
  await page.goto('/complaints/new');
  await page.locator('input[name=kind][value=suggestion]').check();
  await page.locator('input[name=category][value=parking]').check();
  const text = `建议增加访客车位 ${Date.now()}`;
  await page.locator('#complaint-text').fill(text);
  await page.locator('#complaint-photos').setInputFiles({ name: 'parking.png', mimeType: 'image/png', buffer: PHOTO });
  await page.locator('#complaint-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/complaints\/[a-z0-9]{20}$/);
  await expect(page.locator('#complaint-status')).toHaveAttribute('data-status', 'submitted');
  await expect(page.locator('.photos img')).toHaveCount(1);
  await page.goto('/complaints');
  await expect(page.locator('.job-card', { hasText: text })).toHaveCount(1);
  // A refusal comes back to the form with its message.
  await page.goto('/complaints/new');
  await page.locator('input[name=category][value=fees]').check();
  await page.locator('#complaint-text').fill('   ');
  await page.locator('#complaint-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/complaints\/new\?error=/);
  await expect(page.locator('[role=alert]')).toBeVisible();
  await context.close();

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, ACCOUNTS.admin);
  await admin.goto('/complaints');
  await expect(admin.locator('#counts-by-category tr[data-category=parking] td').nth(1)).not.toHaveText('0');
  await expect(admin.locator('#counts-by-building tr[data-building="2"]')).toHaveCount(1);
  await adminContext.close();
});

test('the filer urges (催一下) a complaint from its page, with and without JavaScript; then the page counts down', async ({ browser }) => {
  for (const javaScriptEnabled of [false, true]) {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await login(page, ACCOUNTS.resident);
    await page.goto('/complaints/new');
    if (javaScriptEnabled) await hydrated(page);
    await page.locator('label.cat', { has: page.locator('input[value=sanitation]') }).click();
    await page.locator('#complaint-text').fill(`楼道垃圾没人清 ${javaScriptEnabled} ${Date.now()}`);
    await page.locator('#complaint-form button[type=submit]').click();
    await expect(page).toHaveURL(/\/complaints\/[a-z0-9]{20}$/);
    const url = page.url();
    if (javaScriptEnabled) await hydrated(page);
    await expect(page.locator('#urge-wait')).toHaveCount(0);
    await page.locator('button[data-action=urge]').click();
    await expect(page).toHaveURL(url);
    await expect(page.locator('button[data-action=urge]')).toHaveCount(0);
    await expect(page.locator('#urge-wait')).toBeVisible();
    await expect(page.locator('.timeline')).toContainText('催办');
    await context.close();
  }
});
