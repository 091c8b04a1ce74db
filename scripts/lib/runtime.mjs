/**
 * A production-like local runtime: the Worker's production bundle on workerd through Miniflare
 * directly (no `wrangler dev` proxy), with the bindings and migrations of a wrangler config.
 *
 * - bundleWorker: `wrangler deploy --dry-run --outdir` (the exact module production runs).
 * - startRuntime: Miniflare with wrangler's own reading of the config
 *   (`unstable_getMiniflareWorkerOptions`: D1, KV, Durable Objects, Queues, assets, vars),
 *   beside the Worker scripts whose Durable Objects it binds (`script_name`: the live rooms),
 *   persisted where `wrangler dev --persist-to DIR` keeps it (DIR/v3), and the config's cron
 *   triggers fired on schedule (Miniflare only offers them on request).
 * - applyD1Migrations: what `wrangler d1 migrations apply --local` does, recorded in the same
 *   `d1_migrations` table, so either can run first.
 *
 * Miniflare is wrangler's own dependency (one workerd for both).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Cron } from 'croner';
import { workerFirstRoutes } from './asset-routes.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO_ROOT, 'node_modules', '.bin');

/** Environment for wrangler: Node 22 from node_modules/.bin first, no telemetry or network lookups. */
export function toolEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
    NO_UPDATE_NOTIFIER: '1',
    ...extra,
  };
}

/** The Worker's console levels (workerd's structured logs), in order; `none` shows nothing. */
const WORKER_LOG_LEVELS = { debug: 0, log: 1, info: 1, warn: 2, error: 3, none: 4 };

/** wrangler's API and the Miniflare it depends on. */
async function loadTooling() {
  const wrangler = await import('wrangler');
  const requireFromWrangler = createRequire(createRequire(import.meta.url).resolve('wrangler'));
  const miniflare = await import(pathToFileURL(requireFromWrangler.resolve('miniflare')).href);
  return { wrangler, miniflare };
}

/**
 * Bundle a Worker as `wrangler deploy` would, without deploying.
 * @param {{ config?: string, entry?: string, outDir: string }} options entry overrides `main`
 * @returns {string} absolute path of the bundled module
 */
export function bundleWorker({ config = 'wrangler.toml', entry, outDir }) {
  const args = ['deploy', '--dry-run', '--outdir', outDir, '--config', config];
  if (entry) args.splice(1, 0, entry);
  const result = spawnSync(path.join(BIN, 'wrangler'), args, { cwd: REPO_ROOT, env: toolEnv(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  // Named after the entry module (`index.js` for worker/index.ts).
  const written = readdirSync(outDir).filter((name) => name.endsWith('.js'));
  if (written.length !== 1) throw new Error(`wrangler deploy --dry-run wrote ${written.length} modules to ${outDir}`);
  return path.join(outDir, written[0]);
}

/**
 * The configs of the Worker scripts whose Durable Objects `config` binds by `script_name`: the
 * `wrangler.*.toml` beside it whose `name` is that script (wrangler.live.toml for the live rooms).
 * @param {string} config
 * @returns {Promise<string[]>} paths relative to the repo
 */
export async function companionConfigs(config) {
  const { wrangler } = await loadTooling();
  const configPath = path.resolve(REPO_ROOT, config);
  const scripts = new Set(
    wrangler
      .unstable_readConfig({ config: configPath })
      .durable_objects.bindings.map((binding) => binding.script_name)
      .filter(Boolean),
  );
  if (!scripts.size) return [];
  const dir = path.dirname(configPath);
  const found = readdirSync(dir)
    .filter((name) => /^wrangler\..+\.toml$/.test(name))
    .map((name) => path.join(dir, name))
    .filter((candidate) => scripts.has(wrangler.unstable_readConfig({ config: candidate }).name));
  if (found.length !== scripts.size)
    throw new Error(`${config} binds Durable Objects of ${[...scripts].join(', ')}; found configs for ${found.length}`);
  return found.map((file) => path.relative(REPO_ROOT, file));
}

/**
 * Start the Worker of `config` (bundled in `bundle`) on workerd.
 *
 * @param {object} options
 * @param {string} [options.config] wrangler config (default wrangler.toml)
 * @param {string} options.bundle the bundled entry module (bundleWorker)
 * @param {Array<{ config: string, bundle: string }>} [options.companions] Worker scripts run beside
 *   it (companionConfigs, each bundled with bundleWorker)
 * @param {number} options.port
 * @param {string} [options.host] default 127.0.0.1
 * @param {string} [options.persistTo] state dir, as `wrangler dev --persist-to` (default .wrangler/state)
 * @param {Record<string, string>} [options.vars] overrides of [vars]
 * @param {'none'|'error'|'warn'|'info'|'debug'} [options.logLevel] Miniflare's log and the Worker's
 *   console output shown from this level (default warn)
 * @param {boolean} [options.crons] fire the config's cron triggers on schedule once `startCrons()` is called (default true)
 * @param {number} [options.inspectorPort] open the V8 inspector here (profiling: bench/profile.mjs)
 * @returns {Promise<Runtime>}
 *
 * @typedef {object} Runtime
 * @property {URL} url
 * @property {import('miniflare').Miniflare} mf
 * @property {string[]} crons the config's cron triggers
 * @property {() => void} startCrons start firing them (once the database is migrated)
 * @property {(port: number) => Promise<URL>} listen move to another port (restarts workerd; state is kept)
 * @property {() => Promise<void>} dispose stops workerd
 */
export async function startRuntime({
  config = 'wrangler.toml',
  bundle,
  companions = [],
  port,
  host = '127.0.0.1',
  persistTo = path.join(REPO_ROOT, '.wrangler', 'state'),
  vars = {},
  logLevel = 'warn',
  crons = true,
  inspectorPort,
}) {
  const { wrangler, miniflare } = await loadTooling();
  const { Miniflare, Log, LogLevel, convertV4MiniflareOptions } = miniflare;
  const configPath = path.resolve(REPO_ROOT, config);
  const wranglerConfig = wrangler.unstable_readConfig({ config: configPath });
  const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(wranglerConfig);
  const companionWorkers = companions.map((companion) => {
    const companionConfig = wrangler.unstable_readConfig({ config: path.resolve(REPO_ROOT, companion.config) });
    const options = wrangler.unstable_getMiniflareWorkerOptions(companionConfig).workerOptions;
    return {
      ...options,
      name: companionConfig.name,
      modules: true,
      scriptPath: companion.bundle,
      modulesRoot: path.dirname(companion.bundle),
      modulesRules: undefined,
    };
  });

  const worker = {
    ...workerOptions,
    name: wranglerConfig.name,
    routes: workerFirstRoutes(wranglerConfig.assets),
    // The bundle replaces `main`; it is one ES module (wrangler inlines everything).
    modules: true,
    scriptPath: bundle,
    modulesRoot: path.dirname(bundle),
    modulesRules: undefined,
    bindings: { ...workerOptions.bindings, ...vars },
  };
  const options = () =>
    convertV4MiniflareOptions({
      // The first worker gets the requests.
      workers: [worker, ...companionWorkers],
      rootPath: path.dirname(configPath),
      host,
      port,
      log: new Log(LogLevel[logLevel.toUpperCase()]),
      handleStructuredLogs: ({ level, message }) => {
        if ((WORKER_LOG_LEVELS[level] ?? 1) < WORKER_LOG_LEVELS[logLevel]) return;
        (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${message}\n`);
      },
      cf: false, // no request to workers.cloudflare.com for a Request.cf sample
      // Like wrangler dev: DIR/v3/{d1,kv,do,…}; `wrangler d1 … --local --persist-to DIR` reads the same files.
      resourcePersistencePath: path.join(path.resolve(persistTo), 'v3'),
      resourceTmpPath: path.join(path.resolve(persistTo), 'tmp'),
      logRequests: false,
      telemetry: { enabled: false },
      ...(inspectorPort ? { inspectorPort } : {}),
    });

  const mf = new Miniflare(options());
  let url = await mf.ready;
  const schedules = crons ? (worker.cronTriggers ?? []) : [];
  const timers = schedules.map(
    (pattern) =>
      // Paused until startCrons(): a trigger firing before the migrations are applied fails.
      new Cron(pattern, { protect: true, paused: true }, async () => {
        try {
          const w = await mf.getWorker();
          await w.scheduled({ cron: pattern, scheduledTime: new Date() });
        } catch (error) {
          console.error(`cron ${pattern}: ${error instanceof Error ? error.message : error}`);
        }
      }),
  );

  return {
    get url() {
      return url;
    },
    mf,
    crons: schedules,
    startCrons() {
      for (const timer of timers) timer.resume();
    },
    async listen(nextPort) {
      port = nextPort;
      await mf.setOptions(options());
      url = await mf.ready;
      return url;
    },
    async dispose() {
      for (const timer of timers) timer.stop();
      await mf.dispose();
    },
  };
}

/**
 * Apply a D1 database's migrations (the config's `migrations_dir`) that are not yet recorded in
 * its `d1_migrations` table, in file order, each file with its record in one batch, like
 * `wrangler d1 migrations apply --local`. drizzle's `--> statement-breakpoint` splits statements.
 *
 * @param {import('miniflare').Miniflare} mf
 * @param {{ binding?: string, migrationsDir: string }} options
 * @returns {Promise<string[]>} the names applied now
 */
export async function applyD1Migrations(mf, { binding = 'DB', migrationsDir }) {
  const db = await mf.getD1Database(binding);
  await db.exec(
    'CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);',
  );
  const { results } = await db.prepare('SELECT name FROM d1_migrations ORDER BY id').all();
  const applied = new Set(results.map((row) => row.name));
  const files = readdirSync(migrationsDir)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  const now = [];
  for (const name of files) {
    if (applied.has(name)) continue;
    const statements = splitStatements(readFileSync(path.join(migrationsDir, name), 'utf8'));
    await db.batch([
      ...statements.map((sql) => db.prepare(sql)),
      db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(name),
    ]);
    now.push(name);
  }
  return now;
}

/** The statements of a migration file: drizzle's breakpoints, else top-level semicolons. */
function splitStatements(sql) {
  const parts = sql.includes('--> statement-breakpoint') ? sql.split('--> statement-breakpoint') : sql.split(/;\s*\n/);
  return parts.map((part) => part.trim()).filter((part) => part.replace(/--.*$/gm, '').trim() !== '');
}

/**
 * The migrations dir of a D1 binding in a wrangler config (default `migrations`), or null when
 * the config has no such database.
 * @param {string} config
 * @param {string} binding
 */
export async function d1MigrationsDir(config, binding = 'DB') {
  const { wrangler } = await loadTooling();
  const configPath = path.resolve(REPO_ROOT, config);
  const database = wrangler.unstable_readConfig({ config: configPath }).d1_databases.find((d) => d.binding === binding);
  return database ? path.resolve(path.dirname(configPath), database.migrations_dir ?? 'migrations') : null;
}
