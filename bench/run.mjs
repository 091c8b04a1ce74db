/**
 * `npm run bench [-- name]`: runs every benchmark listed below (or the ones whose name starts
 * with the argument), prints a table each and writes bench/results/<name>.json.
 *
 * Settings (env): BENCH_DURATION seconds (10), BENCH_WARMUP seconds (3), BENCH_CONNECTIONS (10),
 * BENCH_ROUNDS (3), BENCH_PORT first port of the range a benchmark may use (8910).
 * rate-limit-accuracy also reads BENCH_RL_PLANS, BENCH_RL_CONCURRENCY, BENCH_RL_ISOLATES,
 * BENCH_RL_STEADY_SECONDS; engine reads BENCH_ENGINE_* (sizes, rates, timeouts; bench/README.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, ensureBuild, pinSelf, runTool } from './lib/server.mjs';

/** Every benchmark; each module exports name, description and run(settings, log). */
const BENCHMARKS = [
  { name: 'health-vs-hello', load: () => import('./health-vs-hello.mjs') },
  // On the production-like runtime (scripts/start.mjs: workerd via Miniflare), pinned.
  { name: 'round-trips', aliases: ['bindings'], load: () => import('./round-trips.mjs') },
  { name: 'task-read', load: () => import('./task-read.mjs') },
  { name: 'task-create', load: () => import('./task-create.mjs') },
  { name: 'task-throughput', aliases: ['throughput'], load: () => import('./task-throughput.mjs') },
  { name: 'live-fanout', aliases: ['fanout'], load: () => import('./live-fanout.mjs') },
  { name: 'rate-limit-accuracy', load: () => import('./rate-limit-accuracy.mjs') },
  { name: 'engine', load: () => import('./engine.mjs') },
  { name: 'live-hub', load: () => import('./live-hub.mjs') },
  // `npm run bench -- overhead` also selects it.
  { name: 'run-overhead', aliases: ['overhead'], load: () => import('./run-overhead.mjs') },
  { name: 'demo', load: () => import('./demo.mjs') },
  { name: 'profile', explicit: true, load: () => import('./profile.mjs') },
];

/**
 * @typedef {object} Settings
 * @property {number} duration measured seconds per run
 * @property {number} warmup discarded seconds before each measured run
 * @property {number} connections concurrent connections
 * @property {number} rounds runs per variant, order alternated
 * @property {number} port first port a benchmark may use (it may use port..port+99)
 */

/**
 * @param {string} key
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 */
function intFromEnv(key, fallback, min, max) {
  const raw = process.env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${key}=${raw}: expected an integer in ${min}..${max}`);
  }
  return value;
}

/** @returns {Settings} */
function readSettings() {
  return {
    duration: intFromEnv('BENCH_DURATION', 10, 1, 600),
    warmup: intFromEnv('BENCH_WARMUP', 3, 0, 120),
    connections: intFromEnv('BENCH_CONNECTIONS', 10, 1, 1000),
    rounds: intFromEnv('BENCH_ROUNDS', 3, 1, 21),
    port: intFromEnv('BENCH_PORT', 8910, 1024, 65_000),
  };
}

function environment() {
  let wrangler = 'unknown';
  let commit = 'unknown';
  try {
    wrangler = runTool('npx', ['wrangler', '--version']).trim().split('\n').pop() ?? wrangler;
  } catch {}
  try {
    commit = runTool('git', ['rev-parse', '--short', 'HEAD']).trim();
  } catch {}
  return {
    node: process.version,
    wrangler,
    commit,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.release()}`,
  };
}

async function main() {
  const wanted = process.argv[2];
  const selected = wanted
    ? BENCHMARKS.filter((b) => [b.name, ...(b.aliases ?? [])].some((n) => n.startsWith(wanted)))
    : BENCHMARKS.filter((b) => !b.explicit); // a profile is asked for by name, never part of a full run
  if (selected.length === 0) {
    console.error(`bench: no benchmark matches "${wanted}". Known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exit(1);
  }

  const settings = readSettings();
  const pinned = pinSelf();
  ensureBuild();
  const env = environment();
  console.log(
    `bench: ${selected.map((b) => b.name).join(', ')} | ${settings.rounds} rounds, ${settings.warmup} s warm-up + ${settings.duration} s, ` +
      `${settings.connections} connections | node ${env.node}, ${env.wrangler}, ${env.cpus} CPUs, commit ${env.commit}\n${pinned}`,
  );

  const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });

  for (const entry of selected) {
    const benchmark = await entry.load();
    console.log(`\n${benchmark.name}: ${benchmark.description}`);
    const startedAt = new Date();
    const { table, json } = await benchmark.run(settings, (line) => console.log(line));
    console.log(`\n${table}`);
    const file = path.join(resultsDir, `${benchmark.name}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ benchmark: benchmark.name, description: benchmark.description, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), settings, environment: env, ...json }, null, 2)}\n`,
    );
    console.log(`\nwrote ${path.relative(REPO_ROOT, file)}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`\nbench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    // The 'exit' handler in lib/server.mjs kills any wrangler process group still running.
    process.exit(1);
  },
);
