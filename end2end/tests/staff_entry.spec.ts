import { test, expect } from '@playwright/test';
import { ACCOUNTS, hydrated, login } from './helpers';

// Issue 17: the butler takes a repair for a resident who phoned (代客报修),
// the resident sees it as their own; then a follow-up visit (回访) is
// recorded from its list. The first part also without JavaScript.

for (const js of [true, false]) {
  test(`the butler enters a repair for a resident by phone (${js ? 'with' : 'without'} JavaScript)`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: js });
    const butler = await context.newPage();
    await login(butler, ACCOUNTS.butler);
    await butler.goto('/entry');
    if (js) await hydrated(butler);
    await butler.locator('#building').selectOption({ label: '1号楼' });
    await butler.locator('#entry-building button[type=submit]').click();
    await expect(butler).toHaveURL(/\/entry\?building=/);
    const option = butler.locator('#target option', { hasText: '101 · 张伟' });
    await expect(option).toHaveCount(1);
    await butler.locator('#target').selectOption(await option.getAttribute('value') as string);
    await butler.locator('input[name=channel][value=phone]').check();
    await butler.locator('#category').selectOption('leak');
    const text = `业主来电：厨房漏水 ${Date.now()}`;
    await butler.locator('#description').fill(text);
    await butler.locator('#entry-form button[type=submit]').click();
    await expect(butler).toHaveURL(/\/repairs\/[a-z0-9]{20}$/);
    const url = butler.url();

    const residentContext = await browser.newContext({ javaScriptEnabled: js });
    const resident = await residentContext.newPage();
    await login(resident, ACCOUNTS.resident);
    await resident.goto(url);
    await expect(resident.locator('body')).toContainText(text);
    await expect(resident.locator('body')).toContainText('李明');
    await context.close();
    await residentContext.close();
  });
}

test('a closed critical job gets a follow-up, recorded from its list with the script shown', async ({ browser, request }) => {
  const api = async (phone: string) => {
    const res = await request.post('/api/v1/auth/login', { data: { phone, password: 'linli-demo' } });
    expect(res.ok()).toBeTruthy();
    const answer = await res.json();
    const headers = { authorization: `Bearer ${answer.token}` };
    const call = async (path: string, data: object) => {
      const r = await request.post(path, { headers, data });
      expect(r.ok(), `${path}: ${await r.text()}`).toBeTruthy();
      return r.json();
    };
    return { id: answer.user.id as string, call };
  };
  const resident = await api(ACCOUNTS.resident);
  const butlerApi = await api(ACCOUNTS.butler);
  const job = await resident.call('/api/v1/repairs', { category: 'fire', description: `回访测试 ${Date.now()}` });
  await butlerApi.call(`/api/v1/repairs/${job.id}/actions`, { action: 'assign', assignee_id: butlerApi.id });
  await butlerApi.call(`/api/v1/repairs/${job.id}/actions`, { action: 'start_work' });
  await butlerApi.call(`/api/v1/repairs/${job.id}/actions`, { action: 'resolve' });
  await resident.call(`/api/v1/repairs/${job.id}/actions`, { action: 'confirm' });

  const context = await browser.newContext({ javaScriptEnabled: false });
  const butler = await context.newPage();
  await login(butler, ACCOUNTS.butler);
  await butler.goto('/follow-ups');
  await expect(butler.locator('h1')).toContainText('回访');
  const item = butler.locator('li.follow-up', { has: butler.locator(`a[href="/repairs/${job.id}"]`) });
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-reason', 'critical');
  await expect(item.locator('.script')).toContainText('紧急维修');
  await item.locator('input[name=note]').fill('业主表示满意');
  await item.locator('button[type=submit]').click();
  await expect(butler).toHaveURL(/\/follow-ups$/);
  await expect(item.locator('form')).toHaveCount(0);
  await expect(item).toHaveAttribute('data-timing', 'on_time');
  await context.close();
});
