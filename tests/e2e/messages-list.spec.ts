/**
 * The Messages thread list and thread header show a thread's subject as plain text (it is cut
 * from a Markdown message), and a preview names its author only when that is not the thread's
 * own agent, whose name is already above it.
 */
import type { BrowserContext } from '@playwright/test';
import { LOCAL_DEMO_ORG, LOCAL_DEMO_USER } from '../../core/seed';
import { expect, fromNewAddress, test } from './fixtures';

const MESSAGES = `/orgs/${LOCAL_DEMO_ORG.slug}/messages`;

type Session = Awaited<ReturnType<BrowserContext['storageState']>>;
let session: Session | undefined;

// Sign in once for the file (logins are throttled per address); every test starts signed in.
test.beforeAll(async ({ browser }, testInfo) => {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  await fromNewAddress(context);
  const page = await context.newPage();
  await page.goto(MESSAGES);
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  await page.getByLabel('Email').fill(LOCAL_DEMO_USER.email);
  await page.getByLabel('Password').fill(LOCAL_DEMO_USER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(MESSAGES);
  session = await context.storageState();
  await context.close();
});

test.use({ storageState: async ({}, use) => use(session!) });

test('a thread’s subject shows without Markdown syntax, and its agent’s reply is previewed without repeating its name', async ({
  page,
}) => {
  test.setTimeout(45_000);
  await page.goto(MESSAGES);
  const topic = `caching layer ${crypto.randomUUID().slice(0, 8)}`;
  await page.getByLabel('To').selectOption('sable');
  await page.getByLabel('Message', { exact: true }).fill(`Hi Sable, can you review the **${topic}**?`);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page).toHaveURL(new RegExp(`${MESSAGES}/thr_`));

  const subject = `Hi Sable, can you review the ${topic}?`;
  await expect(page.getByRole('heading', { level: 2, name: subject, exact: true })).toBeVisible();
  await expect(page).toHaveTitle(`${subject} · Messages · Generic Corp`);
  const listed = page.getByRole('link').filter({ hasText: topic });
  await expect(listed).toContainText(subject);

  // Sable answers when her task completes; the list refreshes itself.
  await expect(listed).not.toContainText('is on it…', { timeout: 15_000 });
  await expect(listed).toContainText('Sable completed');
  await expect(listed).not.toContainText('Sable: ');
});
