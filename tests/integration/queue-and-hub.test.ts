import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  evictDurableObject,
  getQueueResult,
} from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getOrgHub } from '../../core/org-hub-client';
import type { RunTaskMessage } from '../../core/queue-messages';
import worker from '../../worker/index';

/** Awaits an RPC call expected to fail and returns its error text (RPC promises are thenables, not Promises). */
async function rpcError(call: () => PromiseLike<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  throw new Error('expected the RPC call to fail');
}

const orgId = () => `org_${crypto.randomUUID()}`;
const runMessage = (org: string, taskId = `tsk_${crypto.randomUUID()}`, attempt = 1) => ({
  kind: 'run_task' as const,
  orgId: org,
  taskId,
  attempt,
  enqueuedAt: Date.now(),
});

describe('agent-runs queue consumer', () => {
  it('routes each valid message to its org hub and acks it; acks (drops) a malformed one', async () => {
    const org = orgId();
    const valid = runMessage(org);
    const batch = createMessageBatch<unknown>('agent-runs', [
      { id: 'm1', timestamp: Date.now(), attempts: 1, body: valid },
      { id: 'm2', timestamp: Date.now(), attempts: 1, body: { kind: 'run_task', orgId: '' } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(['m1', 'm2']);
    expect(result.retryMessages).toEqual([]);
  });

  it('a delivery for a task that is not queued at that attempt is stale and runs nothing', async () => {
    const org = orgId();
    const message = runMessage(org);
    const hub = getOrgHub(env, { orgId: org });
    // No such org or task: nothing to claim, however often it is delivered.
    expect(await hub.deliverRun(message)).toEqual({ outcome: 'stale' });
    expect(await hub.deliverRun(message)).toEqual({ outcome: 'stale' });
    expect(await hub.deliverRun({ ...message, attempt: 2 })).toEqual({ outcome: 'stale' });
  });

  it('retries with backoff when the hub call fails', async () => {
    const org = orgId();
    const hub = getOrgHub(env, { orgId: org });
    // Bind the object to another org: the hub refuses the delivery, so the consumer must retry.
    await hub.publish(`${org}-other`, 'test.bound', {});
    const batch = createMessageBatch<unknown>('agent-runs', [
      { id: 'm1', timestamp: Date.now(), attempts: 3, body: runMessage(org) },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m1']);
  });

  it('acks dead letters once recorded', async () => {
    const org = orgId();
    const message = runMessage(org);
    const batch = createMessageBatch<unknown>('agent-runs-dlq', [
      { id: 'd1', timestamp: Date.now(), attempts: 6, body: message },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['d1']);
  });
});

describe('OrgHub', () => {
  it('keeps its sequence across eviction, with no gaps', async () => {
    const org = orgId();
    const hub = getOrgHub(env, { orgId: org });
    const first = await hub.publish(org, 'test.one', { n: 1 });
    await evictDurableObject(hub);
    const second = await hub.publish(org, 'test.two', { n: 2 });
    expect([first.seq, second.seq]).toEqual([1, 2]);
    const replay = await hub.eventsSince(org, 1);
    expect(replay.map((e) => e.type)).toEqual(['test.two']);
  });

  it('refuses to serve a second org', async () => {
    const org = orgId();
    const hub = getOrgHub(env, { orgId: org });
    await hub.publish(org, 'test.one', {});
    expect(await rpcError(() => hub.publish('org_someone_else', 'test.two', {}))).toMatch(
      /called for org_someone_else/,
    );
  });

  it('validates RPC arguments', async () => {
    const org = orgId();
    const hub = getOrgHub(env, { orgId: org });
    expect(await rpcError(() => hub.deliverRun({ kind: 'run_task', orgId: org } as unknown as RunTaskMessage))).toMatch(
      /ZodError|invalid/i,
    );
    expect(await rpcError(() => hub.publish(org, '', {}))).toMatch(/ZodError|invalid/i);
  });
});

describe('scheduled sweep', () => {
  it('deletes expired sessions and keeps live ones', async () => {
    const userId = `usr_${crypto.randomUUID()}`;
    await env.DB.prepare(`INSERT INTO users (id, email, name) VALUES (?, ?, 'Sweep Test')`)
      .bind(userId, `${userId}@example.com`)
      .run();
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)`).bind(
        `expired-${userId}`,
        userId,
        Date.now() - 1000,
      ),
      env.DB.prepare(`INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)`).bind(
        `live-${userId}`,
        userId,
        Date.now() + 60_000,
      ),
    ]);
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env, createExecutionContext());
    const { results } = await env.DB.prepare(`SELECT id FROM sessions WHERE user_id = ?`)
      .bind(userId)
      .all<{ id: string }>();
    expect(results.map((row) => row.id)).toEqual([`live-${userId}`]);
  });

  it('purges organizations deleted more than the grace period ago, with their rows', async () => {
    const recent = `org_${crypto.randomUUID()}`;
    const old = `org_${crypto.randomUUID()}`;
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO organizations (id, name, slug, deleted_at) VALUES (?, 'Old', ?, ?)`).bind(
        old,
        `old-${old.slice(4, 12)}`,
        Date.now() - 8 * 24 * 3600 * 1000,
      ),
      env.DB.prepare(`INSERT INTO organizations (id, name, slug, deleted_at) VALUES (?, 'Recent', ?, ?)`).bind(
        recent,
        `recent-${recent.slice(4, 12)}`,
        Date.now() - 1000,
      ),
      env.DB.prepare(
        `INSERT INTO usage_periods (id, organization_id, period_start, period_end) VALUES (?, ?, 0, 1)`,
      ).bind(`use_${old}`, old),
    ]);
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env, createExecutionContext());
    const left = await env.DB.prepare(`SELECT id FROM organizations WHERE id IN (?, ?)`)
      .bind(old, recent)
      .all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual([recent]);
    const ledger = await env.DB.prepare(`SELECT COUNT(*) AS n FROM usage_periods WHERE organization_id = ?`)
      .bind(old)
      .first<{ n: number }>();
    expect(ledger!.n).toBe(0);
  });
});
