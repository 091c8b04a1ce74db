/**
 * The agent-minute quota at admission (run by the task engine inside the hub's exclusive
 * section). When the month's agent-minutes are used up (on a plan without overage), pending tasks stay pending with
 * `waiting_reason = 'quota'` (shown in the API and the dashboard), and the hub wakes at the
 * period's end; a bigger plan (syncOrg re-admits) or the new period clears the reason. Live
 * events warn once per period at 80% (`usage.quota_warning`) and at 100% (`usage.quota_reached`).
 * Also the demo plan's lifetime caps on tasks and runs, checked when work is given.
 */
import { eq, isNotNull, isNull } from 'drizzle-orm';
import { agentRuns, meta, tasks } from '../core/db/org-schema';
import type { OrgStore } from '../core/db/org-store';
import { ApiError } from '../core/errors';
import { billsOverage, getPlan, type Plan, type PlanId } from '../core/plans';
import { monthPeriod } from './engine-host';
import { metaValue, setMeta } from './platform-link';
import type { TaskEngine } from './task-engine';

/** Share of the quota (percent) at which an event warns, lowest first. */
export const QUOTA_WARNINGS = [80, 100] as const;

const SYSTEM = { type: 'system', id: null } as const;

export interface QuotaState {
  periodStart: number;
  periodEnd: number;
  usedMs: number;
  limitMs: number;
  /** True when the period's agent-minutes are used up. */
  reached: boolean;
}

/** The period's use against the plan; null for a plan without an agent-minute limit. */
export async function quotaState(engine: TaskEngine, plan: Plan, now: number): Promise<QuotaState | null> {
  if (!Number.isFinite(plan.limits.agentMinutesPerMonth)) return null;
  const period = monthPeriod(now);
  const usage = engine.scope.statements.usageOfPeriod.get({ periodStart: period.start });
  const usedMs = usage?.agentMs ?? 0;
  const limitMs = plan.limits.agentMinutesPerMonth * 60_000;
  return { periodStart: period.start, periodEnd: period.end, usedMs, limitMs, reached: usedMs >= limitMs };
}

/**
 * Applies the quota before admission: warns at the thresholds, holds or releases pending tasks.
 * Returns true when admission must stop here.
 */
export async function enforceQuota(engine: TaskEngine, plan: Plan, now: number): Promise<boolean> {
  const state = await quotaState(engine, plan, now);
  if (!state) {
    await releaseHeld(engine);
    return false;
  }
  await warn(engine, plan, state);
  // Pro keeps working past its minutes: the rest is billed as overage (durable-objects/meter-reports.ts).
  if (!state.reached || billsOverage(plan.id)) {
    await releaseHeld(engine);
    return false;
  }
  const held = await engine.scope
    .updateRows(tasks, { waitingReason: 'quota' }, eq(tasks.status, 'pending'), isNull(tasks.waitingReason))
    .returning({ id: tasks.id });
  setMeta(engine.scope, 'quota_held', String(state.periodStart));
  for (const task of held) await engine.publishTask('task.updated', task.id, SYSTEM, { change: 'waiting_on_quota' });
  // Nothing else may wake the hub before the period rolls over.
  await engine.host.setAlarmAt(state.periodEnd);
  return true;
}

/** Clears `waiting_reason` once the quota allows work again (skipped unless something was held). */
async function releaseHeld(engine: TaskEngine) {
  if (metaValue(engine.scope, 'quota_held') === null) return;
  const released = await engine.scope
    .updateRows(tasks, { waitingReason: null }, isNotNull(tasks.waitingReason))
    .returning({ id: tasks.id, status: tasks.status });
  engine.scope.batch([engine.scope.deleteRows(meta, eq(meta.key, 'quota_held'))]);
  for (const task of released)
    if (task.status === 'pending')
      await engine.publishTask('task.updated', task.id, SYSTEM, { change: 'quota_released' });
}

/** One event per threshold per period, the first time usage reaches it. */
async function warn(engine: TaskEngine, plan: Plan, state: QuotaState) {
  const percent = state.limitMs === 0 ? 100 : (state.usedMs / state.limitMs) * 100;
  const reached = QUOTA_WARNINGS.filter((threshold) => percent >= threshold).at(-1);
  if (reached === undefined) return;
  const key = `quota_warned:${state.periodStart}`;
  const already = Number(metaValue(engine.scope, key) ?? 0);
  if (already >= reached) return;
  const data = {
    threshold_percent: reached,
    agent_ms: state.usedMs,
    limit_agent_ms: state.limitMs,
    agent_minutes_per_month: plan.limits.agentMinutesPerMonth,
    plan: plan.id,
    period_start: new Date(state.periodStart).toISOString(),
    period_end: new Date(state.periodEnd).toISOString(),
    upgrade_url: `/orgs/${engine.host.org().slug}/settings/billing`,
  };
  engine.scope.batch([
    engine.record(
      reached >= 100 ? 'usage.quota_reached' : 'usage.quota_warning',
      SYSTEM,
      {
        type: 'org',
        id: engine.host.orgId ?? 'org',
      },
      data,
    ),
    engine.scope
      .insertRows(meta, { key, value: String(reached) })
      .onConflictDoUpdate({ target: meta.key, set: { value: String(reached) } }),
  ]);
}

/**
 * The plan's lifetime caps on work given from outside (the demo plan's; the others have none):
 * tasks in all, and runs in all (a new task or a retry means at least one more run).
 */
export async function assertLifetimeCaps(store: OrgStore, planId: PlanId, kind: 'task' | 'run'): Promise<void> {
  const plan = getPlan(planId);
  const { maxTasks, maxRuns } = plan.limits;
  const demo = plan.id === 'demo';
  const refuse = (limit: number, what: string) =>
    new ApiError(
      'quota_exceeded',
      demo
        ? `The demo allows ${limit} ${what}. Sign up to keep this team and give it more work.`
        : `Your ${plan.name} plan allows ${limit} ${what}. Upgrade for more.`,
      { limit, upgrade_url: demo ? '/demo/keep' : '/pricing', ...(demo ? { demo: true } : {}) },
    );
  if (kind === 'task' && Number.isFinite(maxTasks) && (await store.count(tasks)) >= maxTasks)
    throw refuse(maxTasks, 'tasks');
  if (Number.isFinite(maxRuns) && (await store.count(agentRuns)) >= maxRuns) throw refuse(maxRuns, 'agent runs');
}
