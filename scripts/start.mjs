#!/usr/bin/env node
/**
 * `npm start`: the production build on workerd through Miniflare (no `wrangler dev` proxy), with
 * the bindings of wrangler.toml (D1, KV, Durable Objects, Queues and their consumers, assets,
 * vars) and its cron triggers. Builds the front end, bundles the Worker as `wrangler deploy`
 * does, applies the D1 migrations, seeds the demo org through the app's own API, then serves.
 * Offline, no accounts or keys needed. `npm run dev` is `wrangler dev` with reload instead.
 *
 * Options: --port N (default 8787 or $PORT) · --host H (default 127.0.0.1)
 *          --persist-to DIR (default .wrangler/state, as wrangler dev) · --fresh (wipe it first)
 *          --skip-build · --no-seed · --var NAME:VALUE (repeatable) · --log-level debug|info|warn|error
 *          (the Worker's console output shown; default warn)
 *          --config FILE (another wrangler config) · --entry FILE (bundle this module instead of `main`)
 *          · --bundle FILE (serve this already bundled module) — used by the benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  applyD1Migrations,
  bundleWorker,
  companionConfigs,
  d1MigrationsDir,
  REPO_ROOT,
  startRuntime,
  toolEnv,
} from './lib/runtime.mjs';
import { seedDemo } from './lib/seed.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? args[index + 1] : fallback;
};
const flag = (name) => args.includes(name);
const port = Number(option('--port', process.env.PORT ?? '8787'));
const host = option('--host', '127.0.0.1');
const persistTo = path.resolve(REPO_ROOT, option('--persist-to', '.wrangler/state'));
const config = option('--config', 'wrangler.toml');
const logLevel = option('--log-level', 'warn');
const url = `http://localhost:${port}`;
const vars = { APP_URL: url };
args.forEach((arg, i) => {
  if (arg !== '--var' || !args[i + 1]) return;
  const [name, ...value] = args[i + 1].split(':'); // split at the first ':' only, like wrangler
  vars[name] = value.join(':');
});

async function step(label, work) {
  const started = Date.now();
  process.stdout.write(`• ${label}… `);
  try {
    const result = await work();
    console.log(`done (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  } catch (error) {
    console.log('failed');
    console.error(error instanceof Error ? error.message : error);
    await shutdown(1);
  }
}

let runtime;
const workDir = mkdtempSync(path.join(tmpdir(), 'gc-start-'));
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  try {
    await runtime?.dispose();
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    process.exit(code);
  }
}
// Ctrl+C or a test runner's SIGTERM: stop workerd (Miniflare's child) before leaving.
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));
process.on('SIGHUP', () => shutdown(129));

if (!existsSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'wrangler'))) {
  console.error('Dependencies are missing: run `npm install` first.');
  process.exit(1);
}
if (flag('--fresh')) rmSync(persistTo, { recursive: true, force: true });
const isApp = path.resolve(REPO_ROOT, config) === path.join(REPO_ROOT, 'wrangler.toml');
if (isApp && (!flag('--skip-build') || !existsSync(path.join(REPO_ROOT, 'build', 'server', 'index.js')))) {
  await step('Building the front end', () => {
    const built = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'remix'), ['vite:build'], {
      cwd: REPO_ROOT,
      env: toolEnv(),
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`${built.stdout}${built.stderr}`);
  });
}
const bundle =
  option('--bundle') ??
  (await step('Bundling the Worker', () =>
    bundleWorker({ config, entry: option('--entry'), outDir: path.join(workDir, 'dist') }),
  ));

// The Worker scripts whose Durable Objects it binds (the live rooms), bundled the same way.
const companionFiles = await companionConfigs(config);
const companions = companionFiles.length
  ? await step('Bundling the live rooms', () =>
      companionFiles.map((file, i) => ({
        config: file,
        bundle: bundleWorker({ config: file, outDir: path.join(workDir, `companion-${i}`) }),
      })),
    )
  : [];

// Migrate and seed on a private port first, so the real one answers only once it is ready.
const seed = !flag('--no-seed') && isApp;
const migrationsDir = await d1MigrationsDir(config);
const staged = seed || migrationsDir !== null;
runtime = await step('Starting workerd', () =>
  startRuntime({ config, bundle, companions, port: staged ? 0 : port, host, persistTo, vars, logLevel }),
);
if (migrationsDir) {
  const applied = await step('Applying D1 migrations', () => applyD1Migrations(runtime.mf, { migrationsDir }));
  if (applied.length) console.log(`  applied ${applied.join(', ')}`);
}
let demo;
if (seed) demo = await step('Seeding the demo organization', () => seedDemo(runtime.url.href, url));
if (staged) await step(`Listening on port ${port}`, () => runtime.listen(port));
runtime.startCrons();

console.log(`
  Generic Corp is running at ${url} (workerd via Miniflare, state in ${path.relative(REPO_ROOT, persistTo) || '.'})
`);
if (demo) {
  console.log(`  Sign in as   ${demo.email}
  Password     ${demo.password}
  Demo org     ${url}/orgs/${demo.org}
  API health   ${url}/v1/health
`);
}
if (runtime.crons.length) console.log(`  Cron triggers: ${runtime.crons.join(', ')}`);
console.log('  Agents use the simulated model unless a model key is configured. Ctrl+C to stop.\n');
