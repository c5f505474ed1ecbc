import { test, expect } from '@playwright/test';
import { ACCOUNTS, hydrated, login } from './helpers';

test('a resident invites; the QR decodes to the link; the guard admits by code; the resident sees the arrival live', async ({ browser }) => {
  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  await login(resident, ACCOUNTS.resident);
  await resident.goto('/passes/new');
  const visitor = `访客${Date.now() % 100000}`;
  await resident.locator('#visitor_name').fill(visitor);
  await resident.locator('#pass-form button[type=submit]').click();
  await expect(resident).toHaveURL(/\/v\/[A-Za-z0-9_-]{43}\?new=1$/);
  const passUrl = resident.url().replace('?new=1', '');
  const code = (await resident.locator('#pass-code').innerText()).trim();
  expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
  await expect(resident.locator('img.qr')).toBeVisible();
  const qr = await resident.request.get(`${passUrl}/qr.png`);
  expect(qr.status()).toBe(200);
  const qrPng = await qr.body();

  // The resident waits at home; the arrival will show up there live.
  await resident.goto('/');
  await hydrated(resident);

  const guardContext = await browser.newContext();
  const guard = await guardContext.newPage();
  await login(guard, ACCOUNTS.guard);
  await guard.goto('/gate');
  await hydrated(guard);
  // The guard's own decoder reads the QR image: it must say the pass link.
  await guard.locator('#qr-file').setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: qrPng });
  await expect(guard).toHaveURL(/\/gate\?q=/);
  expect(new URL(guard.url()).searchParams.get('q')).toBe(passUrl);
  await expect(guard.locator('#verdict')).toHaveAttribute('data-valid', 'true');
  await expect(guard.locator('#verdict')).toContainText(visitor);

  // And by the short code, typed.
  await guard.goto('/gate');
  await guard.locator('#q').fill(code.toLowerCase());
  await guard.locator('#gate-form button[type=submit]').click();
  await expect(guard.locator('#verdict')).toHaveAttribute('data-valid', 'true');
  await guard.locator('#admit').click();
  await expect(guard.locator('#verdict')).toHaveAttribute('data-valid', 'admitted');

  await expect(resident.locator('#arrival')).toContainText(visitor);
  await expect(resident.locator('#arrival')).toContainText('北门');

  // A second try with the same single-entry pass is refused, in red.
  await guard.goto(`/gate?q=${code}`);
  await expect(guard.locator('#verdict')).toHaveAttribute('data-reason', 'used_up');
  await residentContext.close();
  await guardContext.close();
});
