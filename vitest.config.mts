import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { bundleWorker } from './scripts/lib/runtime.mjs';

/** Test-only Stripe settings for the billing project (the fake in tests/fakes/stripe-server.ts). */
export const TEST_STRIPE = {
  STRIPE_SECRET_KEY: 'sk_test_generic_corp_fake',
  STRIPE_WEBHOOK_SECRET: 'whsec_generic_corp_test',
  STRIPE_PRICE_STARTER: 'price_test_starter',
  STRIPE_PRICE_PRO: 'price_test_pro',
  OPS_SECRET: 'ops_test_secret',
};

/** Test-only signing secret of the Resend webhook endpoint (Standard Webhooks: whsec_ + base64 key). */
export const TEST_RESEND_WEBHOOK_SECRET = `whsec_${Buffer.from('generic-corp-test-resend-hook').toString('base64')}`;

const BILLING_TESTS = [
  'tests/integration/billing.test.ts',
  'tests/integration/billing-replay.test.ts',
  'tests/integration/billing-usage.test.ts',
];
/**
 * Error monitoring on (the real SDK against the fake ingest) only here: loaded into a workerd that
 * runs several files, @sentry/cloudflare overflows the pool's socket, so the other projects
 * resolve it to tests/fakes/sentry-off.ts (monitoring is off there: no SENTRY_DSN).
 */
const MONITORING_TESTS = ['tests/integration/monitoring.test.ts'];

// Integration tests run inside workerd with the real bindings of wrangler.toml (D1, KV,
// Durable Objects, Queues). Migrations are read here and applied in tests/integration/setup.ts.
// Two projects: `integration` (the self-hosted edition, as wrangler.toml ships) and `billing`
// (the hosted edition with Stripe pointed at the fake), each with its own workerd and fakes.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(__dirname, 'migrations'));
  // The live rooms run in a Worker script of their own (wrangler.live.toml), bundled as
  // `wrangler deploy` would and run beside the Worker under test, as in production.
  const liveRoom = bundleWorker({ config: 'wrangler.live.toml', outDir: path.join(__dirname, 'build', 'live-room') });
  const project = (name: string, include: string[], exclude: string[], hosted: boolean, monitored = false) => ({
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          workers: [
            {
              name: 'generic-corp-live',
              modules: true,
              scriptPath: liveRoom,
              compatibilityDate: '2026-11-01',
              durableObjects: { LIVE_ROOM: 'LiveRoom' },
            },
          ],
          // The fake Anthropic server (tests/fakes) stands in for the real API; no platform
          // key is set, so only orgs given their own key in a test use it.
          bindings: {
            TEST_MIGRATIONS: migrations,
            APP_ENV: 'test',
            LOG_LEVEL: 'warn',
            // Small, so the per-IP demo limit is reached in a few requests (tests/integration/demo.test.ts).
            DEMO_SANDBOXES_PER_IP_HOUR: '3',
            ANTHROPIC_BASE_URL: inject('anthropicBaseUrl'),
            // Resend's delivery webhooks (tests/integration/email.test.ts signs with it).
            RESEND_WEBHOOK_SECRET: TEST_RESEND_WEBHOOK_SECRET,
            // Error monitoring pointed at the fake ingest (tests/fakes/sentry-server.ts).
            ...(monitored ? { SENTRY_DSN: inject('sentryDsn'), SENTRY_RELEASE: 'generic-corp@test' } : {}),
            ...(hosted ? { EDITION: 'hosted', STRIPE_API_BASE: inject('stripeApiBase'), ...TEST_STRIPE } : {}),
          },
        },
      })),
    ],
    resolve: monitored ? {} : { alias: { '@sentry/cloudflare': path.join(__dirname, 'tests/fakes/sentry-off.ts') } },
    test: {
      name,
      include,
      exclude,
      setupFiles: ['./tests/integration/setup.ts'],
      globalSetup: ['./tests/fakes/global-setup.ts'],
      testTimeout: 30_000,
      // The module graph (Sentry, recharts, the MCP SDK, React Email…) is large enough that
      // starting a second test file in a fresh isolate sent workerd a message over its size limit
      // ("Message is too large", 1009; each file alone passes). Every file uses orgs of its own,
      // so the files of a project share one isolate; the heaviest packages are pre-bundled.
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
              'recharts',
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
        project('integration', ['tests/integration/**/*.test.ts'], [...BILLING_TESTS, ...MONITORING_TESTS], false),
        project('monitoring', MONITORING_TESTS, [], false, true),
        project('billing', BILLING_TESTS, [], true),
      ],
    },
  };
});
