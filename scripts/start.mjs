#!/usr/bin/env node
/**
 * `npm start`: build the Remix app, apply D1 migrations locally, seed the demo org, then run
 * the Worker with `wrangler dev` (local workerd: D1, KV, Queues, Durable Objects). Offline,
 * no accounts or keys needed.
 *
 * Options: --port N (default 8787 or $PORT) · --persist-to DIR (default .wrangler/state)
 *          --fresh (wipe local state first) · --skip-build
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'node_modules', '.bin');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? args[index + 1] : fallback;
};
const port = Number(option('--port', process.env.PORT ?? '8787'));
const persistTo = path.resolve(root, option('--persist-to', '.wrangler/state'));
const url = `http://localhost:${port}`;

// Node 22 from the `node` devDependency comes first, so wrangler gets the Node it needs.
const env = {
  ...process.env,
  PATH: `${bin}${path.delimiter}${process.env.PATH}`,
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
  NO_UPDATE_NOTIFIER: '1',
};

function step(label, command, commandArgs, { quiet = false } = {}) {
  const started = Date.now();
  process.stdout.write(`• ${label}… `);
  const result = spawnSync(path.join(bin, command), commandArgs, { cwd: root, env, encoding: 'utf8' });
  if (result.status !== 0) {
    console.log('failed');
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}\n`);
    process.exit(result.status ?? 1);
  }
  console.log(`done (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return quiet ? '' : result.stdout;
}

if (!existsSync(path.join(bin, 'wrangler'))) {
  console.error('Dependencies are missing: run `npm install` first.');
  process.exit(1);
}
if (args.includes('--fresh')) rmSync(persistTo, { recursive: true, force: true });
if (!args.includes('--skip-build') || !existsSync(path.join(root, 'build', 'server', 'index.js'))) {
  step('Building the front end', 'remix', ['vite:build'], { quiet: true });
}
step('Applying D1 migrations', 'wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], {
  quiet: true,
});
const seedOutput = step('Seeding the demo organization', 'tsx', [
  'scripts/seed.ts',
  '--persist-to',
  path.join(persistTo, 'v3'),
]);
const seed = JSON.parse(seedOutput.trim().split('\n').pop() ?? '{}');

const dev = spawn(
  path.join(bin, 'wrangler'),
  [
    'dev',
    '--port',
    String(port),
    '--ip',
    '127.0.0.1',
    '--persist-to',
    persistTo,
    '--var',
    `APP_URL:${url}`,
    '--log-level',
    'warn',
  ],
  // Same process group as this script: Ctrl+C, or a test runner stopping the group, stops workerd too.
  { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] },
);
const stop = () => {
  if (dev.exitCode === null) dev.kill('SIGTERM');
};
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => {
    stop();
    process.exit(code);
  });
}
process.on('exit', stop);
dev.on('exit', (code) => process.exit(code ?? 0));

// Announce the URL once the Worker really answers.
for (let i = 0; i < 120; i++) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/health`);
    if (res.ok) break;
  } catch {}
  await new Promise((resolve) => setTimeout(resolve, 500));
}
console.log(`
  Generic Corp is running at ${url}

  Sign in as   ${seed.email}
  Password     ${seed.password}
  Demo org     ${url}/orgs/${seed.org}
  API health   ${url}/v1/health

  Agents use the simulated model (no ANTHROPIC_API_KEY set). Ctrl+C to stop.
`);
