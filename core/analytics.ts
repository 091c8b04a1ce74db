/**
 * Product analytics and ops counters on Workers Analytics Engine (the `ANALYTICS` binding): no
 * third-party script, no cookie, no IP. One data point per event: blob1 the event, blob2 the org,
 * blob3 the person (never for page views), blob4 a detail (a path, an outcome); double1 a value;
 * index1 the org (or the event), Analytics Engine's sampling key. Outside production the same
 * events go to the log and to the `dev_analytics_events` D1 table, which `npm run ops -- funnel`,
 * `/status` and tests read locally. Tracking never fails the work it describes.
 */
import { getDb } from './db/client';
import { devAnalyticsEvents } from './db/schema';
import { log } from './log';

export const ANALYTICS_EVENTS = [
  'signup',
  'org_created',
  'task_given',
  'task_completed',
  'key_created',
  'invitation_accepted',
  'checkout_started',
  'checkout_completed',
  'demo_created',
  'demo_converted',
  'page_view',
  /** Ops: one per request (detail: the status class, `2xx`…`5xx`). */
  'request',
  /** Ops: one per finished run (detail: its outcome). */
  'run_finished',
] as const;
export type AnalyticsEvent = (typeof ANALYTICS_EVENTS)[number];

/** The dataset named in wrangler.toml; the SQL API reads it by this name. */
export const ANALYTICS_DATASET = 'generic_corp_events';

export interface TrackFields {
  org?: string | null;
  actor?: string | null;
  detail?: string | null;
  value?: number;
}

export type AnalyticsEnv = Pick<Env, 'DB'> & { ANALYTICS?: AnalyticsEngineDataset; APP_ENV?: string };

/**
 * Events the local dev table does not keep: one D1 write per request would put D1 back on every
 * request's path (the local runtime and its benchmarks would measure the dev table, not the
 * app). Production counts them in Analytics Engine, where a data point is not a round trip.
 */
const NOT_KEPT_LOCALLY = new Set<AnalyticsEvent>(['request']);

/** One Analytics Engine data point (none without the binding): indexed by org, else by event. */
function writeDataPoint(
  env: AnalyticsEnv,
  event: AnalyticsEvent,
  org: string,
  actor: string,
  detail: string,
  value: number,
) {
  env.ANALYTICS?.writeDataPoint({ indexes: [org || event], blobs: [event, org, actor, detail], doubles: [value] });
}

/**
 * High-volume ops counters (a finished run): each data point goes to Analytics Engine at once,
 * but the local dev table gets the counts summed per event, org and detail, one row each
 * (`value` = the count), when the owner flushes: the OrgHub does with its usage ledger, so
 * the local runtime does not pay a D1 write per run. Counts not yet flushed when the object is
 * evicted are lost (ops counters only).
 */
export class AnalyticsTally {
  private readonly counts = new Map<string, { event: AnalyticsEvent; org: string; detail: string; value: number }>();

  count(env: AnalyticsEnv, event: AnalyticsEvent, fields: TrackFields = {}): void {
    const org = fields.org ?? '';
    const detail = (fields.detail ?? '').slice(0, 200);
    const value = fields.value ?? 1;
    try {
      writeDataPoint(env, event, org, '', detail, value);
    } catch (error) {
      log.warn('analytics_write_failed', { event, error: error instanceof Error ? error.message : String(error) });
    }
    if (env.APP_ENV === 'production') return;
    const key = `${event}\u0000${org}\u0000${detail}`;
    const counted = this.counts.get(key);
    if (counted) counted.value += value;
    else this.counts.set(key, { event, org, detail, value });
  }

  /** Writes the counts so far to the dev table (nothing in production). Never throws. */
  async flush(env: AnalyticsEnv): Promise<void> {
    const createdAt = Date.now();
    const rows = [...this.counts.values()].map((row) => ({ ...row, actor: '', createdAt }));
    this.counts.clear();
    if (!rows.length) return;
    try {
      // D1 binds at most 100 values per statement: 7 columns, so 14 rows per insert.
      const db = getDb(env);
      const inserts = [];
      for (let i = 0; i < rows.length; i += 14)
        inserts.push(db.insert(devAnalyticsEvents).values(rows.slice(i, i + 14)));
      await db.batch(inserts as [(typeof inserts)[number], ...typeof inserts]);
    } catch (error) {
      log.warn('analytics_write_failed', {
        event: 'tally',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

export async function track(env: AnalyticsEnv, event: AnalyticsEvent, fields: TrackFields = {}): Promise<void> {
  const org = fields.org ?? '';
  const actor = event === 'page_view' ? '' : (fields.actor ?? '');
  const detail = (fields.detail ?? '').slice(0, 200);
  const value = fields.value ?? 1;
  try {
    writeDataPoint(env, event, org, actor, detail, value);
    if (env.APP_ENV === 'production') return;
    if (NOT_KEPT_LOCALLY.has(event)) return;
    if (event !== 'request') log.info('analytics_event', { event, org, detail });
    await getDb(env).insert(devAnalyticsEvents).values({ event, org, actor, detail, value, createdAt: Date.now() });
  } catch (error) {
    log.warn('analytics_write_failed', { event, error: error instanceof Error ? error.message : String(error) });
  }
}
