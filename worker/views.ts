/** JSON shapes of platform records in API responses (snake_case; docs/architecture.md). */
import type { ApiKey } from '../core/auth/api-keys';
import type { Session } from '../core/auth/sessions';
import type { Role } from '../core/db/schema';
import type { Organization } from '../core/orgs';
import { effectivePlan, type PlanId } from '../core/plans';

const time = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
const limit = (value: number) => (Number.isFinite(value) ? value : null);

export function organizationView(
  org: Pick<Organization, 'id' | 'slug' | 'name' | 'plan'> & Partial<Organization>,
  role?: Role,
) {
  const plan = effectivePlan({ plan: org.plan as PlanId, limits: org.planLimits });
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    plan: org.plan,
    ...(org.subscriptionStatus !== undefined ? { subscription_status: org.subscriptionStatus } : {}),
    ...(org.trialEndsAt !== undefined ? { trial_ends_at: time(org.trialEndsAt) } : {}),
    ...(org.createdAt !== undefined ? { created_at: time(org.createdAt) } : {}),
    limits: {
      agents: limit(plan.limits.agents),
      agent_minutes_per_month: limit(plan.limits.agentMinutesPerMonth),
      concurrent_runs: limit(plan.limits.concurrentRuns),
      api_requests_per_minute: limit(plan.limits.apiRequestsPerMinute),
    },
    ...(role ? { role } : {}),
  };
}

export function apiKeyView(key: ApiKey, createdBy?: { name: string | null; email: string | null }) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    created_by: key.createdBy
      ? { id: key.createdBy, name: createdBy?.name ?? null, email: createdBy?.email ?? null }
      : null,
    created_at: time(key.createdAt),
    last_used_at: time(key.lastUsedAt),
    expires_at: time(key.expiresAt),
  };
}

export function sessionView(session: Session, currentId: string | null) {
  return {
    id: session.id,
    current: session.id === currentId,
    user_agent: session.userAgent,
    ip: session.ip,
    created_at: time(session.createdAt),
    last_seen_at: time(session.lastSeenAt),
    expires_at: time(session.expiresAt),
  };
}

export { time as isoTime };
