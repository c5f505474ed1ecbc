import { test, expect, Page } from '@playwright/test';
import { ACCOUNTS, hydrated, login } from './helpers';

test('the elder presses help; the butler sees and hears the alarm and acknowledges; the elder sees who is coming', async ({ browser }) => {
  const butlerContext = await browser.newContext();
  const butler = await butlerContext.newPage();
  await login(butler, ACCOUNTS.butler);
  await hydrated(butler);
  await expect(butler.locator('#help-alert')).toHaveCount(0);

  const elderContext = await browser.newContext();
  const elder = await elderContext.newPage();
  await login(elder, ACCOUNTS.elder);
  await hydrated(elder);
  await elder.locator('#help-button').click();
  await expect(elder.locator('#call-status')).toHaveAttribute('data-status', 'sent');
  await expect(elder.locator('#call-status')).toContainText('求助已发出');

  // The butler's page raises the alarm live: banner and a playing sound.
  const alert = butler.locator('#help-alert');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('1号楼 102');
  await expect.poll(() => butler.locator('#help-alarm').evaluate((a: HTMLAudioElement) => !a.paused && a.loop)).toBe(true);

  await elder.evaluate(() => ((window as any).__notReloaded = true));
  await alert.locator('a').first().click();
  await butler.locator('button[data-action=acknowledge]').click();
  await expect(butler.locator('#call-status')).toHaveAttribute('data-status', 'acknowledged');
  await expect(butler.locator('#help-alert')).toHaveCount(0);

  await expect(elder.locator('#call-status')).toHaveAttribute('data-status', 'acknowledged');
  await expect(elder.locator('#call-status')).toContainText('李明 已收到，正在赶来');
  expect(await elder.evaluate(() => (window as any).__notReloaded)).toBe(true);

  await butler.locator('select[name=outcome]').selectOption('resolved');
  await butler.locator('button[data-action=resolve]').click();
  await expect(elder.locator('#call-status')).toHaveAttribute('data-status', 'closed');
  await elderContext.close();
  await butlerContext.close();
});

async function checkElderScreen(page: Page) {
  const viewport = page.viewportSize()!;
  const box = (await page.locator('#help-button').boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(viewport.height * 0.5);
  for (const target of await page.locator('.elder-shell button, .elder-shell a').all()) {
    const b = await target.boundingBox();
    if (b) expect(Math.min(b.height, b.width), await target.innerText()).toBeGreaterThanOrEqual(64);
  }
}

test('the elder screen is large, high-contrast and passes axe-core', async ({ browser }) => {
  // CSP is bypassed only to inject the checker into the page.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await login(page, ACCOUNTS.elder);
  await hydrated(page);
  await checkElderScreen(page);
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const results = await page.evaluate(async () =>
    (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag2aaa', 'best-practice'] } }),
  );
  const serious = results.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target).join(', ')}`)).toEqual([]);
  await context.close();
});

test('the help button works with JavaScript off', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ACCOUNTS.elder);
  await page.locator('#help-button').click();
  await expect(page.locator('#call-status')).toHaveAttribute('data-status', 'sent');
  await page.locator('.elder-mistake button').click();
  await expect(page.locator('#call-status')).toHaveAttribute('data-status', 'closed');
  await context.close();
});
