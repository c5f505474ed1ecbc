import { Page, expect } from '@playwright/test';

export const PASSWORD = 'linli-demo';
export const ACCOUNTS = {
  resident: '13800000001',
  residentB2: '13800000002',
  elder: '13800000003',
  butler: '13900000001',
  butlerB3: '13900000002',
  worker: '13700000001',
  guard: '13600000001',
  duty: '13500000001',
  admin: '13400000001',
} as const;

/** Signs in through the login form, as a person would. */
export async function login(page: Page, phone: string) {
  await page.goto('/login');
  await page.locator('#phone').fill(phone);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#login-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
}

/** Waits until the WASM has hydrated the page (the app marks <body>). */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 30_000 });
}
