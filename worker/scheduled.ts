/**
 * Cron sweeps: expired sessions and invitations, expired demo sandboxes (OrgHub storage, guest
 * and rows: core/demo.ts), and organizations deleted long enough ago.
 */
import { lt } from 'drizzle-orm';
import { reconcileOverage } from '../core/billing/metering';
import { pushChangedOrgs } from '../core/billing/ops';
import { endExpiredGrace, endExpiredTrials } from '../core/billing/state';
import { loadConfig } from '../core/config';
import { getDb } from '../core/db/client';
import { invitations, sessions } from '../core/db/schema';
import { purgeExpiredSandboxes } from '../core/demo';
import { log } from '../core/log';
import { purgeDeletedOrganizations } from '../core/orgs';
import { sweepShowcase } from '../core/showcase';

/** A deleted org stays restorable by support this long before its rows are purged. */
export const DELETED_ORG_GRACE_MS = 7 * 24 * 3600 * 1000;
/** Orgs changed this recently are pushed to their hubs again (the cron runs every 5 minutes). */
const SWEEP_LOOKBACK_MS = 11 * 60 * 1000;

export async function handleScheduled(
  controller: ScheduledController,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  const db = getDb(env);
  const now = Date.now();
  const [expiredSessions, expiredInvitations] = await db.batch([
    db.delete(sessions).where(lt(sessions.expiresAt, now)),
    db.delete(invitations).where(lt(invitations.expiresAt, now - 30 * 24 * 3600 * 1000)),
  ]);
  const sandboxes = await purgeExpiredSandboxes(db, env, now);
  const purgedOrganizations = await purgeDeletedOrganizations(db, DELETED_ORG_GRACE_MS);
  // Hosted edition: no-card trials past their end fall back to Free (core/billing/state.ts).
  // …past_due orgs past their grace period too, and Pro overage is reconciled with Stripe.
  let endedTrials = 0;
  let endedGrace = 0;
  let pushedOrgs = 0;
  let overage: Awaited<ReturnType<typeof reconcileOverage>> | null = null;
  const config = loadConfig(env);
  try {
    // Operator plan changes (scripts/ops, either edition) whose push to the hub did not get through.
    pushedOrgs = await pushChangedOrgs(db, env, now - SWEEP_LOOKBACK_MS);
  } catch (error) {
    log.error('org_push_sweep_failed', { error });
  }
  if (config.billingEnabled) {
    try {
      endedTrials = await endExpiredTrials(db, env, now);
    } catch (error) {
      log.error('trial_sweep_failed', { error });
    }
    try {
      endedGrace = await endExpiredGrace(db, env, config, now);
    } catch (error) {
      log.error('grace_sweep_failed', { error });
    }
    try {
      overage = await reconcileOverage(db, env, now);
    } catch (error) {
      log.error('overage_reconcile_failed', { error });
    }
  }
  // The landing page's showcase (never purged: it does not expire) is pruned and kept busy.
  const showcase = await sweepShowcase(db, env).catch((error) => {
    log.warn('showcase_sweep_failed', { error: error instanceof Error ? error.message : 'unknown' });
    return null;
  });
  log.info('sweep', {
    cron: controller.cron,
    expired_sessions: expiredSessions.meta.changes,
    expired_invitations: expiredInvitations.meta.changes,
    purged_organizations: purgedOrganizations,
    purged_sandboxes: sandboxes.purged,
    deferred_sandboxes: sandboxes.deferred,
    ended_trials: endedTrials,
    ended_grace: endedGrace,
    pushed_orgs: pushedOrgs,
    overage_checked: overage?.checked ?? 0,
    overage_behind: overage?.behind ?? 0,
    overage_mismatched: overage?.mismatched ?? 0,
    showcase_task_given: showcase?.created ?? false,
  });
}
