/**
 * The last 24 hours of the ops counters core/analytics.ts writes: the error rate (5xx answers
 * of all requests) and the run success rate (completed of the runs that ended: completed,
 * failed, timed out or blocked; cancelled runs and runs waiting on an approval do not count).
 * Production reads the Analytics Engine SQL API (CLOUDFLARE_ACCOUNT_ID and
 * CLOUDFLARE_ANALYTICS_TOKEN); elsewhere the dev table. Null when there is nothing to read.
 */
import { and, gt, inArray, sql } from 'drizzle-orm';
import { ANALYTICS_DATASET } from './analytics';
import type { AppConfig } from './config';
import { getDb } from './db/client';
import { devAnalyticsEvents } from './db/schema';

export interface Rate {
  /** 0–1. */
  rate: number;
  count: number;
  total: number;
}

export interface LastDay {
  errorRate: Rate | null;
  runSuccessRate: Rate | null;
  source: 'analytics_engine' | 'dev_table' | 'unavailable';
}

interface CountRow {
  event: string;
  detail: string;
  n: number;
}

const DAY_MS = 24 * 3600 * 1000;
const ENDED_RUNS = new Set(['completed', 'failed', 'timed_out', 'blocked']);

export function ratesFrom(rows: CountRow[]): Pick<LastDay, 'errorRate' | 'runSuccessRate'> {
  const sum = (filter: (row: CountRow) => boolean) =>
    rows.filter(filter).reduce((total, row) => total + Number(row.n), 0);
  const requests = sum((r) => r.event === 'request');
  const errors = sum((r) => r.event === 'request' && r.detail === '5xx');
  const runs = sum((r) => r.event === 'run_finished' && ENDED_RUNS.has(r.detail));
  const completed = sum((r) => r.event === 'run_finished' && r.detail === 'completed');
  return {
    errorRate: requests ? { rate: errors / requests, count: errors, total: requests } : null,
    runSuccessRate: runs ? { rate: completed / runs, count: completed, total: runs } : null,
  };
}

async function fromAnalyticsEngine(config: AppConfig): Promise<CountRow[]> {
  const query = `SELECT blob1 AS event, blob4 AS detail, SUM(_sample_interval) AS n FROM ${ANALYTICS_DATASET} WHERE timestamp > NOW() - INTERVAL '1' DAY AND blob1 IN ('request', 'run_finished') GROUP BY event, detail`;
  const res = await fetch(
    `https://api.cloudflare.com/client/v4/accounts/${config.CLOUDFLARE_ACCOUNT_ID}/analytics_engine/sql`,
    { method: 'POST', headers: { Authorization: `Bearer ${config.CLOUDFLARE_ANALYTICS_TOKEN}` }, body: query },
  );
  if (!res.ok) throw new Error(`Analytics Engine SQL API answered ${res.status}`);
  return ((await res.json()) as { data: CountRow[] }).data;
}

export async function lastDay(env: Pick<Env, 'DB'>, config: AppConfig, now = Date.now()): Promise<LastDay> {
  if (config.APP_ENV === 'production') {
    if (!config.CLOUDFLARE_ACCOUNT_ID || !config.CLOUDFLARE_ANALYTICS_TOKEN)
      return { errorRate: null, runSuccessRate: null, source: 'unavailable' };
    return { ...ratesFrom(await fromAnalyticsEngine(config)), source: 'analytics_engine' };
  }
  const rows = await getDb(env)
    .select({
      event: devAnalyticsEvents.event,
      detail: devAnalyticsEvents.detail,
      n: sql<number>`SUM(${devAnalyticsEvents.value})`,
    })
    .from(devAnalyticsEvents)
    .where(
      and(
        gt(devAnalyticsEvents.createdAt, now - DAY_MS),
        inArray(devAnalyticsEvents.event, ['request', 'run_finished']),
      ),
    )
    .groupBy(devAnalyticsEvents.event, devAnalyticsEvents.detail);
  return { ...ratesFrom(rows), source: 'dev_table' };
}
