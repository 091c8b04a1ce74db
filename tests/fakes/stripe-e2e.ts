/**
 * The fake Stripe for browser tests (playwright.config.ts starts it with `tsx`): the same fake
 * as the integration tests, plus a hosted Checkout page that pays, delivers the signed webhook
 * to the hosted app and sends the browser back to it.
 */
import { E2E_BILLING } from './e2e-billing';
import { startFakeStripe } from './stripe-server';

const fake = await startFakeStripe({
  port: E2E_BILLING.stripePort,
  checkout: {
    webhookUrl: `http://127.0.0.1:${E2E_BILLING.appPort}/webhooks/stripe`,
    webhookSecret: E2E_BILLING.webhookSecret,
    prices: E2E_BILLING.prices,
  },
});
console.log(`Fake Stripe at ${fake.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
