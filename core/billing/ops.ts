/**
 * Operator changes to an org's plan (`npm run ops -- set-plan`, docs/decisions/014-operator-plan-changes.md).
 * The script writes D1 itself (wrangler d1 execute, local or remote, with the audit row), then
 * asks the Worker to push the org to its OrgHub through `POST /internal/ops/orgs/:id/sync`,
 * guarded by OPS_SECRET. Should that push fail, the cron sweep pushes every org changed since
 * the previous sweep, so new limits reach the hub within minutes either way.
 */
import { eq, gte, isNull, and } from 'drizzle-orm';
import { evictOrgKeysFromCache } from '../auth/api-keys';
import { timingSafeEqual } from '../auth/password';
import type { AppConfig } from '../config';
import type { Db } from '../db/client';
import { organizations } from '../db/schema';
import { ApiError } from '../errors';
import { log } from '../log';
import { syncOrgHub } from '../orgs';
import { effectivePlan } from '../plans';

/** Refuses a request without the operator secret: 404 when none is configured (the routes do not exist). */
export async function requireOpsSecret(config: Pick<AppConfig, 'OPS_SECRET'>, authorization: string | undefined) {
  if (!config.OPS_SECRET) throw new ApiError('not_found', 'Not found.');
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  const digest = async (value: string) =>
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)));
  if (!timingSafeEqual(await digest(given), await digest(config.OPS_SECRET)))
    throw new ApiError('unauthorized', 'The operator secret is missing or wrong.');
}

/** Pushes an org's current D1 row to its OrgHub (limits apply at once) and drops its cached keys. */
export async function pushOrgToHub(db: Db, env: Pick<Env, 'ORG_HUB' | 'KV'>, orgId: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
  if (!org || org.deletedAt) throw new ApiError('not_found', 'No such organization.');
  await syncOrgHub(env, org);
  await evictOrgKeysFromCache(db, env.KV, org.id);
  const { limits } = effectivePlan({ plan: org.plan, limits: org.planLimits });
  return {
    id: org.id,
    slug: org.slug,
    plan: org.plan,
    limits: { agents: limits.agents, agent_minutes_per_month: limits.agentMinutesPerMonth },
  };
}

/** The cron's safety net: pushes orgs whose row changed since `since` (bounded per sweep). */
export async function pushChangedOrgs(db: Db, env: Pick<Env, 'ORG_HUB'>, since: number, limit = 200) {
  const changed = await db
    .select()
    .from(organizations)
    .where(and(gte(organizations.updatedAt, since), isNull(organizations.deletedAt), eq(organizations.isDemo, false)))
    .limit(limit);
  let pushed = 0;
  for (const org of changed) {
    try {
      await syncOrgHub(env, org);
      pushed++;
    } catch (error) {
      log.warn('org_push_failed', { org_id: org.id, error: error instanceof Error ? error.message : 'unknown' });
    }
  }
  return pushed;
}
