import { test, expect } from '@playwright/test';
import { ACCOUNTS, login } from './helpers';

// Recurring passes (长期访客): the resident picks the kind, weekdays, a
// daily window and dates; the visitor's page and the resident's passes
// show the schedule and the next window; the resident pauses and resumes.
test('a resident creates a recurring pass and sees its schedule', async ({ page }) => {
  await login(page, ACCOUNTS.resident);
  await page.goto('/passes/new');
  const visitor = `护工${Date.now() % 100000}`;
  await page.locator('#visitor_name').fill(visitor);
  // The recurring fields show once the kind is chosen (CSS only, no script needed).
  await expect(page.locator('.recurring-fields')).toBeHidden();
  await page.locator('label[for=kind-recurring]').click();
  await expect(page.locator('.recurring-fields')).toBeVisible();
  await expect(page.locator('#days')).toBeHidden();
  // Mon–Fri are checked by default; add Saturday, keep 08:00–12:00.
  await page.locator('#wd-sat').check();
  await page.locator('#time_from').fill('08:00');
  await page.locator('#time_until').fill('12:00');
  // Once the script runs, the browser previews the schedule and the next
  // visit with the model's rule, the one the gate enforces.
  await expect(page.locator('#schedule-preview')).toContainText('周一至周六 08:00–12:00');
  await expect(page.locator('#schedule-preview')).toContainText('下次可通行');
  await page.locator('#time_until').fill('07:00');
  await expect(page.locator('#schedule-preview .error')).toContainText('结束时间必须晚于开始时间');
  await page.locator('#time_until').fill('12:00');
  await page.locator('#pass-form button[type=submit]').click();

  await expect(page).toHaveURL(/\/v\/[A-Za-z0-9_-]{43}\?new=1$/);
  await expect(page.locator('.schedule')).toContainText('周一至周六 08:00–12:00');
  await expect(page.locator('.next-window')).toContainText(/08:00–12:00/);
  const code = (await page.locator('#pass-code').innerText()).trim();
  expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);

  await page.goto('/passes');
  const row = page.locator('.pass-row', { hasText: visitor });
  await expect(row.locator('.schedule')).toContainText('周一至周六 08:00–12:00');
  await expect(row.locator('.next-window')).toBeVisible();
  await row.locator('button[data-action=pause]').click();
  await expect(page).toHaveURL(/\/passes$/);
  const paused = page.locator('.pass-row', { hasText: visitor });
  await expect(paused).toContainText('已暂停');
  await paused.locator('button[data-action=resume]').click();
  await expect(page.locator('.pass-row', { hasText: visitor }).locator('button[data-action=pause]')).toBeVisible();
});

test('the manager sees the long-term passes and revokes one; the guard sees it expected today', async ({ browser }) => {
  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  await login(resident, ACCOUNTS.resident);
  await resident.goto('/passes/new');
  const visitor = `家教${Date.now() % 100000}`;
  await resident.locator('#visitor_name').fill(visitor);
  await resident.locator('label[for=kind-recurring]').click();
  // Every day, so that the guard expects the visitor today whatever the day.
  for (const d of ['sat', 'sun']) await resident.locator(`#wd-${d}`).check();
  await resident.locator('#pass-form button[type=submit]').click();
  await expect(resident.locator('.schedule')).toContainText('每天');
  await residentContext.close();

  const guardContext = await browser.newContext();
  const guard = await guardContext.newPage();
  await login(guard, ACCOUNTS.guard);
  await guard.goto('/gate/expected');
  await expect(guard.locator('li.recurring', { hasText: visitor }).locator('.tag')).toContainText('长期');
  await guardContext.close();

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, ACCOUNTS.admin);
  await admin.goto('/admin/passes');
  const row = admin.locator('.pass-row', { hasText: visitor });
  await expect(row.locator('.schedule')).toContainText('每天 08:00–12:00');
  await row.locator('button.danger').click();
  await expect(admin).toHaveURL(/\/admin\/passes$/);
  await expect(admin.locator('.pass-row', { hasText: visitor })).toHaveCount(0);
  await adminContext.close();
});

test('the butler makes a recurring pass for an elder of their building and pauses it', async ({ page }) => {
  await login(page, ACCOUNTS.butler);
  await page.goto('/passes/new');
  // Recurring only: the schedule shows without choosing, with the elders' homes to pick from.
  await expect(page.locator('.recurring-fields')).toBeVisible();
  await expect(page.locator('#unit option', { hasText: '李秀英' })).toHaveCount(1);
  await page.locator('#unit').selectOption({ label: (await page.locator('#unit option', { hasText: '李秀英' }).innerText()).trim() });
  const visitor = `护工${Date.now() % 100000}`;
  await page.locator('#visitor_name').fill(visitor);
  await page.locator('#pass-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/v\/[A-Za-z0-9_-]{43}\?new=1$/);
  await expect(page.locator('.schedule')).toContainText('周一至周五 08:00–12:00');

  await page.goto('/admin/passes');
  const row = page.locator('.pass-row', { hasText: visitor });
  await row.locator('button[data-action=pause]').click();
  await expect(page).toHaveURL(/\/admin\/passes$/);
  await expect(page.locator('.pass-row', { hasText: visitor })).toContainText('已暂停');
});
