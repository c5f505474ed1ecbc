import { test, expect, request } from '@playwright/test';
import { ACCOUNTS, PASSWORD, hydrated, login } from './helpers';

// Markup typed by users (a notice's title and body, a repair's description,
// a visitor's name) is shown as text in a real browser: no script runs, no
// element is injected, before and after the WASM takes over the page.
test('XSS payloads in notices, repairs and visitor names render as text', async ({ page, baseURL }) => {
  const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
  const api = await request.newContext({ baseURL });
  const token = async (phone: string) =>
    (await (await api.post('/api/v1/auth/login', { data: { phone, password: PASSWORD } })).json()).token as string;
  const admin = await token(ACCOUNTS.admin);
  const resident = await token(ACCOUNTS.resident);
  const notice = await (
    await api.post('/api/v1/announcements', {
      headers: { Authorization: `Bearer ${admin}` },
      data: { title: `XSS ${payload}`, body: payload, category: 'notice' },
    })
  ).json();
  const job = await (
    await api.post('/api/v1/repairs', {
      headers: { Authorization: `Bearer ${resident}` },
      data: { category: 'leak', description: payload },
    })
  ).json();
  await api.post('/api/v1/passes', {
    headers: { Authorization: `Bearer ${resident}` },
    data: { visitor_name: '<b onclick=x>王</b>' },
  });

  let dialogs = 0;
  page.on('dialog', async (d) => {
    dialogs += 1;
    await d.dismiss();
  });
  await login(page, ACCOUNTS.resident);
  for (const path of [`/notices/${notice.id}`, `/repairs/${job.id}`, '/passes', '/']) {
    await page.goto(path);
    await hydrated(page);
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('main b[onclick]').count()).toBe(0);
  }
  await page.goto(`/notices/${notice.id}`);
  await expect(page.getByRole('heading', { name: `XSS ${payload}` })).toBeVisible();
  await page.goto('/passes');
  await expect(page.getByText('<b onclick=x>王</b>').first()).toBeVisible();
  expect(dialogs).toBe(0);
  await api.dispose();
});
