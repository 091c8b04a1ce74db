/**
 * `GET /v1/tasks/:id` with a warm API key (the hot read of the public API) vs the hello Worker,
 * at BENCH_READ_CONNECTIONS (50) connections, on the production-like runtime.
 */
import { SCOPES } from './round-trips.mjs';
import { requestJson, createTenant, waitForFinal } from './lib/tenant.mjs';
import { appVsHello } from './lib/vs-hello.mjs';

export const name = 'task-read';
export const description = 'GET /v1/tasks/:id (warm key) req/s, p50/p99 vs hello, Miniflare runtime, pinned';

/** Keys for `connections` connections, one each: a key is rate limited (self_hosted: 6,000/min). */
export async function tenantWithKeys(url, tag, connections, agents = 0) {
  const keys = Array.from({ length: connections }, (_, i) => ({ name: `${tag}-${i}`, scopes: SCOPES }));
  return createTenant(url, { tag, keys, agents });
}

/**
 * The floor of an org read: a Worker that checks a bearer token and calls a SQLite Durable
 * Object for three statements (bench/floor/), on its own and with the app's [assets] and
 * run_worker_first (the runtime routes that path past the local asset router); and hello
 * with [assets].
 */
const FLOOR_ROUTE = { path: '/v1/tasks/t1', headers: { authorization: 'Bearer floor' } };
const READ_FLOORS = [
  { kind: 'floor', label: 'floor: DO read, no framework', short: 'floor', route: FLOOR_ROUTE },
  { kind: 'floor-hono', label: 'floor with Hono and zod-openapi', short: 'floor+hono', route: FLOOR_ROUTE },
  { kind: 'floor-assets', label: 'floor with [assets], worker-first', short: 'floor+assets', route: FLOOR_ROUTE },
  { kind: 'hello-assets', label: 'hello with [assets], worker-first', short: 'hello+assets', route: { path: '/' } },
];

/** The floors named in BENCH_READ_FLOORS (comma-separated kinds), or all of them. */
function selectedFloors() {
  const names = (process.env.BENCH_READ_FLOORS ?? '').split(',').filter(Boolean);
  if (!names.length) return READ_FLOORS;
  const unknown = names.filter((name) => !READ_FLOORS.some((floor) => floor.kind === name));
  if (unknown.length) throw new Error(`BENCH_READ_FLOORS: no floor named ${unknown.join(', ')}`);
  return READ_FLOORS.filter((floor) => names.includes(floor.kind));
}

/** @param {import('./run.mjs').Settings} settings @param {(line: string) => void} log */
export async function run(settings, log) {
  const connections = Number(process.env.BENCH_READ_CONNECTIONS ?? 50);
  return appVsHello({
    settings,
    log,
    label: 'GET /v1/tasks/:id',
    connections,
    portOffset: 20,
    // What the runtime itself costs for this shape of request (bench/README.md, "floors").
    floors: selectedFloors(),
    async prepare(url) {
      const tenant = await tenantWithKeys(url, 'read', connections);
      const key = tenant.keyList[0];
      const res = await requestJson(url, 'POST', '/v1/tasks', {
        key,
        body: { agent: 'marcus', description: 'Read me' },
      });
      if (res.status !== 201) throw new Error(`POST /v1/tasks: HTTP ${res.status} ${res.text.slice(0, 200)}`);
      await waitForFinal(url, key, [res.json.id], { timeoutMs: 60_000 });
      return {
        path: `/v1/tasks/${res.json.id}`,
        clientHeaders: (i) => ({ authorization: `Bearer ${tenant.keyList[i % tenant.keyList.length]}` }),
      };
    },
  });
}
