import { test as base, type BrowserContext, expect } from '@playwright/test';

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

export { expect };
