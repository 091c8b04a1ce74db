/**
 * Reconciliation of Pro overage (the cron sweep): for every metered org with usage in the
 * current or previous period, the D1 ledger's exact agent-ms (a copy of the OrgHub's counters)
 * is compared with the agent-ms Stripe accepted. An org behind (a failed send, a hub that has
 * not flushed) is asked to record and send now; what the hub then reports is compared again.
 * Anything still apart is logged as `meter_mismatch` for an operator. Reporting more than is
 * owed would be a defect and is logged as an error.
 */
import type { Db } from '../db/client';
import { ledgerOfPlans } from '../db/scoped';
import { log } from '../log';
import { orgHub } from '../org-hub-client';
import { effectivePlan, OVERAGE_PLANS } from '../plans';
import { usagePeriodOf } from '../platform-budget';

export interface ReconcileResult {
  checked: number;
  /** Orgs whose ledger showed less sent than owed, and were nudged. */
  behind: number;
  /** Orgs still apart after the nudge (sends failing: Stripe down, no customer). */
  mismatched: number;
  /** Orgs with more sent than owed (never expected). */
  over: number;
}

/** Compares owed with sent for metered orgs; nudges the hubs that are behind. */
export async function reconcileOverage(db: Db, env: Pick<Env, 'ORG_HUB'>, now = Date.now()): Promise<ReconcileResult> {
  const current = usagePeriodOf(now);
  const previous = usagePeriodOf(current.start - 1);
  const rows = await ledgerOfPlans(db, previous.start, [...OVERAGE_PLANS]);
  const result: ReconcileResult = { checked: 0, behind: 0, mismatched: 0, over: 0 };
  for (const ledger of rows) {
    const org = { id: ledger.orgId, plan: ledger.plan, planLimits: ledger.planLimits };
    result.checked++;
    const limitMs = effectivePlan({ plan: org.plan, limits: org.planLimits }).limits.agentMinutesPerMonth * 60_000;
    const owedMs = Math.max(0, ledger.agentMs - limitMs);
    if (ledger.reportedAgentMs === owedMs) continue;
    if (ledger.reportedAgentMs > owedMs) {
      result.over++;
      log.error('meter_overreported', {
        org_id: org.id,
        period_start: ledger.periodStart,
        owed_ms: owedMs,
        reported_ms: ledger.reportedAgentMs,
      });
      continue;
    }
    result.behind++;
    try {
      const totals = await orgHub(env, { orgId: org.id, actor: { type: 'system', id: null } }).reportOverage(
        ledger.periodStart,
      );
      if (totals.sentMs !== totals.owedMs) {
        result.mismatched++;
        log.warn('meter_mismatch', {
          org_id: org.id,
          period_start: ledger.periodStart,
          owed_ms: totals.owedMs,
          recorded_ms: totals.recordedMs,
          sent_ms: totals.sentMs,
          unsent: totals.unsent,
        });
      }
    } catch (error) {
      result.mismatched++;
      log.warn('meter_reconcile_failed', { org_id: org.id, error: error instanceof Error ? error.message : 'unknown' });
    }
  }
  return result;
}
