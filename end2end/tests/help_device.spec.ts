import { test, expect } from '@playwright/test';
import { ACCOUNTS, hydrated, login } from './helpers';

// A second server whose sessions last a few seconds (scripts/test.sh starts
// it and sets SHORT_SESSION_URL), so "left open for months" takes seconds.
const SHORT = process.env.SHORT_SESSION_URL ?? 'http://127.0.0.1:3101';
const SESSION_SECS = Number(process.env.SHORT_SESSION_SECS ?? '10');

test("the elder's screen, left open past its session, still raises a call the butler sees live", async ({ browser }) => {
  const elderContext = await browser.newContext({ baseURL: SHORT });
  const elder = await elderContext.newPage();
  await login(elder, ACCOUNTS.elder);
  await hydrated(elder);
  // The session ends while the screen stays open.
  await elder.waitForTimeout((SESSION_SECS + 1) * 1000);

  const butlerContext = await browser.newContext({ baseURL: SHORT });
  const butler = await butlerContext.newPage();
  await login(butler, ACCOUNTS.butler);
  await hydrated(butler);
  await expect(butler.locator('#help-alert')).toHaveCount(0);

  await elder.locator('#help-button').click();
  await expect(elder.locator('#call-status')).toHaveAttribute('data-status', 'sent');
  const alert = butler.locator('#help-alert');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('1号楼 102');

  // A reload of the tablet still opens the help screen, not the sign-in page.
  await elder.reload();
  await expect(elder.locator('#help-button, #call-status').first()).toBeVisible();
  await expect(elder).not.toHaveURL(/\/login/);
  await elderContext.close();
  await butlerContext.close();
});
