/** Settings shared by the browser tests' hosted app and its fake Stripe (playwright.config.ts). */
export const E2E_BILLING = {
  /** The hosted edition's app (the main e2e app stays self-hosted). */
  appPort: Number(process.env.E2E_BILLING_PORT ?? 8789),
  stripePort: Number(process.env.E2E_STRIPE_PORT ?? 8790),
  secretKey: 'sk_test_e2e_fake',
  webhookSecret: 'whsec_e2e_fake',
  prices: { starter: 'price_e2e_starter', pro: 'price_e2e_pro' },
};
