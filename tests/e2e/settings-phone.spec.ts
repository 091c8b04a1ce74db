/**
 * Settings on a phone (390 px wide): the audit log shows what happened without a sideways
 * scroll.
 */
import type { BrowserContext } from '@playwright/test';
import { LOCAL_DEMO_ORG, LOCAL_DEMO_USER } from '../../core/seed';
import { expect, fromNewAddress, test } from './fixtures';

const SETTINGS = `/orgs/${LOCAL_DEMO_ORG.slug}/settings`;

type Session = Awaited<ReturnType<BrowserContext['storageState']>>;
let session: Session | undefined;

// Sign in once for the file (logins are throttled per address); every test starts signed in.
test.beforeAll(async ({ browser }, testInfo) => {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  await fromNewAddress(context);
  const page = await context.newPage();
  await page.goto(`${SETTINGS}/general`);
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  await page.getByLabel('Email').fill(LOCAL_DEMO_USER.email);
  await page.getByLabel('Password').fill(LOCAL_DEMO_USER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${SETTINGS}/general`);
  session = await context.storageState();
  await context.close();
});

test.use({ storageState: async ({}, use) => use(session!), viewport: { width: 390, height: 844 } });

test('on a phone the audit log shows each entry’s action, actor and time without a sideways scroll', async ({
  page,
}) => {
  await page.goto(`${SETTINGS}/audit`);
  const log = page.getByRole('region', { name: 'Audit log' });
  const created = log.getByRole('row').filter({ hasText: 'Created the organization' });
  await expect(created.getByText('Created the organization')).toBeInViewport();
  await expect(created.getByText(LOCAL_DEMO_USER.name, { exact: true }).filter({ visible: true })).toBeInViewport();
  await expect(created.locator('time').filter({ visible: true })).toBeInViewport();
  expect(await log.evaluate((region) => region.scrollWidth - region.clientWidth)).toBe(0);
});
