import { test as base, type BrowserContext, expect, type Page } from '@playwright/test';
import { LOCAL_DEMO_USER } from '../../core/seed';

/**
 * Every page test fails on a console error or an uncaught page error: "no console errors"
 * is part of the contract, not a nice-to-have.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        // A page that is meant to answer 404 logs its own status; a missing sub-resource still fails.
        const documentStatus = /Failed to load resource/.test(message.text()) && message.location().url === page.url();
        // Remix's single fetch logs the AbortError of a load that a newer navigation superseded
        // (a click while a live page refreshes) before dropping it: the framework's log, not an app error.
        const supersededLoad = message.text().startsWith('AbortError: signal is aborted without reason');
        if (!documentStatus && !supersededLoad) errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
      expect(errors, 'console errors on the page').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * Gives the context an address of its own (`CF-Connecting-IP`, which the local runtime trusts):
 * login backs off per address and email, and the suite signs the demo user in many times.
 */
export async function fromNewAddress(context: BrowserContext) {
  const part = () => Math.floor(Math.random() * 250) + 1;
  await context.setExtraHTTPHeaders({ 'cf-connecting-ip': `10.${part()}.${part()}.${part()}` });
}

export type Session = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * Signs the demo user in once for the calling file, through `landing` (a protected page that
 * sends to the login and back), so every test can start signed in:
 * `test.use({ storageState: async ({}, use) => use(session()) })`. Logins are throttled per
 * address, and a file of tests would otherwise sign in for each.
 */
export function demoSessionOnce(landing: string): () => Session {
  let session: Session | undefined;
  test.beforeAll(async ({ browser }, testInfo) => {
    const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
    await fromNewAddress(context);
    const page = await context.newPage();
    await page.goto(landing);
    await expect(page).toHaveURL(/\/login\?redirectTo=/);
    await page.getByLabel('Email').fill(LOCAL_DEMO_USER.email);
    await page.getByLabel('Password').fill(LOCAL_DEMO_USER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(landing);
    session = await context.storageState();
    await context.close();
  });
  return () => session!;
}

/** Opens `path` with the file's session, and checks no login came in between. */
export async function signIn(page: Page, path: string) {
  await page.goto(path);
  await expect(page).toHaveURL(path);
}

export { expect };
