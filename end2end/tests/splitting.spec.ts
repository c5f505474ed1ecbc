import { test, expect, Page } from '@playwright/test';
import { ACCOUNTS, login, hydrated } from './helpers';

// Staff screens are split into their own WASM chunks (app/src/ui/screens.rs,
// `cargo leptos build --split`). These tests watch what the browser really
// downloads.

/** Names of the .wasm files the page requests from now on. */
function watchWasm(page: Page): Set<string> {
  const names = new Set<string>();
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) names.add(path.split('/').pop() ?? path);
  });
  return names;
}

/** Uncaught errors and Rust panics the page reports. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().includes('panicked')) errors.push(m.text());
  });
  return errors;
}

/** Chunks of screens only staff open (app/src/ui/screens.rs). */
const STAFF_CHUNK = new RegExp(
  '^split___(board|worker_jobs|help_calls|help_call|elders|gate|expected|walk_in|entries|' +
    'buildings|staff|settings|audit|scorecards|new_notice|new_event)_screen_view_',
);

test('a resident’s home needs only the main bundle, and no resident screen loads staff code', async ({ page }) => {
  const wasm = watchWasm(page);
  const errors = watchErrors(page);
  await login(page, ACCOUNTS.resident);
  await hydrated(page);
  expect([...wasm]).toEqual(['linli.wasm']);

  for (const path of ['/repairs', '/repairs/new', '/passes', '/notices', '/butler']) {
    await page.goto(path);
    await hydrated(page);
  }
  const names = [...wasm];
  expect(names.some((n) => n.startsWith('split___my_jobs_screen_view_'))).toBe(true);
  expect(names.filter((n) => STAFF_CHUNK.test(n))).toEqual([]);
  expect(errors).toEqual([]);
});

test('a staff screen loads its own chunk, hydrates, and the next one loads on navigation', async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, ACCOUNTS.admin);

  // Cold load: the server names the chunk in the page, the browser fetches it
  // and the screen hydrates.
  const wasm = watchWasm(page);
  await page.goto('/admin/staff');
  await expect(page.locator('link[rel=preload][href*="split___staff_screen"]')).toHaveCount(1);
  await hydrated(page);
  expect([...wasm].some((n) => n.startsWith('split___staff_screen'))).toBe(true);
  expect([...wasm].some((n) => n.startsWith('split___buildings_screen'))).toBe(false);

  // In-app navigation (no page load): home, then another staff screen whose
  // chunk is fetched only now.
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.locator('a.brand').click();
  await expect(page).toHaveURL(/\/$/);
  await page.locator('a[href="/admin/buildings"]').click();
  await expect(page).toHaveURL(/\/admin\/buildings$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('楼栋与管家');
  await expect.poll(() => [...wasm].some((n) => n.startsWith('split___buildings_screen'))).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(errors).toEqual([]);
});

test('the staff help alarm and the English messages are chunks of their own, loaded only where needed', async ({
  page,
}) => {
  const errors = watchErrors(page);
  // The staff help alarm: fetched before the page hydrates (the server
  // marks it in the page, app/src/ui/components.rs `deferred`), then the
  // page hydrates: an in-app link works without a page load.
  await login(page, ACCOUNTS.butler);
  const wasm = watchWasm(page);
  await page.goto('/');
  await hydrated(page);
  await expect.poll(() => [...wasm].some((n) => n.startsWith('split_help_alert_'))).toBe(true);
  expect([...wasm].some((n) => n.startsWith('split_english_table_'))).toBe(false);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.locator('a[href="/board"]').first().click();
  await expect(page).toHaveURL(/\/board$/);
  await expect.poll(() => [...wasm].some((n) => n.startsWith('split___board_screen'))).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  await page.context().clearCookies();

  // A resident reading English: the English table arrives before hydration,
  // so a screen rendered in the browser (in-app navigation) is in English.
  await login(page, ACCOUNTS.resident);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  wasm.clear();
  await page.reload();
  await hydrated(page);
  expect([...wasm].some((n) => n.startsWith('split_english_table_'))).toBe(true);
  expect([...wasm].some((n) => n.startsWith('split_help_alert_'))).toBe(false);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.locator('a[href="/repairs"]').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My repairs');
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(errors).toEqual([]);
});
