import { test, expect, request } from '@playwright/test';
import { ACCOUNTS, PASSWORD, hydrated, login } from './helpers';

// Issue 18: an outage posted for building 1 is shown to a resident of
// building 1 starting a matching repair, before the report, with
// "we are affected too" instead; a critical repair sees it beside, never in
// its way; without JavaScript the form shows it too.
test('the resident sees the outage when starting a matching repair, and can mark the household affected', async ({ browser, baseURL }) => {
  const api = await request.newContext({ baseURL });
  const token = async (phone: string) =>
    (await (await api.post('/api/v1/auth/login', { data: { phone, password: PASSWORD } })).json()).token as string;
  const butler = await token(ACCOUNTS.butler);
  const auth = { Authorization: `Bearer ${butler}` };
  const buildings = await (await api.get('/api/v1/buildings', { headers: auth })).json();
  const b1 = (buildings.items ?? buildings).find((b: { number: string }) => b.number === '1').id;
  const title = `1号楼水泵检修 ${Date.now() % 100000}`;
  const posted = await api.post('/api/v1/announcements', {
    headers: auth,
    data: {
      title, body: '水泵检修，请提前储水。', category: 'outage', building_ids: [b1],
      outage_kind: 'water', expected_end: new Date(Date.now() + 2 * 3600 * 1000).toISOString(),
    },
  });
  expect(posted.status()).toBe(201);
  const notice = await posted.json();
  const outage = `[data-outage="${notice.id}"]`;

  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, ACCOUNTS.resident);
  await page.goto('/repairs/new');
  await hydrated(page);
  // The report page is loaded lazily: wait until it has hydrated too.
  await expect(page.locator('.outages-panel[data-ready="true"]')).toHaveCount(1);

  // A matching repair: the outage first, with "affected" instead of reporting.
  await page.locator('input[name=category][value=no_water]').check();
  const known = page.locator(`.outage-duplicate${outage}`);
  await expect(known).toBeVisible();
  await expect(known).toContainText(/1号楼停水，预计 (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} 恢复/);
  await expect(known).toContainText(title);
  await known.locator('button.outage-affected').click();
  await expect(known.locator('.outage-affected-done')).toBeVisible();

  // A repair that has nothing to do with it: not shown.
  await page.locator('input[name=category][value=door_lock]').check();
  await expect(page.locator(outage)).toHaveCount(0);
  // A critical one: beside the report, which stays one tap.
  await page.locator('input[name=category][value=flooding]').check();
  await expect(page.locator(`.outage-beside${outage}`)).toBeVisible();
  await expect(page.locator('#report-form button[type=submit]')).toBeEnabled();
  await context.close();

  // Without JavaScript: the server-rendered form shows it, and the button works.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const elder = await plain.newPage();
  await elder.goto('/login');
  await elder.locator('#phone').fill(ACCOUNTS.elder);
  await elder.locator('#password').fill(PASSWORD);
  await elder.locator('#login-form button[type=submit]').click();
  await elder.goto('/repairs/new');
  const shown = elder.locator(outage);
  await expect(shown).toContainText('1号楼停水，预计');
  await shown.locator('button.outage-affected').click();
  await expect(elder).toHaveURL(/\/repairs\/new$/);
  await expect(elder.locator(`${outage} .outage-affected-done`)).toBeVisible();
  await plain.close();

  // Staff see two households, on the API and on the notice's page; the
  // feed says until when it is expected to last.
  const seen = await (await api.get(`/api/v1/announcements/${notice.id}`, { headers: auth })).json();
  expect(seen.outage.affected_households).toBe(2);
  const staff = await (await browser.newContext()).newPage();
  await login(staff, ACCOUNTS.butler);
  await staff.goto('/notices');
  await expect(staff.locator(`[data-notice="${notice.id}"] .outage-chip`)).toContainText('预计恢复时间');
  await staff.goto(`/notices/${notice.id}`);
  await expect(staff.locator('#outage-affected-count')).toContainText('2');
  await expect(staff.locator('#outage-end')).toBeVisible();
  await staff.context().close();
});
