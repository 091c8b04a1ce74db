/**
 * The dependency checks behind `GET /v1/health` and `/status`: a D1 query, a KV read, the Queue
 * binding and a round trip to an OrgHub, each with its latency.
 */
import { getHealthProbeHub } from './org-hub-client';

export interface HealthCheck {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

export interface HealthChecks {
  d1: HealthCheck;
  kv: HealthCheck;
  queue: HealthCheck;
  durable_object: HealthCheck;
}

async function timed(check: () => Promise<unknown>): Promise<HealthCheck> {
  const started = Date.now();
  try {
    await check();
    return { ok: true, latency_ms: Date.now() - started };
  } catch (error) {
    // The name is enough to act on; the message may carry internals.
    return { ok: false, latency_ms: Date.now() - started, error: error instanceof Error ? error.name : 'Error' };
  }
}

export async function runHealthChecks(env: Pick<Env, 'DB' | 'KV' | 'AGENT_RUNS' | 'ORG_HUB'>): Promise<HealthChecks> {
  const [d1, kv, queue, durableObject] = await Promise.all([
    timed(() => env.DB.prepare('SELECT 1').first()),
    timed(() => env.KV.get('health:probe')),
    timed(async () => {
      if (typeof env.AGENT_RUNS?.send !== 'function') throw new TypeError('AGENT_RUNS binding missing');
    }),
    timed(async () => {
      const pong = await getHealthProbeHub(env).ping();
      if (!pong.ok) throw new Error('OrgHub did not answer');
    }),
  ]);
  return { d1, kv, queue, durable_object: durableObject };
}
