/** `/status`: the health checks and the last 24 hours' rates, from the same counters as analytics. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call } from './helpers';

describe('/status', () => {
  it('shows every health check and the run success rate from recorded runs', async () => {
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO dev_analytics_events (event, org, detail, value, created_at) VALUES
       ('run_finished', 'org_status_test', 'completed', 3000000, ?), ('run_finished', 'org_status_test', 'failed', 1000000, ?),
       ('run_finished', 'org_status_test', 'completed', 50000000, ?)`,
    )
      .bind(now, now, now - 2 * 24 * 3600 * 1000)
      .run();
    const res = await call('/status', { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.text).toContain('All systems working');
    for (const name of ['Database (D1)', 'Key-value store (KV)', 'Run queue', 'Org hubs'])
      expect(res.text).toContain(name);
    // 3 million completed of 4 million ended in the last 24 hours; the 50 million older ones do not
    // count. (Millions: the runs other test files recorded in this shared database stay below 0.05%.)
    expect(res.text).toMatch(/Agent run success rate.*?75\.0(<!-- -->)?%/s);
  });
});
