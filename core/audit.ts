/**
 * The audit log: sign-ins, failed sign-ins, member, role, key and org changes, and changes of
 * agents, schedules and connections (org views: org events only).
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from './db/client';
import { auditLog } from './db/schema';
import { newId } from './ids';
import type { RequestActor } from './tenant';

export type AuditAction =
  | 'auth.signed_up'
  | 'auth.signed_in'
  | 'auth.sign_in_failed'
  | 'auth.signed_out'
  | 'auth.other_sessions_revoked'
  | 'auth.password_reset_requested'
  | 'auth.password_reset'
  | 'auth.email_verified'
  | 'org.created'
  | 'org.updated'
  | 'org.deleted'
  | 'member.invited'
  | 'member.invitation_revoked'
  | 'member.joined'
  | 'member.role_changed'
  | 'member.removed'
  | 'member.left'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'credentials.updated'
  | 'demo.created'
  | 'demo.claimed'
  | 'billing.checkout_started'
  | 'billing.plan_changed'
  | 'billing.subscription_changed'
  | 'billing.trial_will_end'
  /** `npm run ops -- set-plan` (scripts/ops/set-plan.mjs writes it with the plan change). */
  | 'billing.plan_set_by_operator'
  | 'connection.created'
  | 'connection.deleted'
  | 'mcp.tool_called'
  /** Written by the OrgHub (best effort) for changes of what agents may do and when they work. */
  | 'agent.created'
  | 'agent.updated'
  | 'agent.deleted'
  | 'schedule.created'
  | 'schedule.updated'
  | 'schedule.deleted';

/** The audit actions an OrgHub writes (durable-objects/task-engine.ts `audit`). */
export type HubAuditAction = Extract<
  AuditAction,
  `agent.${string}` | `schedule.${string}` | `connection.${string}` | 'mcp.tool_called'
>;

export interface AuditEntry {
  organizationId: string | null;
  actor: RequestActor;
  action: AuditAction;
  target?: { type: string; id: string };
  ip?: string | null;
  metadata?: Record<string, unknown>;
}

export function auditInsert(db: Db, entry: AuditEntry) {
  return db.insert(auditLog).values({
    id: newId('aud'),
    organizationId: entry.organizationId,
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    ip: entry.ip ?? null,
    metadata: entry.metadata ?? null,
  });
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await auditInsert(db, entry);
}

/**
 * The org's own entries, newest first. Account events that belong to no org (sign-ins, failed
 * sign-ins, sign-outs, with their IPs) are not shown to an org's admins: they describe a
 * member's use of the whole product, including other orgs.
 */
export async function listAudit(db: Db, orgId: string, opts: { limit: number; before?: string }) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.organizationId, orgId), opts.before ? lt(auditLog.id, opts.before) : undefined))
    .orderBy(desc(auditLog.id))
    .limit(opts.limit);
}
