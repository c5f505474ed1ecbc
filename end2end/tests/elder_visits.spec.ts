import { test, expect, APIRequestContext } from '@playwright/test';
import { ACCOUNTS, PASSWORD, login } from './helpers';

// Regular visits to elders (定期探访): an overdue visit is on the butler's
// board with a form to record it; recorded, it leaves the board; the
// elder's screen shows the day of the next visit.

async function apiToken(request: APIRequestContext, phone: string): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { phone, password: PASSWORD } });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).token;
}

test('the butler records an overdue visit from the board and the elder sees the next one', async ({ browser, request }) => {
  const token = await apiToken(request, ACCOUNTS.butler);
  const auth = { Authorization: `Bearer ${token}` };
  const elders = await (await request.get('/api/v1/elders', { headers: auth })).json();
  const elder = elders.items.find((e: { elder_mode: boolean }) => e.elder_mode);
  expect(elder).toBeTruthy();
  // Visited three days ago on a daily schedule: two days overdue.
  expect((await request.put(`/api/v1/elders/${elder.id}/visit-schedule`, { headers: auth, data: { every_days: 1 } })).ok()).toBeTruthy();
  const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600 * 1000).toISOString();
  const old = await request.post(`/api/v1/elders/${elder.id}/visits`, {
    headers: auth,
    data: { mode: 'phone', condition: 'well', visited_at: threeDaysAgo },
  });
  expect(old.status()).toBe(201);

  const butlerContext = await browser.newContext();
  const butler = await butlerContext.newPage();
  await login(butler, ACCOUNTS.butler);
  const row = butler.locator(`.visits-overdue li[data-elder="${elder.id}"]`);
  await expect(row).toBeVisible();
  await row.locator('select[name=mode]').selectOption('in_person');
  await row.locator('select[name=condition]').selectOption('unwell');
  await row.locator('input[name=follow_up]').fill('提醒家属复诊');
  await row.locator('button[type=submit]').click();
  await expect(butler).toHaveURL(/\/$/);
  await expect(butler.locator(`.visits-overdue li[data-elder="${elder.id}"]`)).toHaveCount(0);

  // The elder's page for staff shows the log with the follow-up.
  await butler.goto(`/elders/${elder.id}`);
  await expect(butler.locator('.visit-log li').first()).toContainText('提醒家属复诊');
  await butlerContext.close();

  // Daily schedule, visited today: the next visit is tomorrow.
  const elderContext = await browser.newContext();
  const screen = await elderContext.newPage();
  await login(screen, ACCOUNTS.elder);
  await expect(screen.locator('#next-visit')).toContainText('下次探访');
  await expect(screen.locator('#next-visit')).toContainText('明天');
  await elderContext.close();

  // Back to the weekly default for other tests.
  await request.put(`/api/v1/elders/${elder.id}/visit-schedule`, { headers: auth, data: { every_days: 7 } });
});
