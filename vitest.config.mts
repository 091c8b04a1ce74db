import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/** Test-only Stripe settings for the billing project (the fake in tests/fakes/stripe-server.ts). */
export const TEST_STRIPE = {
  STRIPE_SECRET_KEY: 'sk_test_generic_corp_fake',
  STRIPE_WEBHOOK_SECRET: 'whsec_generic_corp_test',
  STRIPE_PRICE_STARTER: 'price_test_starter',
  STRIPE_PRICE_PRO: 'price_test_pro',
};

const BILLING_TESTS = ['tests/integration/billing.test.ts', 'tests/integration/billing-replay.test.ts'];

// Integration tests run inside workerd with the real bindings of wrangler.toml (D1, KV,
// Durable Objects, Queues). Migrations are read here and applied in tests/integration/setup.ts.
// Two projects: `integration` (the self-hosted edition, as wrangler.toml ships) and `billing`
// (the hosted edition with Stripe pointed at the fake), each with its own workerd and fakes.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(__dirname, 'migrations'));
  const project = (name: string, include: string[], exclude: string[], hosted: boolean) => ({
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          // The fake Anthropic server (tests/fakes) stands in for the real API; no platform
          // key is set, so only orgs given their own key in a test use it.
          bindings: {
            TEST_MIGRATIONS: migrations,
            APP_ENV: 'test',
            LOG_LEVEL: 'warn',
            // Small, so the per-IP demo limit is reached in a few requests (tests/integration/demo.test.ts).
            DEMO_SANDBOXES_PER_IP_HOUR: '3',
            ANTHROPIC_BASE_URL: inject('anthropicBaseUrl'),
            ...(hosted ? { EDITION: 'hosted', STRIPE_API_BASE: inject('stripeApiBase'), ...TEST_STRIPE } : {}),
          },
        },
      })),
    ],
    test: {
      name,
      include,
      exclude,
      setupFiles: ['./tests/integration/setup.ts'],
      globalSetup: ['./tests/fakes/global-setup.ts'],
      testTimeout: 30_000,
      // With this branch's larger module graph, starting a second test file in a fresh isolate
      // crashed the pool's connection to workerd ("Message is too large", 1009; each file alone
      // passes). Every file uses orgs of its own, so the files of a project share one isolate.
      isolate: false,
      deps: {
        optimizer: {
          ssr: {
            enabled: true,
            include: [
              '@remix-run/cloudflare',
              '@remix-run/server-runtime',
              'react',
              'react-dom',
              'react-dom/server',
              'stripe',
              '@anthropic-ai/sdk',
              '@clerk/backend',
              '@modelcontextprotocol/sdk/client/index.js',
              '@modelcontextprotocol/sdk/client/streamableHttp.js',
              '@modelcontextprotocol/sdk/client/auth-extensions.js',
              '@modelcontextprotocol/sdk/validation/cfworker',
            ],
          },
        },
      },
    },
  });
  return {
    test: {
      projects: [
        project('integration', ['tests/integration/**/*.test.ts'], BILLING_TESTS, false),
        project('billing', BILLING_TESTS, [], true),
      ],
    },
  };
});
