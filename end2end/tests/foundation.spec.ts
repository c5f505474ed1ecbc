import { test, expect } from '@playwright/test';
import { ACCOUNTS, login } from './helpers';

test('a resident signs in, sees home in Chinese, switches to English and it stays English', async ({ page }) => {
  await login(page, ACCOUNTS.resident);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('张伟');
  await expect(page.getByText('一键报修')).toBeVisible();
  await expect(page.locator('.unit-label')).toHaveText('1号楼 101');

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByText('Report a repair')).toBeVisible();

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByText('Report a repair')).toBeVisible();
  await expect(page.getByRole('button', { name: '中文' })).toBeVisible();
});

test('every role signs in on the web and lands on its own home', async ({ browser }) => {
  // The elder lands on the one-button screen, which has no staff header.
  const elderContext = await browser.newContext();
  const elder = await elderContext.newPage();
  await login(elder, ACCOUNTS.elder);
  await expect(elder.locator('#help-button')).toBeVisible();
  await elderContext.close();

  const roles: [string, string][] = [
    [ACCOUNTS.butler, '管家'],
    [ACCOUNTS.worker, '维修工'],
    [ACCOUNTS.guard, '门岗'],
    [ACCOUNTS.duty, '值班室'],
    [ACCOUNTS.admin, '项目经理'],
  ];
  for (const [phone, label] of roles) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await login(page, phone);
    await expect(page.locator('.who-role')).toHaveText(label);
    await context.close();
  }
});

test('the login form works with JavaScript off', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.locator('#phone').fill(ACCOUNTS.resident);
  await page.locator('#password').fill('wrong');
  await page.locator('#login-form button[type=submit]').click();
  await expect(page.getByRole('alert')).toContainText('手机号或密码不正确');
  await login(page, ACCOUNTS.resident);
  await expect(page.getByText('一键报修')).toBeVisible();
  await context.close();
});
