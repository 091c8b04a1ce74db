import { defineConfig } from '@playwright/test';
import { E2E_BILLING } from './tests/fakes/e2e-billing';

// E2E_PORT: another port when 8788 is taken (e.g. a second checkout running its suite).
const PORT = Number(process.env.E2E_PORT ?? 8788);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Browser end-to-end tests: the system Chromium (no browser downloads) against the app started
// exactly as `npm start` starts it, on its own port with fresh local state.
export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: [
    {
      command: `node scripts/start.mjs --port ${PORT} --persist-to .wrangler/e2e-state --fresh --skip-build`,
      url: `http://127.0.0.1:${PORT}/v1/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
    // The hosted edition (billing) on its own port, with a fake Stripe whose Checkout page pays
    // and calls the app's webhook (tests/e2e/billing.spec.ts).
    {
      command: 'npx tsx tests/fakes/stripe-e2e.ts',
      url: `http://127.0.0.1:${E2E_BILLING.stripePort}/__fake/requests`,
      reuseExistingServer: false,
      timeout: 30_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: [
        `node scripts/start.mjs --port ${E2E_BILLING.appPort} --persist-to .wrangler/e2e-billing-state --fresh --skip-build --no-seed`,
        '--var EDITION:hosted',
        `--var STRIPE_API_BASE:http://127.0.0.1:${E2E_BILLING.stripePort}`,
        `--var STRIPE_SECRET_KEY:${E2E_BILLING.secretKey}`,
        `--var STRIPE_WEBHOOK_SECRET:${E2E_BILLING.webhookSecret}`,
        `--var STRIPE_PRICE_STARTER:${E2E_BILLING.prices.starter}`,
        `--var STRIPE_PRICE_PRO:${E2E_BILLING.prices.pro}`,
      ].join(' '),
      url: `http://127.0.0.1:${E2E_BILLING.appPort}/v1/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
