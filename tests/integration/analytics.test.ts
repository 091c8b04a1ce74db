/** Product analytics: events land in the dev table (Analytics Engine in production). */
import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { AnalyticsTally } from '../../core/analytics';
import { call, createKey, signUp } from './helpers';

async function eventsOf(org: string): Promise<string[]> {
  const { results } = await env.DB.prepare(`SELECT event FROM dev_analytics_events WHERE org = ? ORDER BY id`)
    .bind(org)
    .all<{ event: string }>();
  return results.map((r) => r.event);
}

describe('product analytics', () => {
  it('records signup, org created, key created, task given and task completed for the org', async () => {
    const owner = await signUp();
    const key = await createKey(owner.cookie, owner.org.slug);
    const task = await call('/v1/tasks', { key: key.key, body: { agent: 'sable', description: 'Count me' } });
    expect(task.status).toBe(201);
    await vi.waitFor(
      async () => {
        const events = await eventsOf(owner.org.id);
        expect(events).toEqual(
          expect.arrayContaining([
            'signup',
            'org_created',
            'key_created',
            'task_given',
            'task_completed',
            'run_finished',
          ]),
        );
      },
      { timeout: 20_000, interval: 200 },
    );
  });

  it('counts page views without a person', async () => {
    const res = await call('/pricing', { headers: { Accept: 'text/html', 'User-Agent': 'Mozilla/5.0 Chrome/130' } });
    expect(res.status).toBe(200);
    await vi.waitFor(async () => {
      const row = await env.DB.prepare(
        `SELECT actor FROM dev_analytics_events WHERE event = 'page_view' AND detail = '/pricing' ORDER BY id DESC LIMIT 1`,
      ).first<{ actor: string }>();
      expect(row).not.toBeNull();
      expect(row!.actor).toBe('');
    });
  });

  it('writes tallied counts as one dev-table row per event, org and detail', async () => {
    const org = `org_tally_${crypto.randomUUID()}`;
    const tally = new AnalyticsTally();
    for (const detail of ['completed', 'completed', 'failed', 'completed'])
      tally.count(env, 'run_finished', { org, detail });
    await tally.flush(env);
    await tally.flush(env); // nothing new: writes nothing
    const { results } = await env.DB.prepare(
      `SELECT detail, value FROM dev_analytics_events WHERE org = ? ORDER BY detail`,
    )
      .bind(org)
      .all<{ detail: string; value: number }>();
    expect(results).toEqual([
      { detail: 'completed', value: 3 },
      { detail: 'failed', value: 1 },
    ]);
  });
});
