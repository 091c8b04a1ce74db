/**
 * Seeds the local D1 (the same persisted state `wrangler dev` uses) with the demo org, its
 * default team and a demo user, through the same core services the app uses.
 * Usage: tsx scripts/seed.ts [--persist-to DIR]
 */
import { getPlatformProxy } from 'wrangler';
import { loadConfig } from '../core/config';
import { getDb } from '../core/db/client';
import { LOCAL_DEMO_USER, seedLocalDemo } from '../core/seed';

const persistIndex = process.argv.indexOf('--persist-to');
const persistTo = persistIndex > 0 ? process.argv[persistIndex + 1] : undefined;

const proxy = await getPlatformProxy<Env>({
  configPath: 'wrangler.toml',
  persist: persistTo ? { path: persistTo } : true,
});
try {
  const result = await seedLocalDemo(getDb(proxy.env), loadConfig(proxy.env));
  console.log(
    JSON.stringify({
      seeded: result.created,
      org: result.orgSlug,
      email: LOCAL_DEMO_USER.email,
      password: LOCAL_DEMO_USER.password,
    }),
  );
} finally {
  await proxy.dispose();
}
