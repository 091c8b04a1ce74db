/**
 * Start and stop `wrangler dev` for benchmarks: one process group per server, so stopping it
 * also stops workerd (killing only the npx pid leaves workerd running).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 90_000;
const READY_POLL_MS = 250;
const STOP_TIMEOUT_MS = 10_000;

/** Process groups still running; killed on exit, SIGINT and SIGTERM. */
const liveGroups = new Set();
/** Temp dirs from makeTempDir not yet removed; removed on exit too. */
const tempDirs = new Set();
let handlersInstalled = false;

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' handlers must be synchronous, so no grace period: SIGKILL.
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}, stopping ${liveGroups.size} wrangler process group(s)`);
      for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
      liveGroups.clear();
      process.exit(130);
    });
  }
}

/** Environment for child tools: Node 22 from node_modules/.bin first, no network, no telemetry. */
export function toolEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${path.join(REPO_ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
    NO_COLOR: '1',
    ...extra,
  };
}

/**
 * A fresh dir under the OS temp dir, removed by removeTempDir or when the process exits.
 * @param {string} prefix
 */
export function makeTempDir(prefix) {
  installExitHandlers();
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** @param {string} dir */
export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/**
 * Run a command to completion from the repo root; throws with its output when it fails.
 * @param {string} command
 * @param {string[]} args
 */
export function runTool(command, args) {
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    env: toolEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** Build the Remix app once if the Worker's import of it would fail. */
export function ensureBuild() {
  if (existsSync(path.join(REPO_ROOT, 'build', 'server', 'index.js'))) return;
  console.log('bench: build/server/index.js missing, running remix vite:build');
  runTool('npx', ['remix', 'vite:build']);
}

/**
 * Apply the app's D1 migrations to a local persist dir.
 * @param {string} persistTo
 * @param {string} [config] wrangler config (default: wrangler.toml)
 */
export function applyMigrations(persistTo, config) {
  runTool('npx', [
    'wrangler',
    'd1',
    'migrations',
    'apply',
    'DB',
    '--local',
    '--persist-to',
    persistTo,
    ...(config ? ['--config', config] : []),
  ]);
}

/**
 * A frozen copy of the app Worker for runs that must not be restarted midway: `wrangler dev`
 * on wrangler.toml rebuilds and restarts the Worker (dropping in-memory state) whenever a
 * watched file changes, e.g. when someone runs `remix vite:build` during the run. This bundles
 * the Worker once (`wrangler deploy --dry-run --outdir`), copies build/client, and writes a
 * config next to them: the repo's wrangler.toml with `main` on the bundle, `no_bundle = true`
 * and the assets dir on the copy (same bindings, ids, migrations). Removed on exit.
 * @param {string} prefix
 * @returns {Promise<string>} absolute path of the snapshot's wrangler.toml
 */
export async function snapshotWorker(prefix) {
  // A build in progress elsewhere empties build/: wait for a settled one before copying it.
  const serverFile = path.join(REPO_ROOT, 'build', 'server', 'index.js');
  const clientDir = path.join(REPO_ROOT, 'build', 'client');
  for (let waited = 0; waited < 60_000; waited += 1000) {
    if (existsSync(serverFile) && existsSync(clientDir) && Date.now() - statSync(serverFile).mtimeMs > 3000) break;
    await sleep(1000);
  }
  ensureBuild();
  const dir = makeTempDir(`${prefix}-worker`);
  runTool('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', path.join(dir, 'dist')]);
  cpSync(clientDir, path.join(dir, 'client'), { recursive: true });
  const source = readFileSync(path.join(REPO_ROOT, 'wrangler.toml'), 'utf8');
  const replacements = [
    [/^main = .*$/m, 'main = "dist/index.js"\nno_bundle = true'],
    [/^directory = .*$/m, 'directory = "client"'],
    [/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(path.join(REPO_ROOT, 'migrations'))}`],
  ];
  let config = source;
  for (const [pattern, replacement] of replacements) {
    if (!pattern.test(config)) throw new Error(`snapshotWorker: wrangler.toml has no line matching ${pattern}`);
    config = config.replace(pattern, replacement);
  }
  const file = path.join(dir, 'wrangler.toml');
  writeFileSync(file, config);
  return file;
}

/**
 * Resolves true when something accepts TCP connections on host:port.
 * @param {number} port
 */
function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Start `wrangler dev` from the repo root in its own process group and wait until
 * `readyPath` answers 200.
 *
 * @param {object} options
 * @param {string} [options.config] wrangler config path, absolute or relative to the repo root (default: wrangler.toml)
 * @param {number} options.port 127.0.0.1 port to listen on
 * @param {string} [options.persistTo] local persistence dir (default: a fresh temp dir, removed on stop)
 * @param {string} [options.readyPath] path that must answer 200 (default: '/')
 * @param {number} [options.inspectorPort] devtools port (default: port + 50, keeps clear of 9229)
 * @param {Record<string, string>} [options.vars] `--var NAME:VALUE` overrides (e.g. APP_URL)
 * @returns {Promise<{ url: string, logFile: string, stop: (options?: { hard?: boolean }) => Promise<void> }>}
 */
export async function startWrangler({
  config,
  port,
  persistTo,
  readyPath = '/',
  inspectorPort = port + 50,
  vars = {},
}) {
  installExitHandlers();
  if (await portInUse(port)) throw new Error(`port ${port} is already in use; pick another (BENCH_PORT)`);

  const workDir = makeTempDir(`wrangler-${port}`);
  const persistDir = persistTo ?? path.join(workDir, 'state');
  const logFile = path.join(workDir, 'wrangler.log');

  const args = [
    'wrangler',
    'dev',
    '--port',
    String(port),
    '--ip',
    HOST,
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    persistDir,
    '--show-interactive-dev-session=false',
  ];
  const primary = config ?? 'wrangler.toml';
  args.push('--config', primary);
  // The app binds the live rooms' Durable Object in a second script: run it in the same session.
  if (readFileSync(path.resolve(REPO_ROOT, primary), 'utf8').includes('script_name = "generic-corp-live"'))
    args.push('--config', path.join(REPO_ROOT, 'wrangler.live.toml'));
  for (const [key, value] of Object.entries(vars)) args.push('--var', `${key}:${value}`);

  return serveInGroup({
    command: 'npx',
    args,
    workDir,
    logFile,
    readyPath,
    what: `wrangler dev ${config ?? 'wrangler.toml'} on port ${port}`,
    url: `http://${HOST}:${port}`,
  });
}

/**
 * Spawns a server in its own process group (detached: its pid is the group id, so stopping it
 * stops workerd too), logging to `logFile` (an unread pipe would fill and stall it under load),
 * and waits until `readyPath` answers 200. `stop()` ends the group and removes `workDir`; a
 * server that never got ready is killed and its log kept for a look.
 */
async function serveInGroup({ command, args, workDir, logFile, readyPath, what, url }) {
  const logFd = openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: toolEnv(),
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const pgid = /** @type {number} */ (child.pid);
  liveGroups.add(pgid);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  /** @param {{ hard?: boolean }} [options] hard: SIGKILL at once, like a crash (no graceful shutdown) */
  async function stop({ hard = false } = {}) {
    if (!liveGroups.has(pgid)) return;
    killGroup(pgid, hard ? 'SIGKILL' : 'SIGTERM');
    for (let waited = 0; waited < STOP_TIMEOUT_MS && groupAlive(pgid); waited += 100) await sleep(100);
    if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
    for (let waited = 0; waited < 2000 && groupAlive(pgid); waited += 100) await sleep(100);
    liveGroups.delete(pgid);
    // A caller-supplied persistTo belongs to the caller; our own work dir (log, default state) goes.
    removeTempDir(workDir);
  }

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastStatus = 'no answer';
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(url + readyPath, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status === 200) return { url, pgid, logFile, stop };
      lastStatus = `HTTP ${response.status}`;
    } catch (error) {
      lastStatus = error instanceof Error ? error.message : String(error);
    }
    await sleep(READY_POLL_MS);
  }
  killGroup(pgid, 'SIGKILL');
  liveGroups.delete(pgid);
  tempDirs.delete(workDir); // keep the log for a look after the failure
  throw new Error(
    `${what} ${exited ? 'exited' : 'was not ready'} (${readyPath}: ${lastStatus}). Log ${logFile}:\n${tail(logFile)}`,
  );
}

// ─── The production-like runtime: scripts/start.mjs (workerd via Miniflare), pinned ──────

/**
 * CPU pinning on a machine with ≥ 2 CPUs and `taskset` (BENCH_PIN=0 turns it off): every
 * runtime process runs on CPU 0, this process (the load generator and clients) on CPU 1.
 */
export const pinning = (() => {
  const enabled =
    process.env.BENCH_PIN !== '0' &&
    os.cpus().length >= 2 &&
    spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  return { enabled, runtimeCpu: 0, clientCpu: 1 };
})();

/** Pin this process (every thread) to the client CPU; returns a description for the log. */
export function pinSelf() {
  if (!pinning.enabled) return 'no CPU pinning (BENCH_PIN=0, one CPU or no taskset)';
  const pinned = spawnSync('taskset', ['-a', '-cp', String(pinning.clientCpu), String(process.pid)], {
    stdio: 'ignore',
  });
  if (pinned.status !== 0) throw new Error('taskset -a -cp failed');
  return `pinned: runtimes on CPU ${pinning.runtimeCpu}, load generator on CPU ${pinning.clientCpu}`;
}

/**
 * Bundle a Worker once for many runtime starts (as `wrangler deploy` would), into a temp dir.
 * `counted`: the app's bench build (bench/counted/index.ts) with binding round-trip counters;
 * any other kind is the Worker in bench/<kind>/ (its wrangler.toml).
 * @param {'app' | 'counted' | 'hello' | 'floor' | 'floor-hono' | 'floor-assets' | 'hello-assets' | 'echo-do'} kind
 */
export function bundleFor(kind) {
  ensureBuild();
  const dir = makeTempDir(`bundle-${kind}`);
  const config = kind === 'app' || kind === 'counted' ? 'wrangler.toml' : `bench/${kind}/wrangler.toml`;
  const args = ['wrangler', 'deploy', '--dry-run', '--outdir', dir, '--config', config];
  if (kind === 'counted') args.splice(2, 0, 'bench/counted/index.ts');
  runTool('npx', args);
  return { kind, config, bundle: path.join(dir, 'index.js') };
}

/**
 * Start one runtime process (`scripts/start.mjs --bundle … --no-seed`, pinned to the runtime
 * CPU, in its own process group) and wait until `readyPath` answers 200. Fresh state dir
 * unless `persistTo` is given; D1 migrations are applied by the start.
 *
 * @param {object} options
 * @param {{ config: string, bundle: string }} options.worker from bundleFor
 * @param {number} options.port
 * @param {string} [options.persistTo]
 * @param {string} [options.readyPath] default '/'
 * @param {Record<string, string>} [options.vars]
 * @returns {Promise<{ url: string, pgid: number, logFile: string, stop: (options?: { hard?: boolean }) => Promise<void> }>}
 */
export async function startRuntime({ worker, port, persistTo, readyPath = '/', vars = {} }) {
  installExitHandlers();
  if (await portInUse(port)) throw new Error(`port ${port} is already in use; pick another (BENCH_PORT)`);
  const workDir = makeTempDir(`runtime-${port}`);
  const logFile = path.join(workDir, 'runtime.log');
  const start = [
    process.execPath,
    path.join(REPO_ROOT, 'scripts', 'start.mjs'),
    '--config',
    worker.config,
    '--bundle',
    worker.bundle,
    '--port',
    String(port),
    '--persist-to',
    persistTo ?? path.join(workDir, 'state'),
    '--skip-build',
    '--no-seed',
    '--log-level',
    'warn',
  ];
  for (const [key, value] of Object.entries(vars)) start.push('--var', `${key}:${value}`);
  const [command, ...args] = pinning.enabled ? ['taskset', '-c', String(pinning.runtimeCpu), ...start] : start;
  return serveInGroup({
    command,
    args,
    workDir,
    logFile,
    readyPath,
    what: `runtime ${worker.config} on port ${port}`,
    url: `http://${HOST}:${port}`,
  });
}

/**
 * The bench build's binding counters (`GET /__bench/bindings`).
 * @param {string} url
 * @returns {Promise<{ total: Counts, byScope: Record<string, Counts> }>}
 * @typedef {{ d1: number, d1Writes: number, d1Statements: number, kv: number, do: number, queue: number }} Counts
 */
export async function readBindings(url) {
  const response = await fetch(`${url}/__bench/bindings`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /__bench/bindings: HTTP ${response.status} (not the bench build?)`);
  return response.json();
}
