/**
 * `POST /v1/tasks` vs the hello Worker (`GET /`), at BENCH_CONNECTIONS (10)
 * connections, on the production-like runtime. Tasks are scheduled an hour ahead, so the
 * figure is the create path (auth, validation, the OrgHub transition, its event) without runs
 * competing for the CPU; round-trips.mjs counts an admitted create (with its Queue send).
 */
import { appVsHello } from './lib/vs-hello.mjs';
import { tenantWithKeys } from './task-read.mjs';

export const name = 'task-create';
export const description = 'POST /v1/tasks req/s, p50/p99 vs hello, Miniflare runtime, pinned';

/** @param {import('./run.mjs').Settings} settings @param {(line: string) => void} log */
export async function run(settings, log) {
  const body = JSON.stringify({
    agent: 'marcus',
    description: 'Create benchmark task',
    scheduled_for: new Date(Date.now() + 24 * 3_600_000).toISOString(),
  });
  return appVsHello({
    settings,
    log,
    label: 'POST /v1/tasks',
    connections: settings.connections,
    portOffset: 22,
    async prepare(url) {
      const tenant = await tenantWithKeys(url, 'create', settings.connections);
      return {
        path: '/v1/tasks',
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        clientHeaders: (i) => ({ authorization: `Bearer ${tenant.keyList[i % tenant.keyList.length]}` }),
      };
    },
  });
}
