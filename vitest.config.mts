import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Integration tests run inside workerd with the real bindings of wrangler.toml (D1, KV,
// Durable Objects, Queues). Migrations are read here and applied in tests/integration/setup.ts.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(__dirname, 'migrations'));
  return {
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
          },
        },
      })),
    ],
    test: {
      include: ['tests/integration/**/*.test.ts'],
      setupFiles: ['./tests/integration/setup.ts'],
      globalSetup: ['./tests/fakes/global-setup.ts'],
      testTimeout: 30_000,
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
            ],
          },
        },
      },
    },
  };
});
