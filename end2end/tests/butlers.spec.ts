import { test, expect } from '@playwright/test';
import { ACCOUNTS, login } from './helpers';

test('the admin reassigns building 2 to the other butler, whose workspace then shows its open jobs', async ({ browser }) => {
  const resident = await (await browser.newContext()).newPage();
  await login(resident, ACCOUNTS.residentB2);
  await resident.goto('/repairs/new');
  const description = `2号楼下水道堵 ${Date.now() % 100000}`;
  await resident.locator('label.cat', { has: resident.locator('input[value=drain]') }).click();
  await resident.locator('#description').fill(description);
  await resident.locator('#report-form button[type=submit]').click();
  await expect(resident).toHaveURL(/\/repairs\/[a-z0-9]{20}$/);

  const chen = await (await browser.newContext()).newPage();
  await login(chen, ACCOUNTS.butlerB3);
  await expect(chen.locator('.workspace')).toBeVisible();
  await expect(chen.locator('.workspace .job-card', { hasText: '2号楼' })).toHaveCount(0);

  const admin = await (await browser.newContext()).newPage();
  await login(admin, ACCOUNTS.admin);
  await admin.goto('/admin/buildings');
  const row = admin.locator('#buildings tr[data-building="2"]');
  await row.locator('select[name=butler_id]').selectOption({ label: '陈静' });
  await row.locator('button[type=submit]').click();
  await expect(admin.locator('#buildings tr[data-building="2"] select[name=butler_id] option:checked')).toHaveText('陈静');

  await chen.reload();
  await expect(chen.locator('.buildings')).toContainText('2号楼');
  await expect(chen.locator('.workspace .job-card', { hasText: '2号楼' }).first()).toBeVisible();

  // The change is in the audit log.
  await admin.goto('/admin/audit?action=building');
  await expect(admin.locator('#audit')).toContainText('陈静');

  // Hand building 2 back, so the demo stays as documented.
  await admin.goto('/admin/buildings');
  const back = admin.locator('#buildings tr[data-building="2"]');
  await back.locator('select[name=butler_id]').selectOption({ label: '李明' });
  await back.locator('button[type=submit]').click();
  await expect(admin.locator('#buildings tr[data-building="2"] select[name=butler_id] option:checked')).toHaveText('李明');
});

test('the scorecards page shows every butler with a chart and its numbers', async ({ page }) => {
  await login(page, ACCOUNTS.admin);
  await page.goto('/admin/scorecards');
  await expect(page.locator('#scorecards tr[data-butler="李明"]')).toBeVisible();
  await expect(page.locator('#scorecards tr[data-butler="陈静"]')).toBeVisible();
  await expect(page.locator('svg.chart')).toHaveCount(2);
});
